package baseline

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"pivsr/piv"
)

// taylorGreen is a solenoidal cellular flow on [0, 1]^2, two cells a side.
func taylorGreen(x, y float64) (float64, float64) {
	const k = 2 * math.Pi
	return math.Sin(k*x) * math.Cos(k*y), -math.Cos(k*x) * math.Sin(k*y)
}

func TestDivFreeIsDivergenceFree(t *testing.T) {
	// Scattered samples of a field that is not divergence-free: the
	// interpolant is anyway.
	s := scatteredSamples(t, 80, func(x, y float64) (float64, float64) { return x*x + y, math.Sin(3 * y) })
	f, err := DivFreeRBF{}.Fit(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	for q := 0; q < 50; q++ {
		x, y := 0.02*float64(q), math.Mod(0.37*float64(q), 1)
		uxp, _ := f.At(x+h, y)
		uxm, _ := f.At(x-h, y)
		_, vyp := f.At(x, y+h)
		_, vym := f.At(x, y-h)
		_, vxp := f.At(x+h, y)
		_, vxm := f.At(x-h, y)
		div := (uxp - uxm + vyp - vym) / (2 * h)
		grad := (math.Abs(uxp-uxm) + math.Abs(vyp-vym) + math.Abs(vxp-vxm)) / (2 * h)
		if math.Abs(div) > 1e-6*max(grad, 1) {
			t.Fatalf("divergence %v at (%v, %v), velocity gradients ~%v", div, x, y, grad)
		}
	}
}

func TestDivFreeTaylorGreen(t *testing.T) {
	// Every 4th vector of a 41 x 41 grid (an 11 x 11 lattice, 5 samples a
	// cell): the interpolant passes through them and recovers the flow.
	g := piv.UniformGrid(41, 41, 0, 0, 1.0/40, 1.0/40)
	truth := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			truth.U[g.Index(i, j)], truth.V[g.Index(i, j)] = taylorGreen(x, y)
		}
	}
	sparse, _ := piv.KeepEvery(truth, 4, 0, 0)
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	f, err := DivFreeRBF{}.Fit(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	for k := range s.X {
		u, v := f.At(s.X[k], s.Y[k])
		if math.Abs(u-s.U[k]) > 1e-6 || math.Abs(v-s.V[k]) > 1e-6 {
			t.Fatalf("sample %d: (%v, %v), want (%v, %v)", k, u, v, s.U[k], s.V[k])
		}
	}
	est, err := EvaluateOnGrid(context.Background(), f, g, s.Units)
	if err != nil {
		t.Fatal(err)
	}
	m, err := piv.Evaluate(est, truth, piv.MetricOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tps, _ := ThinPlate{}.Reconstruct(context.Background(), s, g)
	mt, _ := piv.Evaluate(tps, truth, piv.MetricOptions{})
	t.Logf("Taylor-Green: div-free RBF (shape %.2f) rec %.2e, div/vort %.1e; thin-plate rec %.2e, div/vort %.1e", f.Shape, m.Rec, m.DivergenceToVorticity, mt.Rec, mt.DivergenceToVorticity)
	if m.Rec > 1e-4 || m.Rec > mt.Rec {
		t.Errorf("div-free RBF rec %v, want < 1e-4 and below the thin-plate spline's %v", m.Rec, mt.Rec)
	}
	if m.DivergenceToVorticity > 0.01 {
		t.Errorf("div-free RBF: rms div / rms vort %v on the grid, want < 0.01", m.DivergenceToVorticity)
	}
}

func TestDivFreeLeaveOneOut(t *testing.T) {
	// Rippa's rule against refitting without each vector in turn, at a
	// fixed eps.
	s := scatteredSamples(t, 12, taylorGreen)
	b, _ := s.bounds()
	norm, _ := newNormalizer(b)
	cx, cy := norm.normalized(s)
	fit := func(skip int, loo bool) *DivFreeInterpolant {
		f := &DivFreeInterpolant{norm: norm, eps2: 9, Shape: 1}
		var rhs []float64
		for k := range cx {
			if k != skip {
				f.cx, f.cy = append(f.cx, cx[k]), append(f.cy, cy[k])
				rhs = append(rhs, s.U[k], s.V[k])
			}
		}
		if err := f.solve(mat.NewVecDense(len(rhs), rhs), loo); err != nil {
			t.Fatal(err)
		}
		return f
	}
	sum := 0.0
	for k := range cx {
		u, v := fit(k, false).At(s.X[k], s.Y[k])
		sum += (u-s.U[k])*(u-s.U[k]) + (v-s.V[k])*(v-s.V[k])
	}
	want := math.Sqrt(sum / float64(len(cx)))
	if got := fit(-1, true).LOOError; math.Abs(got-want) > 1e-8*want {
		t.Errorf("leave-one-out error %v by Rippa's rule, %v by refitting", got, want)
	}
}

func TestDivFreeChoosesBestCandidate(t *testing.T) {
	s := scatteredSamples(t, 50, taylorGreen)
	candidates := []float64{0.5, 1, 2}
	f, err := DivFreeRBF{Candidates: candidates}.Fit(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range candidates {
		g, err := DivFreeRBF{Candidates: []float64{c, c}}.Fit(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		if g.LOOError < f.LOOError {
			t.Errorf("shape %v has leave-one-out error %v, below the chosen shape %v's %v", c, g.LOOError, f.Shape, f.LOOError)
		}
	}
	// A patch smaller than the samples: the final fit uses them all.
	p, err := DivFreeRBF{Candidates: candidates, LOOSamples: 20}.Fit(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.cx) != s.Len() || math.IsNaN(p.LOOError) {
		t.Errorf("patch cross-validation: %d centres (want %d), LOO error %v", len(p.cx), s.Len(), p.LOOError)
	}
}

func TestDivFreeErrors(t *testing.T) {
	ctx := context.Background()
	grid := piv.UniformGrid(5, 5, 0, 0, 0.25, 0.25)
	two := scatteredSamples(t, 2, taylorGreen)
	one := scatteredSamples(t, 1, taylorGreen)
	for _, tc := range []struct {
		name string
		m    DivFreeRBF
		s    *Samples
	}{
		{"one vector", DivFreeRBF{}, one},
		{"negative shape", DivFreeRBF{Shape: -1}, two},
		{"bad candidate", DivFreeRBF{Candidates: []float64{1, math.NaN()}}, two},
		{"no candidates", DivFreeRBF{Candidates: []float64{}}, two},
		{"too many", DivFreeRBF{MaxVectors: 1}, two},
	} {
		if _, err := tc.m.Reconstruct(ctx, tc.s, grid); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
