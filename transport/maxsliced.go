package transport

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// MaxSliced computes the max-sliced Wasserstein distance, the largest 1-D
// W_p^p between the projections theta.x and theta.y over unit directions
// theta. It starts from the best of some random directions, then climbs by
// projected gradient ascent on the sphere, using the gradient of W_p^p with
// respect to theta for the optimal 1-D matching:
//
//	grad = sum over matched pairs (i, j) of mass_ij p |d_ij|^(p-1) sign(d_ij) (x_i - y_j),
//	d_ij = theta.(x_i - y_j).
//
// The result is a local maximum (a lower bound of the max-sliced distance),
// the global one in practice when enough starts are drawn. Build it with
// NewMaxSliced and the setters, which return the receiver for chaining.
type MaxSliced struct {
	p       float64
	seed    uint64
	starts  int
	maxIter int
	workers int
}

// MaxSlicedResult is the outcome of MaxSliced.Pow.
type MaxSlicedResult struct {
	Pow        float64   // the largest W_p^p found, max-SW_p^p
	Direction  []float64 // the unit direction reaching it
	StartPow   float64   // the best W_p^p among the random starts
	Iterations int       // gradient steps tried
}

// NewMaxSliced returns a max-sliced distance with p = 2, seed 0, 64 random
// starts and at most 200 ascent steps.
func NewMaxSliced() *MaxSliced {
	return &MaxSliced{p: 2, starts: 64, maxIter: 200}
}

// P sets the exponent p >= 1.
func (m *MaxSliced) P(p float64) *MaxSliced { m.p = p; return m }

// Seed sets the seed of the random starts.
func (m *MaxSliced) Seed(seed uint64) *MaxSliced { m.seed = seed; return m }

// Starts sets how many random directions are tried before the ascent.
func (m *MaxSliced) Starts(n int) *MaxSliced { m.starts = n; return m }

// MaxIter sets the largest number of ascent steps (0: none, keep the best
// start).
func (m *MaxSliced) MaxIter(n int) *MaxSliced { m.maxIter = n; return m }

// Workers sets the number of goroutines evaluating the starts (<= 0:
// GOMAXPROCS).
func (m *MaxSliced) Workers(n int) *MaxSliced { m.workers = n; return m }

// Pow returns max-SW_p^p between the clouds x and y (one point per row, same
// number of columns) with weights wx and wy (nil = uniform; otherwise
// non-negative, summing to 1), and the direction reaching it.
func (m *MaxSliced) Pow(x *mat.Dense, wx []float64, y *mat.Dense, wy []float64) (MaxSlicedResult, error) {
	if err := checkExponent(m.p); err != nil {
		return MaxSlicedResult{}, err
	}
	if m.starts < 1 || m.maxIter < 0 {
		return MaxSlicedResult{}, fmt.Errorf("%w: %d starts and %d iterations, want at least 1 start and no negative count", ErrConfig, m.starts, m.maxIter)
	}
	d, err := checkPair(x, wx, y, wy)
	if err != nil {
		return MaxSlicedResult{}, err
	}
	starts, err := drawDirections(RandomDirections, m.starts, d, newRand(m.seed))
	if err != nil {
		return MaxSlicedResult{}, err
	}
	vals := projectedPows(starts, d, m.workers, m.p, x, wx, y, wy)
	best := 0
	for l, v := range vals {
		if v > vals[best] {
			best = l
		}
	}
	res := MaxSlicedResult{StartPow: vals[best]}
	theta := append([]float64(nil), starts[best*d:(best+1)*d]...)
	g := gradientState{x: x, y: y, wx: wx, wy: wy, p: m.p}
	f, grad := g.eval(theta)
	// Ascent along great circles: theta' = cos(a) theta + sin(a) t, with t
	// the unit tangent along the Riemannian gradient. The step angle a
	// grows after a success and halves after a failure.
	const minStep = 1e-10
	step := 0.5
	trial, tangent := make([]float64, d), make([]float64, d)
	for res.Iterations < m.maxIter && step > minStep {
		dot := floats.Dot(grad, theta)
		norm := 0.0
		for i := range tangent {
			tangent[i] = grad[i] - dot*theta[i]
			norm += tangent[i] * tangent[i]
		}
		norm = math.Sqrt(norm)
		if norm <= 1e-14*(math.Sqrt(floats.Dot(grad, grad))+1e-300) {
			break // stationary
		}
		res.Iterations++
		c, s := math.Cos(step), math.Sin(step)
		for i := range trial {
			trial[i] = c*theta[i] + s*tangent[i]/norm
		}
		floats.Scale(1/math.Sqrt(floats.Dot(trial, trial)), trial)
		ft, gt := g.eval(trial)
		if ft > f {
			copy(theta, trial)
			f, grad = ft, gt
			step = min(2*step, math.Pi/2)
		} else {
			step /= 2
		}
	}
	res.Pow, res.Direction = f, theta
	return res, nil
}

// gradientState evaluates W_p^p along a direction and its gradient.
type gradientState struct {
	x, y   *mat.Dense
	wx, wy []float64
	p      float64
	s      sample1D
	ia, ib []int // original indices of the sorted projections
	sorter sortScratch[int]
}

// eval returns W_p^p(theta.x, theta.y) and its gradient in theta.
func (g *gradientState) eval(theta []float64) (float64, []float64) {
	g.s.a = project(g.s.a, g.x, theta)
	g.s.b = project(g.s.b, g.y, theta)
	g.ia = identity(g.ia, len(g.s.a))
	g.ib = identity(g.ib, len(g.s.b))
	sortFloats(g.s.a, g.ia, &g.sorter)
	sortFloats(g.s.b, g.ib, &g.sorter)
	wa, wb := permuted(g.wx, g.ia), permuted(g.wy, g.ib)
	xr, yr := g.x.RawMatrix(), g.y.RawMatrix()
	grad := make([]float64, len(theta))
	q := newCoupling(len(g.s.a), wa, len(g.s.b), wb)
	total := 0.0
	for {
		i, j, mass, ok := q.next()
		if !ok {
			break
		}
		diff := g.s.a[i] - g.s.b[j]
		total += mass * powAbs(diff, g.p)
		if diff == 0 || mass == 0 {
			continue
		}
		coef := mass * g.p * math.Copysign(math.Pow(math.Abs(diff), g.p-1), diff)
		xi := xr.Data[g.ia[i]*xr.Stride:]
		yj := yr.Data[g.ib[j]*yr.Stride:]
		for k := range grad {
			grad[k] += coef * (xi[k] - yj[k])
		}
	}
	return total, grad
}

func identity(dst []int, n int) []int {
	dst = grow(dst, n)
	for i := range dst {
		dst[i] = i
	}
	return dst
}

// permuted returns w[perm[i]] for each i, or nil for nil (uniform) weights.
func permuted(w []float64, perm []int) []float64 {
	if w == nil {
		return nil
	}
	out := make([]float64, len(perm))
	for i, k := range perm {
		out[i] = w[k]
	}
	return out
}
