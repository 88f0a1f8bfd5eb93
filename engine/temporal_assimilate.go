package engine

import (
	"context"

	"pivsr/piv"
)

// assimilate refines the spatially filled kept snapshots whose input is
// sparse, once per pass: the kept snapshots around one, advected to its time
// and blended, give a prior that carries what they saw elsewhere in the flow;
// the snapshot's own vectors then correct it (the prior plus the spatial
// interpolant of its misfit at the measured nodes, which passes through
// them). Every snapshot of a pass uses the previous pass's estimates.
func (b *vorticityBox) assimilate(ctx context.Context, cfg TemporalConfig, times []float64, obs, filled []*piv.Field, missing []bool, passes int) error {
	for range passes {
		next := append([]*piv.Field(nil), filled...)
		for k, f := range obs {
			if missing[k] || f.NumValid() == f.Len() {
				continue
			}
			others := append([]bool(nil), missing...)
			others[k] = true
			p, q := keptNeighbours(others, k)
			prior, err := b.interpolate(ctx, times, filled, p, q, times[k], cfg.CFL)
			if err != nil {
				return err
			}
			misfit := f.Clone()
			for n := range misfit.U {
				misfit.U[n] -= prior.U[n]
				misfit.V[n] -= prior.V[n]
			}
			res, err := Run(ctx, cfg.Spatial, misfit, nil, nil)
			if err != nil {
				return err
			}
			for n := range prior.U {
				prior.U[n] += res.Field.U[n]
				prior.V[n] += res.Field.V[n]
			}
			next[k] = prior
		}
		copy(filled, next)
	}
	return nil
}
