package baseline

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"pivsr/piv"
)

// DefaultMaxTPSVectors bounds the dense (N+3)^2 thin-plate system: 8192
// vectors need 0.5 GB and a few seconds per factorisation.
const DefaultMaxTPSVectors = 8192

// ThinPlate interpolates scattered samples, each component separately, with
// the thin-plate spline
//
//	s(p) = a0 + a1 x + a2 y + sum_k w_k phi(|p - p_k|),  phi(r) = r^2 log r,
//
// the weights orthogonal to affine functions (sum w_k = sum w_k x_k =
// sum w_k y_k = 0). It minimises the bending energy among interpolants and
// reproduces affine fields exactly. Positions are normalised (see
// normalizer) before solving; the spline itself does not depend on that
// choice, its conditioning does.
type ThinPlate struct {
	// Smoothing, when positive, adds Smoothing times the identity to the
	// kernel matrix: the spline then approximates noisy data instead of
	// passing through it. It is in the units of phi over normalised
	// positions, whose values are O(1). 0 interpolates.
	Smoothing float64
	// MaxVectors caps the number of samples (0: DefaultMaxTPSVectors).
	MaxVectors int
}

// Name is "tps", or "tps-smoothed".
func (m ThinPlate) Name() string {
	if m.Smoothing > 0 {
		return "tps-smoothed"
	}
	return "tps"
}

// ThinPlateSpline is a fitted thin-plate spline for both components.
type ThinPlateSpline struct {
	norm   normalizer
	cx, cy []float64 // normalised centres
	wu, wv []float64
	au, av [3]float64
}

// Fit solves the thin-plate system once, one LU factorisation for both
// components.
func (m ThinPlate) Fit(ctx context.Context, s *Samples) (*ThinPlateSpline, error) {
	b, err := s.bounds()
	if err != nil {
		return nil, err
	}
	if !(m.Smoothing >= 0) || math.IsInf(m.Smoothing, 0) {
		return nil, fmt.Errorf("thin-plate smoothing must be finite and non-negative, got %v", m.Smoothing)
	}
	n := s.Len()
	if limit := cmpOr(m.MaxVectors, DefaultMaxTPSVectors); n > limit {
		return nil, fmt.Errorf("thin-plate spline over %d vectors exceeds the limit of %d (dense system): subsample or raise MaxVectors", n, limit)
	}
	if n < 3 {
		return nil, fmt.Errorf("a thin-plate spline needs at least 3 non-collinear vectors, got %d", n)
	}
	norm, err := newNormalizer(b)
	if err != nil {
		return nil, err
	}
	t := &ThinPlateSpline{norm: norm}
	t.cx, t.cy = norm.normalized(s)
	if err := checkNotCollinear(t.cx, t.cy); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// [K + λI  P; Pᵀ 0] [w; a] = [f; 0], P = [1 x y].
	a := mat.NewDense(n+3, n+3, nil)
	for i := 0; i < n; i++ {
		a.Set(i, i, m.Smoothing)
		for j := 0; j < i; j++ {
			dx, dy := t.cx[i]-t.cx[j], t.cy[i]-t.cy[j]
			k := thinPlate(dx*dx + dy*dy)
			a.Set(i, j, k)
			a.Set(j, i, k)
		}
		for c, p := range [3]float64{1, t.cx[i], t.cy[i]} {
			a.Set(i, n+c, p)
			a.Set(n+c, i, p)
		}
	}
	rhs := mat.NewDense(n+3, 2, nil)
	for i := 0; i < n; i++ {
		rhs.Set(i, 0, s.U[i])
		rhs.Set(i, 1, s.V[i])
	}
	var lu mat.LU
	lu.Factorize(a)
	var sol mat.Dense
	if err := lu.SolveTo(&sol, false, rhs); err != nil {
		var c mat.Condition
		if errors.As(err, &c) {
			return nil, fmt.Errorf("thin-plate system is singular to working precision (condition %.3g): samples too close together or degenerate", float64(c))
		}
		return nil, fmt.Errorf("thin-plate system: %w", err)
	}
	t.wu, t.wv = mat.Col(nil, 0, sol.Slice(0, n, 0, 2)), mat.Col(nil, 1, sol.Slice(0, n, 0, 2))
	for c := 0; c < 3; c++ {
		t.au[c], t.av[c] = sol.At(n+c, 0), sol.At(n+c, 1)
	}
	return t, nil
}

// Reconstruct fits the spline and evaluates it on target.
func (m ThinPlate) Reconstruct(ctx context.Context, s *Samples, target piv.Grid) (*piv.Field, error) {
	if _, err := checkTarget(s, target); err != nil {
		return nil, err
	}
	t, err := m.Fit(ctx, s)
	if err != nil {
		return nil, err
	}
	return EvaluateOnGrid(ctx, t, target, s.Units)
}

// At evaluates the spline at (x, y), in the samples' coordinates.
func (t *ThinPlateSpline) At(x, y float64) (u, v float64) {
	px, py := t.norm.apply(x, y)
	u = t.au[0] + t.au[1]*px + t.au[2]*py
	v = t.av[0] + t.av[1]*px + t.av[2]*py
	for k, cx := range t.cx {
		dx, dy := px-cx, py-t.cy[k]
		phi := thinPlate(dx*dx + dy*dy)
		u += t.wu[k] * phi
		v += t.wv[k] * phi
	}
	return u, v
}

// thinPlate is phi(r) = r^2 log r as a function of r2 = r^2, with phi(0) = 0.
func thinPlate(r2 float64) float64 {
	if r2 == 0 {
		return 0
	}
	return 0.5 * r2 * math.Log(r2)
}

// checkNotCollinear reports points that all lie on one line (to rounding),
// for which the affine part is not determined: the ratio of the small to the
// large eigenvalue of their covariance must exceed 1e-12.
func checkNotCollinear(x, y []float64) error {
	n := float64(len(x))
	var mx, my float64
	for k := range x {
		mx += x[k]
		my += y[k]
	}
	mx, my = mx/n, my/n
	var sxx, syy, sxy float64
	for k := range x {
		dx, dy := x[k]-mx, y[k]-my
		sxx += dx * dx
		syy += dy * dy
		sxy += dx * dy
	}
	tr, det := sxx+syy, sxx*syy-sxy*sxy
	if !(det > 1e-12*tr*tr) {
		return fmt.Errorf("the %d samples lie on one line: their affine trend across it is undetermined", len(x))
	}
	return nil
}

// cmpOr returns v, or def when v is zero or negative.
func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
