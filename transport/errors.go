package transport

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Errors returned for bad input, for errors.Is; the returned errors wrap them
// with the details (which sample, which index, what was expected).
var (
	ErrEmpty     = errors.New("transport: empty sample")
	ErrWeights   = errors.New("transport: invalid weights")
	ErrDimension = errors.New("transport: dimension mismatch")
	ErrExponent  = errors.New("transport: invalid exponent")
	ErrDomain    = errors.New("transport: point outside the domain")
	ErrConfig    = errors.New("transport: invalid configuration")
)

// weightSumTol is how far from 1 the sum of a weight vector may be: loose
// enough for weights summed in float64 over millions of points.
const weightSumTol = 1e-8

// checkExponent accepts the exponents of a Wasserstein distance, p >= 1.
func checkExponent(p float64) error {
	if !(p >= 1) || math.IsInf(p, 1) {
		return fmt.Errorf("%w: p = %v, want a finite p >= 1", ErrExponent, p)
	}
	return nil
}

// checkSample validates a 1-D sample and its weights (nil = uniform).
func checkSample(name string, x, w []float64) error {
	if len(x) == 0 {
		return fmt.Errorf("%w: %s has no points", ErrEmpty, name)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %s[%d] = %v, want a finite value", ErrDomain, name, i, v)
		}
	}
	return checkWeights(name, len(x), w)
}

// checkWeights validates a weight vector for n points: nil (uniform), or n
// finite non-negative values summing to 1.
func checkWeights(name string, n int, w []float64) error {
	if w == nil {
		return nil
	}
	if len(w) != n {
		return fmt.Errorf("%w: %s has %d weights for %d points", ErrWeights, name, len(w), n)
	}
	sum := 0.0
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 1) {
			return fmt.Errorf("%w: %s weight %d = %v, want a finite value >= 0", ErrWeights, name, i, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > weightSumTol {
		return fmt.Errorf("%w: %s weights sum to %v, want 1", ErrWeights, name, sum)
	}
	return nil
}

// checkCloud validates a point cloud (one point per row) and its weights and
// returns its number of points and dimension.
func checkCloud(name string, x *mat.Dense, w []float64) (n, d int, err error) {
	if x == nil || x.IsEmpty() {
		return 0, 0, fmt.Errorf("%w: %s has no points", ErrEmpty, name)
	}
	n, d = x.Dims()
	raw := x.RawMatrix()
	for i := range n {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+d] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("%w: %s point %d coordinate %d = %v, want a finite value", ErrDomain, name, i, j, v)
			}
		}
	}
	return n, d, checkWeights(name, n, w)
}

// checkPair validates two clouds in the same space and returns the dimension.
func checkPair(x *mat.Dense, wx []float64, y *mat.Dense, wy []float64) (d int, err error) {
	_, dx, err := checkCloud("x", x, wx)
	if err != nil {
		return 0, err
	}
	_, dy, err := checkCloud("y", y, wy)
	if err != nil {
		return 0, err
	}
	if dx != dy {
		return 0, fmt.Errorf("%w: x has %d columns, y has %d", ErrDimension, dx, dy)
	}
	return dx, nil
}
