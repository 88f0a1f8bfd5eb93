package piv

import (
	"math"
	"slices"
	"testing"
)

// rampField is u = i + 10 j, v = -u on an nx by ny grid, with some vectors
// already masked out.
func rampField(nx, ny int, masked ...int) *Field {
	f := NewField(UniformGrid(nx, ny, 0, 0, 1, 1))
	for k := range f.U {
		f.U[k] = float64(k%nx + 10*(k/nx))
		f.V[k] = -f.U[k]
	}
	if len(masked) > 0 {
		f.EnsureMask()
		for _, k := range masked {
			f.Mask[k] = false
		}
	}
	return f
}

func sameField(a, b *Field) bool {
	eq := func(x, y []float64) bool {
		return slices.EqualFunc(x, y, func(p, q float64) bool { return p == q || (math.IsNaN(p) && math.IsNaN(q)) })
	}
	return eq(a.U, b.U) && eq(a.V, b.V) && slices.Equal(a.Mask, b.Mask)
}

func TestKeepEvery(t *testing.T) {
	f := rampField(10, 9, 21) // (1, 2) is already missing
	orig := f.Clone()
	for _, c := range []struct{ step, ox, oy int }{{1, 0, 0}, {4, 0, 0}, {4, 1, 2}, {3, 2, 1}} {
		g, err := KeepEvery(f, c.step, c.ox, c.oy)
		if err != nil {
			t.Fatal(err)
		}
		for k := range g.U {
			i, j := k%10, k/10
			want := i%c.step == c.ox && j%c.step == c.oy && k != 21
			if g.Valid(k) != want {
				t.Errorf("step %d offset (%d,%d): (%d,%d) valid=%v, want %v", c.step, c.ox, c.oy, i, j, g.Valid(k), want)
			}
			if want && (g.U[k] != f.U[k] || g.V[k] != f.V[k]) {
				t.Errorf("kept vector (%d,%d) changed", i, j)
			}
			if !want && !math.IsNaN(g.U[k]) {
				t.Errorf("removed vector (%d,%d) holds %v, want NaN", i, j, g.U[k])
			}
		}
	}
	if !sameField(f, orig) {
		t.Error("KeepEvery modified its input")
	}
	for _, c := range []struct{ step, ox, oy int }{{0, 0, 0}, {4, 4, 0}, {4, 0, -1}} {
		if _, err := KeepEvery(f, c.step, c.ox, c.oy); err == nil {
			t.Errorf("step %d offset (%d,%d): no error", c.step, c.ox, c.oy)
		}
	}
}

func TestKeepRandom(t *testing.T) {
	f := rampField(20, 15, 3, 4, 5) // 297 valid vectors
	orig := f.Clone()
	a, err := KeepRandom(f, 0.25, 42)
	if err != nil {
		t.Fatal(err)
	}
	if n := a.NumValid(); n != 74 { // round(0.25 * 297)
		t.Errorf("kept %d vectors, want 74", n)
	}
	for k := range a.U {
		if a.Valid(k) && (!f.Valid(k) || a.U[k] != f.U[k]) {
			t.Errorf("vector %d kept but not a valid input vector", k)
		}
	}
	b, _ := KeepRandom(f, 0.25, 42)
	c, _ := KeepRandom(f, 0.25, 43)
	if !sameField(a, b) {
		t.Error("the same seed gave different subsets")
	}
	if sameField(a, c) {
		t.Error("different seeds gave the same subset")
	}
	if !sameField(f, orig) {
		t.Error("KeepRandom modified its input")
	}
	for _, d := range []float64{-0.1, 1.5, math.NaN()} {
		if _, err := KeepRandom(f, d, 1); err == nil {
			t.Errorf("density %v: no error", d)
		}
	}
}

