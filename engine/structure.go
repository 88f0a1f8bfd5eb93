package engine

import (
	"fmt"
	"math"
	"math/rand/v2"

	"pivsr/models"
	"pivsr/piv"
)

// structurePrior is the second-order structure-function prior of the neural
// fit: S2(r) = mean_p |f(p + r) - f(p)|^2 of base plus correction, at the
// target spacings r = l h (l = 1..L, along x, y and the diagonal), is pulled
// towards the power law S2*(r) = C r^a fitted on the measured vectors at the
// separations they resolve, extrapolated to the sub-grid ones. The law's
// exponent is fitted ("fit"), or fixed at 2 ("smooth", the enstrophy-cascade
// range of 2D turbulence) or 2/3 ("k41", Kolmogorov's inertial range); C is
// always fitted, in log space, with the exponent fixed.
//
// Each step draws a patch of origins p among the target nodes whose shifted
// nodes all lie on the grid (the network is not periodic, so no wrapping).
type structurePrior struct {
	patch     int
	shifts    [][2]int // node offsets of the separations, in the batch's group order
	logTarget []float64
	target    piv.Grid
	norm      normalizer
	base      *piv.Field
	// Exponent and C of the law, in input units (S2 in velocity^2, r in
	// coordinate units), for reports.
	Exponent, C float64
}

// fitLags is the number of resolved lags per direction the law is fitted on;
// minPairs the pairs a lag needs to count as resolved.
const (
	fitLags  = 3
	minPairs = 16
)

// newStructurePrior fits the law on the measured vectors of input (those
// not held out) and prepares the targets on the target grid.
func newStructurePrior(nc NeuralConfig, input *piv.Field, holdout []bool, target piv.Grid, base *piv.Field, norm normalizer) (*structurePrior, error) {
	fitted := input
	if holdout != nil {
		fitted = input.Clone()
		fitted.Mask = make([]bool, input.Len())
		for k := range fitted.Mask {
			fitted.Mask[k] = input.Valid(k) && !holdout[k]
		}
	}
	maxLag := max(1, min(32, input.NX()/4, input.NY()/4))
	sf, err := piv.SecondOrderStructure(fitted, maxLag)
	if err != nil {
		return nil, fmt.Errorf("structure-function prior: %w", err)
	}
	var rs, s2s []float64
	for _, c := range []piv.S2Curve{sf.X, sf.Y, sf.Diagonal} {
		used := 0
		for l := range c.R {
			if used < fitLags && c.Pairs[l] >= minPairs && c.S2[l] > 0 {
				rs, s2s = append(rs, c.R[l]), append(s2s, c.S2[l])
				used++
			}
		}
	}
	exponent, _, err := piv.FitPowerLaw(rs, s2s)
	if err != nil {
		return nil, fmt.Errorf("structure-function prior: fitting the law on the input's resolved separations: %w", err)
	}
	switch nc.StructureLaw {
	case "smooth":
		exponent = 2
	case "k41":
		exponent = 2.0 / 3
	}
	var logC float64
	for i := range rs {
		logC += math.Log(s2s[i]) - exponent*math.Log(rs[i])
	}
	logC /= float64(len(rs))

	p := &structurePrior{patch: nc.StructurePatch, target: target, norm: norm, base: base, Exponent: exponent, C: math.Exp(logC)}
	dx, dy := math.Abs(target.DX()), math.Abs(target.DY())
	for _, dir := range [][2]int{{1, 0}, {0, 1}, {1, 1}} {
		for l := 1; l <= nc.StructureLags; l++ {
			p.shifts = append(p.shifts, [2]int{l * dir[0], l * dir[1]})
			r := math.Hypot(float64(l*dir[0])*dx, float64(l*dir[1])*dy)
			// In normalised velocities: S2 / vel^2.
			p.logTarget = append(p.logTarget, logC+exponent*math.Log(r)-2*math.Log(norm.vel))
		}
	}
	if target.NX() <= nc.StructureLags || target.NY() <= nc.StructureLags {
		return nil, fmt.Errorf("structure-function prior: %d lags need a target grid larger than %dx%d", nc.StructureLags, target.NX(), target.NY())
	}
	return p, nil
}

// draw fills the batch's structure-function points for a step.
func (p *structurePrior) draw(rng *rand.Rand, b *models.Batch) {
	groups := len(p.shifts) + 1
	n := groups * p.patch
	if len(b.SX) != n {
		b.SX, b.SY = make([]float64, n), make([]float64, n)
		b.SBaseU, b.SBaseV = make([]float64, n), make([]float64, n)
		b.SLogTarget = p.logTarget
	}
	maxShift := p.shifts[len(p.shifts)-1][0] // the diagonal's longest
	nx, ny := p.target.NX()-maxShift, p.target.NY()-maxShift
	for o := range p.patch {
		i, j := rng.IntN(nx), rng.IntN(ny)
		for g := range groups {
			di, dj := 0, 0
			if g > 0 {
				di, dj = p.shifts[g-1][0], p.shifts[g-1][1]
			}
			k, c := p.target.Index(i+di, j+dj), g*p.patch+o
			b.SX[c], b.SY[c] = p.norm.x(p.target.X[i+di]), p.norm.y(p.target.Y[j+dj])
			b.SBaseU[c], b.SBaseV[c] = p.base.U[k]/p.norm.vel, p.base.V[k]/p.norm.vel
		}
	}
}
