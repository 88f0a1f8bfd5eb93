package transport

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// A translated cloud has W_p^p(theta) = |theta.m|^p along every direction:
// the maximum is |m|^p at theta = +-m/|m|. With one random start in 20-D the
// start is far from it, so this tests the ascent itself.
func TestMaxSlicedTranslation(t *testing.T) {
	const d = 20
	x := gaussianCloud(300, d, nil, 1, 81)
	m := make([]float64, d)
	for k := range m {
		m[k] = float64(k%3) - 0.7
	}
	y := affine(x, m, 1)
	norm := floats.Norm(m, 2)
	for _, p := range []float64{1, 2, 3} {
		res, err := NewMaxSliced().P(p).Starts(1).Seed(82).Pow(x, nil, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := math.Pow(norm, p)
		if math.Abs(res.Pow-want) > 1e-9*want {
			t.Errorf("p=%g: max-SW = %.12g, want |m|^p = %.12g (start %.4g, %d steps)", p, res.Pow, want, res.StartPow, res.Iterations)
		}
		if res.StartPow > 0.5*want {
			t.Errorf("p=%g: the random start already gives %g of %g: the test does not exercise the ascent", p, res.StartPow, want)
		}
		if c := math.Abs(floats.Dot(res.Direction, m)) / norm; math.Abs(c-1) > 1e-9 {
			t.Errorf("p=%g: direction has cosine %.12g with m", p, c)
		}
	}
}

// Against a fine scan of the half circle in 2-D, on clouds with different
// covariances.
func TestMaxSlicedScan(t *testing.T) {
	x := gaussianCloud(400, 2, nil, 1, 83)
	y := gaussianCloud(300, 2, []float64{0.3, 0}, 1, 84)
	raw := y.RawMatrix()
	for i := range raw.Rows {
		row := raw.Data[i*raw.Stride:]
		row[0], row[1] = 2.5*row[0]+0.5*row[1], 0.7*row[1]
	}
	for _, p := range []float64{1, 2} {
		res, err := NewMaxSliced().P(p).Seed(85).Pow(x, nil, y, nil)
		if err != nil {
			t.Fatal(err)
		}
		best := 0.0
		var a, b []float64
		for k := range 3000 {
			s, c := math.Sincos(math.Pi * float64(k) / 3000)
			a, b = project(a, x, []float64{c, s}), project(b, y, []float64{c, s})
			v, err := Wasserstein1DPow(a, nil, b, nil, p)
			if err != nil {
				t.Fatal(err)
			}
			best = max(best, v)
		}
		// The scan misses the maximum by O(step^2); the ascent must not
		// miss it by more, nor overshoot it by more.
		if res.Pow < best*(1-1e-6) || res.Pow > best*(1+1e-4) || res.Pow < res.StartPow {
			t.Errorf("p=%g: max-SW %.10g, scan %.10g, best start %.10g", p, res.Pow, best, res.StartPow)
		}
		if n := floats.Norm(res.Direction, 2); math.Abs(n-1) > 1e-12 {
			t.Errorf("p=%g: direction has norm %g", p, n)
		}
	}
}

func TestMaxSlicedWeights(t *testing.T) {
	x := mat.NewDense(3, 2, []float64{0, 0, 1, 0, 0, 1})
	x4 := mat.NewDense(4, 2, []float64{0, 0, 1, 0, 1, 0, 0, 1})
	y := gaussianCloud(50, 2, nil, 1, 86)
	ms := NewMaxSliced().Seed(87)
	weighted, err := ms.Pow(x, []float64{0.25, 0.5, 0.25}, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	repeated, err := ms.Pow(x4, nil, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(weighted.Pow-repeated.Pow) > 1e-9 {
		t.Errorf("weighted %g, repeated %g", weighted.Pow, repeated.Pow)
	}
}

func TestMaxSlicedErrors(t *testing.T) {
	x := gaussianCloud(5, 2, nil, 1, 1)
	tests := []struct {
		name   string
		ms     *MaxSliced
		y      *mat.Dense
		target error
	}{
		{"no starts", NewMaxSliced().Starts(0), x, ErrConfig},
		{"negative iterations", NewMaxSliced().MaxIter(-1), x, ErrConfig},
		{"p < 1", NewMaxSliced().P(0), x, ErrExponent},
		{"dimension mismatch", NewMaxSliced(), gaussianCloud(5, 3, nil, 1, 2), ErrDimension},
		{"empty", NewMaxSliced(), nil, ErrEmpty},
	}
	for _, tc := range tests {
		if _, err := tc.ms.Pow(x, nil, tc.y, nil); !errors.Is(err, tc.target) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.target)
		}
	}
}