func TestAddNoiseStatistics(t *testing.T) {
	const n = 64
	f := analyticField(UniformGrid(n, n, 0, 0, 1, 1), func(x, y float64) (float64, float64) { return 3, 4 })
	f.Mask = make([]bool, n*n)
	for k := range f.Mask {
		f.Mask[k] = k != 7
	}
	for _, c := range []struct {
		name string
		add  func(seed uint64) (*Field, error)
		std  float64
	}{
		{"absolute", func(seed uint64) (*Field, error) { return AddNoise(f, 0.3, seed) }, 0.3},
		{"relative", func(seed uint64) (*Field, error) { return AddRelativeNoise(f, 0.1, seed) }, 0.5}, // rms speed 5
	} {
		g, err := c.add(7)
		if err != nil {
			t.Fatal(err)
		}
		var sum, sq float64
		m := 0
		for k := range g.U {
			if k == 7 {
				if g.U[k] != 3 || g.V[k] != 4 {
					t.Errorf("%s: a masked vector got noise", c.name)
				}
				continue
			}
			for _, e := range []float64{g.U[k] - 3, g.V[k] - 4} {
				sum += e
				sq += e * e
				m++
			}
		}
		mean := sum / float64(m)
		std := math.Sqrt(sq/float64(m) - mean*mean)
		// 8190 samples: the sample mean is within 4 standard errors of 0 and
		// the sample std within 5 % (about 6 standard errors) of the target.
		if math.Abs(mean) > 4*c.std/math.Sqrt(float64(m)) || math.Abs(std/c.std-1) > 0.05 {
			t.Errorf("%s: noise mean %.4f, std %.4f; want 0 and %v", c.name, mean, std, c.std)
		}
		again, _ := c.add(7)
		other, _ := c.add(8)
		if !sameField(g, again) || sameField(g, other) {
			t.Errorf("%s: noise is not a function of the seed", c.name)
		}
	}
	if _, err := AddNoise(f, -1, 1); err == nil {
		t.Error("negative noise std: no error")
	}
}

func TestAddOutliers(t *testing.T) {
	f := rampField(16, 16, 0, 1)
	orig := f.Clone()
	g, replaced, err := AddOutliers(f, 0.1, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	a := 2 * math.Hypot(15+150, 15+150) // amplitude times the largest speed
	n := 0
	for k := range g.U {
		switch {
		case replaced[k]:
			n++
			if !f.Valid(k) {
				t.Errorf("masked vector %d was turned into an outlier", k)
			}
			if math.Abs(g.U[k]) > a || math.Abs(g.V[k]) > a {
				t.Errorf("outlier %d = (%v, %v) outside +-%v", k, g.U[k], g.V[k], a)
			}
			if g.U[k] == f.U[k] {
				t.Errorf("outlier %d kept its value", k)
			}
		case g.U[k] != f.U[k] || g.V[k] != f.V[k]:
			t.Errorf("vector %d changed but is not reported", k)
		}
	}
	if n != 25 { // round(0.1 * 254)
		t.Errorf("%d outliers, want 25", n)
	}
	h, again, _ := AddOutliers(f, 0.1, 2, 5)
	if !sameField(g, h) || !slices.Equal(replaced, again) {
		t.Error("the same seed gave different outliers")
	}
	if !sameField(f, orig) {
		t.Error("AddOutliers modified its input")
	}
	if _, _, err := AddOutliers(NewField(UniformGrid(4, 4, 0, 0, 1, 1)), 0.5, 1, 1); err == nil {
		t.Error("outliers in a field at rest: no error")
	}
}

// TestSubsample checks sizes, coordinates, values and mask of the coarse
// field for odd and even grids, and that f is left unchanged.
func TestSubsample(t *testing.T) {
	f := rampField(10, 9, 22) // node (2, 2) is masked: it stays on the step-2 lattice
	orig := f.Clone()
	for _, c := range []struct{ step, nx, ny int }{{1, 10, 9}, {2, 5, 5}, {3, 4, 3}, {20, 1, 1}} {
		g, err := Subsample(f, c.step)
		if err != nil {
			t.Fatal(err)
		}
		if g.NX() != c.nx || g.NY() != c.ny {
			t.Fatalf("step %d: %dx%d, want %dx%d", c.step, g.NX(), g.NY(), c.nx, c.ny)
		}
		for j := range c.ny {
			for i := range c.nx {
				k := g.Index(i, j)
				fi, fj := i*c.step, j*c.step
				if g.X[i] != f.X[fi] || g.Y[j] != f.Y[fj] || g.U[k] != float64(fi+10*fj) || g.V[k] != -g.U[k] ||
					g.Valid(k) != f.Valid(f.Index(fi, fj)) {
					t.Errorf("step %d node (%d, %d): (%v, %v) u %v valid %v", c.step, i, j, g.X[i], g.Y[j], g.U[k], g.Valid(k))
				}
			}
		}
	}
	if !sameField(f, orig) {
		t.Errorf("Subsample changed its input")
	}
	if _, err := Subsample(f, 0); err == nil {
		t.Errorf("step 0: no error")
	}
}
