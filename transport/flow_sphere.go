package transport

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SphereFlow moves particles on the sphere S^(d-1) by Riemannian gradient
// descent of SSW_2^2 to a target law (Bonet, Berg, Courty, Septier, Drumetz
// & Pham 2023): at each step, Slices fresh great circles (Stiefel frames)
// project the particles and the target to the circle, where the optimal
// circle matching is exact (the best cyclic shift of the sorted equal-size
// samples, or the uniform quantiles shifted by the mean for the uniform
// law); the Euclidean gradient of the matched cost, averaged over the
// circles, is projected on the tangent plane and each point is retracted
// to the sphere by normalisation. The gradient is scaled by N (one
// velocity per particle) and by (2 pi)^2, the cost being measured in
// radians: a particle whose projected angle is off by dphi on a circle at
// distance r of its axis is pushed by dphi / r along that circle. Build it
// with NewSphereFlow and the setters, which return the receiver for
// chaining.
type SphereFlow struct {
	step   float64
	slices int
	seed   uint64
}

// NewSphereFlow returns a spherical flow with gradient step (learning rate)
// step, 64 great circles per step and seed 0.
func NewSphereFlow(step float64) *SphereFlow {
	return &SphereFlow{step: step, slices: 64}
}

// Slices sets the number of great circles drawn at each step.
func (s *SphereFlow) Slices(n int) *SphereFlow { s.slices = n; return s }

// Seed sets the seed of the great circles.
func (s *SphereFlow) Seed(seed uint64) *SphereFlow { s.seed = seed; return s }

// SphereFlowStep reports the state of a spherical flow.
type SphereFlowStep struct {
	// Step counts the gradient steps done (0: the initial particles).
	Step int
	// X holds the particles (unit rows). It is the flow's own buffer: read
	// it during the callback, copy it to keep it.
	X *mat.Dense
	// Distance estimates SSW_2^2 (circle coordinates in turns, as
	// SphericalSliced) from X to the target over the great circles of the
	// next step (over fresh ones after the last step): a noisy but unbiased
	// estimate.
	Distance float64
	// Moved is the root mean square geodesic displacement of the step.
	Moved float64
}

// Run moves the particles x0 (unit rows of R^d, d >= 2) through the given
// number of gradient steps toward the target sample (unit rows, the same
// number of points as x0), or toward the uniform law on the sphere when
// target is nil, and returns the final particles; x0 is not modified.
// observe, when not nil, sees the initial state and every step; an error
// from it stops the flow and is returned.
func (s *SphereFlow) Run(x0, target *mat.Dense, steps int, observe func(SphereFlowStep) error) (*mat.Dense, error) {
	switch {
	case !(s.step > 0) || math.IsInf(s.step, 1):
		return nil, fmt.Errorf("%w: step %v, want a finite step > 0", ErrConfig, s.step)
	case s.slices < 1:
		return nil, fmt.Errorf("%w: %d slices, want at least 1", ErrConfig, s.slices)
	case steps < 0:
		return nil, fmt.Errorf("%w: %d steps, want steps >= 0", ErrConfig, steps)
	}
	n, d, err := checkCloud("x0", x0, nil)
	if err != nil {
		return nil, err
	}
	if err := checkSphere("x0", x0); err != nil {
		return nil, err
	}
	if target != nil {
		if _, err := checkPair(x0, nil, target, nil); err != nil {
			return nil, err
		}
		if err := checkSphere("target", target); err != nil {
			return nil, err
		}
		if m, _ := target.Dims(); m != n {
			return nil, fmt.Errorf("%w: target has %d points for %d particles, want as many", ErrDimension, m, n)
		}
	}
	x := mat.DenseCopyOf(x0)
	raw := x.RawMatrix().Data
	grad := make([]float64, n*d)
	var w sphereScratch
	rng := newRand(s.seed)
	moved := 0.0
	for k := 0; ; k++ {
		frames := drawStiefel(s.slices, d, rng)
		dist := w.gradient(grad, x, target, frames)
		if observe != nil {
			if err := observe(SphereFlowStep{Step: k, X: x, Distance: dist, Moved: moved}); err != nil {
				return nil, err
			}
		}
		if k == steps {
			return x, nil
		}
		moved = 0
		for i := range n {
			p, g := raw[i*d:(i+1)*d], grad[i*d:(i+1)*d]
			dot := 0.0
			for c := range d {
				dot += g[c] * p[c]
			}
			norm := 0.0
			old := w.buf[:0]
			for c := range d {
				old = append(old, p[c])
				p[c] -= s.step * (g[c] - dot*p[c]) // along the tangent plane
				norm += p[c] * p[c]
			}
			norm = math.Sqrt(norm)
			cos := 0.0
			for c := range d {
				p[c] /= norm // the retraction
				cos += p[c] * old[c]
			}
			a := math.Acos(min(max(cos, -1), 1))
			moved += a * a
			w.buf = old
		}
		moved = math.Sqrt(moved / float64(n))
	}
}

