package piv

import (
	"fmt"
	"math"
)

// Metrics compares an estimated field with a ground truth on the same grid.
// Velocities of both are first divided by Scale, the truth's largest absolute
// velocity component over its valid vectors, so the figures are comparable
// across flows and match the published ones (velocities normalised to max 1).
type Metrics struct {
	// Scored is the number of vectors the data terms average over.
	Scored int
	// Scale is the truth's max |u| or |v| the velocities were divided by.
	Scale float64

	// Rec is the mean over scored vectors and both components of (û - u)^2.
	Rec float64
	// NRMSE is sqrt(sum |û - u|^2 / sum |u|^2) over scored vectors.
	NRMSE float64
	// AngularErrorDeg is the mean over scored vectors, in degrees, of
	// acos((û u + v̂ v + 1) / (sqrt(û^2 + v̂^2 + 1) sqrt(u^2 + v^2 + 1))),
	// the angle between the space-time vectors (u, v, 1), which stays finite
	// for vanishing velocities.
	AngularErrorDeg float64

	// MeanAbsDivergence is the mean |du/dx + dv/dy| of the estimate over the
	// scored nodes, and DivergenceToVorticity its rms(div) / rms(vorticity),
	// both from second-order differences (Gradients) of the normalised
	// estimate on the full grid. Coordinates are divided by half the longer
	// side of the domain, so the longer side spans 2 as a neural field's
	// [-1, 1] inputs do while the aspect ratio (and so the meaning of
	// divergence) is kept; the figures then do not change with resolution.
	// The ratio is independent of that choice (and +Inf for an irrotational
	// estimate). NaN for held-out scoring.
	MeanAbsDivergence, DivergenceToVorticity float64

	// SpectrumLogError is the mean over shells k = 1 .. min(nx, ny)/2 - 1 of
	// (ln Ê(k) - ln E(k))^2, the spectra (EnergySpectrum) taken over the
	// scored rectangle. The full grid is taken as periodic, as a DNS box is;
	// an interior (a border dropped) never is, so both fields are tapered
	// by a Hann window first, or the jump at its edges would swamp both
	// spectra at high wavenumbers alike and hide any difference. A shell empty
	// in both counts as 0, in one only as +Inf. NaN for held-out scoring, on
	// non-uniform grids and on grids too small to have such shells.
	SpectrumLogError float64
}

// MetricOptions selects the vectors a comparison scores.
type MetricOptions struct {
	// Border drops that many nodes on every side: the interior figures that
	// leave out the edges, where reconstructions and one-sided differences
	// are least accurate. 0 scores the full grid.
	Border int
	// Holdout, when non-nil, scores only the nodes where it is true (vectors
	// withheld from a fit). Only the data terms (Rec, NRMSE, AngularErrorDeg)
	// are computed then; the field terms are NaN.
	Holdout []bool
}

// Evaluate compares est with truth over the nodes where the truth is valid,
// inside the border, and held out when opt.Holdout is set. The estimate must
// be valid at every scored node.
func Evaluate(est, truth *Field, opt MetricOptions) (*Metrics, error) {
	if err := truth.Check(); err != nil {
		return nil, fmt.Errorf("truth: %w", err)
	}
	if err := est.Check(); err != nil {
		return nil, fmt.Errorf("estimate: %w", err)
	}
	if err := sameGrid(est.Grid, truth.Grid); err != nil {
		return nil, err
	}
	nx, ny, b := truth.NX(), truth.NY(), opt.Border
	if b < 0 || 2*b >= nx || 2*b >= ny {
		return nil, fmt.Errorf("border %d leaves no interior in a %d x %d grid", b, nx, ny)
	}
	if opt.Holdout != nil && len(opt.Holdout) != truth.Len() {
		return nil, fmt.Errorf("holdout mask has %d values, want %d", len(opt.Holdout), truth.Len())
	}

	m := &Metrics{Scale: maxAbsComponent(truth)}
	if m.Scale == 0 {
		return nil, fmt.Errorf("truth is zero everywhere: no scale to normalise velocities by")
	}
	var scored []int
	for j := b; j < ny-b; j++ {
		for i := b; i < nx-b; i++ {
			k := j*nx + i
			if !truth.Valid(k) || (opt.Holdout != nil && !opt.Holdout[k]) {
				continue
			}
			if !est.Valid(k) {
				return nil, fmt.Errorf("estimate is missing the scored vector at column %d, row %d", i, j)
			}
			scored = append(scored, k)
		}
	}
	if len(scored) == 0 {
		return nil, fmt.Errorf("no vector to score: the truth has no valid vector in the selected region")
	}
	m.Scored = len(scored)
	m.dataTerms(est, truth, scored)
	if opt.Holdout != nil {
		m.MeanAbsDivergence, m.DivergenceToVorticity, m.SpectrumLogError = math.NaN(), math.NaN(), math.NaN()
		return m, nil
	}
	if err := m.divergenceTerms(est, scored); err != nil {
		return nil, err
	}
	if b == 0 {
		m.SpectrumLogError = spectrumLogError(est, truth)
	} else {
		m.SpectrumLogError = spectrumLogError(hann(crop(est, b)), hann(crop(truth, b)))
	}
	return m, nil
}

