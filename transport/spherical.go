package transport

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// sphereTol is how far from 1 the norm of a point on the sphere may be.
const sphereTol = 1e-6

// SphericalSliced computes the spherical sliced Wasserstein distance (Bonet
// et al. 2023) between distributions on the sphere S^(d-1) of R^d: the
// average, over random great circles, of the circle W_p^p between the
// projections onto the circle. A great circle is drawn as a point U of the
// Stiefel manifold (the Q of the QR factorisation of a d x 2 Gaussian
// matrix); x projects to U^T x / |U^T x|, read as the angle
// atan2/(2 pi) mod 1 in [0, 1). Build it with NewSphericalSliced and the
// setters, which return the receiver for chaining.
type SphericalSliced struct {
	sliceSettings
}

// NewSphericalSliced returns a spherical sliced distance with the given
// number of great circles, p = 2, seed 0 and one worker per CPU.
func NewSphericalSliced(circles int) *SphericalSliced {
	return &SphericalSliced{sliceSettings{slices: circles, p: 2}}
}

// P sets the exponent p >= 1.
func (s *SphericalSliced) P(p float64) *SphericalSliced { s.p = p; return s }

// Seed sets the seed of the great circles.
func (s *SphericalSliced) Seed(seed uint64) *SphericalSliced { s.seed = seed; return s }

// Workers sets the number of goroutines (<= 0: GOMAXPROCS).
func (s *SphericalSliced) Workers(n int) *SphericalSliced { s.workers = n; return s }

// Pow estimates SSW_p^p between the samples x and y of the sphere (one unit
// vector per row, same number of columns d >= 2) with weights wx and wy (nil
// = uniform; otherwise non-negative, summing to 1).
func (s *SphericalSliced) Pow(x *mat.Dense, wx []float64, y *mat.Dense, wy []float64) (Estimate, error) {
	if err := s.check(); err != nil {
		return Estimate{}, err
	}
	d, err := checkPair(x, wx, y, wy)
	if err != nil {
		return Estimate{}, err
	}
	if err := checkSphere("x", x); err != nil {
		return Estimate{}, err
	}
	if err := checkSphere("y", y); err != nil {
		return Estimate{}, err
	}
	frames := drawStiefel(s.slices, d, newRand(s.seed))
	vals := make([]float64, s.slices)
	forEachSlice(vals, s.workers, newCirclePair, func(w *circlePair, l int) float64 {
		frame := frames[2*d*l : 2*d*(l+1)]
		w.a.x = projectCircle(w.a.x, x, frame)
		w.a.w = copyWeights(w.a.w, wx)
		w.a.prepare()
		w.b.x = projectCircle(w.b.x, y, frame)
		w.b.w = copyWeights(w.b.w, wy)
		w.b.prepare()
		return circlePow(&w.a, &w.b, s.p)
	})
	return newEstimate(vals, s.p), nil
}

// PowToUniform estimates SSW_2^2 between the sample x of the sphere (as in
// Pow) and the uniform law on the sphere. The uniform law projects to the
// uniform law on every great circle, so each slice is the closed form of
// CircleUniformPow2. Only p = 2 is supported.
func (s *SphericalSliced) PowToUniform(x *mat.Dense, wx []float64) (Estimate, error) {
	if err := s.check(); err != nil {
		return Estimate{}, err
	}
	if s.p != 2 {
		return Estimate{}, fmt.Errorf("%w: the distance to the uniform law needs p = 2, have %v", ErrExponent, s.p)
	}
	_, d, err := checkCloud("x", x, wx)
	if err != nil {
		return Estimate{}, err
	}
	if err := checkSphere("x", x); err != nil {
		return Estimate{}, err
	}
	frames := drawStiefel(s.slices, d, newRand(s.seed))
	vals := make([]float64, s.slices)
	forEachSlice(vals, s.workers, newCirclePair, func(w *circlePair, l int) float64 {
		w.a.x = projectCircle(w.a.x, x, frames[2*d*l:2*d*(l+1)])
		w.a.w = copyWeights(w.a.w, wx)
		w.a.prepare()
		return circleUniformPow2(&w.a)
	})
	return newEstimate(vals, 2), nil
}

// circlePair is the per-worker scratch of the spherical sliced distance.
type circlePair struct{ a, b circleSample }

func newCirclePair() *circlePair { return new(circlePair) }

// checkSphere checks that every row of x is a unit vector of R^d, d >= 2.
func checkSphere(name string, x *mat.Dense) error {
	n, d := x.Dims()
	if d < 2 {
		return fmt.Errorf("%w: %s has %d column, want points of S^(d-1) with d >= 2", ErrDimension, name, d)
	}
	for i := range n {
		if r := mat.Norm(x.RowView(i), 2); math.Abs(r-1) > sphereTol {
			return fmt.Errorf("%w: %s point %d has norm %v, want a unit vector (tolerance %g)", ErrDomain, name, i, r, sphereTol)
		}
	}
	return nil
}

// drawStiefel returns l orthonormal 2-frames of R^d, frame k stored as
// [u1 (d values), u2 (d values)] at k*2d: the Q of the QR factorisation of a
// Gaussian d x 2 matrix, by Gram-Schmidt, which makes the frame uniform on
// the Stiefel manifold.
func drawStiefel(l, d int, rng *rand.Rand) []float64 {
	frames := make([]float64, 2*d*l)
	for k := range l {
		u1, u2 := frames[2*d*k:2*d*k+d], frames[2*d*k+d:2*d*(k+1)]
		randomUnit(u1, rng)
		for {
			for i := range u2 {
				u2[i] = rng.NormFloat64()
			}
			dot := 0.0
			for i := range u2 {
				dot += u1[i] * u2[i]
			}
			norm := 0.0
			for i := range u2 {
				u2[i] -= dot * u1[i]
				norm += u2[i] * u2[i]
			}
			if norm > 1e-24 {
				floats.Scale(1/math.Sqrt(norm), u2)
				break
			}
		}
	}
	return frames
}

// projectCircle returns dst (reused when long enough) holding the circle
// coordinate in [0, 1) of each row x_i of x on the great circle of the frame
// [u1, u2]: atan2(u2.x_i, u1.x_i) / (2 pi) mod 1.
func projectCircle(dst []float64, x *mat.Dense, frame []float64) []float64 {
	raw := x.RawMatrix()
	d := raw.Cols
	u1, u2 := frame[:d], frame[d:2*d]
	dst = grow(dst, raw.Rows)
	for i := range dst {
		row := raw.Data[i*raw.Stride : i*raw.Stride+d]
		c, s := 0.0, 0.0
		for k, v := range row {
			c += u1[k] * v
			s += u2[k] * v
		}
		t := math.Atan2(s, c) / (2 * math.Pi)
		if t < 0 {
			t++
		}
		if t >= 1 { // -tiny + 1 rounds to 1
			t = 0
		}
		dst[i] = t
	}
	return dst
}
