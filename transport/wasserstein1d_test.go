package transport

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// cdfW1 returns W_1 as the integral of |F_a - F_b| over the line, a formula
// independent of the quantile merge.
func cdfW1(a, wa, b, wb []float64) float64 {
	type atom struct{ x, w float64 }
	var atoms []atom
	for i, v := range a {
		w := 1 / float64(len(a))
		if wa != nil {
			w = wa[i]
		}
		atoms = append(atoms, atom{v, w})
	}
	for i, v := range b {
		w := 1 / float64(len(b))
		if wb != nil {
			w = wb[i]
		}
		atoms = append(atoms, atom{v, -w})
	}
	slices.SortFunc(atoms, func(p, q atom) int {
		if p.x < q.x {
			return -1
		} else if p.x > q.x {
			return 1
		}
		return 0
	})
	total, f := 0.0, 0.0
	for i, at := range atoms {
		if i > 0 {
			total += math.Abs(f) * (at.x - atoms[i-1].x)
		}
		f += at.w
	}
	return total
}

func randomWeights(n int, rng *rand.Rand) []float64 {
	w := make([]float64, n)
	s := 0.0
	for i := range w {
		w[i] = rng.Float64() + 0.01
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

func gaussianSample(n int, m, s float64, rng *rand.Rand) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = m + s*rng.NormFloat64()
	}
	return x
}

func TestWasserstein1DKnownAnswers(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	x := gaussianSample(1000, 0, 1, rng)
	x1 := make([]float64, len(x))
	for i, v := range x {
		x1[i] = v + 1
	}
	w := randomWeights(len(x), rng)
	tests := []struct {
		name  string
		a, wa []float64
		b, wb []float64
		p     float64
		want  float64
	}{
		{"W2^2(x, x+1) = 1", x, nil, x1, nil, 2, 1},
		{"W1(x, x+1) = 1", x, nil, x1, nil, 1, 1},
		{"W3^3(x, x+1) = 1", x1, nil, x, nil, 3, 1},
		{"weighted W2^2(x, x+1) = 1", x, w, x1, w, 2, 1},
		{"Diracs", []float64{2}, nil, []float64{-1}, nil, 2.5, math.Pow(3, 2.5)},
		{"same sample", x, nil, x, nil, 2, 0},
		{"repeated sample, unequal sizes", []float64{3, 1, 2}, nil, []float64{1, 2, 3, 3, 2, 1}, nil, 2, 0},
		{"two atoms vs one", []float64{0, 1}, nil, []float64{0}, nil, 2, 0.5},
		{"weighted vs replicated", []float64{0, 1}, []float64{0.25, 0.75}, []float64{1, 0, 1, 1}, nil, 2, 0},
		{"zero weights ignored", []float64{0, 5, 1}, []float64{0.5, 0, 0.5}, []float64{0, 1}, nil, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Wasserstein1DPow(tc.a, tc.wa, tc.b, tc.wb, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("got %.15g, want %.15g", got, tc.want)
			}
		})
	}
}

func TestWasserstein1DAgainstCDF(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, sizes := range [][2]int{{1, 1}, {1, 7}, {5, 3}, {100, 100}, {997, 1500}} {
		a, b := gaussianSample(sizes[0], 0, 1, rng), gaussianSample(sizes[1], 0.5, 2, rng)
		wa := randomWeights(sizes[0], rng)
		for _, weighted := range []bool{false, true} {
			var w []float64
			if weighted {
				w = wa
			}
			got, err := Wasserstein1DPow(a, w, b, nil, 1)
			if err != nil {
				t.Fatal(err)
			}
			if want := cdfW1(a, w, b, nil); math.Abs(got-want) > 1e-9 {
				t.Errorf("sizes %v weighted %v: W1 %.15g, CDF integral %.15g", sizes, weighted, got, want)
			}
		}
	}
}

// Uniform samples of sizes n and m equal samples of size n*m with every
// atom repeated, where the quantile coupling is the sorted matching.
func TestWasserstein1DUnequalSizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	a, b := gaussianSample(6, 0, 1, rng), gaussianSample(4, 1, 3, rng)
	var ra, rb []float64
	for _, v := range a {
		for range len(b) {
			ra = append(ra, v)
		}
	}
	for _, v := range b {
		for range len(a) {
			rb = append(rb, v)
		}
	}
	for _, p := range []float64{1, 1.5, 2, 4} {
		got, err := Wasserstein1DPow(a, nil, b, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := Wasserstein1DPow(ra, nil, rb, nil, p)
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("p=%g: %.15g, replicated %.15g", p, got, want)
		}
		back, _ := Wasserstein1DPow(b, nil, a, nil, p)
		if math.Abs(got-back) > 1e-12 {
			t.Errorf("p=%g: not symmetric: %.15g vs %.15g", p, got, back)
		}
		root, _ := Wasserstein1D(a, nil, b, nil, p)
		if math.Abs(math.Pow(root, p)-got) > 1e-12 {
			t.Errorf("p=%g: Wasserstein1D^p = %.15g, Wasserstein1DPow = %.15g", p, math.Pow(root, p), got)
		}
	}
}

func TestWasserstein1DLeavesInputs(t *testing.T) {
	a, wa := []float64{3, 1, 2}, []float64{0.5, 0.25, 0.25}
	b := []float64{9, 0}
	ca, cwa, cb := slices.Clone(a), slices.Clone(wa), slices.Clone(b)
	if _, err := Wasserstein1DPow(a, wa, b, nil, 2); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, ca) || !slices.Equal(wa, cwa) || !slices.Equal(b, cb) {
		t.Error("inputs were modified")
	}
}

func TestWasserstein1DErrors(t *testing.T) {
	ok := []float64{1, 2}
	tests := []struct {
		name   string
		a, wa  []float64
		b, wb  []float64
		p      float64
		target error
	}{
		{"empty a", nil, nil, ok, nil, 2, ErrEmpty},
		{"empty b", ok, nil, []float64{}, nil, 2, ErrEmpty},
		{"NaN", []float64{math.NaN()}, nil, ok, nil, 2, ErrDomain},
		{"Inf", ok, nil, []float64{math.Inf(1)}, nil, 2, ErrDomain},
		{"weights sum", ok, []float64{0.5, 0.4}, ok, nil, 2, ErrWeights},
		{"negative weight", ok, nil, ok, []float64{1.5, -0.5}, 2, ErrWeights},
		{"weights length", ok, []float64{1}, ok, nil, 2, ErrWeights},
		{"p < 1", ok, nil, ok, nil, 0.99, ErrExponent},
		{"p infinite", ok, nil, ok, nil, math.Inf(1), ErrExponent},
	}
	for _, tc := range tests {
		if _, err := Wasserstein1DPow(tc.a, tc.wa, tc.b, tc.wb, tc.p); !errors.Is(err, tc.target) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.target)
		}
	}
}
