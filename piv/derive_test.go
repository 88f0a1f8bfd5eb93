package piv

import (
	"math"
	"testing"
)

// analyticField samples fn on g with a nil (all valid) mask.
func analyticField(g Grid, fn func(x, y float64) (u, v float64)) *Field {
	f := NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			f.U[g.Index(i, j)], f.V[g.Index(i, j)] = fn(x, y)
		}
	}
	return f
}

// stretchedAxis has n nodes from a to b, spacing growing smoothly by about a
// factor 3 across the axis (b < a gives a decreasing axis).
func stretchedAxis(n int, a, b float64) []float64 {
	c := make([]float64, n)
	for k := range c {
		s := float64(k) / float64(n-1)
		c[k] = a + (b-a)*(s+0.5*s*s)/1.5
	}
	return c
}

func uniformAxis(n int, a, b float64) []float64 {
	return UniformGrid(n, 1, a, 0, (b-a)/float64(n-1), 1).X
}

// Taylor-Green vortex and its derivatives.
func taylorGreen(x, y float64) (u, v float64) {
	return math.Sin(x) * math.Cos(y), -math.Cos(x) * math.Sin(y)
}

func taylorGreenGradient(x, y float64) (ux, uy, vx, vy float64) {
	return math.Cos(x) * math.Cos(y), -math.Sin(x) * math.Sin(y), math.Sin(x) * math.Sin(y), -math.Cos(x) * math.Cos(y)
}

// Quadratic velocity field: every second-order stencil differentiates it
// exactly, whatever the spacing and whichever stencil a node gets.
func quadratic(x, y float64) (u, v float64) {
	return 0.3*x*x - 1.1*x*y + 0.7*y*y + 2*x - y + 0.5, -0.4*x*x + 0.9*x*y + 0.2*y*y - x + 3*y
}

func quadraticGradient(x, y float64) (ux, uy, vx, vy float64) {
	return 0.6*x - 1.1*y + 2, -1.1*x + 1.4*y - 1, -0.8*x + 0.9*y - 1, 0.9*x + 0.4*y + 3
}

var derivativeGrids = []struct {
	name string
	g    Grid
}{
	{"uniform", Grid{X: uniformAxis(12, -1, 2), Y: uniformAxis(9, 0, 1.5)}},
	{"stretched", Grid{X: stretchedAxis(12, -1, 2), Y: stretchedAxis(9, 0, 1.5)}},
	{"decreasing x", Grid{X: stretchedAxis(12, 2, -1), Y: uniformAxis(9, 0, 1.5)}},
	{"decreasing y", Grid{X: uniformAxis(12, -1, 2), Y: stretchedAxis(9, 1.5, 0)}},
}

func TestGradientsExactForQuadratics(t *testing.T) {
	for _, tc := range derivativeGrids {
		t.Run(tc.name, func(t *testing.T) {
			f := analyticField(tc.g, quadratic)
			g, err := Gradients(nil, f)
			if err != nil {
				t.Fatal(err)
			}
			for j, y := range tc.g.Y {
				for i, x := range tc.g.X {
					k := tc.g.Index(i, j)
					ux, uy, vx, vy := quadraticGradient(x, y)
					for _, c := range []struct {
						name      string
						got, want float64
					}{{"du/dx", g.DUDX[k], ux}, {"du/dy", g.DUDY[k], uy}, {"dv/dx", g.DVDX[k], vx}, {"dv/dy", g.DVDY[k], vy}} {
						if math.Abs(c.got-c.want) > 1e-10*(1+math.Abs(c.want)) {
							t.Errorf("(%d,%d) %s = %v, want %v", i, j, c.name, c.got, c.want)
						}
					}
				}
			}
		})
	}
}

