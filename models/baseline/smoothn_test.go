package baseline

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"pivsr/piv"
)

func TestDCTConvention(t *testing.T) {
	for _, size := range [][2]int{{5, 4}, {8, 1}, {1, 6}, {7, 9}} {
		nx, ny := size[0], size[1]
		d := newDCT2(nx, ny)
		rng := rand.New(rand.NewPCG(1, uint64(nx*ny)))
		a := make([]float64, nx*ny)
		for k := range a {
			a[k] = rng.NormFloat64()
		}
		coef := append([]float64(nil), a...)
		d.forward(coef)
		// The orthonormal DCT-II, computed directly.
		basis := func(k, i, n int) float64 {
			if n == 1 {
				return 1
			}
			c := math.Sqrt(2 / float64(n))
			if k == 0 {
				c = math.Sqrt(1 / float64(n))
			}
			return c * math.Cos(math.Pi*float64(k)*(2*float64(i)+1)/(2*float64(n)))
		}
		scale := d.orthonormalScale()
		energy, coefEnergy := 0.0, 0.0
		for l := 0; l < ny; l++ {
			for k := 0; k < nx; k++ {
				want := 0.0
				for j := 0; j < ny; j++ {
					for i := 0; i < nx; i++ {
						want += a[j*nx+i] * basis(k, i, nx) * basis(l, j, ny)
					}
				}
				if got := coef[l*nx+k] * scale[l*nx+k]; math.Abs(got-want) > 1e-12 {
					t.Fatalf("%d x %d: orthonormal coefficient (%d, %d) %v, want %v", nx, ny, k, l, got, want)
				}
				coefEnergy += want * want
			}
		}
		back := append([]float64(nil), coef...)
		d.inverse(back)
		for k := range a {
			energy += a[k] * a[k]
			if math.Abs(back[k]-a[k]) > 1e-12 {
				t.Fatalf("%d x %d: inverse(forward(a))[%d] = %v, want %v", nx, ny, k, back[k], a[k])
			}
		}
		if math.Abs(energy-coefEnergy) > 1e-10*energy {
			t.Errorf("%d x %d: Parseval fails, %v vs %v", nx, ny, energy, coefEnergy)
		}
	}
}

// smoothnCase is a smooth field on a 32 x 24 grid with a rectangular hole.
func smoothnCase(t *testing.T) (truth, holed *piv.Field, hole []bool) {
	g := piv.UniformGrid(32, 24, 0, 0, 0.1, 0.1)
	truth = piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			truth.U[g.Index(i, j)] = math.Sin(x) + 0.3*y
			truth.V[g.Index(i, j)] = math.Cos(0.7*x) * math.Exp(-0.2*y)
		}
	}
	holed = truth.Clone()
	holed.EnsureMask()
	hole = make([]bool, g.Len())
	for j := 8; j < 15; j++ {
		for i := 10; i < 18; i++ {
			k := g.Index(i, j)
			holed.Mask[k], hole[k] = false, true
		}
	}
	return truth, holed, hole
}

func TestSmoothnFillsHole(t *testing.T) {
	truth, holed, hole := smoothnCase(t)
	for _, m := range []Smoothn{{}, {Exact: true}, {S: 1e-3, Exact: true}, {Robust: true}} {
		out, info, err := m.Smooth(context.Background(), holed)
		if err != nil {
			t.Fatal(err)
		}
		mh, err := piv.Evaluate(out, truth, piv.MetricOptions{Holdout: hole})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%+v: s %.3g, %d iterations (+%d CG), hole NRMSE %.2e", m, info.S, info.Iterations, info.CGIterations, mh.NRMSE)
		// Garcia's stopping rule ends the iteration early (see Exact).
		want := 0.05
		if m.Exact {
			want = 0.01
		}
		if mh.NRMSE > want {
			t.Errorf("%+v: NRMSE %v in the hole, want < %v", m, mh.NRMSE, want)
		}
	}
}

func TestSmoothnKeepsConstant(t *testing.T) {
	// A constant is in the penalty's null space: every variant returns it.
	_, holed, _ := smoothnCase(t)
	for k := range holed.U {
		holed.U[k], holed.V[k] = 2, -1
	}
	for _, m := range []Smoothn{{}, {S: 10}, {Exact: true}, {Robust: true}} {
		out, _, err := m.Smooth(context.Background(), holed)
		if err != nil {
			t.Fatal(err)
		}
		for k := range out.U {
			if math.Abs(out.U[k]-2) > 1e-9 || math.Abs(out.V[k]+1) > 1e-9 {
				t.Fatalf("%+v: node %d (%v, %v), want (2, -1)", m, k, out.U[k], out.V[k])
			}
		}
	}
}

func TestSmoothnExactMinimises(t *testing.T) {
	// Exact returns the minimiser of the penalised least squares objective:
	// no lower than the fixed-point result, and stationary.
	_, holed, _ := smoothnCase(t)
	const s = 0.5
	fixed, _, err := Smoothn{S: s}.Smooth(context.Background(), holed)
	if err != nil {
		t.Fatal(err)
	}
	exact, _, err := Smoothn{S: s, Exact: true}.Smooth(context.Background(), holed)
	if err != nil {
		t.Fatal(err)
	}
	p := newSmoothnProblem(holed)
	objective := func(z []float64, c int) float64 {
		j := 0.0
		for _, k := range p.data {
			j += (p.y[c][k] - z[k]) * (p.y[c][k] - z[k])
		}
		coef := append([]float64(nil), z...)
		p.dct.forward(coef)
		scale := p.dct.orthonormalScale()
		for k, l := range p.lambda {
			c := coef[k] * scale[k] * l
			j += s * c * c
		}
		return j
	}
	for c, pair := range [2][2][]float64{{fixed.U, exact.U}, {fixed.V, exact.V}} {
		jf, je := objective(pair[0], c), objective(pair[1], c)
		if je > jf*(1+1e-12) {
			t.Errorf("component %d: objective %v exact, %v fixed point", c, je, jf)
		}
		// Perturbing the exact minimiser in any direction raises J.
		z := append([]float64(nil), pair[1]...)
		for k := range z {
			z[k] += 1e-4 * math.Sin(float64(k))
		}
		if objective(z, c) < je {
			t.Errorf("component %d: a perturbation lowers the objective below the exact solution's", c)
		}
	}
}

