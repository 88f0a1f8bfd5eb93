package engine

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"pivsr/models"
	"pivsr/models/spacetime"
	"pivsr/piv"
)

// The mfn temporal method fits one space-time multiplicative filter network
// f(x, y, t) to the whole series, as a zero-initialised correction of a
// classical base (linear interpolation in time, or the advection
// reconstruction): data at the kept snapshots' valid vectors (whose targets
// are the measurement minus the base there), a soft divergence penalty, and,
// with a positive physics weight, the vorticity-transport residual of base
// plus correction at random grid nodes at times inside the gaps. By default
// an envelope in time pins the correction to zero at the kept snapshots.
// The missing snapshots are the base plus the network there.
//
// The residual holds the series' own equation (cfg.Viscosity and
// cfg.Dissipation: a generated DNS records its hyperviscosity, drag and
// forcing): the Euler residual of a hyperviscous 32^2 DNS's own truth is
// about half its ω_t, and a field fitted to it came out 17x worse than linear
// interpolation. The base's residual holds every term (spectrally, with the
// DNS's 2/3-rule truncation); the correction's holds all but the
// hyperviscous one, which its finite-difference stencil cannot take.
//
// The default base is linear: there the residual alone moves the field
// towards the truth (decaying DNS, every other snapshot held out: 2-4x
// lower rec than linear interpolation at 32^2 and 64^2, 1.2x at 128^2 within
// the default steps). On the advection base the residual the blend leaves is
// mostly the mismatch of the two advected snapshots, which no correction
// vanishing at the kept times can remove, and the field makes that base
// worse: advect remains the default method.

// TemporalNeural are the settings of the mfn temporal method.
type TemporalNeural struct {
	// Base is the reconstruction the field corrects: "advect" (periodic
	// fields) or "linear".
	Base    string
	Backend string // "auto", "go", "xla:cuda" or "xla:/path/plugin.so"
	Steps   int    // Adam steps
	Filters int    // filters of the network
	Hidden  int    // hidden width
	// SpaceBand and TimeBand are the network's input scales as fractions
	// of the grid's Nyquist frequency and of the series' (π over a snapshot
	// interval).
	SpaceBand, TimeBand float64
	LearningRate        float64
	// PhysicsWeight weights the vorticity-transport residual, relative to
	// the base's own mean squared residual (0: none).
	PhysicsWeight    float64
	DivergenceWeight float64 // weight of the correction's mean squared divergence
	DataBatch        int     // observed vectors per step
	Collocation      int     // collocation points per step
	Seed             uint64  // seeds the network and the batches
	// Anchor multiplies the network by an envelope in time that vanishes
	// at the kept snapshots, so the field equals the base there exactly
	// (the data term is then constant, and the physics cannot pull the kept
	// snapshots away); off, the data term holds them softly.
	Anchor bool
}

// DefaultTemporalNeural returns the mfn method's defaults: an anchored
// correction of linear interpolation, 300 steps of a 4-filter network of
// width 64, physics and divergence weights 1 (with the anchor, the data term
// is constant and only their ratio matters to Adam). 300 steps, not 600: on
// decaying DNS series the longer fit kept lowering the residual but drifted
// from the truth at 32^2 (2.3x lower rec than linear interpolation after 300
// steps, 1.6x after 600), while 64^2 went from 2.9x to 3.8x.
func DefaultTemporalNeural() TemporalNeural {
	return TemporalNeural{
		Base: "linear", Backend: "auto", Steps: 300, Filters: 4, Hidden: 64, SpaceBand: 0.5, TimeBand: 1,
		LearningRate: 5e-3, PhysicsWeight: 1, DivergenceWeight: 1, DataBatch: 2048, Collocation: 256, Seed: 1, Anchor: true,
	}
}

func (n TemporalNeural) check() error {
	switch {
	case n.Base != "advect" && n.Base != "linear":
		return fmt.Errorf("unknown base %q of the mfn method: want advect or linear", n.Base)
	case n.Steps < 0 || n.Filters < 1 || n.Hidden < 1 || n.DataBatch < 1 || n.Collocation < 1:
		return fmt.Errorf("mfn settings: %d steps, %d filters of width %d, batches of %d vectors and %d collocation points: want steps >= 0, the others >= 1",
			n.Steps, n.Filters, n.Hidden, n.DataBatch, n.Collocation)
	case !(n.LearningRate > 0) || !(n.SpaceBand > 0) || !(n.TimeBand > 0):
		return fmt.Errorf("mfn settings: learning rate %v, bands %v (space) and %v (time): want positive numbers", n.LearningRate, n.SpaceBand, n.TimeBand)
	case !(n.PhysicsWeight >= 0) || !(n.DivergenceWeight >= 0) || math.IsInf(n.PhysicsWeight+n.DivergenceWeight, 0):
		return fmt.Errorf("mfn weights %v (physics) and %v (divergence): want finite numbers >= 0", n.PhysicsWeight, n.DivergenceWeight)
	}
	return nil
}

