package transport

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// whitened returns n points of R^d whose empirical mean is 0 and empirical
// covariance (1/n) Z^T Z is exactly the identity.
func whitened(n, d int, seed uint64) *mat.Dense {
	z := gaussianCloud(n, d, nil, 1, seed)
	for j := range d {
		col := mat.Col(nil, j, z)
		m := 0.0
		for _, v := range col {
			m += v
		}
		for i := range n {
			z.Set(i, j, z.At(i, j)-m/float64(n))
		}
	}
	var cov mat.SymDense
	cov.SymOuterK(1/float64(n), z.T())
	var chol mat.Cholesky
	if !chol.Factorize(&cov) {
		panic("covariance not positive definite")
	}
	var l mat.TriDense
	chol.LTo(&l)
	// z L^-T has identity covariance.
	var out mat.Dense
	if err := out.Solve(&l, z.T()); err != nil {
		panic(err)
	}
	return mat.DenseCopyOf(out.T())
}

// affine returns m + s z, row by row.
func affine(z *mat.Dense, m []float64, s float64) *mat.Dense {
	n, d := z.Dims()
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			x.Set(i, j, m[j]+s*z.At(i, j))
		}
	}
	return x
}

func dirac(a []float64) *mat.Dense { return mat.NewDense(1, len(a), append([]float64(nil), a...)) }

func TestSlicedKnownAnswers(t *testing.T) {
	a, b := []float64{1, 2, -1}, []float64{0, -1, 1}
	diracWant := (1.0 + 9 + 4) / 3 // |a - b|^2 / d
	z := whitened(4000, 3, 5)
	m1, m2, s1, s2 := []float64{0, 0, 0}, []float64{1, 2, 2}, 1.0, 2.5
	gaussWant := 9.0/3 + (s1-s2)*(s1-s2) // |m1 - m2|^2 / d + (s1 - s2)^2
	tests := []struct {
		name   string
		x, y   *mat.Dense
		scheme DirectionScheme
		slices int
		want   float64
		exact  bool // the scheme makes the direction average exact
	}{
		{"Diracs, random", dirac(a), dirac(b), RandomDirections, 2000, diracWant, false},
		{"Diracs, orthogonal blocks", dirac(a), dirac(b), OrthogonalDirections, 300, diracWant, true},
		{"Diracs, quasi-Monte-Carlo", dirac(a), dirac(b), QuasiMonteCarlo, 2000, diracWant, false},
		{"Diracs in 2-D, evenly spaced angles", dirac([]float64{0, 0}), dirac([]float64{3, 4}), QuasiMonteCarlo, 17, 25.0 / 2, true},
		{"Gaussians, random", affine(z, m1, s1), affine(z, m2, s2), RandomDirections, 500, gaussWant, false},
		{"Gaussians, orthogonal blocks", affine(z, m1, s1), affine(z, m2, s2), OrthogonalDirections, 30, gaussWant, true},
		{"Gaussians, quasi-Monte-Carlo", affine(z, m1, s1), affine(z, m2, s2), QuasiMonteCarlo, 500, gaussWant, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			est, err := NewSliced(tc.slices).Seed(9).Directions(tc.scheme).Pow(tc.x, nil, tc.y, nil)
			if err != nil {
				t.Fatal(err)
			}
			if est.Slices != tc.slices || est.P != 2 {
				t.Errorf("estimate reports %d slices, p = %g", est.Slices, est.P)
			}
			tol := 3 * est.StdErr
			if tc.exact {
				tol = 1e-9
			}
			if math.Abs(est.Pow-tc.want) > tol {
				t.Errorf("SW_2^2 = %v, want %.12g within %.3g", est, tc.want, tol)
			}
		})
	}
}

