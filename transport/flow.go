package transport

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Potential is a function on R^d with its gradient: it returns the value at
// x and, when grad is not nil, writes the gradient there (len(grad) =
// len(x)). It is used as a confining potential V(x) or, for an interaction
// energy, as W(x - y), which must then be even: W(-z) = W(z).
type Potential func(x, grad []float64) float64

// QuadraticPotential is V(x) = |x|^2 / 2, whose Fokker-Planck equation has
// the standard normal law N(0, I) as its stationary state.
func QuadraticPotential(x, grad []float64) float64 {
	v := 0.0
	for k, xk := range x {
		v += xk * xk
		if grad != nil {
			grad[k] = xk
		}
	}
	return v / 2
}

// AttractiveRepulsive returns the interaction potential
// W(z) = |z|^a / a - |z|^b / b with a > b >= 1: attractive at long range,
// repulsive at short range. With a = 4, b = 2 the aggregation equation
// settles, in the plane, on the uniform law on a circle of radius
// 1/sqrt(3) (the mean force on a point of a ring of radius R is
// R (3 R^2 - 1)), and on the line on two Diracs one unit apart.
func AttractiveRepulsive(a, b float64) Potential {
	return func(z, grad []float64) float64 {
		r2 := 0.0
		for _, zk := range z {
			r2 += zk * zk
		}
		if r2 == 0 {
			for k := range grad {
				grad[k] = 0
			}
			return 0
		}
		ra, rb := powOfSquare(r2, a), powOfSquare(r2, b)
		if grad != nil {
			s := (ra - rb) / r2 // d/dr W = r^(a-1) - r^(b-1), times z / r
			for k, zk := range z {
				grad[k] = s * zk
			}
		}
		return ra/a - rb/b
	}
}

// powOfSquare returns r^p from r2 = r^2, by multiplications when p is an
// even integer (the usual exponents, and many times faster than math.Pow).
func powOfSquare(r2, p float64) float64 {
	if half := p / 2; half == math.Trunc(half) && half >= 0 && half <= 8 {
		v := 1.0
		for range int(half) {
			v *= r2
		}
		return v
	}
	return math.Pow(r2, p/2)
}

// Flow is a sliced-Wasserstein gradient flow of particles (Bonet, Courty,
// Septier & Drumetz 2021): a measure rho of R^d, held as N equally weighted
// particles, follows the JKO scheme
//
//	rho_{k+1} = argmin_rho SW_2^2(rho, rho_k) / (2 tau) + F(rho)
//
// with the free energy
//
//	F(rho) = integral V d rho + D integral rho log rho + (1/2) double integral W(x - y) d rho(x) d rho(y).
//
// Each JKO step is solved by gradient descent on the particle positions with
// a backtracking (Armijo) line search. The gradient of SW_2^2 comes from the
// sorted (optimal 1-D) matchings of the projections of the particles and of
// the previous step's particles on Slices directions, drawn once per step so
// that the step's objective is one fixed function. The entropy is that of a
// Gaussian kernel density estimate rho_h of the particles,
// (1/N) sum_i log rho_h(x_i), differentiated exactly (its bias on the
// stationary covariance is then of second order in h). So F of the
// particles never increases from one step to the next for a fixed
// bandwidth.
//
// With V = |x|^2/2 and D = 1 (Fokker-Planck) the particles tend to a sample
// of N(0, I); with W alone (the aggregation equation) to the steady states
// of the interaction. Build it with NewFlow and the setters, which return
// the receiver for chaining.
type Flow struct {
	tau         float64
	potential   Potential
	diffusion   float64
	bandwidth   float64
	interaction Potential
	slices      int
	scheme      DirectionScheme
	seed        uint64
	inner       int
}

// NewFlow returns a flow with JKO time step tau, no energy (set at least one
// of Potential, Entropy and Interaction), 32 quasi-Monte-Carlo directions,
// 10 gradient iterations per step, seed 0 and the bandwidth rule.
func NewFlow(tau float64) *Flow {
	return &Flow{tau: tau, slices: 32, scheme: QuasiMonteCarlo, inner: 10}
}

// Potential sets the confining potential V (nil: none).
func (f *Flow) Potential(v Potential) *Flow { f.potential = v; return f }

// Entropy sets the diffusion coefficient D >= 0 of the entropy term
// (D = 1 with V: the Fokker-Planck equation, stationary law proportional
// to exp(-V/D)).
func (f *Flow) Entropy(d float64) *Flow { f.diffusion = d; return f }

// Bandwidth sets the kernel bandwidth h > 0 of the entropy's density
// estimate; 0 (the default) applies Scott's rule to each step's starting
// particles, h = sigma (4 / ((d + 2) N))^(1/(d+4)), sigma the root mean
// coordinate variance.
func (f *Flow) Bandwidth(h float64) *Flow { f.bandwidth = h; return f }

// Interaction sets the even interaction potential W (nil: none).
func (f *Flow) Interaction(w Potential) *Flow { f.interaction = w; return f }

// Slices sets the number of projection directions of each step.
func (f *Flow) Slices(n int) *Flow { f.slices = n; return f }

// Directions sets how the directions are drawn.
func (f *Flow) Directions(scheme DirectionScheme) *Flow { f.scheme = scheme; return f }

// Seed sets the seed of the directions.
func (f *Flow) Seed(seed uint64) *Flow { f.seed = seed; return f }

// InnerSteps sets the number of gradient iterations solving each JKO step.
func (f *Flow) InnerSteps(n int) *Flow { f.inner = n; return f }

