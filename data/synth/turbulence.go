package synth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"pivsr/piv"
)

// TurbulenceConfig describes a 2D turbulence simulation. NewTurbulence fills
// the defaults and its With methods set the rest; Done checks the whole and
// resolves the automatic choices (zero Duration, zero Hyperviscosity).
// All quantities are dimensionless; wavenumbers given as counts (K, peak)
// are whole periods across the box.
type TurbulenceConfig struct {
	N      int     // grid points per side, even, >= 16
	Length float64 // box side L (default 2 pi)
	Seed   uint64  // seeds the initial phases and any random forcing

	PeakWavenumber float64 // kp of the initial spectrum k^4 exp(-2 k^2/kp^2) (default 6)
	InitialEnergy  float64 // mean(u^2 + v^2)/2 at t = 0 (default 0.5, rms speed 1)
	InitialFlow    Flow    // when set, the initial field instead of the random one

	Viscosity      float64 // nu of nu lap(omega) (default 0)
	HyperOrder     int     // p of the hyperviscous term -nu_p (-lap)^p omega; 0 turns it off (default 4)
	Hyperviscosity float64 // nu_p; 0 with HyperOrder > 0 picks it from the resolution (see WithHyperviscosity)
	Drag           float64 // mu of the linear drag -mu omega (default 0)
	Forcing        Forcing // nil for decaying turbulence

	Duration float64 // simulated time; 0 picks DefaultTurnovers initial eddy turnover times
	CFL      float64 // dt max(|u|+|v|) / dx (default 1)

	// Coarse is the grid on which the run starts before moving onto the
	// N^2 grid for its last FineTurnovers eddy turnover times; 0 starts
	// on the N^2 grid (see WithCoarseStart).
	Coarse int

	// Progress, when set, receives the initial state and the state after
	// every time step.
	Progress func(Progress)
}

// Progress reports a running simulation.
type Progress struct {
	N         int     // grid in use (smaller than the final one during a coarse start)
	Step      int     // time steps taken so far, all grids together
	Time, Dt  float64 // simulated time reached and the last step
	Energy    float64 // mean(u^2 + v^2)/2
	Enstrophy float64 // mean(omega^2)/2
}

// Defaults of NewTurbulence and of Done's automatic choices.
const (
	DefaultPeakWavenumber = 6
	DefaultHyperOrder     = 4
	// DefaultTurnovers is the automatic duration in initial eddy turnover
	// times 1/omega_rms(0): long enough for the enstrophy cascade to fill
	// the resolved range and the vorticity to roll up into vortices.
	DefaultTurnovers = 12
	// FineTurnovers is how long a coarse start runs on the final grid, in
	// initial eddy turnover times: the enstrophy cascade fills the new small
	// scales in a few.
	FineTurnovers = 4
	// hyperRate sets the automatic hyperviscosity: the damping rate at the
	// cutoff wavenumber is hyperRate omega_rms(0).
	hyperRate = 4
)

// NewTurbulence starts the configuration of an n x n simulation with the
// defaults: box 2 pi, seed 0, peak wavenumber 6 (less on grids below 40^2,
// which resolve at most wavenumber (n-1)/3: half of that), energy 0.5, no
// viscosity, automatic order-4 hyperviscosity, no drag, no forcing, automatic
// duration, CFL 1.
func NewTurbulence(n int) *TurbulenceConfig {
	return &TurbulenceConfig{
		N: n, Length: 2 * math.Pi,
		PeakWavenumber: math.Max(1, math.Min(DefaultPeakWavenumber, float64((n-1)/3)/2)), InitialEnergy: 0.5,
		HyperOrder: DefaultHyperOrder, CFL: 1,
	}
}

// WithSeed sets the seed of the initial phases and of any random forcing.
func (c *TurbulenceConfig) WithSeed(seed uint64) *TurbulenceConfig { c.Seed = seed; return c }

// WithLength sets the side of the periodic box.
func (c *TurbulenceConfig) WithLength(l float64) *TurbulenceConfig { c.Length = l; return c }

// WithViscosity sets the kinematic viscosity nu.
func (c *TurbulenceConfig) WithViscosity(nu float64) *TurbulenceConfig { c.Viscosity = nu; return c }

// WithHyperviscosity sets the hyperviscous term -nuP (-lap)^order omega;
// order 0 removes it. nuP = 0 lets Done choose it so that the term damps the
// largest resolved wavenumber kc at 4 omega_rms(0): strong enough to absorb
// the enstrophy cascade at the grid scale, and, being steep in k, negligible
// a factor two below kc.
func (c *TurbulenceConfig) WithHyperviscosity(order int, nuP float64) *TurbulenceConfig {
	c.HyperOrder, c.Hyperviscosity = order, nuP
	return c
}

