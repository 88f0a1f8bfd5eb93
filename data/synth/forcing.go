package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Forcing drives the vorticity equation of a Turbulence run. The package
// provides Kolmogorov (steady, one mode) and RingForcing (random, white in
// time, a shell of modes).
type Forcing interface {
	// String describes the forcing, for provenance.
	String() string
	// setup installs the forcing in s. A steady forcing fills s.force; a
	// random one returns the kick applied after each step of length dt.
	setup(s *solver, rng *rand.Rand) (kick func(dt float64), err error)
}

// Kolmogorov is the steady body force f = (A sin(K 2 pi y / L), 0), K whole
// periods across the box. Its curl forces the vorticity equation with
// -A kappa cos(kappa y), kappa = 2 pi K / L. With viscosity nu and drag mu the
// laminar response is u = A sin(kappa y) / (nu kappa^2 + mu), v = 0. It turns
// unstable, and the flow turbulent, once the dissipation is weak against the
// forcing, but only for K >= 2: on a square box the K = 1 flow is stable at
// any viscosity (Marchioro 1986). K = 4 is a common choice.
type Kolmogorov struct {
	Amplitude float64 // A
	K         int     // periods across the box, >= 1
}

func (f Kolmogorov) String() string {
	return fmt.Sprintf("Kolmogorov forcing f_x = %g sin(%d 2pi y/L)", f.Amplitude, f.K)
}

func (f Kolmogorov) setup(s *solver, _ *rand.Rand) (func(float64), error) {
	if f.K < 1 || f.K > s.kmax {
		return nil, fmt.Errorf("kolmogorov forcing wavenumber %d: want 1..%d, the largest wavenumber the %d^2 grid resolves", f.K, s.kmax, s.n)
	}
	if !isFinite(f.Amplitude) {
		return nil, fmt.Errorf("kolmogorov forcing amplitude %v is not finite", f.Amplitude)
	}
	kappa := 2 * math.Pi * float64(f.K) / s.length
	// cos(kappa y) has the unnormalised DFT n²/2 at (0, ±K).
	c := complex(-f.Amplitude*kappa*s.points()/2, 0)
	s.force = make([]complex128, len(s.omega))
	s.force[f.K*s.cols] = c
	s.force[(s.n-f.K)*s.cols] = c
	return nil, nil
}

// RingForcing is random vorticity forcing, Gaussian and white in time, spread
// evenly over the modes of the shell |k| in [K - Width/2, K + Width/2] (k in
// whole periods across the box). Power is the mean energy injection rate per
// unit mass, epsilon: being white in time, the forcing injects exactly that
// on average whatever the flow does. Over time a ring forcing builds the
// inverse energy cascade towards large scales, which only linear drag
// (WithDrag) stops; without drag the energy grows for ever.
type RingForcing struct {
	K, Width, Power float64
}

func (f RingForcing) String() string {
	return fmt.Sprintf("white-in-time ring forcing at |k| = %g ± %g, power %g", f.K, f.Width/2, f.Power)
}

func (f RingForcing) setup(s *solver, rng *rand.Rand) (func(float64), error) {
	if !(f.K > 0) || !(f.Width > 0) || !(f.Power >= 0) || !isFinite(f.K+f.Width+f.Power) {
		return nil, fmt.Errorf("ring forcing needs K > 0, Width > 0 and Power >= 0, got K %v, Width %v, Power %v", f.K, f.Width, f.Power)
	}
	lo, hi := f.K-f.Width/2, f.K+f.Width/2
	var modes []int // half-spectrum offsets: kx > 0, or kx = 0 and ky > 0
	sumInvK2 := 0.0 // over the full spectrum, each half-spectrum mode and its mirror
	k0 := 2 * math.Pi / s.length
	for j := range s.ky {
		if !s.keepRow[j] {
			continue
		}
		for i := range s.kx {
			k := math.Hypot(s.kx[i], s.ky[j]) / k0
			if k < lo || k > hi || (i == 0 && s.ky[j] <= 0) {
				continue
			}
			modes = append(modes, j*s.cols+i)
			sumInvK2 += 2 * s.invK2[j*s.cols+i]
		}
	}
	if len(modes) == 0 {
		return nil, fmt.Errorf("ring forcing at |k| = %g ± %g holds no mode of the %d^2 grid (largest kept |k| is %d)", f.K, f.Width/2, s.n, s.kmax)
	}
	// Kicks of normalised amplitude sigma sqrt(dt) eta, E|eta|^2 = 1, add
	// (1/2) sum over all modes sigma^2 dt / k^2 of energy on average.
	sigma := math.Sqrt(2 * f.Power / sumInvK2)
	return func(dt float64) {
		amp := sigma * math.Sqrt(dt/2) * s.points()
		for _, m := range modes {
			s.omega[m] += complex(amp*rng.NormFloat64(), amp*rng.NormFloat64())
		}
		s.hermitian(s.omega)
	}, nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