// Invalid neighbours, masked (holding huge values) or NaN, must not leak into
// any valid node's derivative; nodes without a valid stencil get NaN.
func TestGradientsAroundInvalidNodes(t *testing.T) {
	nx, ny := 10, 8
	gr := Grid{X: stretchedAxis(nx, 0, 3), Y: uniformAxis(ny, 0, 2)}
	f := analyticField(gr, quadratic)
	f.Mask = make([]bool, gr.Len())
	for k := range f.Mask {
		f.Mask[k] = true
	}
	masked := [][2]int{{4, 3}, {5, 5}, {7, 5}, {0, 0}}
	for _, c := range masked {
		k := gr.Index(c[0], c[1])
		f.Mask[k] = false
		f.U[k], f.V[k] = 1e12, -1e12
	}
	nan := gr.Index(2, 6)
	f.U[nan] = math.NaN()

	g, err := Gradients(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	// Nodes with no stencil of valid nodes along one axis (nx = 10, ny = 8):
	// along x, (6,5) sits between masked (5,5) and (7,5); (8,5) and (9,5)
	// have (7,5) masked and too few nodes beyond; (0,6) and (1,6) have the NaN
	// at (2,6) in each stencil. Along y, (2,7) needs (2,6); (5,6), (5,7),
	// (7,6) and (7,7) need masked (5,5) or (7,5).
	noX := map[[2]int]bool{{6, 5}: true, {8, 5}: true, {9, 5}: true, {0, 6}: true, {1, 6}: true}
	noY := map[[2]int]bool{{2, 7}: true, {5, 6}: true, {5, 7}: true, {7, 6}: true, {7, 7}: true}
	for j, y := range gr.Y {
		for i, x := range gr.X {
			k := gr.Index(i, j)
			ux, uy, vx, vy := quadraticGradient(x, y)
			got := [4]float64{g.DUDX[k], g.DUDY[k], g.DVDX[k], g.DVDY[k]}
			want := [4]float64{ux, uy, vx, vy}
			if !f.Valid(k) || noX[[2]int{i, j}] {
				want[0], want[2] = math.NaN(), math.NaN()
			}
			if !f.Valid(k) || noY[[2]int{i, j}] {
				want[1], want[3] = math.NaN(), math.NaN()
			}
			for c := range got {
				switch {
				case math.IsNaN(want[c]) != math.IsNaN(got[c]):
					t.Errorf("(%d,%d) component %d = %v, want %v", i, j, c, got[c], want[c])
				case math.Abs(got[c]-want[c]) > 1e-9*(1+math.Abs(want[c])):
					t.Errorf("(%d,%d) component %d = %v, want %v", i, j, c, got[c], want[c])
				}
			}
		}
	}
}

// maxErrorTG is the largest error of a derived quantity of the Taylor-Green
// vortex over the grid, edges included.
func maxErrorTG(t *testing.T, g Grid, quantity func(*Gradient) []float64, exact func(x, y float64) float64) float64 {
	t.Helper()
	gr, err := Gradients(nil, analyticField(g, taylorGreen))
	if err != nil {
		t.Fatal(err)
	}
	q := quantity(gr)
	worst := 0.0
	for j, y := range g.Y {
		for i, x := range g.X {
			worst = max(worst, math.Abs(q[g.Index(i, j)]-exact(x, y)))
		}
	}
	return worst
}

func TestTaylorGreenSecondOrderConvergence(t *testing.T) {
	quantities := []struct {
		name     string
		quantity func(*Gradient) []float64
		exact    func(x, y float64) float64
	}{
		{"vorticity", func(g *Gradient) []float64 { return g.Vorticity(nil) },
			func(x, y float64) float64 { return 2 * math.Sin(x) * math.Sin(y) }},
		{"divergence", func(g *Gradient) []float64 { return g.Divergence(nil) },
			func(x, y float64) float64 { return 0 }},
		{"Q", func(g *Gradient) []float64 { return g.QCriterion(nil) },
			func(x, y float64) float64 {
				ux, uy, vx, vy := taylorGreenGradient(x, y)
				return 0.5*(0.5*(uy-vx)*(uy-vx)) - 0.5*(ux*ux+vy*vy+0.5*(uy+vx)*(uy+vx))
			}},
		{"du/dy", func(g *Gradient) []float64 { return g.DUDY },
			func(x, y float64) float64 { _, uy, _, _ := taylorGreenGradient(x, y); return uy }},
	}
	grids := []struct {
		name string
		grid func(n int) Grid
	}{
		{"uniform", func(n int) Grid { return Grid{X: uniformAxis(n, 0, 2*math.Pi), Y: uniformAxis(n, 0, 2*math.Pi)} }},
		{"stretched decreasing", func(n int) Grid {
			return Grid{X: stretchedAxis(n, 2*math.Pi, 0), Y: stretchedAxis((n-1)*3/2+1, 0.3, 5)}
		}},
	}
	for _, gc := range grids {
		for _, qc := range quantities {
			t.Run(gc.name+"/"+qc.name, func(t *testing.T) {
				coarse := maxErrorTG(t, gc.grid(33), qc.quantity, qc.exact)
				fine := maxErrorTG(t, gc.grid(65), qc.quantity, qc.exact) // h halves: 32 -> 64 intervals
				if coarse > 0.05 {
					t.Errorf("error on the coarse grid is %v, want small", coarse)
				}
				ratio := coarse / fine
				t.Logf("max error %.3g at h, %.3g at h/2: ratio %.2f", coarse, fine, ratio)
				if ratio < 3.5 {
					t.Errorf("halving h divided the error by %.2f (%.3g -> %.3g), want about 4", ratio, coarse, fine)
				}
			})
		}
	}
}

// A solenoidal field u = dpsi/dy, v = -dpsi/dx with a cubic stream function
// has exactly zero discrete divergence on any grid.
func TestDivergenceOfSolenoidalField(t *testing.T) {
	psiGrad := func(x, y float64) (u, v float64) {
		// psi = x^3/3 - x^2 y + 2 x y^2 + y^3 - 3 x y
		return -x*x + 4*x*y + 3*y*y - 3*x, -(x*x - 2*x*y + 2*y*y - 3*y)
	}
	for _, tc := range derivativeGrids {
		f := analyticField(tc.g, psiGrad)
		div, err := Divergence(nil, f)
		if err != nil {
			t.Fatal(err)
		}
		for k, d := range div {
			if math.Abs(d) > 1e-9 {
				t.Errorf("%s: divergence at %d = %v, want 0", tc.name, k, d)
			}
		}
	}
}

func TestQCriterionOfLinearFlow(t *testing.T) {
	// Rotation beta plus isotropic expansion alpha: Q = beta^2 - alpha^2.
	for _, c := range []struct{ alpha, beta float64 }{{0, 1}, {1, 0}, {0.5, 2}, {-1.5, 0.5}} {
		f := analyticField(derivativeGrids[1].g, func(x, y float64) (float64, float64) {
			return c.alpha*x - c.beta*y, c.beta*x + c.alpha*y
		})
		q, err := QCriterion(nil, f)
		if err != nil {
			t.Fatal(err)
		}
		vort, err := Vorticity(nil, f)
		if err != nil {
			t.Fatal(err)
		}
		for k := range q {
			if want := c.beta*c.beta - c.alpha*c.alpha; math.Abs(q[k]-want) > 1e-9 {
				t.Fatalf("alpha=%v beta=%v: Q = %v, want %v", c.alpha, c.beta, q[k], want)
			}
			if math.Abs(vort[k]-2*c.beta) > 1e-9 {
				t.Fatalf("alpha=%v beta=%v: vorticity = %v, want %v", c.alpha, c.beta, vort[k], 2*c.beta)
			}
		}
	}
}

func TestSpeed(t *testing.T) {
	f := analyticField(UniformGrid(4, 3, 0, 0, 1, 1), func(x, y float64) (float64, float64) { return 3 * x, 4 * x })
	f.Mask = []bool{true, true, false, true, true, true, true, true, true, true, true, true}
	dst := make([]float64, 0, 12)
	s, err := Speed(dst, f)
	if err != nil {
		t.Fatal(err)
	}
	if &s[0] != &dst[:1][0] {
		t.Error("Speed did not reuse a destination with enough capacity")
	}
	for j := range 3 {
		for i := range 4 {
			k := f.Index(i, j)
			if k == 2 {
				if !math.IsNaN(s[k]) {
					t.Errorf("speed at a masked node = %v, want NaN", s[k])
				}
				continue
			}
			if want := 5 * float64(i); math.Abs(s[k]-want) > 1e-12 {
				t.Errorf("speed at (%d,%d) = %v, want %v", i, j, s[k], want)
			}
		}
	}
}

func TestDerivativesRejectBadInput(t *testing.T) {
	thin := NewField(UniformGrid(2, 5, 0, 0, 1, 1))
	short := NewField(UniformGrid(4, 4, 0, 0, 1, 1))
	short.V = short.V[:3]
	for name, f := range map[string]*Field{"two columns": thin, "short v": short} {
		if _, err := Vorticity(nil, f); err == nil {
			t.Errorf("%s: Vorticity returned no error", name)
		}
	}
	if _, err := Speed(nil, short); err == nil {
		t.Error("Speed accepted mismatched u and v")
	}
}

func BenchmarkVorticity256(b *testing.B) {
	g := UniformGrid(256, 256, 0, 0, 2*math.Pi/256, 2*math.Pi/256)
	f := analyticField(g, taylorGreen)
	dst := make([]float64, g.Len())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Vorticity(dst, f); err != nil {
			b.Fatal(err)
		}
	}
}
