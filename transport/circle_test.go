package transport

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// arc is the geodesic distance on the circle [0, 1).
func arc(x, y float64) float64 {
	d := math.Abs(x - y)
	return min(d, 1-d)
}

// bruteCircle returns min over all permutations s of mean arc(u_i, v_s(i))^p:
// W_p^p between two uniform samples of equal size, by exhaustion.
func bruteCircle(u, v []float64, p float64) float64 {
	perm := make([]int, len(v))
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	var rec func(k int)
	rec = func(k int) {
		if k == len(perm) {
			c := 0.0
			for i, j := range perm {
				c += math.Pow(arc(u[i], v[j]), p)
			}
			best = min(best, c/float64(len(u)))
			return
		}
		for i := k; i < len(perm); i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0)
	return best
}

// grid returns the n midpoints (i + 1/2)/n.
func grid(n int) []float64 {
	g := make([]float64, n)
	for i := range g {
		g[i] = (float64(i) + 0.5) / float64(n)
	}
	return g
}

func uniformCircle(n int, rng *rand.Rand) []float64 {
	u := make([]float64, n)
	for i := range u {
		u[i] = rng.Float64()
	}
	return u
}

func TestCircleKnownAnswers(t *testing.T) {
	const n = 1000 // even: the grid is symmetric about the Dirac
	tests := []struct {
		name   string
		u, v   []float64
		p      float64
		want   float64
		method string // "pow", "w1"
	}{
		{"Dirac vs grid, W2^2 = 1/12 - 1/(12 n^2)", []float64{0}, grid(n), 2, 1.0/12 - 1/(12.0*n*n), "pow"},
		{"Dirac vs grid, W1 = 1/4", []float64{0}, grid(n), 1, 0.25, "pow"},
		{"Dirac vs grid, level median W1 = 1/4", []float64{0}, grid(n), 1, 0.25, "w1"},
		{"shifted Dirac vs grid, level median", []float64{0.37}, grid(n), 1, 0.25, "w1"},
		{"Diracs gap 0.3, p=2", []float64{0.1}, []float64{0.4}, 2, 0.09, "pow"},
		{"Diracs gap 0.7 wraps, p=2", []float64{0.1}, []float64{0.8}, 2, 0.09, "pow"},
		{"Diracs gap 0.7 wraps, p=1", []float64{0.1}, []float64{0.8}, 1, 0.3, "pow"},
		{"Diracs gap 0.7 wraps, p=3", []float64{0.8}, []float64{0.1}, 3, 0.027, "pow"},
		{"Diracs gap 0.45, p=1.5", []float64{0.05}, []float64{0.5}, 1.5, math.Pow(0.45, 1.5), "pow"},
		{"Diracs gap 0.7 wraps, level median", []float64{0.1}, []float64{0.8}, 1, 0.3, "w1"},
		{"Diracs gap 0.2, level median", []float64{0.9}, []float64{0.7}, 1, 0.2, "w1"},
		{"same sample", []float64{0.1, 0.5, 0.75}, []float64{0.75, 0.1, 0.5}, 2, 0, "pow"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got float64
			var err error
			if tc.method == "w1" {
				got, err = CircleW1(tc.u, nil, tc.v, nil)
			} else {
				got, err = CirclePow(tc.u, nil, tc.v, nil, tc.p)
			}
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("got %.15g, want %.15g", got, tc.want)
			}
		})
	}
}

func TestCircleUniformPow2(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tests := []struct {
		name string
		u, w []float64
		want float64
	}{
		{"Dirac at 0", []float64{0}, nil, 1.0 / 12},
		{"Dirac at 0.6", []float64{0.6}, nil, 1.0 / 12},
		{"grid of 10", grid(10), nil, 1 / 1200.0},
		{"two equal Diracs, half a turn apart", []float64{0.2, 0.7}, nil, 1 / 48.0},
		{"weighted Dirac pair collapses to a Dirac", []float64{0.2, 0.7}, []float64{1, 0}, 1.0 / 12},
	}
	for _, tc := range tests {
		got, err := CircleUniformPow2(tc.u, tc.w)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: got %.15g, want %.15g", tc.name, got, tc.want)
		}
	}
	// Against the binary search to a fine grid: |W_2(u, grid) - W_2(u, uniform)|
	// is at most W_2(grid, uniform) = 1/(sqrt(12) n).
	const n = 20000
	for _, size := range []int{1, 7, 300} {
		u := uniformCircle(size, rng)
		closed, err := CircleUniformPow2(u, nil)
		if err != nil {
			t.Fatal(err)
		}
		search, err := CirclePow(u, nil, grid(n), nil, 2)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(math.Sqrt(closed) - math.Sqrt(search)); d > 1/(math.Sqrt(12)*n)+1e-12 {
			t.Errorf("n=%d: W2 closed form %.10g, search to a grid %.10g, differ by %g", size, math.Sqrt(closed), math.Sqrt(search), d)
		}
	}
}

