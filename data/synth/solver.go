package synth

import (
	"math"

	"pivsr/internal/spectral"
)

// solver integrates the 2D vorticity equation on an n x n periodic box of side
// L, pseudo-spectrally:
//
//	dω/dt = -(u ∂x ω + v ∂y ω) + F + Lin ω,   Lin(k) = -(ν k² + ν_p k^(2p) + μ),
//	ψ̂ = ω̂ / k²,  û = i ky ψ̂,  v̂ = -i kx ψ̂.
//
// The state is the unnormalised DFT of ω (spectral.RealFFT2 convention),
// truncated by the 2/3 rule: only |kx|, |ky| <= kmax = floor((n-1)/3) are
// kept, which removes every alias of the quadratic term. The half spectrum is
// stored banded, kx = 0..kmax, so the transforms skip the columns that are
// zero anyway. Time stepping is classical RK4 on the integrating-factor
// variable exp(-Lin t) ω (Lawson's IFRK4): the linear dissipation is exact, so
// only advection limits the step.
type solver struct {
	n, kmax, cols int
	length        float64
	fft           *spectral.RealFFT2

	kx, ky  []float64 // physical wavenumbers of half-spectrum column i and row j
	keepRow []bool    // |ky| <= kmax
	invK2   []float64 // 1/|k|², 0 at k = 0
	lin     []float64 // Lin(k) <= 0
	force   []complex128

	omega            []complex128 // state
	a, b, c, d, tmp  []complex128 // RK4 stage values
	e1, e2           []float64    // exp(Lin dt), exp(Lin dt/2)
	factorDt         float64      // dt the factors hold
	uh, vh, wxh, wyh []complex128
	u, v, wx, wy     []float64 // physical scratch
}

func newSolver(n int, length float64) *solver {
	kmax := (n - 1) / 3
	cols := kmax + 1
	m := n * cols
	s := &solver{
		n: n, kmax: kmax, cols: cols, length: length,
		fft:     spectral.NewRealFFT2(n, n, cols),
		kx:      make([]float64, cols),
		ky:      make([]float64, n),
		keepRow: make([]bool, n),
		invK2:   make([]float64, m),
		lin:     make([]float64, m),
		omega:   make([]complex128, m),
		e1:      make([]float64, m),
		e2:      make([]float64, m),
	}
	for _, p := range []*[]complex128{&s.a, &s.b, &s.c, &s.d, &s.tmp, &s.uh, &s.vh, &s.wxh, &s.wyh} {
		*p = make([]complex128, m)
	}
	for _, p := range []*[]float64{&s.u, &s.v, &s.wx, &s.wy} {
		*p = make([]float64, n*n)
	}
	k0 := 2 * math.Pi / length
	for i := range s.kx {
		s.kx[i] = k0 * float64(i)
	}
	for j := range s.ky {
		w := spectral.Wavenumber(j, n)
		s.ky[j] = k0 * float64(w)
		s.keepRow[j] = w <= kmax && -w <= kmax
	}
	for j := range s.ky {
		for i := range s.kx {
			if k2 := s.kx[i]*s.kx[i] + s.ky[j]*s.ky[j]; k2 > 0 {
				s.invK2[j*cols+i] = 1 / k2
			}
		}
	}
	return s
}

// setDissipation fills Lin(k) = -(nu k² + nuP k^(2p) + mu).
func (s *solver) setDissipation(nu, nuP float64, p int, mu float64) {
	for j, ky := range s.ky {
		for i, kx := range s.kx {
			k2 := kx*kx + ky*ky
			s.lin[j*s.cols+i] = -(nu*k2 + nuP*math.Pow(k2, float64(p)) + mu)
		}
	}
	s.factorDt = 0
}

// cutoff is the largest kept physical wavenumber, kmax 2 pi / L.
func (s *solver) cutoff() float64 { return float64(s.kmax) * 2 * math.Pi / s.length }

// dx is the grid spacing.
func (s *solver) dx() float64 { return s.length / float64(s.n) }

// points is n², the factor between the unnormalised DFT and mean values.
func (s *solver) points() float64 { return float64(s.n * s.n) }

// rhs writes the nonlinear term and forcing, N(ω) = -(u·∇ω)^ + F, of the
// spectral vorticity w into out and returns max(|u| + |v|) over the grid
// (NaN once the state holds a NaN or an infinity).
func (s *solver) rhs(out, w []complex128) float64 {
	cols := s.cols
	for j, ky := range s.ky {
		row := j * cols
		if !s.keepRow[j] {
			for i := row; i < row+cols; i++ {
				s.uh[i], s.vh[i], s.wxh[i], s.wyh[i] = 0, 0, 0, 0
			}
			continue
		}
		for i, kx := range s.kx {
			o := w[row+i]
			psi := o * complex(s.invK2[row+i], 0)
			s.uh[row+i] = complex(-ky*imag(psi), ky*real(psi)) // i ky ψ
			s.vh[row+i] = complex(kx*imag(psi), -kx*real(psi)) // -i kx ψ
			s.wxh[row+i] = complex(-kx*imag(o), kx*real(o))    // i kx ω
			s.wyh[row+i] = complex(-ky*imag(o), ky*real(o))    // i ky ω
		}
	}
	s.fft.Inverse(s.u, s.uh)
	s.fft.Inverse(s.v, s.vh)
	s.fft.Inverse(s.wx, s.wxh)
	s.fft.Inverse(s.wy, s.wyh)
	speed := 0.0
	u, v, wx, wy := s.u, s.v[:len(s.u)], s.wx[:len(s.u)], s.wy[:len(s.u)]
	for k := range u {
		sp := math.Abs(u[k]) + math.Abs(v[k])
		if !(sp <= speed) { // also catches NaN
			speed = sp
		}
		wx[k] = u[k]*wx[k] + v[k]*wy[k]
	}
	s.fft.Forward(out, wx)
	for j := range s.ky {
		row := out[j*cols : (j+1)*cols]
		if !s.keepRow[j] {
			clear(row)
			continue
		}
		for i := range row {
			row[i] = -row[i]
		}
	}
	if s.force != nil {
		for i, f := range s.force {
			out[i] += f
		}
	}
	return speed
}