// WithDrag sets the linear (Ekman) drag mu, the large-scale energy sink that
// forced 2D turbulence needs to become statistically steady.
func (c *TurbulenceConfig) WithDrag(mu float64) *TurbulenceConfig { c.Drag = mu; return c }

// WithInitialSpectrum sets the peak wavenumber kp and the mean kinetic energy
// of the random initial field; energy 0 starts from rest.
func (c *TurbulenceConfig) WithInitialSpectrum(kp, energy float64) *TurbulenceConfig {
	c.PeakWavenumber, c.InitialEnergy = kp, energy
	return c
}

// WithInitialFlow starts from flow sampled on the grid instead of the random
// field. Only its vorticity is kept, dealiased: a uniform part and any
// divergence are dropped, and the flow is taken as periodic on the box.
func (c *TurbulenceConfig) WithInitialFlow(flow Flow) *TurbulenceConfig {
	c.InitialFlow = flow
	return c
}

// Forced adds a forcing (Kolmogorov, RingForcing).
func (c *TurbulenceConfig) Forced(f Forcing) *TurbulenceConfig { c.Forcing = f; return c }

// WithDuration sets the simulated time.
func (c *TurbulenceConfig) WithDuration(t float64) *TurbulenceConfig { c.Duration = t; return c }

// WithCFL sets the advective Courant number dt max(|u|+|v|) / dx. RK4 is
// stable to about 1.3 with the 2/3 rule; below 1 buys accuracy, not safety.
func (c *TurbulenceConfig) WithCFL(cfl float64) *TurbulenceConfig { c.CFL = cfl; return c }

// WithCoarseStart runs all but the last FineTurnovers initial eddy turnover
// times on a coarse m x m grid (m < N, even, >= 16), then zero-pads the
// spectrum onto the N x N grid. The coarse grid resolves the energy-bearing
// scales, its steps are fewer and far cheaper, and the enstrophy cascade
// refills the new small scales within the final stretch: a developed 256^2
// field in about a third of the time. The flow being chaotic, the result is
// another realisation than a run on the fine grid throughout, with the same
// statistics (energy within a few per cent, the same spectral slope).
func (c *TurbulenceConfig) WithCoarseStart(m int) *TurbulenceConfig { c.Coarse = m; return c }

// WithProgress sets a function called with the initial state and after every
// time step.
func (c *TurbulenceConfig) WithProgress(f func(Progress)) *TurbulenceConfig {
	c.Progress = f
	return c
}

// Turbulence is a checked simulation, ready to run. Runs are independent and
// deterministic: the same configuration gives the same fields.
type Turbulence struct {
	cfg       TurbulenceConfig
	omegaRMS0 float64 // rms vorticity of the initial field
}