func TestCirclePowBruteForce(t *testing.T) {
	// Atoms shared within and between the samples, and at 0.
	fixed := [][2][]float64{
		{{0.2, 0.2, 0.5}, {0.2, 0.7, 0.7}},
		{{0, 0.5, 0.5, 0.9}, {0, 0, 0.25, 0.75}},
	}
	for _, c := range fixed {
		for _, p := range []float64{1, 2, 3} {
			got, err := CirclePow(c[0], nil, c[1], nil, p)
			if err != nil {
				t.Fatal(err)
			}
			// Explicit uniform weights take the general search.
			uniform := []float64{0.25, 0.25, 0.25, 0.25}[:len(c[0])]
			if len(c[0]) == 3 {
				uniform = []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
			}
			general, err := CirclePow(c[0], uniform, c[1], nil, p)
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteCircle(c[0], c[1], p); math.Abs(got-want) > 1e-12 || math.Abs(general-want) > 1e-12 {
				t.Errorf("%v p=%g: got %.15g (general search %.15g), brute force %.15g", c, p, got, general, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 30 {
		n := 1 + trial%6
		u, v := uniformCircle(n, rng), uniformCircle(n, rng)
		for _, p := range []float64{1, 1.5, 2, 3} {
			got, err := CirclePow(u, nil, v, nil, p)
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteCircle(u, v, p); math.Abs(got-want) > 1e-12 {
				t.Errorf("n=%d p=%g: got %.15g, brute force %.15g", n, p, got, want)
			}
		}
	}
}

// Weighted samples with masses in multiples of 1/6 equal uniform samples
// with the atoms repeated.
func TestCirclePowWeightedBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20 {
		u, v := uniformCircle(3, rng), uniformCircle(2, rng)
		wu, wv := []float64{1.0 / 6, 2.0 / 6, 3.0 / 6}, []float64{2.0 / 6, 4.0 / 6}
		ru := []float64{u[0], u[1], u[1], u[2], u[2], u[2]}
		rv := []float64{v[0], v[0], v[1], v[1], v[1], v[1]}
		for _, p := range []float64{1, 2, 2.5} {
			got, err := CirclePow(u, wu, v, wv, p)
			if err != nil {
				t.Fatal(err)
			}
			if want := bruteCircle(ru, rv, p); math.Abs(got-want) > 1e-12 {
				t.Errorf("p=%g: got %.15g, brute force %.15g", p, got, want)
			}
		}
	}
}

// For equal-size uniform samples an optimal plan is a cyclic shift of the
// sorted order: check larger samples against all n shifts.
func TestCirclePowShifts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 60
	for range 5 {
		u, v := sortedCopy(uniformCircle(n, rng)), sortedCopy(uniformCircle(n, rng))
		for _, p := range []float64{1, 2, 3} {
			want := math.Inf(1)
			for k := range n {
				c := 0.0
				for i := range n {
					c += math.Pow(arc(u[i], v[(i+k)%n]), p)
				}
				want = min(want, c/n)
			}
			got, err := CirclePow(u, nil, v, nil, p)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("p=%g: got %.15g, best shift %.15g", p, got, want)
			}
		}
	}
}

func sortedCopy(x []float64) []float64 {
	y := append([]float64(nil), x...)
	var s sortScratch[float64]
	sortFloats[float64](y, nil, &s)
	return y
}

func TestCircleRotationInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	u, v := uniformCircle(3000, rng), uniformCircle(2000, rng)
	for i := range v {
		v[i] = math.Mod(v[i]*v[i]+0.3, 1) // not uniform
	}
	wu := make([]float64, len(u))
	for i := range wu {
		wu[i] = 1 / float64(len(u))
	}
	rotate := func(x []float64, a float64) []float64 {
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = math.Mod(v+a, 1)
		}
		return y
	}
	for _, p := range []float64{1, 2, 3} {
		base, err := CirclePow(u, wu, v, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []float64{0.1, 0.5, 0.93} {
			got, err := CirclePow(rotate(u, a), wu, rotate(v, a), nil, p)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-base) > 1e-11 {
				t.Errorf("p=%g rotation %g: %.15g, unrotated %.15g", p, a, got, base)
			}
		}
	}
	base, _ := CircleW1(u, nil, v, nil)
	got, _ := CircleW1(rotate(u, 0.42), nil, rotate(v, 0.42), nil)
	if math.Abs(got-base) > 1e-11 {
		t.Errorf("level median W1 not rotation invariant: %.15g vs %.15g", got, base)
	}
}