func (f *Flow) check() error {
	switch {
	case !(f.tau > 0) || math.IsInf(f.tau, 1):
		return fmt.Errorf("%w: time step tau = %v, want a finite tau > 0", ErrConfig, f.tau)
	case !(f.diffusion >= 0) || math.IsInf(f.diffusion, 1):
		return fmt.Errorf("%w: diffusion D = %v, want a finite D >= 0", ErrConfig, f.diffusion)
	case !(f.bandwidth >= 0) || math.IsInf(f.bandwidth, 1):
		return fmt.Errorf("%w: bandwidth %v, want a finite h > 0 (or 0 for the rule)", ErrConfig, f.bandwidth)
	case f.potential == nil && f.diffusion == 0 && f.interaction == nil:
		return fmt.Errorf("%w: no energy: set a potential, an entropy or an interaction", ErrConfig)
	case f.slices < 1:
		return fmt.Errorf("%w: %d slices, want at least 1", ErrConfig, f.slices)
	case f.inner < 1:
		return fmt.Errorf("%w: %d inner steps, want at least 1", ErrConfig, f.inner)
	}
	return nil
}

// FlowStep reports the state of a flow after a step.
type FlowStep struct {
	// Step counts the JKO steps done (0: the initial particles) and Time
	// is Step * tau.
	Step int
	Time float64
	// X holds the particles (one per row). It is the flow's own buffer:
	// read it during the callback, copy it to keep it.
	X *mat.Dense
	// Energy is F of the particles (the entropy with the step's bandwidth).
	Energy float64
	// Bandwidth is the step's kernel bandwidth (0 without entropy).
	Bandwidth float64
	// Moved is the root mean square displacement of the particles over the
	// step.
	Moved float64
}

// Run moves the particles x0 (one per row, at least 2) through the given
// number of JKO steps and returns the final particles; x0 is not modified.
// observe, when not nil, is called with the initial state and after every
// step; an error from it stops the flow and is returned.
func (f *Flow) Run(x0 *mat.Dense, steps int, observe func(FlowStep) error) (*mat.Dense, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	n, d, err := checkCloud("x0", x0, nil)
	if err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, fmt.Errorf("%w: %d particle, want at least 2", ErrEmpty, n)
	}
	if steps < 0 {
		return nil, fmt.Errorf("%w: %d steps, want steps >= 0", ErrConfig, steps)
	}
	s := newFlowState(f, n, d)
	copy(s.x, flatRows(x0))
	xm := mat.NewDense(n, d, s.x)
	rng := newRand(f.seed)
	h := f.stepBandwidth(s.x, n, d)
	if observe != nil {
		if err := observe(FlowStep{X: xm, Energy: s.energy(s.x, h), Bandwidth: h}); err != nil {
			return nil, err
		}
	}
	for k := 1; k <= steps; k++ {
		dirs, err := drawDirections(f.scheme, f.slices, d, rng)
		if err != nil {
			return nil, err
		}
		h = f.stepBandwidth(s.x, n, d)
		energy, err := s.jko(dirs, h)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", k, err)
		}
		if observe != nil {
			st := FlowStep{Step: k, Time: float64(k) * f.tau, X: xm, Energy: energy, Bandwidth: h, Moved: s.moved()}
			if err := observe(st); err != nil {
				return nil, err
			}
		}
	}
	return mat.DenseCopyOf(xm), nil
}

// Energy returns F of the particles x (one per row), the entropy estimated
// with the bandwidth the flow would use for them.
func (f *Flow) Energy(x *mat.Dense) (float64, error) {
	if err := f.check(); err != nil {
		return 0, err
	}
	n, d, err := checkCloud("x", x, nil)
	if err != nil {
		return 0, err
	}
	s := newFlowState(f, n, d)
	flat := flatRows(x)
	return s.energy(flat, f.stepBandwidth(flat, n, d)), nil
}

// flatRows returns the rows of x as one row-major slice (x's own data when
// it is contiguous).
func flatRows(x *mat.Dense) []float64 {
	raw := x.RawMatrix()
	if raw.Stride == raw.Cols {
		return raw.Data[:raw.Rows*raw.Cols]
	}
	out := make([]float64, 0, raw.Rows*raw.Cols)
	for i := range raw.Rows {
		out = append(out, raw.Data[i*raw.Stride:i*raw.Stride+raw.Cols]...)
	}
	return out
}

// stepBandwidth is the kernel bandwidth for the particles x (0 without an
// entropy term).
func (f *Flow) stepBandwidth(x []float64, n, d int) float64 {
	if f.diffusion == 0 {
		return 0
	}
	if f.bandwidth > 0 {
		return f.bandwidth
	}
	return scottBandwidth(x, n, d)
}

// scottBandwidth is Scott's rule sigma (4 / ((d + 2) n))^(1/(d+4)) with
// sigma^2 the mean over coordinates of the sample variance (floored so that
// a collapsed cloud keeps a usable kernel).
func scottBandwidth(x []float64, n, d int) float64 {
	variance := 0.0
	for k := range d {
		mean := 0.0
		for i := range n {
			mean += x[i*d+k]
		}
		mean /= float64(n)
		for i := range n {
			dv := x[i*d+k] - mean
			variance += dv * dv
		}
	}
	sigma := math.Sqrt(max(variance/float64(d*(n-1)), 1e-12))
	return sigma * math.Pow(4/(float64(d+2)*float64(n)), 1/float64(d+4))
}