// TemporalFit reports the mfn method's training.
type TemporalFit struct {
	Backend     string           // the compute backend, in words
	Steps       int              // Adam steps taken
	First, Last spacetime.Losses // the first and last steps' loss terms
	Seconds     float64          // training time
}

// spaceTimeCorrection is the trained field, evaluated at the missing
// snapshots' grid nodes.
type spaceTimeCorrection struct {
	fit  TemporalFit
	u, v map[int][]float64
}

// apply returns base plus the correction of snapshot k.
func (c *spaceTimeCorrection) apply(base *piv.Field, k int) *piv.Field {
	out := base.Clone()
	for q := range out.U {
		out.U[q] += c.u[k][q]
		out.V[q] += c.v[k][q]
	}
	return out
}

// fitSpaceTime trains the space-time field on the series (kept snapshots
// spatially filled in filled) and evaluates it at the missing snapshots.
// box is the periodic vorticity box, nil when neither the base nor the
// physics term needs it.
func fitSpaceTime(ctx context.Context, cfg TemporalConfig, series *piv.Series, filled []*piv.Field, missing []bool, box *vorticityBox, started Started, emit func(Event)) (*spaceTimeCorrection, error) {
	nc := cfg.Neural
	g := filled[firstKeptSnapshot(missing)].Grid
	times := series.T
	// Observations: the kept snapshots' valid vectors, minus the base there
	// (the filled snapshot itself).
	obs := &spacetime.Observations{}
	speed := 0.0
	for k, f := range series.Frames {
		if missing[k] {
			continue
		}
		for j, y := range g.Y {
			for i, x := range g.X {
				q := g.Index(i, j)
				speed = math.Max(speed, math.Hypot(filled[k].U[q], filled[k].V[q]))
				if !f.Valid(q) {
					continue
				}
				obs.X, obs.Y, obs.T = append(obs.X, x), append(obs.Y, y), append(obs.T, times[k])
				obs.U, obs.V = append(obs.U, f.U[q]-filled[k].U[q]), append(obs.V, f.V[q]-filled[k].V[q])
			}
		}
	}
	sc, err := spacetime.NewScales(g.X[0], g.X[len(g.X)-1], g.Y[0], g.Y[len(g.Y)-1], times[0], times[len(times)-1], speed)
	if err != nil {
		return nil, fmt.Errorf("mfn: %w", err)
	}
	h := math.Min(math.Abs(g.DX()), math.Abs(g.DY()))
	gap := math.Inf(1)
	for k := 1; k < len(times); k++ {
		gap = math.Min(gap, times[k]-times[k-1])
	}
	fc := spacetime.DefaultFitConfig()
	fc.Steps, fc.DataBatch, fc.CollocationBatch, fc.LearningRate = nc.Steps, nc.DataBatch, nc.Collocation, nc.LearningRate
	fc.PhysicsWeight, fc.DivergenceWeight, fc.Viscosity, fc.Seed = nc.PhysicsWeight, nc.DivergenceWeight, cfg.Viscosity, nc.Seed
	fc.Drag = cfg.Dissipation.Drag
	// The stencil differentiates the network, a continuous field: a step
	// well below the grid's keeps its truncation error small next to the
	// spectral derivatives of the base it is added to.
	fc.Spacing, fc.TimeStep = h/4, gap/8
	if nc.Anchor {
		fc.Envelope = keptEnvelope(times, missing)
		// The observations are all at kept times, where the envelope
		// vanishes: the data term is constant, and one vector keeps it
		// reported without spending the step on it.
		fc.DataBatch = 1
	}
	var col *spacetime.Collocation
	if nc.PhysicsWeight > 0 {
		if col, err = box.collocation(ctx, g, times, filled, missing, nc.Base == "advect", cfg.CFL, cfg.Viscosity, cfg.Dissipation); err != nil {
			return nil, fmt.Errorf("mfn: the base's residual: %w", err)
		}
	} else if nc.DivergenceWeight > 0 {
		col = divergenceCollocation(g, times, missing)
	}

	backend, desc, err := models.NewBackend(nc.Backend)
	if err != nil {
		return nil, fmt.Errorf("mfn: %w", err)
	}
	started.Backend = desc
	emit(started)
	ncfg := spacetime.DefaultConfig()
	ncfg.Filters, ncfg.Hidden, ncfg.Seed = nc.Filters, nc.Hidden, nc.Seed
	ncfg.SpaceScale = nc.SpaceBand * math.Pi / (h * sc.Space)
	ncfg.TimeScale = nc.TimeBand * math.Pi / (gap * sc.Time)
	ncfg.OutputScale = keptChange(filled, missing) / speed
	net, err := spacetime.NewNetwork(ncfg)
	if err != nil {
		return nil, fmt.Errorf("mfn: %w", err)
	}
	start := time.Now()
	first, last, err := spacetime.Fit(ctx, backend, net, sc, obs, col, fc, func(step int, l spacetime.Losses) {
		emit(Progress{Step: step + 1, Steps: nc.Steps, Validation: math.NaN(), LearningRate: nc.LearningRate, Terms: []Term{
			{Name: "data", Value: l.Data, Weight: 1},
			{Name: "physics", Value: l.Physics, Weight: nc.PhysicsWeight},
			{Name: "divergence", Value: l.Divergence, Weight: nc.DivergenceWeight},
		}})
	})
	if err != nil {
		return nil, fmt.Errorf("mfn: %w", err)
	}
	c := &spaceTimeCorrection{fit: TemporalFit{Backend: desc, Steps: nc.Steps, First: first, Last: last, Seconds: time.Since(start).Seconds()},
		u: map[int][]float64{}, v: map[int][]float64{}}
	var px, py, pt []float64
	var ks []int
	for k := range times {
		if !missing[k] {
			continue
		}
		ks = append(ks, k)
		for _, y := range g.Y {
			for _, x := range g.X {
				px, py, pt = append(px, x), append(py, y), append(pt, times[k])
			}
		}
	}
	u, v, err := net.Predict(backend, sc, fc.Envelope, px, py, pt)
	if err != nil {
		return nil, fmt.Errorf("mfn: %w", err)
	}
	n := g.Len()
	for i, k := range ks {
		c.u[k], c.v[k] = u[i*n:(i+1)*n], v[i*n:(i+1)*n]
	}
	return c, nil
}

