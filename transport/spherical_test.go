package transport

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// onCircle returns the points (cos 2 pi a, sin 2 pi a) of S^1.
func onCircle(a []float64) *mat.Dense {
	x := mat.NewDense(len(a), 2, nil)
	for i, v := range a {
		s, c := math.Sincos(2 * math.Pi * v)
		x.Set(i, 0, c)
		x.Set(i, 1, s)
	}
	return x
}

// uniformSphere returns n uniform points of S^(d-1).
func uniformSphere(n, d int, seed uint64) *mat.Dense {
	rng := newRand(seed)
	x := mat.NewDense(n, d, nil)
	for i := range n {
		randomUnit(x.RawRowView(i), rng)
	}
	return x
}

// In 2-D every great circle is the circle itself, up to a rotation or a
// reflection, so SSW is the circle distance between the angles.
func TestSphericalSlicedCircle(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	a, b := uniformCircle(300, rng), uniformCircle(200, rng)
	for i := range b {
		b[i] *= 0.5 // half of the circle
	}
	for _, p := range []float64{1, 2, 3} {
		want, err := CirclePow(a, nil, b, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		est, err := NewSphericalSliced(20).P(p).Seed(53).Pow(onCircle(a), nil, onCircle(b), nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(est.Pow-want) > 1e-9 || est.StdErr > 1e-9 {
			t.Errorf("p=%g: SSW %v, circle distance %.12g", p, est, want)
		}
	}
}

func TestSphericalSlicedToUniform(t *testing.T) {
	for _, d := range []int{2, 3, 5, 10} {
		pole := make([]float64, d)
		pole[d-1] = 1
		est, err := NewSphericalSliced(50).Seed(uint64(d)).PowToUniform(dirac(pole), nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(est.Pow-1.0/12) > 1e-12 {
			t.Errorf("d=%d: SSW_2^2(Dirac, uniform) = %v, want 1/12", d, est)
		}
	}
	// Against a fine grid of the circle, which every slice maps to a grid:
	// per slice |W_2(x, grid) - W_2(x, uniform)| <= 1/(sqrt(12) n).
	const n = 20000
	rng := rand.New(rand.NewPCG(54, 55))
	a := uniformCircle(100, rng)
	for i := range a {
		a[i] = math.Sqrt(a[i])
	}
	ssw := NewSphericalSliced(10).Seed(56)
	toUniform, err := ssw.PowToUniform(onCircle(a), nil)
	if err != nil {
		t.Fatal(err)
	}
	toGrid, err := ssw.Pow(onCircle(a), nil, onCircle(grid(n)), nil)
	if err != nil {
		t.Fatal(err)
	}
	delta := 1 / (math.Sqrt(12) * n)
	if d := math.Abs(toUniform.Pow - toGrid.Pow); d > delta*(1+delta) {
		t.Errorf("to the uniform law %v, to a grid %v: differ by %g", toUniform, toGrid, d)
	}
	// A large uniform sample of S^2 is close to the uniform law.
	est, err := NewSphericalSliced(20).Seed(57).PowToUniform(uniformSphere(20000, 3, 58), nil)
	if err != nil {
		t.Fatal(err)
	}
	if est.Pow > 1e-3 {
		t.Errorf("SSW_2^2(uniform sample, uniform law) = %v, want about 1/n", est)
	}
}

func TestSphericalSlicedInvariants(t *testing.T) {
	x := uniformSphere(400, 3, 61)
	y := uniformSphere(250, 3, 62)
	ssw := NewSphericalSliced(30).Seed(63).P(1.5)
	self, err := ssw.Pow(x, nil, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if self.Pow != 0 {
		t.Errorf("SSW(X, X) = %v, want 0", self)
	}
	xy, _ := ssw.Pow(x, nil, y, nil)
	yx, _ := ssw.Pow(y, nil, x, nil)
	if math.Abs(xy.Pow-yx.Pow) > 1e-12 {
		t.Errorf("not symmetric: %v vs %v", xy, yx)
	}
	// Weights equal repetition.
	x3 := mat.DenseCopyOf(x.Slice(0, 3, 0, 3))
	x4 := mat.NewDense(4, 3, nil)
	for i, r := range []int{0, 2, 1, 2} {
		x4.SetRow(i, x3.RawRowView(r))
	}
	weighted, err := ssw.Pow(x3, []float64{0.25, 0.25, 0.5}, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	repeated, _ := ssw.Pow(x4, nil, y, nil)
	if math.Abs(weighted.Pow-repeated.Pow) > 1e-12 {
		t.Errorf("weighted %v, repeated %v", weighted, repeated)
	}
	one, _ := NewSphericalSliced(30).Seed(63).Workers(1).Pow(x, nil, y, nil)
	many, _ := NewSphericalSliced(30).Seed(63).Workers(3).Pow(x, nil, y, nil)
	if one != many {
		t.Errorf("1 worker %v, 3 workers %v", one, many)
	}
}

func TestSphericalSlicedErrors(t *testing.T) {
	x := uniformSphere(5, 3, 1)
	off := mat.NewDense(2, 3, []float64{1, 0, 0, 0, 1.1, 0})
	line := mat.NewDense(2, 1, []float64{1, -1})
	tests := []struct {
		name   string
		call   func() error
		target error
	}{
		{"off the sphere", func() error { _, err := NewSphericalSliced(5).Pow(x, nil, off, nil); return err }, ErrDomain},
		{"off the sphere, to uniform", func() error { _, err := NewSphericalSliced(5).PowToUniform(off, nil); return err }, ErrDomain},
		{"d = 1", func() error { _, err := NewSphericalSliced(5).Pow(line, nil, line, nil); return err }, ErrDimension},
		{"dimension mismatch", func() error { _, err := NewSphericalSliced(5).Pow(x, nil, onCircle([]float64{0.1}), nil); return err }, ErrDimension},
		{"empty", func() error { _, err := NewSphericalSliced(5).Pow(x, nil, nil, nil); return err }, ErrEmpty},
		{"p != 2 to uniform", func() error { _, err := NewSphericalSliced(5).P(1).PowToUniform(x, nil); return err }, ErrExponent},
		{"p < 1", func() error { _, err := NewSphericalSliced(5).P(0).Pow(x, nil, x, nil); return err }, ErrExponent},
		{"weights", func() error { _, err := NewSphericalSliced(5).PowToUniform(x, []float64{1, 0, 0, 0, 0.5}); return err }, ErrWeights},
		{"no circles", func() error { _, err := NewSphericalSliced(0).Pow(x, nil, x, nil); return err }, ErrConfig},
	}
	for _, tc := range tests {
		if err := tc.call(); !errors.Is(err, tc.target) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.target)
		}
	}
}