func TestSmoothnGCVDenoises(t *testing.T) {
	truth, _, _ := smoothnCase(t)
	noisy, err := piv.AddNoise(truth, 0.05, 3)
	if err != nil {
		t.Fatal(err)
	}
	out, info, err := Smoothn{}.Smooth(context.Background(), noisy)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := piv.Evaluate(noisy, truth, piv.MetricOptions{})
	after, _ := piv.Evaluate(out, truth, piv.MetricOptions{})
	t.Logf("GCV s %.3g: NRMSE %.3g -> %.3g", info.S, before.NRMSE, after.NRMSE)
	if after.NRMSE > 0.5*before.NRMSE {
		t.Errorf("GCV smoothing of 5%% noise: NRMSE %v -> %v, want at least halved", before.NRMSE, after.NRMSE)
	}
}

func TestSmoothnRobust(t *testing.T) {
	// Noisy data with one outlier: GCV smooths, and the robust passes
	// discount the outlier.
	truth, _, _ := smoothnCase(t)
	bad, err := piv.AddNoise(truth, 0.02, 5)
	if err != nil {
		t.Fatal(err)
	}
	k := bad.Index(12, 12)
	bad.U[k] += 5
	plain, _, err := Smoothn{}.Smooth(context.Background(), bad)
	if err != nil {
		t.Fatal(err)
	}
	robust, _, err := Smoothn{Robust: true}.Smooth(context.Background(), bad)
	if err != nil {
		t.Fatal(err)
	}
	ep, er := math.Abs(plain.U[k]-truth.U[k]), math.Abs(robust.U[k]-truth.U[k])
	if er > 0.05 || er > 0.1*ep {
		t.Errorf("outlier of 5 at node %d: error %v plain, %v robust", k, ep, er)
	}
}

func TestSmoothnReconstruct(t *testing.T) {
	truth, _, _ := smoothnCase(t)
	sparse, _ := piv.KeepEvery(truth, 3, 1, 0)
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	est, err := Smoothn{Exact: true}.Reconstruct(context.Background(), s, truth.Grid)
	if err != nil {
		t.Fatal(err)
	}
	// The grid reaches a node beyond the samples on the left and two at
	// the top, where the penalty extrapolates.
	m, _ := piv.Evaluate(est, truth, piv.MetricOptions{})
	mi, _ := piv.Evaluate(est, truth, piv.MetricOptions{Border: 3})
	if m.NRMSE > 0.03 || mi.NRMSE > 0.005 {
		t.Errorf("NRMSE %v (interior %v) from every 3rd vector of a smooth field", m.NRMSE, mi.NRMSE)
	}
	// Off-node samples need Snap.
	off := &Samples{X: scale(s.X, 1), Y: s.Y, U: s.U, V: s.V}
	for k := range off.X {
		off.X[k] += 0.02 // a fifth of the spacing
	}
	if _, err := (Smoothn{}).Reconstruct(context.Background(), off, truth.Grid); err == nil || !strings.Contains(err.Error(), "Snap") {
		t.Errorf("off-node samples: got %v, want an error pointing to Snap", err)
	}
	snapped, err := Smoothn{Snap: true, Exact: true}.Reconstruct(context.Background(), off, truth.Grid)
	if err != nil {
		t.Fatal(err)
	}
	m, _ = piv.Evaluate(snapped, truth, piv.MetricOptions{})
	if m.NRMSE > 0.05 {
		t.Errorf("snapped samples: NRMSE %v", m.NRMSE)
	}
	if _, err := (Smoothn{S: -1}).Reconstruct(context.Background(), s, truth.Grid); err == nil {
		t.Error("negative s: no error")
	}
}

func TestNodeOf(t *testing.T) {
	for _, tc := range []struct {
		axis []float64
		v    float64
		snap bool
		i    int
		ok   bool
	}{
		{[]float64{0, 1, 2, 3}, 2, false, 2, true},
		{[]float64{0, 1, 2, 3}, 2.0004, false, 2, true},
		{[]float64{0, 1, 2, 3}, 2.3, false, 2, false},
		{[]float64{0, 1, 2, 3}, 2.6, true, 3, true},
		{[]float64{3, 2, 1, 0}, 0.9, true, 2, true},
		{[]float64{3, 2, 1, 0}, 3, false, 0, true},
		{[]float64{0, 1, 2, 3}, -0.7, true, 0, false},
		{[]float64{0, 1, 2, 3}, 3.4, true, 3, true},
	} {
		i, ok := nodeOf(tc.axis, tc.v, tc.snap)
		if i != tc.i || ok != tc.ok {
			t.Errorf("nodeOf(%v, %v, snap %v) = %d, %v; want %d, %v", tc.axis, tc.v, tc.snap, i, ok, tc.i, tc.ok)
		}
	}
}