// setFactors tabulates exp(Lin dt) and exp(Lin dt/2) unless they hold dt.
func (s *solver) setFactors(dt float64) {
	if dt == s.factorDt {
		return
	}
	for i, l := range s.lin {
		h := math.Exp(l * dt / 2)
		s.e2[i] = h
		s.e1[i] = h * h
	}
	s.factorDt = dt
}

// step advances the state by dt with IFRK4, a holding N(ω) already (the
// caller evaluated it to choose dt). It returns the largest max(|u|+|v|) of
// the later stages, for the blow-up check.
func (s *solver) step(dt float64) float64 {
	s.setFactors(dt)
	w, a, b, c, d, t := s.omega, s.a, s.b, s.c, s.d, s.tmp
	e1, e2 := s.e1, s.e2
	h := dt / 2
	for i := range w {
		t[i] = complex(e2[i], 0) * (w[i] + complex(h, 0)*a[i])
	}
	speed := s.rhs(b, t)
	for i := range w {
		t[i] = complex(e2[i], 0)*w[i] + complex(h, 0)*b[i]
	}
	speed = nanMax(speed, s.rhs(c, t))
	for i := range w {
		t[i] = complex(e1[i], 0)*w[i] + complex(dt*e2[i], 0)*c[i]
	}
	speed = nanMax(speed, s.rhs(d, t))
	sixth := dt / 6
	for i := range w {
		w[i] = complex(e1[i], 0)*w[i] + complex(sixth, 0)*(complex(e1[i], 0)*a[i]+complex(2*e2[i], 0)*(b[i]+c[i])+d[i])
	}
	return speed
}

// nanMax is the larger of a and b, NaN if either is.
func nanMax(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return math.Max(a, b)
}

// weight is how many modes of the full spectrum half-spectrum column i stands
// for: kx = 0 only itself, kx > 0 itself and its mirror -kx.
func weight(i int) float64 {
	if i == 0 {
		return 1
	}
	return 2
}

// energy is the mean kinetic energy per unit mass, mean(u² + v²)/2 =
// sum over modes of |ω̂|²/(2 k² n⁴) (Parseval).
func (s *solver) energy() float64 {
	sum := 0.0
	for j := range s.ky {
		for i := 0; i < s.cols; i++ {
			o := s.omega[j*s.cols+i]
			sum += weight(i) * (real(o)*real(o) + imag(o)*imag(o)) * s.invK2[j*s.cols+i]
		}
	}
	return sum / (2 * s.points() * s.points())
}

// enstrophy is mean(ω²)/2.
func (s *solver) enstrophy() float64 {
	sum := 0.0
	for j := range s.ky {
		for i := 0; i < s.cols; i++ {
			o := s.omega[j*s.cols+i]
			sum += weight(i) * (real(o)*real(o) + imag(o)*imag(o))
		}
	}
	return sum / (2 * s.points() * s.points())
}

// velocity writes the physical velocity of the current state into u and v.
func (s *solver) velocity(u, v []float64) {
	for j, ky := range s.ky {
		for i, kx := range s.kx {
			psi := s.omega[j*s.cols+i] * complex(s.invK2[j*s.cols+i], 0)
			s.uh[j*s.cols+i] = complex(-ky*imag(psi), ky*real(psi))
			s.vh[j*s.cols+i] = complex(kx*imag(psi), -kx*real(psi))
		}
	}
	s.fft.Inverse(u, s.uh)
	s.fft.Inverse(v, s.vh)
}

// hermitian makes the kx = 0 column of a half spectrum conjugate-symmetric,
// a(0, -ky) = conj(a(0, ky)), keeping the ky > 0 half, with a(0, 0) real.
// Only that column meets its own mirror image in a banded half spectrum.
func (s *solver) hermitian(a []complex128) {
	n := s.n
	a[0] = complex(real(a[0]), 0)
	for j := 1; j < (n+1)/2; j++ {
		v := a[j*s.cols]
		a[(n-j)*s.cols] = complex(real(v), -imag(v))
	}
	if n%2 == 0 {
		a[(n/2)*s.cols] = complex(real(a[(n/2)*s.cols]), 0)
	}
}

// resample moves the state of a coarser solver onto s by zero-padding its
// spectrum: the field is the same trigonometric polynomial, sampled finer.
func (s *solver) resample(from *solver) {
	clear(s.omega)
	scale := complex(s.points()/from.points(), 0)
	for j := range from.ky {
		w := spectral.Wavenumber(j, from.n)
		if !from.keepRow[j] || w > s.kmax || -w > s.kmax {
			continue
		}
		jj := (w + s.n) % s.n
		for i := 0; i < from.cols && i < s.cols; i++ {
			s.omega[jj*s.cols+i] = scale * from.omega[j*from.cols+i]
		}
	}
}