// The level-median W1 and the shift search with p = 1 are two methods for
// the same number.
func TestCircleW1MatchesSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, sizes := range [][2]int{{1, 1}, {1, 5}, {4, 9}, {50, 70}, {1000, 1500}} {
		u, v := uniformCircle(sizes[0], rng), uniformCircle(sizes[1], rng)
		for i := range v {
			v[i] = v[i] * v[i] // skewed towards 0
		}
		wu := make([]float64, len(u))
		sum := 0.0
		for i := range wu {
			wu[i] = rng.Float64()
			sum += wu[i]
		}
		for i := range wu {
			wu[i] /= sum
		}
		level, err := CircleW1(u, wu, v, nil)
		if err != nil {
			t.Fatal(err)
		}
		search, err := CirclePow(u, wu, v, nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(level-search) > 1e-11 {
			t.Errorf("sizes %v: level median %.15g, search %.15g", sizes, level, search)
		}
	}
}

func TestCircleErrors(t *testing.T) {
	ok := []float64{0.1, 0.2}
	tests := []struct {
		name   string
		call   func() error
		target error
	}{
		{"empty u", func() error { _, err := CirclePow(nil, nil, ok, nil, 2); return err }, ErrEmpty},
		{"empty v", func() error { _, err := CircleW1(ok, nil, []float64{}, nil); return err }, ErrEmpty},
		{"coordinate 1", func() error { _, err := CirclePow([]float64{1}, nil, ok, nil, 2); return err }, ErrDomain},
		{"negative coordinate", func() error { _, err := CircleUniformPow2([]float64{-0.1}, nil); return err }, ErrDomain},
		{"NaN", func() error { _, err := CircleW1(ok, nil, []float64{math.NaN()}, nil); return err }, ErrDomain},
		{"weights sum", func() error { _, err := CirclePow(ok, []float64{0.5, 0.6}, ok, nil, 2); return err }, ErrWeights},
		{"negative weight", func() error { _, err := CircleW1(ok, []float64{1.5, -0.5}, ok, nil); return err }, ErrWeights},
		{"weights length", func() error { _, err := CircleUniformPow2(ok, []float64{1}); return err }, ErrWeights},
		{"p < 1", func() error { _, err := CirclePow(ok, nil, ok, nil, 0.5); return err }, ErrExponent},
		{"p NaN", func() error { _, err := CirclePow(ok, nil, ok, nil, math.NaN()); return err }, ErrExponent},
	}
	for _, tc := range tests {
		if err := tc.call(); !errors.Is(err, tc.target) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.target)
		}
	}
}

// The equal-size shortcut (integer shifts) and the general search (merging
// cumulative masses) agree when uniform weights are given explicitly.
func TestCircleEqualSizePaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{1, 2, 9, 500, 4000} {
		u, v := uniformCircle(n, rng), uniformCircle(n, rng)
		for i := range v {
			v[i] = math.Mod(v[i]*v[i]*v[i]+0.6, 1)
		}
		w := make([]float64, n)
		for i := range w {
			w[i] = 1 / float64(n)
		}
		for _, p := range []float64{1, 1.5, 2, 3} {
			fast, err := CirclePow(u, nil, v, nil, p)
			if err != nil {
				t.Fatal(err)
			}
			general, err := CirclePow(u, w, v, nil, p)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(fast-general) > 1e-12 {
				t.Errorf("n=%d p=%g: equal-size path %.15g, general %.15g", n, p, fast, general)
			}
		}
	}
}
