package transport

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// flowState holds the particles of a Flow and the buffers of its steps.
// Gradients are scaled by N (the gradient of N * objective), so that each
// particle's gradient is a velocity independent of the number of particles.
type flowState struct {
	f    *Flow
	n, d int
	x    []float64 // current particles, row-major n x d
	prev []float64 // the previous step's particles
	// The step's directions and the sorted projections of prev on each.
	dirs             []float64
	prevSorted       []float64
	grad, trial, buf []float64
	proj             []float64
	idx              []int32
	scratch          sortScratch[int32]
	kde              []float64 // the density estimate at each particle
}

func newFlowState(f *Flow, n, d int) *flowState {
	return &flowState{
		f: f, n: n, d: d,
		x: make([]float64, n*d), prev: make([]float64, n*d),
		grad: make([]float64, n*d), trial: make([]float64, n*d), buf: make([]float64, d),
		idx: make([]int32, n), kde: make([]float64, n),
	}
}

// armijo is the sufficient-decrease constant of the line search.
const armijo = 1e-4

// jko solves one JKO step from the current particles with the directions
// dirs (row-major, d per direction) and the kernel bandwidth h, leaving the
// new particles in s.x, and returns their energy F.
func (s *flowState) jko(dirs []float64, h float64) (float64, error) {
	n, d := s.n, s.d
	copy(s.prev, s.x)
	s.dirs = dirs
	l := len(dirs) / d
	s.prevSorted = grow(s.prevSorted, l*n)
	for k := range l {
		sorted := project(s.prevSorted[k*n:(k+1)*n], matView(s.prev, n, d), dirs[k*d:(k+1)*d])
		sortFloats[int32](sorted, nil, &s.scratch)
	}
	// The SW term's Hessian is about I / (tau d): a step of tau d would
	// solve it alone, so the search starts there.
	maxEta := s.f.tau * float64(d)
	eta := maxEta
	obj := s.objective(s.x, h, nil)
	for range s.f.inner {
		for i := range s.grad {
			s.grad[i] = 0
		}
		s.objective(s.x, h, s.grad)
		g2 := 0.0
		for _, g := range s.grad {
			g2 += g * g
		}
		if g2 == 0 || math.IsNaN(g2) || math.IsInf(g2, 0) {
			break
		}
		accepted := false
		for range 40 {
			for i, xi := range s.x {
				s.trial[i] = xi - eta*s.grad[i]
			}
			if trialObj := s.objective(s.trial, h, nil); trialObj <= obj-armijo*eta*g2/float64(n) {
				obj = trialObj
				copy(s.x, s.trial)
				accepted = true
				break
			}
			eta /= 2
		}
		if !accepted {
			break // no descent left at floating-point resolution
		}
		eta = min(2*eta, maxEta)
	}
	energy := s.energy(s.x, h)
	if math.IsNaN(energy) || math.IsInf(energy, 0) {
		return 0, fmt.Errorf("%w: the energy became %v (tau too large for the energy's stiffness?)", ErrDomain, energy)
	}
	return energy, nil
}

// objective returns SW_2^2(x, prev) / (2 tau) + F(x) over the step's
// directions and, when grad is not nil, adds its N-scaled gradient there.
func (s *flowState) objective(x []float64, h float64, grad []float64) float64 {
	n, d := s.n, s.d
	l := len(s.dirs) / d
	sw := 0.0
	xm := matView(x, n, d)
	coef := 1 / (s.f.tau * float64(l)) // N * d/dx of SW^2 / (2 tau), per slice
	for k := range l {
		theta := s.dirs[k*d : (k+1)*d]
		s.proj = project(s.proj, xm, theta)
		target := s.prevSorted[k*n : (k+1)*n]
		if grad == nil {
			sortFloats[int32](s.proj, nil, &s.scratch)
			for i, a := range s.proj {
				sw += (a - target[i]) * (a - target[i])
			}
			continue
		}
		for i := range s.idx {
			s.idx[i] = int32(i)
		}
		sortFloats(s.proj, s.idx, &s.scratch)
		for i, a := range s.proj {
			diff := a - target[i]
			sw += diff * diff
			g := grad[int(s.idx[i])*d : int(s.idx[i]+1)*d]
			for c, t := range theta {
				g[c] += coef * diff * t
			}
		}
	}
	sw /= float64(l * n)
	e := s.energy(x, h) // fills s.kde, which energyGrad reuses
	if grad != nil {
		s.energyGrad(x, h, grad)
	}
	return sw/(2*s.f.tau) + e
}