// keptChange returns the rms change between consecutive kept snapshots (1
// with none): the scale of the base's errors in time, and so of the
// correction.
func keptChange(filled []*piv.Field, missing []bool) float64 {
	var sum float64
	n, prev := 0, -1
	for k := range filled {
		if missing[k] {
			continue
		}
		if prev >= 0 {
			a, b := filled[prev], filled[k]
			for q := range a.U {
				du, dv := b.U[q]-a.U[q], b.V[q]-a.V[q]
				sum += du*du + dv*dv
				n++
			}
		}
		prev = k
	}
	if n == 0 || !(sum > 0) {
		return 1
	}
	return math.Sqrt(sum / float64(n))
}

// divergenceCollocation returns every grid node at the lattice times, with
// a zero base: the divergence term alone needs no base quantities.
func divergenceCollocation(g piv.Grid, times []float64, missing []bool) *spacetime.Collocation {
	col := &spacetime.Collocation{}
	for _, t := range latticeTimes(times, missing) {
		for _, y := range g.Y {
			for _, x := range g.X {
				col.X, col.Y, col.T = append(col.X, x), append(col.Y, y), append(col.T, t)
			}
		}
	}
	n := len(col.X)
	col.R, col.U, col.V, col.WX, col.WY = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	return col
}

// keptEnvelope returns sin(π s) between kept snapshots, s the fraction of
// their interval elapsed: zero at every kept snapshot, one midway. Before
// the first and after the last it rises to one over half the first and last
// intervals. There are at least two kept snapshots.
func keptEnvelope(times []float64, missing []bool) spacetime.Envelope {
	var kept []float64
	for k, t := range times {
		if !missing[k] {
			kept = append(kept, t)
		}
	}
	edge := func(d, gap float64) float64 {
		return math.Sin(math.Pi / 2 * math.Min(1, 2*d/gap))
	}
	n := len(kept)
	return func(t float64) float64 {
		switch {
		case t <= kept[0]:
			return edge(kept[0]-t, kept[1]-kept[0])
		case t >= kept[n-1]:
			return edge(t-kept[n-1], kept[n-1]-kept[n-2])
		}
		i := sort.SearchFloat64s(kept, t) // kept[i-1] < t <= kept[i]
		return math.Sin(math.Pi * (t - kept[i-1]) / (kept[i] - kept[i-1]))
	}
}
