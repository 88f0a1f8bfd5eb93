package transport

import "gonum.org/v1/gonum/mat"

// Sliced computes the sliced Wasserstein distance between point clouds of
// R^d: the average over directions theta of the 1-D W_p^p between the
// projections theta.x and theta.y. Build it with NewSliced and the setters,
// which return the receiver for chaining:
//
//	est, err := transport.NewSliced(1000).P(2).Seed(7).Directions(transport.OrthogonalDirections).Pow(x, nil, y, nil)
//
// The directions are drawn from the seed alone, so the result is
// reproducible and independent of the number of workers. A Sliced may be
// reused and is safe for concurrent use once configured.
type Sliced struct {
	sliceSettings
	scheme DirectionScheme
}

// NewSliced returns a sliced distance with the given number of directions,
// p = 2, seed 0, random directions and one worker per CPU.
func NewSliced(directions int) *Sliced {
	return &Sliced{sliceSettings: sliceSettings{slices: directions, p: 2}}
}

// P sets the exponent p >= 1.
func (s *Sliced) P(p float64) *Sliced { s.p = p; return s }

// Seed sets the seed of the directions.
func (s *Sliced) Seed(seed uint64) *Sliced { s.seed = seed; return s }

// Workers sets the number of goroutines (<= 0: GOMAXPROCS).
func (s *Sliced) Workers(n int) *Sliced { s.workers = n; return s }

// Directions sets how the directions are drawn.
func (s *Sliced) Directions(scheme DirectionScheme) *Sliced { s.scheme = scheme; return s }

// Pow estimates SW_p^p between the clouds x and y (one point per row, same
// number of columns) with weights wx and wy (nil = uniform; otherwise
// non-negative, summing to 1). Its StdErr is the Monte-Carlo standard error
// over the directions.
func (s *Sliced) Pow(x *mat.Dense, wx []float64, y *mat.Dense, wy []float64) (Estimate, error) {
	if err := s.check(); err != nil {
		return Estimate{}, err
	}
	d, err := checkPair(x, wx, y, wy)
	if err != nil {
		return Estimate{}, err
	}
	dirs, err := drawDirections(s.scheme, s.slices, d, newRand(s.seed))
	if err != nil {
		return Estimate{}, err
	}
	vals := projectedPows(dirs, d, s.workers, s.p, x, wx, y, wy)
	return newEstimate(vals, s.p), nil
}

func newSample1D() *sample1D { return new(sample1D) }

// project returns dst (reused when long enough) holding x_i . theta for each
// row x_i of x.
func project(dst []float64, x *mat.Dense, theta []float64) []float64 {
	raw := x.RawMatrix()
	dst = grow(dst, raw.Rows)
	data, stride := raw.Data, raw.Stride
	switch raw.Cols {
	case 2:
		t0, t1 := theta[0], theta[1]
		for i := range dst {
			row := data[i*stride : i*stride+2]
			dst[i] = t0*row[0] + t1*row[1]
		}
	default:
		for i := range dst {
			row := data[i*stride : i*stride+raw.Cols]
			v := 0.0
			for k, t := range theta {
				v += t * row[k]
			}
			dst[i] = v
		}
	}
	return dst
}

// projectedPows returns W_p^p between the projections of x and y on each of
// the directions (rows of length d in dirs), computed in parallel.
func projectedPows(dirs []float64, d, workers int, p float64, x *mat.Dense, wx []float64, y *mat.Dense, wy []float64) []float64 {
	vals := make([]float64, len(dirs)/d)
	forEachSlice(vals, workers, newSample1D, func(w *sample1D, l int) float64 {
		theta := dirs[l*d : (l+1)*d]
		w.a = project(w.a, x, theta)
		w.b = project(w.b, y, theta)
		w.wa = copyWeights(w.wa, wx)
		w.wb = copyWeights(w.wb, wy)
		return w.sortedPow(p)
	})
	return vals
}
