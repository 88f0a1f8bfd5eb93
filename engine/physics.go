package engine

import (
	"fmt"
	"math"

	"pivsr/models"
	"pivsr/models/baseline"
	"pivsr/piv"
)

// physicsVariant sets the network and training settings of the optional
// physics: the stream-function network, and the smoothness term's weight
// and spacing (the target grid's, normalised, so its stencil lands on grid
// nodes where the base's vorticity is known).
func physicsVariant(nc NeuralConfig, mcfg *models.Config, tcfg *models.TrainConfig, norm normalizer, target piv.Grid) {
	mcfg.StreamFunction = nc.StreamFunction
	tcfg.SmoothnessWeight = nc.SmoothnessWeight
	tcfg.SmoothnessSpacing = [2]float64{math.Abs(target.DX()) / norm.half, math.Abs(target.DY()) / norm.half}
}

// prepareSmoothness computes the base's vorticity gradient and gives the
// batch room for it, when the smoothness term is on.
func (t *training) prepareSmoothness() error {
	if t.nc.SmoothnessWeight == 0 || t.nc.Collocation == 0 {
		return nil
	}
	// A periodic target short of a whole period (-scale ends on the last
	// input node) does not wrap onto its first node.
	wraps := t.n.boundary == "periodic" && wholePeriod(t.base.Grid, t.j.samples)
	g, err := baseVorticityGradient(t.base, wraps, t.norm)
	if err != nil {
		return err
	}
	t.baseVortGrad = g
	t.batch.BaseVorticityGradX, t.batch.BaseVorticityGradY = make([]float64, t.nc.Collocation), make([]float64, t.nc.Collocation)
	return nil
}

// wholePeriod reports whether target is one whole period of the periodic
// samples s, node for node, so that differences may wrap around it.
func wholePeriod(target piv.Grid, s *baseline.Samples) bool {
	p, err := baseline.DetectPeriodicity(s)
	if err != nil || !target.IsUniform(1e-3) {
		return false
	}
	spans := func(n int, h, period float64) bool {
		return math.Abs(float64(n)*math.Abs(h)-math.Abs(period)) < 1e-6*math.Abs(period)
	}
	return spans(target.NX(), target.DX(), p.PeriodX) && spans(target.NY(), target.DY(), p.PeriodY)
}

// baseVorticityGradient is the base's vorticity gradient at each node of its
// grid, in normalised units, as the forward difference the smoothness term
// takes of the network (models.SmoothnessLoss): toward the next node in
// increasing x (and y), wrapping around the grid when it is one whole period
// (periodic); else, at the far edge, from the previous node. The vorticity
// itself is by central differences, wrapped on a periodic grid (one-sided
// edge stencils, divided once more by the spacing, would dominate there),
// piv.Gradients' on another (non-finite values count as 0).
func baseVorticityGradient(base *piv.Field, periodic bool, norm normalizer) ([2][]float64, error) {
	var omega []float64
	if periodic {
		omega = periodicVorticity(base)
	} else {
		g, err := piv.Gradients(nil, base)
		if err != nil {
			return [2][]float64{}, fmt.Errorf("mfn base vorticity: %w", err)
		}
		omega = g.Vorticity(nil)
	}
	for k, w := range omega {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			omega[k] = 0
		}
	}
	// diff is the forward difference at node i of an axis of n nodes with
	// spacing h (signed: the next node in increasing coordinate is i+1 or
	// i-1); at(i) is the vorticity at node i.
	diff := func(i, n int, h float64, at func(int) float64) float64 {
		step := 1
		if h < 0 {
			step = -1
		}
		next := i + step
		switch {
		case next >= 0 && next < n:
			return (at(next) - at(i)) / math.Abs(h)
		case periodic:
			return (at((next+n)%n) - at(i)) / math.Abs(h)
		}
		return (at(i) - at(i-step)) / math.Abs(h)
	}
	scale := norm.half * norm.half / norm.vel
	out := [2][]float64{make([]float64, len(omega)), make([]float64, len(omega))}
	for jy := range base.NY() {
		for ix := range base.NX() {
			k := base.Index(ix, jy)
			out[0][k] = scale * diff(ix, base.NX(), base.DX(), func(i int) float64 { return omega[base.Index(i, jy)] })
			out[1][k] = scale * diff(jy, base.NY(), base.DY(), func(j int) float64 { return omega[base.Index(ix, j)] })
		}
	}
	return out, nil
}

// periodicVorticity is dv/dx - du/dy by central differences wrapped around
// the grid.
func periodicVorticity(f *piv.Field) []float64 {
	nx, ny := f.NX(), f.NY()
	omega := make([]float64, f.Len())
	for j := range ny {
		for i := range nx {
			e, w := f.Index((i+1)%nx, j), f.Index((i+nx-1)%nx, j)
			n, s := f.Index(i, (j+1)%ny), f.Index(i, (j+ny-1)%ny)
			omega[f.Index(i, j)] = (f.V[e]-f.V[w])/(2*f.DX()) - (f.U[n]-f.U[s])/(2*f.DY())
		}
	}
	return omega
}