func (m *Metrics) dataTerms(est, truth *Field, scored []int) {
	s := m.Scale
	var sqErr, sqTruth, angle float64
	for _, k := range scored {
		ue, ve := est.U[k]/s, est.V[k]/s
		ut, vt := truth.U[k]/s, truth.V[k]/s
		du, dv := ue-ut, ve-vt
		sqErr += du*du + dv*dv
		sqTruth += ut*ut + vt*vt
		// The angle between (ue, ve, 1) and (ut, vt, 1): the acos of their
		// normalised dot product, taken as atan2(|cross|, dot), which stays
		// accurate for small angles where acos loses half the digits.
		cx, cy, cz := ve-vt, ut-ue, ue*vt-ve*ut
		angle += math.Atan2(math.Sqrt(cx*cx+cy*cy+cz*cz), ue*ut+ve*vt+1)
	}
	n := float64(len(scored))
	m.Rec = sqErr / (2 * n)
	m.NRMSE = math.Sqrt(sqErr / sqTruth)
	m.AngularErrorDeg = angle / n * 180 / math.Pi
}

func (m *Metrics) divergenceTerms(est *Field, scored []int) error {
	g, err := Gradients(nil, est)
	if err != nil {
		return fmt.Errorf("estimate: %w", err)
	}
	half := 0.5 * max(math.Abs(est.X[len(est.X)-1]-est.X[0]), math.Abs(est.Y[len(est.Y)-1]-est.Y[0]))
	c := half / m.Scale // d/dx' of u/s with x' = x/half
	var absDiv, sqDiv, sqVort float64
	n := 0
	for _, k := range scored {
		div := c * (g.DUDX[k] + g.DVDY[k])
		vort := c * (g.DVDX[k] - g.DUDY[k])
		if math.IsNaN(div) || math.IsNaN(vort) {
			continue // an isolated estimated vector has no derivative
		}
		absDiv += math.Abs(div)
		sqDiv += div * div
		sqVort += vort * vort
		n++
	}
	if n == 0 {
		m.MeanAbsDivergence, m.DivergenceToVorticity = math.NaN(), math.NaN()
		return nil
	}
	m.MeanAbsDivergence = absDiv / float64(n)
	m.DivergenceToVorticity = math.Sqrt(sqDiv / sqVort)
	return nil
}

// spectrumLogError is NaN where a spectrum cannot be taken; a common velocity
// scale cancels in the log ratio, so the fields need no normalising.
func spectrumLogError(est, truth *Field) float64 {
	kmax := min(truth.NX(), truth.NY())/2 - 1
	if kmax < 1 {
		return math.NaN()
	}
	ee, err := EnergySpectrum(nil, est)
	if err != nil {
		return math.NaN()
	}
	et, err := EnergySpectrum(nil, truth)
	if err != nil {
		return math.NaN()
	}
	sum := 0.0
	for k := 1; k <= kmax; k++ {
		if ee[k] != et[k] {
			d := math.Log(ee[k]) - math.Log(et[k])
			sum += d * d
		}
	}
	return sum / float64(kmax)
}

// hann tapers f, in place, by the separable window
// sin^2(pi (i+1/2)/nx) sin^2(pi (j+1/2)/ny).
func hann(f *Field) *Field {
	nx, ny := f.NX(), f.NY()
	for j := 0; j < ny; j++ {
		wy := math.Pow(math.Sin(math.Pi*(float64(j)+0.5)/float64(ny)), 2)
		for i := 0; i < nx; i++ {
			w := wy * math.Pow(math.Sin(math.Pi*(float64(i)+0.5)/float64(nx)), 2)
			f.U[j*nx+i] *= w
			f.V[j*nx+i] *= w
		}
	}
	return f
}

// crop returns the sub-field without b nodes on each side, sharing nothing
// with f.
func crop(f *Field, b int) *Field {
	if b == 0 {
		return f
	}
	nx, ny := f.NX(), f.NY()
	g := NewField(Grid{X: append([]float64(nil), f.X[b:nx-b]...), Y: append([]float64(nil), f.Y[b:ny-b]...)})
	g.Units = f.Units
	if f.Mask != nil {
		g.Mask = make([]bool, g.Len())
	}
	w := nx - 2*b
	for j := b; j < ny-b; j++ {
		src, dst := j*nx+b, (j-b)*w
		copy(g.U[dst:dst+w], f.U[src:src+w])
		copy(g.V[dst:dst+w], f.V[src:src+w])
		if f.Mask != nil {
			copy(g.Mask[dst:dst+w], f.Mask[src:src+w])
		}
	}
	return g
}

// sameGrid checks that two grids have the same nodes, to rounding.
func sameGrid(a, b Grid) error {
	if a.NX() != b.NX() || a.NY() != b.NY() {
		return fmt.Errorf("grids differ in size: %d x %d and %d x %d (nx x ny)", a.NX(), a.NY(), b.NX(), b.NY())
	}
	for _, ax := range []struct {
		name string
		p, q []float64
	}{{"x", a.X, b.X}, {"y", a.Y, b.Y}} {
		tol := 1e-6 * math.Abs(meanStep(ax.p))
		for k := range ax.p {
			if math.Abs(ax.p[k]-ax.q[k]) > tol {
				return fmt.Errorf("grids differ at %s[%d]: %v and %v", ax.name, k, ax.p[k], ax.q[k])
			}
		}
	}
	return nil
}

func maxAbsComponent(f *Field) float64 {
	m := 0.0
	for k := range f.U {
		if f.Valid(k) {
			m = max(m, math.Abs(f.U[k]), math.Abs(f.V[k]))
		}
	}
	return m
}