// sphereScratch holds the buffers of the spherical flow's gradient.
type sphereScratch struct {
	u, v   circleSample
	idx    []int32
	perm   sortScratch[int32]
	sorter sortScratch[float64]
	buf    []float64
}

// gradient sets grad (n x d, row-major) to the N- and (2 pi)^2-scaled
// Euclidean gradient of SSW_2^2 / 2 from x to the target (nil: uniform)
// over the frames, and returns the mean circle W_2^2 over the frames.
func (w *sphereScratch) gradient(grad []float64, x, target *mat.Dense, frames []float64) float64 {
	raw := x.RawMatrix()
	n, d := raw.Rows, raw.Cols
	l := len(frames) / (2 * d)
	for i := range grad {
		grad[i] = 0
	}
	total := 0.0
	for k := range l {
		frame := frames[2*d*k : 2*d*(k+1)]
		w.u.x = projectCircle(w.u.x, x, frame)
		w.idx = grow(w.idx, n)
		for i := range w.idx {
			w.idx[i] = int32(i)
		}
		sortFloats(w.u.x, w.idx, &w.perm)
		u := w.u.x
		// matched(i) is the circle coordinate (unwrapped) matched with u[i].
		var matched func(i int) float64
		if target == nil {
			w.u.w, w.u.cum = nil, w.u.cum[:0]
			total += circleUniformPow2(&w.u)
			mean := 0.0
			for _, t := range u {
				mean += t
			}
			shift := mean/float64(n) - 0.5 // the optimal rotation of the uniform quantiles
			matched = func(i int) float64 { return (float64(i)+0.5)/float64(n) + shift }
		} else {
			w.v.x = projectCircle(w.v.x, target, frame)
			sortFloats[float64](w.v.x, nil, &w.sorter)
			v := w.v.x
			shift := circleBestShift(u, v)
			total += circleShiftPow(u, v, shift, 2)
			q := shift / n
			if shift%n < 0 {
				q--
			}
			r := shift - q*n
			matched = func(i int) float64 {
				if j := i + r; j < n {
					return v[j] + float64(q)
				}
				return v[i+r-n] + float64(q+1)
			}
		}
		u1, u2 := frame[:d], frame[d:]
		for i, t := range u {
			p := int(w.idx[i])
			row := raw.Data[p*raw.Stride : p*raw.Stride+d]
			c, s := 0.0, 0.0
			for m, xm := range row {
				c += u1[m] * xm
				s += u2[m] * xm
			}
			r2 := c*c + s*s
			if r2 < 1e-12 {
				continue // on the circle's axis: the angle has no gradient
			}
			// d t / d x = (c u2 - s u1) / (2 pi r^2); the cost in radians
			// is (2 pi)^2 (t - matched)^2 / 2.
			f := 2 * math.Pi * (t - matched(i)) / (r2 * float64(l))
			g := grad[p*d : (p+1)*d]
			for m := range g {
				g[m] += f * (c*u2[m] - s*u1[m])
			}
		}
	}
	return total / float64(l)
}

// circleBestShift returns the cyclic shift k minimising S(k) (see
// circleEqualPow) for p = 2 between sorted equal-size samples: S is convex
// in k (the circle cost is convex in the rotation), so a bisection on the
// sign of S(k+1) - S(k) over [-n, n] finds it.
func circleBestShift(u, v []float64) int {
	n := len(u)
	lo, hi := -n, n
	for lo < hi {
		mid := lo + (hi-lo)/2
		if circleShiftPow(u, v, mid+1, 2) >= circleShiftPow(u, v, mid, 2) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
