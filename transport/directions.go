package transport

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// DirectionScheme chooses how the directions of a sliced distance are drawn.
// Every scheme gives unit vectors whose average over the draw is the uniform
// law on the sphere, so the sliced estimate stays unbiased; the low-variance
// schemes spread the directions more evenly.
type DirectionScheme int

const (
	// RandomDirections draws independent directions: normalised Gaussian
	// vectors. The standard error is exact for this scheme.
	RandomDirections DirectionScheme = iota

	// OrthogonalDirections draws blocks of d orthonormal directions (the Q
	// of the QR factorisation of a d x d Gaussian matrix, a Haar-random
	// rotation), one block after another. Averaging a quadratic such as
	// (theta.m)^2 over a whole block is exact.
	OrthogonalDirections

	// QuasiMonteCarlo uses a randomised low-discrepancy set: in 2-D, L
	// angles evenly spaced on [0, pi) under one random rotation; in higher
	// dimension, a randomly shifted Halton sequence pushed through the
	// Gaussian quantile function and normalised.
	QuasiMonteCarlo
)

// String names the scheme.
func (s DirectionScheme) String() string {
	switch s {
	case RandomDirections:
		return "random"
	case OrthogonalDirections:
		return "orthogonal"
	case QuasiMonteCarlo:
		return "quasi-Monte-Carlo"
	}
	return fmt.Sprintf("DirectionScheme(%d)", int(s))
}

// newRand returns the generator every seeded draw of the package uses.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// drawDirections returns l unit vectors of R^d, row-major (direction k is
// dst[k*d : (k+1)*d]).
func drawDirections(scheme DirectionScheme, l, d int, rng *rand.Rand) ([]float64, error) {
	dirs := make([]float64, l*d)
	switch scheme {
	case RandomDirections:
		for k := range l {
			randomUnit(dirs[k*d:(k+1)*d], rng)
		}
	case OrthogonalDirections:
		q := make([]float64, d*d)
		for k := 0; k < l; k += d {
			haarOrthogonal(q, d, rng)
			for c := 0; c < d && k+c < l; c++ {
				for r := range d {
					dirs[(k+c)*d+r] = q[r*d+c] // the columns of Q
				}
			}
		}
	case QuasiMonteCarlo:
		quasiDirections(dirs, l, d, rng)
	default:
		return nil, fmt.Errorf("%w: unknown direction scheme %v", ErrConfig, scheme)
	}
	return dirs, nil
}

// randomUnit fills u with a uniformly distributed unit vector.
func randomUnit(u []float64, rng *rand.Rand) {
	for {
		norm := 0.0
		for i := range u {
			u[i] = rng.NormFloat64()
			norm += u[i] * u[i]
		}
		if norm > 1e-300 {
			floats.Scale(1/math.Sqrt(norm), u)
			return
		}
	}
}

// haarOrthogonal fills q (d x d, row-major) with a Haar-distributed
// orthogonal matrix: Q from the QR of a Gaussian matrix, with the column
// signs fixed by diag(R) so that the law is exactly Haar.
func haarOrthogonal(q []float64, d int, rng *rand.Rand) {
	g := mat.NewDense(d, d, nil)
	for i := range d {
		for j := range d {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var qm, rm mat.Dense
	qr.QTo(&qm)
	qr.RTo(&rm)
	for j := range d {
		s := 1.0
		if rm.At(j, j) < 0 {
			s = -1
		}
		for i := range d {
			q[i*d+j] = s * qm.At(i, j)
		}
	}
}

// quasiDirections fills dirs with l randomised quasi-Monte-Carlo directions.
func quasiDirections(dirs []float64, l, d int, rng *rand.Rand) {
	switch d {
	case 1:
		for k := range l {
			dirs[k] = 1
		}
	case 2:
		// theta and -theta give the same 1-D distance, so half a turn is enough.
		phi := rng.Float64() * math.Pi / float64(l)
		for k := range l {
			s, c := math.Sincos(phi + math.Pi*float64(k)/float64(l))
			dirs[2*k], dirs[2*k+1] = c, s
		}
	default:
		shift := make([]float64, d)
		for i := range shift {
			shift[i] = rng.Float64()
		}
		for k := range l {
			u := dirs[k*d : (k+1)*d]
			norm := 0.0
			for i := range u {
				h := radicalInverse(k+1, primes[i%len(primes)]) + shift[i]
				h -= math.Floor(h)
				h = min(max(h, 1e-12), 1-1e-12) // keep the Gaussian quantile finite
				u[i] = math.Sqrt2 * math.Erfinv(2*h-1)
				norm += u[i] * u[i]
			}
			if norm == 0 {
				randomUnit(u, rng)
				continue
			}
			floats.Scale(1/math.Sqrt(norm), u)
		}
	}
}

// primes are the Halton bases; dimensions beyond them reuse them (the
// random shift keeps the coordinates distinct, if correlated).
var primes = []int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
	73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173}

// radicalInverse returns the van der Corput radical inverse of k in base b.
func radicalInverse(k, b int) float64 {
	inv := 1 / float64(b)
	f, r := inv, 0.0
	for k > 0 {
		r += float64(k%b) * f
		k /= b
		f *= inv
	}
	return r
}