// matView wraps a row-major slice as an n x d matrix without copying.
func matView(x []float64, n, d int) *mat.Dense { return mat.NewDense(n, d, x) }

// energy returns F(x): the mean potential, D times the mean log density
// estimate (bandwidth h) and half the mean interaction over all pairs.
func (s *flowState) energy(x []float64, h float64) float64 {
	n, d, f := s.n, s.d, s.f
	e := 0.0
	if f.potential != nil {
		v := 0.0
		for i := range n {
			v += f.potential(x[i*d:(i+1)*d], nil)
		}
		e += v / float64(n)
	}
	if f.diffusion > 0 {
		s.density(x, h)
		ent := 0.0
		for _, r := range s.kde {
			ent += math.Log(r)
		}
		e += f.diffusion * ent / float64(n)
	}
	if f.interaction != nil {
		w := 0.0
		z := s.buf
		for i := range n {
			for j := i + 1; j < n; j++ {
				for c := range d {
					z[c] = x[i*d+c] - x[j*d+c]
				}
				w += f.interaction(z, nil)
			}
		}
		for c := range z {
			z[c] = 0
		}
		e += w/float64(n*n) + f.interaction(z, nil)/float64(2*n)
	}
	return e
}

// energyGrad adds N times the gradient of F at x to grad. It needs s.kde
// to hold the density estimate at x: call energy(x, h) first.
func (s *flowState) energyGrad(x []float64, h float64, grad []float64) {
	n, d, f := s.n, s.d, s.f
	if f.potential != nil {
		g := make([]float64, d)
		for i := range n {
			f.potential(x[i*d:(i+1)*d], g)
			for c, gc := range g {
				grad[i*d+c] += gc
			}
		}
	}
	if f.diffusion > 0 {
		// N d/dx_i of (1/N) sum_j log rho(x_j), rho(x) = (1/N) sum_m K(x - x_m):
		// (1/(N h^2)) sum_j K(x_i - x_j) (x_j - x_i) (1/rho_i + 1/rho_j).
		inv2h2 := 1 / (2 * h * h)
		scale := f.diffusion * s.kernelNorm(h) / (float64(n) * h * h)
		for i := range n {
			xi := x[i*d : (i+1)*d]
			for j := i + 1; j < n; j++ {
				xj := x[j*d : (j+1)*d]
				r2 := 0.0
				for c := range d {
					r2 += (xi[c] - xj[c]) * (xi[c] - xj[c])
				}
				w := scale * math.Exp(-r2*inv2h2) * (1/s.kde[i] + 1/s.kde[j])
				for c := range d {
					dc := w * (xj[c] - xi[c])
					grad[i*d+c] += dc
					grad[j*d+c] -= dc
				}
			}
		}
	}
	if f.interaction != nil {
		z, g := s.buf, make([]float64, d)
		inv := 1 / float64(n)
		for i := range n {
			for j := i + 1; j < n; j++ {
				for c := range d {
					z[c] = x[i*d+c] - x[j*d+c]
				}
				f.interaction(z, g)
				for c, gc := range g {
					grad[i*d+c] += gc * inv
					grad[j*d+c] -= gc * inv
				}
			}
		}
	}
}

// kernelNorm is the normalisation (2 pi h^2)^(-d/2) of the Gaussian kernel.
func (s *flowState) kernelNorm(h float64) float64 {
	return math.Pow(2*math.Pi*h*h, -float64(s.d)/2)
}

// density fills s.kde with the Gaussian kernel density estimate
// (1/N) sum_m K_h(x_i - x_m) at each particle (the particle's own kernel
// included, which keeps it positive).
func (s *flowState) density(x []float64, h float64) {
	n, d := s.n, s.d
	inv2h2 := 1 / (2 * h * h)
	for i := range s.kde {
		s.kde[i] = 1 // exp(0): the particle's own kernel
	}
	for i := range n {
		xi := x[i*d : (i+1)*d]
		for j := i + 1; j < n; j++ {
			xj := x[j*d : (j+1)*d]
			r2 := 0.0
			for c := range d {
				r2 += (xi[c] - xj[c]) * (xi[c] - xj[c])
			}
			k := math.Exp(-r2 * inv2h2)
			s.kde[i] += k
			s.kde[j] += k
		}
	}
	norm := s.kernelNorm(h) / float64(n)
	for i := range s.kde {
		s.kde[i] *= norm
	}
}

// moved is the root mean square displacement from prev to x.
func (s *flowState) moved() float64 {
	ss := 0.0
	for i, v := range s.x {
		ss += (v - s.prev[i]) * (v - s.prev[i])
	}
	return math.Sqrt(ss / float64(s.n))
}
