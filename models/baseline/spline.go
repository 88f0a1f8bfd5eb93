package baseline

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// EndCondition closes the system of a cubic interpolating spline at its two
// end knots.
type EndCondition int

const (
	// NotAKnot makes the third derivative continuous at the second and the
	// next-to-last knots, so the first two and the last two intervals are
	// each one cubic (MATLAB spline, SciPy CubicSpline's default). It
	// reproduces cubics exactly. Three knots give the parabola through them.
	NotAKnot EndCondition = iota
	// Natural sets the second derivative to zero at both end knots; it
	// reproduces straight lines only and bends toward them near the edges.
	Natural
)

func (e EndCondition) String() string {
	switch e {
	case NotAKnot:
		return "not-a-knot"
	case Natural:
		return "natural"
	}
	return fmt.Sprintf("EndCondition(%d)", int(e))
}

// EdgeMode says what a spline gives beyond its end knots.
type EdgeMode int

const (
	// Clamped gives the spline's value at the nearest end knot: constant
	// extrapolation, the safe choice (FITPACK's bispev does the same).
	Clamped EdgeMode = iota
	// Extrapolated continues the end intervals' cubics.
	Extrapolated
)

func (e EdgeMode) String() string {
	switch e {
	case Clamped:
		return "clamped"
	case Extrapolated:
		return "extrapolated"
	}
	return fmt.Sprintf("EdgeMode(%d)", int(e))
}

// splineWeights returns the len(targets) x len(knots) matrix S whose row t
// holds the weights of the knot values in the cubic spline's value at
// targets[t]: the interpolating spline is linear in the data, so applying S to
// any data vector evaluates its spline. knots must be strictly monotonic
// (either direction).
func splineWeights(knots, targets []float64, end EndCondition, edge EdgeMode) (*mat.Dense, error) {
	n := len(knots)
	if n >= 2 && knots[1] < knots[0] {
		// Work on increasing knots; reversing them reverses the columns.
		rev := slices.Clone(knots)
		slices.Reverse(rev)
		s, err := splineWeights(rev, targets, end, edge)
		if err != nil {
			return nil, err
		}
		out := mat.NewDense(len(targets), n, nil)
		for c := 0; c < n; c++ {
			out.SetCol(n-1-c, mat.Col(nil, c, s))
		}
		return out, nil
	}
	s := mat.NewDense(len(targets), n, nil)
	if n == 1 {
		for t := range targets {
			s.Set(t, 0, 1)
		}
		return s, nil
	}
	r, err := secondDerivativeMap(knots, end)
	if err != nil {
		return nil, err
	}
	row := make([]float64, n)
	for t, x := range targets {
		if edge == Clamped {
			x = min(max(x, knots[0]), knots[n-1])
		}
		i := interval(knots, x)
		h := knots[i+1] - knots[i]
		a := (knots[i+1] - x) / h
		b := 1 - a
		// S(x) = a y_i + b y_{i+1} + h^2/6 ((a^3 - a) M_i + (b^3 - b) M_{i+1}),
		// M = R y the knots' second derivatives.
		ca, cb := h*h/6*(a*a*a-a), h*h/6*(b*b*b-b)
		for c := range row {
			row[c] = ca*r.At(i, c) + cb*r.At(i+1, c)
		}
		row[i] += a
		row[i+1] += b
		s.SetRow(t, row)
	}
	return s, nil
}

// interval returns i with knots[i] <= x < knots[i+1], clamped to the first
// and last interval for x outside (so those cubics extend outward).
func interval(knots []float64, x float64) int {
	i, _ := slices.BinarySearch(knots, x)
	return min(max(i-1, 0), len(knots)-2)
}

// secondDerivativeMap returns the n x n matrix R mapping knot values y to the
// spline's second derivatives M = R y, from the continuity of the first
// derivative at the interior knots,
//
//	h_{i-1} M_{i-1} + 2 (h_{i-1} + h_i) M_i + h_i M_{i+1} = 6 (Δ_i - Δ_{i-1}),  Δ_i = (y_{i+1} - y_i) / h_i,
//
// closed by the end condition. Two knots give a straight line (M = 0).
func secondDerivativeMap(x []float64, end EndCondition) (*mat.Dense, error) {
	n := len(x)
	r := mat.NewDense(n, n, nil)
	if n == 2 {
		return r, nil
	}
	h := make([]float64, n-1)
	for i := range h {
		h[i] = x[i+1] - x[i]
	}
	if end == NotAKnot && n == 3 {
		// One parabola through the three knots: M is twice its leading
		// coefficient, the second divided difference.
		w := 2 / (h[0] + h[1])
		for i := 0; i < 3; i++ {
			r.SetRow(i, []float64{w / h[0], -w * (1/h[0] + 1/h[1]), w / h[1]})
		}
		return r, nil
	}
	a := mat.NewDense(n, n, nil)
	b := mat.NewDense(n, n, nil)
	for i := 1; i < n-1; i++ {
		a.Set(i, i-1, h[i-1])
		a.Set(i, i, 2*(h[i-1]+h[i]))
		a.Set(i, i+1, h[i])
		b.Set(i, i-1, 6/h[i-1])
		b.Set(i, i, -6/h[i-1]-6/h[i])
		b.Set(i, i+1, 6/h[i])
	}
	switch end {
	case Natural:
		a.Set(0, 0, 1)
		a.Set(n-1, n-1, 1)
	case NotAKnot:
		// Equal third derivatives, (M_{i+1} - M_i) / h_i, on both sides of
		// knots 1 and n-2.
		a.Set(0, 0, -h[1])
		a.Set(0, 1, h[0]+h[1])
		a.Set(0, 2, -h[0])
		a.Set(n-1, n-3, -h[n-2])
		a.Set(n-1, n-2, h[n-3]+h[n-2])
		a.Set(n-1, n-1, -h[n-3])
	default:
		return nil, fmt.Errorf("unknown spline end condition %d", int(end))
	}
	if err := r.Solve(a, b); err != nil {
		return nil, fmt.Errorf("spline system over %d knots: %w", n, err)
	}
	return r, nil
}
