package baseline

import (
	"context"
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"pivsr/piv"
)

func cubic(x float64) float64 { return 0.3 - 1.2*x + 0.7*x*x - 0.25*x*x*x }

func TestSplineReproduces(t *testing.T) {
	uneven := []float64{-1, -0.7, 0, 0.2, 0.9, 1.5, 2}
	inside := []float64{-1, -0.85, -0.3, 0.1, 0.55, 1.2, 1.77, 2}
	outside := []float64{-1.6, -1.1, 2.3, 2.9}
	line := func(x float64) float64 { return 2 - 0.5*x }
	parabola := func(x float64) float64 { return 1 + x - 2*x*x }
	for _, tc := range []struct {
		name    string
		knots   []float64
		end     EndCondition
		fn      func(float64) float64
		targets []float64
		edge    EdgeMode
	}{
		{"not-a-knot cubic inside", uneven, NotAKnot, cubic, inside, Clamped},
		{"not-a-knot cubic extrapolated", uneven, NotAKnot, cubic, outside, Extrapolated},
		{"not-a-knot decreasing knots", reversed(uneven), NotAKnot, cubic, append(inside, outside...), Extrapolated},
		{"natural line extrapolated", uneven, Natural, line, append(inside, outside...), Extrapolated},
		{"three knots give the parabola", []float64{0, 0.4, 1.5}, NotAKnot, parabola, []float64{-1, 0.2, 0.9, 3}, Extrapolated},
		{"two knots give the line", []float64{0, 1}, NotAKnot, line, []float64{-1, 0.3, 2}, Extrapolated},
		{"one knot gives a constant", []float64{0.5}, NotAKnot, func(float64) float64 { return 3 }, []float64{-1, 2}, Extrapolated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := splineWeights(tc.knots, tc.targets, tc.end, tc.edge)
			if err != nil {
				t.Fatal(err)
			}
			got := mat.NewVecDense(len(tc.targets), nil)
			got.MulVec(s, mat.NewVecDense(len(tc.knots), apply(tc.fn, tc.knots)))
			for q, x := range tc.targets {
				if want := tc.fn(x); math.Abs(got.AtVec(q)-want) > 1e-12 {
					t.Errorf("at %v: %v, want %v", x, got.AtVec(q), want)
				}
			}
		})
	}
}

func TestSplineEndsAndEdges(t *testing.T) {
	knots := []float64{0, 0.5, 1.2, 2, 2.4, 3}
	y := []float64{1, -0.5, 0.7, 2, 1.1, 0.3}
	eval := func(end EndCondition, edge EdgeMode, x ...float64) []float64 {
		s, err := splineWeights(knots, x, end, edge)
		if err != nil {
			t.Fatal(err)
		}
		v := mat.NewVecDense(len(x), nil)
		v.MulVec(s, mat.NewVecDense(len(y), y))
		return v.RawVector().Data
	}
	for _, end := range []EndCondition{NotAKnot, Natural} {
		// Interpolation: the spline passes through every knot.
		for k, v := range eval(end, Clamped, knots...) {
			if math.Abs(v-y[k]) > 1e-13 {
				t.Errorf("%v: at knot %d got %v, want %v", end, k, v, y[k])
			}
		}
		// Clamped gives the end knots' values beyond them.
		if v := eval(end, Clamped, -0.7, 3.4); v[0] != y[0] || v[1] != y[len(y)-1] {
			t.Errorf("%v clamped: beyond the ends got %v, want %v and %v", end, v, y[0], y[len(y)-1])
		}
	}
	// Natural ends: zero second derivative at both end knots.
	const h = 1e-4
	for _, x0 := range []float64{0, 3} {
		v := eval(Natural, Extrapolated, x0-h, x0, x0+h)
		if d2 := (v[0] - 2*v[1] + v[2]) / (h * h); math.Abs(d2) > 1e-4 {
			t.Errorf("natural spline: second derivative %v at end %v, want 0", d2, x0)
		}
	}
	// Not-a-knot: the third derivative does not jump at the second knot
	// (it does at the third). S'' is linear within an interval and the
	// central second difference is exact for cubics.
	second := func(x float64) float64 {
		const e = 1e-3
		v := eval(NotAKnot, Clamped, x-e, x, x+e)
		return (v[0] - 2*v[1] + v[2]) / (e * e)
	}
	jump := func(x0 float64) float64 {
		const a = 0.05
		left := (second(x0-a) - second(x0-2*a)) / a
		right := (second(x0+2*a) - second(x0+a)) / a
		return math.Abs(right - left)
	}
	if j1, j2 := jump(0.5), jump(1.2); j1 > 1e-4 || j2 < 0.1 {
		t.Errorf("not-a-knot: third-derivative jump %v across knot 1 (want 0), %v across knot 2 (want > 0)", j1, j2)
	}
}

