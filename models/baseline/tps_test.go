package baseline

import (
	"context"
	"errors"
	"math"
	"testing"

	"pivsr/piv"
)

func affine(x, y float64) (float64, float64) { return 0.5 + 2*x - 3*y, -1 + 0.25*x + y }

func TestThinPlateReproducesAffine(t *testing.T) {
	s := scatteredSamples(t, 40, affine)
	target := piv.UniformGrid(21, 17, -0.1, -0.1, 0.06, 0.075)
	for _, m := range []ThinPlate{{}, {Smoothing: 0.1}} {
		est, err := m.Reconstruct(context.Background(), s, target)
		if err != nil {
			t.Fatal(err)
		}
		for j, y := range target.Y {
			for i, x := range target.X {
				k := target.Index(i, j)
				wu, wv := affine(x, y)
				if math.Abs(est.U[k]-wu) > 1e-9 || math.Abs(est.V[k]-wv) > 1e-9 {
					t.Fatalf("%s at (%v, %v): (%v, %v), want (%v, %v)", m.Name(), x, y, est.U[k], est.V[k], wu, wv)
				}
			}
		}
	}
}

func TestThinPlateInterpolates(t *testing.T) {
	wavy := func(x, y float64) (float64, float64) { return math.Sin(5*x) * math.Cos(3*y), math.Exp(x * y) }
	s := scatteredSamples(t, 60, wavy)
	for _, tc := range []struct {
		smoothing float64
		exact     bool
	}{{0, true}, {1e-3, false}} {
		f, err := ThinPlate{Smoothing: tc.smoothing}.Fit(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		maxDev := 0.0
		for k := range s.X {
			u, v := f.At(s.X[k], s.Y[k])
			maxDev = max(maxDev, math.Abs(u-s.U[k]), math.Abs(v-s.V[k]))
		}
		if tc.exact && maxDev > 1e-9 {
			t.Errorf("exact spline misses a sample by %v", maxDev)
		}
		if !tc.exact && (maxDev < 1e-6 || maxDev > 0.1) {
			t.Errorf("smoothing %v: largest deviation from the samples %v, want small but nonzero", tc.smoothing, maxDev)
		}
	}
}

func TestThinPlateSmoothFieldAndUnits(t *testing.T) {
	// A smooth field sampled every 4th node, in metres and in millimetres:
	// the spline does not depend on the units of length.
	g := piv.UniformGrid(33, 33, 0, 0, 0.1, 0.1)
	truth := smoothField(g)
	sparse, _ := piv.KeepEvery(truth, 4, 0, 0)
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	est, err := ThinPlate{}.Reconstruct(context.Background(), s, g)
	if err != nil {
		t.Fatal(err)
	}
	m, err := piv.Evaluate(est, truth, piv.MetricOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.NRMSE > 0.02 {
		t.Errorf("NRMSE %v on a smooth field sampled every 4th node, want < 0.02", m.NRMSE)
	}
	mm := &Samples{X: scale(s.X, 1000), Y: scale(s.Y, 1000), U: s.U, V: s.V}
	gmm := piv.Grid{X: scale(g.X, 1000), Y: scale(g.Y, 1000)}
	estmm, err := ThinPlate{}.Reconstruct(context.Background(), mm, gmm)
	if err != nil {
		t.Fatal(err)
	}
	for k := range est.U {
		if math.Abs(est.U[k]-estmm.U[k]) > 1e-9 || math.Abs(est.V[k]-estmm.V[k]) > 1e-9 {
			t.Fatalf("node %d: (%v, %v) in m, (%v, %v) in mm", k, est.U[k], est.V[k], estmm.U[k], estmm.V[k])
		}
	}
}

func TestThinPlateErrors(t *testing.T) {
	ctx := context.Background()
	grid := piv.UniformGrid(5, 5, 0, 0, 0.25, 0.25)
	mustSamples := func(x, y []float64) *Samples {
		s, err := NewSamples(x, y, make([]float64, len(x)), make([]float64, len(x)), piv.Units{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name string
		m    ThinPlate
		s    *Samples
		g    piv.Grid
	}{
		{"two points", ThinPlate{}, mustSamples([]float64{0, 1}, []float64{0, 1}), grid},
		{"collinear", ThinPlate{}, mustSamples([]float64{0, 0.5, 1, 0.25}, []float64{0, 0.5, 1, 0.25}), grid},
		{"negative smoothing", ThinPlate{Smoothing: -1}, mustSamples([]float64{0, 1, 0}, []float64{0, 0, 1}), grid},
		{"too many", ThinPlate{MaxVectors: 2}, mustSamples([]float64{0, 1, 0}, []float64{0, 0, 1}), grid},
		{"target outside", ThinPlate{}, mustSamples([]float64{0, 1, 0}, []float64{0, 0, 1}), piv.UniformGrid(3, 3, -5, -5, 0.1, 0.1)},
	} {
		if _, err := tc.m.Reconstruct(ctx, tc.s, tc.g); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := (ThinPlate{}).Reconstruct(ctx, &Samples{}, grid); !errors.Is(err, piv.ErrNoValidVectors) {
		t.Errorf("no samples: got %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := (ThinPlate{}).Reconstruct(cancelled, mustSamples([]float64{0, 1, 0}, []float64{0, 0, 1}), grid); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}

func scale(x []float64, c float64) []float64 {
	y := make([]float64, len(x))
	for k, v := range x {
		y[k] = c * v
	}
	return y
}
