package synth

import (
	"math"
	"math/rand/v2"
)

// randomVorticity fills the state with random phases under the energy
// spectrum E(k) ∝ k⁴ exp(-2 k²/kp²), which peaks at k = kp (k counted in
// periods across the box), scaled to the mean kinetic energy e0. Each mode of
// a shell of radius k carries the energy E(k)/(2 pi k), so the shells hold
// E(k) in the mean and the field is isotropic.
func (s *solver) randomVorticity(rng *rand.Rand, kp, e0 float64) {
	clear(s.omega)
	if e0 == 0 {
		return
	}
	k0 := 2 * math.Pi / s.length
	for j := range s.ky {
		if !s.keepRow[j] {
			continue
		}
		for i := range s.kx {
			if i == 0 && s.ky[j] <= 0 {
				continue // the mirror image of a kx = 0, ky > 0 mode, or the mean
			}
			kappa := math.Hypot(s.kx[i], s.ky[j])
			k := kappa / k0
			spectrum := k * k * k * k * math.Exp(-2*k*k/(kp*kp))
			amp := kappa * math.Sqrt(spectrum/(2*math.Pi*k)) // |ω̂| = |k| |û|
			phase := 2 * math.Pi * rng.Float64()
			s.omega[j*s.cols+i] = complex(amp*math.Cos(phase), amp*math.Sin(phase))
		}
	}
	s.hermitian(s.omega)
	scale := complex(math.Sqrt(e0/s.energy()), 0)
	for i := range s.omega {
		s.omega[i] *= scale
	}
}

// fromFlow sets the state to the dealiased vorticity of flow sampled on the
// grid, omega^ = i kx v^ - i ky u^.
func (s *solver) fromFlow(flow Flow) {
	h := s.length / float64(s.n)
	for j := 0; j < s.n; j++ {
		for i := 0; i < s.n; i++ {
			s.u[j*s.n+i], s.v[j*s.n+i] = flow.Velocity(float64(i)*h, float64(j)*h)
		}
	}
	s.fft.Forward(s.uh, s.u)
	s.fft.Forward(s.vh, s.v)
	for j, ky := range s.ky {
		for i, kx := range s.kx {
			m := j*s.cols + i
			if s.keepRow[j] {
				s.omega[m] = complex(0, kx)*s.vh[m] - complex(0, ky)*s.uh[m]
			} else {
				s.omega[m] = 0
			}
		}
	}
}