// Done checks the configuration and resolves its automatic choices.
func (c *TurbulenceConfig) Done() (*Turbulence, error) {
	cfg := *c
	switch {
	case cfg.N < 16 || cfg.N%2 != 0:
		return nil, fmt.Errorf("turbulence grid size %d: want an even number >= 16", cfg.N)
	case cfg.Coarse != 0 && (cfg.Coarse < 16 || cfg.Coarse%2 != 0 || cfg.Coarse >= cfg.N):
		return nil, fmt.Errorf("coarse start grid %d: want an even number >= 16 and below the grid size %d", cfg.Coarse, cfg.N)
	case !(cfg.Length > 0) || math.IsInf(cfg.Length, 0):
		return nil, fmt.Errorf("box length %v: want a positive finite length", cfg.Length)
	case !(cfg.PeakWavenumber > 0) || math.IsInf(cfg.PeakWavenumber, 0):
		return nil, fmt.Errorf("initial peak wavenumber %v: want a positive number", cfg.PeakWavenumber)
	case !(cfg.InitialEnergy >= 0) || math.IsInf(cfg.InitialEnergy, 0):
		return nil, fmt.Errorf("initial energy %v: want a finite number >= 0", cfg.InitialEnergy)
	case !(cfg.Viscosity >= 0) || !(cfg.Hyperviscosity >= 0) || !(cfg.Drag >= 0) ||
		math.IsInf(cfg.Viscosity+cfg.Hyperviscosity+cfg.Drag, 0):
		return nil, fmt.Errorf("viscosity %v, hyperviscosity %v, drag %v: want finite numbers >= 0", cfg.Viscosity, cfg.Hyperviscosity, cfg.Drag)
	case cfg.HyperOrder < 0 || cfg.HyperOrder > 16:
		return nil, fmt.Errorf("hyperviscosity order %d: want 0 (none) to 16", cfg.HyperOrder)
	case !(cfg.Duration >= 0) || math.IsInf(cfg.Duration, 0):
		return nil, fmt.Errorf("duration %v: want a finite time >= 0 (0 for automatic)", cfg.Duration)
	case !(cfg.CFL > 0 && cfg.CFL <= 1.3):
		return nil, fmt.Errorf("CFL number %v: want 0 < CFL <= 1.3 (RK4's stability limit with the 2/3 rule)", cfg.CFL)
	}
	kpMax := float64((cfg.N - 1) / 3)
	if cfg.Coarse != 0 {
		kpMax = float64((cfg.Coarse - 1) / 3)
	}
	if cfg.InitialFlow != nil {
		if err := cfg.InitialFlow.Check(); err != nil {
			return nil, fmt.Errorf("initial flow: %w", err)
		}
	} else if cfg.InitialEnergy > 0 && cfg.PeakWavenumber > kpMax/2 {
		return nil, fmt.Errorf("initial peak wavenumber %v: want at most %v, half the largest wavenumber the first grid resolves", cfg.PeakWavenumber, kpMax/2)
	}
	t := &Turbulence{cfg: cfg}
	// The initial field's rms vorticity sets the time scale of the automatic
	// choices; it does not depend on the phases, and hardly on the grid.
	s := newSolver(cfg.N, cfg.Length)
	t.initialise(s)
	t.omegaRMS0 = math.Sqrt(2 * s.enstrophy())
	if !isFinite(t.omegaRMS0) {
		return nil, fmt.Errorf("the initial field's rms vorticity is %v: want a finite field", t.omegaRMS0)
	}
	if t.omegaRMS0 == 0 {
		if cfg.Forcing == nil {
			return nil, errors.New("the flow starts at rest and nothing forces it: give an initial energy or a forcing")
		}
		if cfg.Duration == 0 || cfg.Coarse != 0 || (cfg.HyperOrder > 0 && cfg.Hyperviscosity == 0) {
			return nil, errors.New("a run from rest has no initial time scale: set the duration and hyperviscosity explicitly, without a coarse start")
		}
		if cfg.Viscosity == 0 && cfg.HyperOrder == 0 {
			return nil, errors.New("a forced run from rest needs viscosity or hyperviscosity")
		}
	}
	if cfg.Duration == 0 {
		t.cfg.Duration = DefaultTurnovers / t.omegaRMS0
	}
	if cfg.HyperOrder > 0 && cfg.Hyperviscosity == 0 {
		t.cfg.Hyperviscosity = hyperRate * t.omegaRMS0 / math.Pow(s.cutoff(), 2*float64(cfg.HyperOrder))
	}
	for _, n := range []int{cfg.N, cfg.Coarse} {
		if n == 0 {
			continue
		}
		if _, _, err := t.newGrid(n); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Random streams of one seed.
const (
	streamInitial = 1
	streamForcing = 2
)

// Config is the resolved configuration: automatic duration and
// hyperviscosity filled in.
func (t *Turbulence) Config() TurbulenceConfig { return t.cfg }

// EddyTurnover is the initial eddy turnover time 1/omega_rms(0), the unit of
// the automatic durations (0 for a run from rest).
func (t *Turbulence) EddyTurnover() float64 {
	if t.omegaRMS0 == 0 {
		return 0
	}
	return 1 / t.omegaRMS0
}

// ErrBlowUp is wrapped by the error of a run whose velocity stopped being
// finite.
var ErrBlowUp = errors.New("synth: the simulation blew up")

// Run simulates the configured duration and returns the final velocity on the
// N x N grid x_i = i L/N, y_j = j L/N (i, j = 0..N-1), dimensionless units.
func (t *Turbulence) Run(ctx context.Context) (*piv.Field, error) {
	s, err := t.Series(ctx, []float64{t.cfg.Duration})
	if err != nil {
		return nil, err
	}
	return s.Frames[0], nil
}

// Series simulates up to the last of times (ascending, within [0, Duration]
// or beyond it) and returns the velocity at each of them. With a coarse
// start, times before the move to the fine grid are an error.
func (t *Turbulence) Series(ctx context.Context, times []float64) (*piv.Series, error) {
	if len(times) == 0 {
		return nil, errors.New("series: want at least one snapshot time")
	}
	for k, v := range times {
		if !(v >= 0) || math.IsInf(v, 0) || (k > 0 && v <= times[k-1]) {
			return nil, fmt.Errorf("series times must be finite, >= 0 and increasing; time %d is %v", k, v)
		}
	}
	cfg := t.cfg
	r := &run{cfg: &cfg, ctx: ctx}
	start := cfg.N
	fineFrom := 0.0
	if cfg.Coarse != 0 {
		start = cfg.Coarse
		fineFrom = math.Max(0, times[len(times)-1]-FineTurnovers*t.EddyTurnover())
		if times[0] < fineFrom {
			return nil, fmt.Errorf("series time %v comes before the coarse start moves to the fine grid at %v", times[0], fineFrom)
		}
	}
	s, kick, err := t.newGrid(start)
	if err != nil {
		return nil, err
	}
	t.initialise(s)
	if cfg.Coarse != 0 {
		if err := r.advance(s, kick, fineFrom); err != nil {
			return nil, err
		}
		fine, fineKick, err := t.newGrid(cfg.N)
		if err != nil {
			return nil, err
		}
		fine.resample(s)
		s, kick = fine, fineKick
	}
	out := &piv.Series{T: append([]float64(nil), times...)}
	g := piv.UniformGrid(cfg.N, cfg.N, 0, 0, cfg.Length/float64(cfg.N), cfg.Length/float64(cfg.N))
	for _, tt := range times {
		if err := r.advance(s, kick, tt); err != nil {
			return nil, err
		}
		f := piv.NewField(g)
		f.Units = piv.Units{Length: "1", Velocity: "1", Time: "1"}
		s.velocity(f.U, f.V)
		out.Frames = append(out.Frames, f)
	}
	return out, nil
}

// initialise sets the initial vorticity of s.
func (t *Turbulence) initialise(s *solver) {
	if t.cfg.InitialFlow != nil {
		s.fromFlow(t.cfg.InitialFlow)
		return
	}
	s.randomVorticity(rand.New(rand.NewPCG(t.cfg.Seed, streamInitial)), t.cfg.PeakWavenumber, t.cfg.InitialEnergy)
}

// newGrid builds the solver of an n x n grid with the configured dissipation
// and forcing.
func (t *Turbulence) newGrid(n int) (*solver, func(float64), error) {
	cfg := t.cfg
	s := newSolver(n, cfg.Length)
	nuP := cfg.Hyperviscosity
	if n != cfg.N && cfg.HyperOrder > 0 {
		// Keep the damping at the cutoff what it is on the final grid.
		nuP *= math.Pow(float64((cfg.N-1)/3)/float64((n-1)/3), 2*float64(cfg.HyperOrder))
	}
	s.setDissipation(cfg.Viscosity, nuP, cfg.HyperOrder, cfg.Drag)
	var kick func(float64)
	if cfg.Forcing != nil {
		// The forcing's random stream restarts on each grid: a coarse start's
		// fine stretch does not replay the coarse kicks, it only needs to be
		// deterministic.
		k, err := cfg.Forcing.setup(s, rand.New(rand.NewPCG(cfg.Seed, streamForcing+uint64(n))))
		if err != nil {
			return nil, nil, err
		}
		kick = k
	}
	return s, kick, nil
}

// run carries the clock of one simulation across grids.
type run struct {
	cfg      *TurbulenceConfig
	ctx      context.Context
	time     float64
	steps    int
	reported bool // the initial state went to Progress
}

// advance integrates s from the current time to end.
func (r *run) advance(s *solver, kick func(float64), end float64) error {
	// Without flow the CFL condition says nothing; the step is then bounded
	// by a fraction of the run so that a forcing from rest is resolved.
	dtMax := r.cfg.Duration / 50
	if !r.reported && r.cfg.Progress != nil {
		r.reported = true
		r.cfg.Progress(Progress{N: s.n, Time: r.time, Energy: s.energy(), Enstrophy: s.enstrophy()})
	}
	for r.time < end {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		speed := s.rhs(s.a, s.omega)
		if !isFinite(speed) {
			return fmt.Errorf("%w at t = %g (step %d on the %d^2 grid): the velocity is not finite", ErrBlowUp, r.time, r.steps, s.n)
		}
		dt := dtMax
		if speed > 0 {
			dt = math.Min(dtMax, r.cfg.CFL*s.dx()/speed)
		}
		if dt < 1e-12*r.cfg.Duration {
			return fmt.Errorf("%w at t = %g (step %d on the %d^2 grid): the time step collapsed to %g (max |u|+|v| = %g)", ErrBlowUp, r.time, r.steps, s.n, dt, speed)
		}
		if r.time+dt >= end || end-(r.time+dt) < 1e-3*dt {
			dt = end - r.time
		}
		if later := s.step(dt); !isFinite(later) {
			return fmt.Errorf("%w at t = %g (step %d on the %d^2 grid): the velocity is not finite", ErrBlowUp, r.time, r.steps, s.n)
		}
		if kick != nil {
			kick(dt)
		}
		r.steps++
		if r.time+dt >= end {
			r.time = end
		} else {
			r.time += dt
		}
		if r.cfg.Progress != nil {
			r.cfg.Progress(Progress{N: s.n, Step: r.steps, Time: r.time, Dt: dt, Energy: s.energy(), Enstrophy: s.enstrophy()})
		}
	}
	return nil
}