func TestBicubicReproducesBicubic(t *testing.T) {
	poly := func(x, y float64) (float64, float64) {
		return cubic(x) * (1 + y - 0.4*y*y*y), 2*x*x*y - y*y*y + 0.5
	}
	// A non-uniform 6 x 5 lattice; the target reaches beyond it.
	latX := []float64{0, 0.3, 0.5, 1.1, 1.4, 2}
	latY := []float64{-1, -0.2, 0.4, 0.5, 1}
	var x, y, u, v []float64
	for _, yy := range latY {
		for _, xx := range latX {
			uu, vv := poly(xx, yy)
			x, y, u, v = append(x, xx), append(y, yy), append(u, uu), append(v, vv)
		}
	}
	s, err := NewSamples(x, y, u, v, piv.Units{})
	if err != nil {
		t.Fatal(err)
	}
	target := piv.UniformGrid(23, 19, -0.2, -1.3, 0.1, 0.15)
	for _, edge := range []EdgeMode{Clamped, Extrapolated} {
		est, err := Bicubic{End: NotAKnot, Edge: edge}.Reconstruct(context.Background(), s, target)
		if err != nil {
			t.Fatal(err)
		}
		for j, yy := range target.Y {
			for i, xx := range target.X {
				inside := xx >= 0 && xx <= 2 && yy >= -1 && yy <= 1
				if !inside && edge == Clamped {
					// Constant beyond the lattice: the value at the
					// nearest point of its edge.
					xx, yy = min(max(xx, 0), 2), min(max(yy, -1), 1)
				}
				k := target.Index(i, j)
				wu, wv := poly(xx, yy)
				if math.Abs(est.U[k]-wu) > 1e-11 || math.Abs(est.V[k]-wv) > 1e-11 {
					t.Fatalf("%v at (%v, %v): (%v, %v), want (%v, %v)", edge, target.X[i], target.Y[j], est.U[k], est.V[k], wu, wv)
				}
			}
		}
	}
}

func TestBicubicPassesThroughSamples(t *testing.T) {
	truth := smoothField(piv.UniformGrid(33, 25, 0, 3, 0.1, -0.1))
	sparse, _ := piv.KeepEvery(truth, 4, 0, 0)
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Bicubic{{End: NotAKnot}, {End: Natural, Edge: Extrapolated}} {
		est, err := m.Reconstruct(context.Background(), s, truth.Grid)
		if err != nil {
			t.Fatal(err)
		}
		for k := range truth.U {
			if sparse.Valid(k) && (math.Abs(est.U[k]-truth.U[k]) > 1e-13 || math.Abs(est.V[k]-truth.V[k]) > 1e-13) {
				t.Fatalf("%s misses the sample at %d", m.Name(), k)
			}
		}
		m2, err := piv.Evaluate(est, truth, piv.MetricOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if m2.NRMSE > 0.01 {
			t.Errorf("%s: NRMSE %v on a smooth field sampled every 4th node", m.Name(), m2.NRMSE)
		}
	}
}

func TestBicubicErrors(t *testing.T) {
	ctx := context.Background()
	lattice, err := NewSamples([]float64{0, 1, 0, 1}, []float64{0, 0, 1, 1}, []float64{1, 2, 3, 4}, []float64{0, 0, 0, 0}, piv.Units{})
	if err != nil {
		t.Fatal(err)
	}
	scattered, err := NewSamples([]float64{0, 1, 0.3}, []float64{0, 0, 1}, []float64{1, 2, 3}, []float64{0, 0, 0}, piv.Units{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (Bicubic{}).Reconstruct(ctx, scattered, piv.UniformGrid(4, 4, 0, 0, 0.25, 0.25)); err == nil {
		t.Error("scattered samples: no error")
	}
	if _, err := (Bicubic{}).Reconstruct(ctx, lattice, piv.UniformGrid(4, 4, 5, 5, 0.25, 0.25)); !errors.Is(err, errTargetOutside) {
		t.Errorf("target outside: got %v", err)
	}
	if _, err := (Bicubic{}).Reconstruct(ctx, lattice, piv.Grid{X: []float64{0, 0}, Y: []float64{0}}); err == nil {
		t.Error("invalid target grid: no error")
	}
	if _, err := (Bicubic{Edge: EdgeMode(7)}).Reconstruct(ctx, lattice, piv.UniformGrid(4, 4, 0, 0, 0.25, 0.25)); err == nil {
		t.Error("unknown edge mode: no error")
	}
}

func apply(fn func(float64) float64, x []float64) []float64 {
	y := make([]float64, len(x))
	for k, v := range x {
		y[k] = fn(v)
	}
	return y
}

func reversed(x []float64) []float64 {
	r := make([]float64, len(x))
	for k, v := range x {
		r[len(x)-1-k] = v
	}
	return r
}