// Independent samples of two isotropic Gaussians: the estimate carries the
// sampling error of the clouds on top of the Monte-Carlo one.
func TestSlicedIndependentGaussians(t *testing.T) {
	const n, d = 10000, 2
	x := gaussianCloud(n, d, []float64{0, 0}, 1, 31)
	y := gaussianCloud(n, d, []float64{1, -1}, 2, 32)
	want := 2.0/d + 1
	est, err := NewSliced(200).Seed(33).Pow(x, nil, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	// W_2 between an n-sample and its Gaussian law is O(sqrt(log log n / n)),
	// about 0.01 here; allow 0.03 for the square, plus 3 standard errors.
	if tol := 3*est.StdErr + 0.03; math.Abs(est.Pow-want) > tol {
		t.Errorf("SW_2^2 = %v, want %g within %.3g", est, want, tol)
	}
}

func TestSlicedInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	x := gaussianCloud(300, 4, nil, 1, 43)
	y := gaussianCloud(200, 4, []float64{1, 0, 0, 0}, 1, 44)
	sw := NewSliced(64).Seed(45).P(1.5)

	self, err := sw.Pow(x, nil, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if self.Pow != 0 || self.StdErr != 0 {
		t.Errorf("SW(X, X) = %v, want 0", self)
	}

	// The same estimate whatever the number of workers.
	one, _ := NewSliced(64).Seed(45).P(1.5).Workers(1).Pow(x, nil, y, nil)
	many, _ := NewSliced(64).Seed(45).P(1.5).Workers(5).Pow(x, nil, y, nil)
	if one != many {
		t.Errorf("1 worker: %v, 5 workers: %v", one, many)
	}

	// Weights equal repetition: x with weights (1, 2, 1)/4 against x with
	// its second point doubled, slice by slice.
	x3 := mat.DenseCopyOf(x.Slice(0, 3, 0, 4))
	x4 := mat.NewDense(4, 4, nil)
	for i, r := range []int{0, 1, 1, 2} {
		x4.SetRow(i, x3.RawRowView(r))
	}
	weighted, err := sw.Pow(x3, []float64{0.25, 0.5, 0.25}, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	repeated, _ := sw.Pow(x4, nil, y, nil)
	if math.Abs(weighted.Pow-repeated.Pow) > 1e-12 || math.Abs(weighted.StdErr-repeated.StdErr) > 1e-12 {
		t.Errorf("weighted %v, repeated %v", weighted, repeated)
	}

	// A cloud against itself repeated twice (unequal sizes): 0.
	x2 := mat.NewDense(600, 4, nil)
	x2.Stack(x, x)
	twice, _ := sw.Pow(x, nil, x2, nil)
	if twice.Pow > 1e-15 {
		t.Errorf("SW(X, X twice) = %v, want 0", twice)
	}

	// Weighted clouds: symmetric.
	wx := randomWeights(300, rng)
	xy, _ := sw.Pow(x, wx, y, nil)
	yx, _ := sw.Pow(y, nil, x, wx)
	if math.Abs(xy.Pow-yx.Pow) > 1e-12 {
		t.Errorf("not symmetric: %v vs %v", xy, yx)
	}
	if d := xy.Distance(); math.Abs(math.Pow(d, 1.5)-xy.Pow) > 1e-12 {
		t.Errorf("Distance %g is not Pow^(1/p) for %v", d, xy)
	}
}

// The low-variance schemes give unit directions, and the orthogonal blocks
// are orthonormal.
func TestDirections(t *testing.T) {
	for _, scheme := range []DirectionScheme{RandomDirections, OrthogonalDirections, QuasiMonteCarlo} {
		for _, d := range []int{1, 2, 3, 7} {
			dirs, err := drawDirections(scheme, 20, d, newRand(1))
			if err != nil {
				t.Fatal(err)
			}
			for k := range 20 {
				u := dirs[k*d : (k+1)*d]
				norm := 0.0
				for _, v := range u {
					norm += v * v
				}
				if math.Abs(norm-1) > 1e-12 {
					t.Errorf("%v d=%d: direction %d has norm^2 %g", scheme, d, k, norm)
				}
				if scheme == OrthogonalDirections && k%d != 0 {
					dot := 0.0
					for i, v := range u {
						dot += v * dirs[(k-1)*d+i]
					}
					if math.Abs(dot) > 1e-12 {
						t.Errorf("d=%d: directions %d and %d of a block have dot %g", d, k-1, k, dot)
					}
				}
			}
		}
	}
}

func TestSlicedErrors(t *testing.T) {
	x := gaussianCloud(5, 3, nil, 1, 1)
	y := gaussianCloud(4, 2, nil, 1, 2)
	bad := mat.NewDense(2, 3, []float64{0, 0, 0, math.NaN(), 0, 0})
	tests := []struct {
		name   string
		sw     *Sliced
		x, y   *mat.Dense
		wx     []float64
		target error
	}{
		{"nil cloud", NewSliced(10), nil, x, nil, ErrEmpty},
		{"empty cloud", NewSliced(10), &mat.Dense{}, x, nil, ErrEmpty},
		{"dimension mismatch", NewSliced(10), x, y, nil, ErrDimension},
		{"NaN", NewSliced(10), x, bad, nil, ErrDomain},
		{"weights", NewSliced(10), x, x, []float64{1, 1, 1, 1, 1}, ErrWeights},
		{"p < 1", NewSliced(10).P(0.5), x, x, nil, ErrExponent},
		{"no slices", NewSliced(0), x, x, nil, ErrConfig},
		{"unknown scheme", NewSliced(10).Directions(DirectionScheme(9)), x, x, nil, ErrConfig},
	}
	for _, tc := range tests {
		if _, err := tc.sw.Pow(tc.x, tc.wx, tc.y, nil); !errors.Is(err, tc.target) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.target)
		}
	}
}
