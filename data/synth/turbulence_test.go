package synth

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"pivsr/piv"
)

func mustRun(t *testing.T, c *TurbulenceConfig) *piv.Field {
	t.Helper()
	sim, err := c.Done()
	if err != nil {
		t.Fatal(err)
	}
	f, err := sim.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func maxAbsDiff(a, b []float64) float64 {
	d := 0.0
	for k := range a {
		d = math.Max(d, math.Abs(a[k]-b[k]))
	}
	return d
}

func TestTurbulenceDivergenceFreeOnItsGrid(t *testing.T) {
	f := mustRun(t, NewTurbulence(64).WithSeed(3).WithDuration(0.3))
	if err := f.Check(); err != nil {
		t.Fatal(err)
	}
	if f.NX() != 64 || f.NY() != 64 || f.X[1]-f.X[0] != 2*math.Pi/64 || f.X[0] != 0 || f.Units.Velocity != "1" {
		t.Fatalf("unexpected grid or units: x[0..1] = %v, %v, units %+v", f.X[0], f.X[1], f.Units)
	}
	divMax, scale, _ := spectralCalculus(f, 2*math.Pi)
	if divMax > 1e-13*scale {
		t.Errorf("spectral divergence %g against max |k||u^| = %g", divMax, scale)
	}
}

func TestTurbulenceVelocityIsTheCurlOfTheState(t *testing.T) {
	// The velocity handed out must have the solver's vorticity as its curl:
	// u = dpsi/dy, v = -dpsi/dx with lap psi = -omega.
	s := newSolver(32, 3)
	s.randomVorticity(rand.New(rand.NewPCG(1, 1)), 3, 0.5)
	f := piv.NewField(periodicGrid(32, 3))
	s.velocity(f.U, f.V)
	_, _, vort := spectralCalculus(f, 3)
	want := make([]float64, 32*32)
	s.fft.Inverse(want, s.omega)
	if d := maxAbsDiff(vort, want); d > 1e-12*maxAbsDiff(want, make([]float64, len(want))) {
		t.Errorf("curl of the velocity differs from the state's vorticity by %g", d)
	}
	if e := meanEnergy(f); math.Abs(e-0.5) > 1e-12 || math.Abs(s.energy()-0.5) > 1e-12 {
		t.Errorf("energy of the initial field: grid %v, spectral %v, want 0.5", e, s.energy())
	}
}

func TestTurbulenceTaylorGreenDecaysExactly(t *testing.T) {
	// Taylor-Green solves Navier-Stokes exactly: the nonlinear term must
	// vanish and the integrating factor give the viscous decay.
	for _, k := range []float64{1, 3} {
		tg := TaylorGreen{Amplitude: 1, K: k}
		f := mustRun(t, NewTurbulence(32).WithInitialFlow(tg).WithViscosity(0.05).WithHyperviscosity(0, 0).WithDuration(2))
		tg.Viscosity, tg.Time = 0.05, 2
		want, err := Sample(f.Grid, tg)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Max(maxAbsDiff(f.U, want.U), maxAbsDiff(f.V, want.V)); d > 1e-12 {
			t.Errorf("K = %v: max deviation from the decayed vortex %g", k, d)
		}
	}
}

func TestTurbulenceKolmogorovLaminar(t *testing.T) {
	// From rest, Kolmogorov forcing with drag settles on the laminar
	// profile u = A sin(kappa y) / (nu kappa^2 + mu), v = 0.
	const a, nu, mu, K = 1.5, 0.05, 0.5, 2
	f := mustRun(t, NewTurbulence(32).WithInitialSpectrum(DefaultPeakWavenumber, 0).Forced(Kolmogorov{Amplitude: a, K: K}).
		WithViscosity(nu).WithHyperviscosity(0, 0).WithDrag(mu).WithDuration(40))
	for j, y := range f.Y {
		want := a * math.Sin(K*y) / (nu*K*K + mu)
		for i := range f.X {
			k := f.Index(i, j)
			if math.Abs(f.U[k]-want) > 1e-7 || math.Abs(f.V[k]) > 1e-9 {
				t.Fatalf("at y = %v: (u, v) = (%v, %v), want (%v, 0)", y, f.U[k], f.V[k], want)
			}
		}
	}
}

// history records the energy and enstrophy after every step.
type history struct{ t, e, z []float64 }

func (h *history) record(p Progress) {
	h.t = append(h.t, p.Time)
	h.e = append(h.e, p.Energy)
	h.z = append(h.z, p.Enstrophy)
}

func TestTurbulenceInvariantsAndEnergyBudget(t *testing.T) {
	// Without dissipation the dealiased nonlinear term conserves energy and
	// enstrophy; only RK4's truncation error may move them.
	var free history
	mustRun(t, NewTurbulence(64).WithSeed(1).WithInitialSpectrum(4, 0.5).WithHyperviscosity(0, 0).WithDuration(0.5).WithProgress(free.record))
	last := len(free.e) - 1
	if last < 10 {
		t.Fatalf("only %d steps", last)
	}
	if de, dz := math.Abs(free.e[last]/free.e[0]-1), math.Abs(free.z[last]/free.z[0]-1); de > 1e-7 || dz > 1e-6 {
		t.Errorf("inviscid run: energy drifted by %.2g, enstrophy by %.2g (relative)", de, dz)
	}
	// With viscosity, dE/dt = -2 nu Z: the energy falls at every step and
	// by the time integral of the dissipation.
	const nu = 1e-2
	var visc history
	mustRun(t, NewTurbulence(64).WithSeed(1).WithInitialSpectrum(4, 0.5).WithViscosity(nu).WithHyperviscosity(0, 0).WithDuration(1).WithProgress(visc.record))
	dissipated := 0.0
	for k := 1; k < len(visc.e); k++ {
		if visc.e[k] >= visc.e[k-1] {
			t.Fatalf("energy rose from %v to %v at step %d", visc.e[k-1], visc.e[k], k)
		}
		dissipated += nu * (visc.z[k] + visc.z[k-1]) * (visc.t[k] - visc.t[k-1])
	}
	lost := visc.e[0] - visc.e[len(visc.e)-1]
	if math.Abs(lost-dissipated) > 1e-3*lost {
		t.Errorf("energy lost %v, integral of 2 nu Z dt %v", lost, dissipated)
	}
	if lost < 0.05*visc.e[0] {
		t.Errorf("the viscous run lost only %v of %v: the check says little", lost, visc.e[0])
	}
}

func TestTurbulenceForcedEnergyStaysBounded(t *testing.T) {
	// With drag mu the energy obeys dE/dt <= eps - 2 mu E in the mean, so it
	// settles below eps/(2 mu) instead of growing for ever.
	for _, c := range []struct {
		name  string
		force Forcing
		bound float64
	}{
		{"ring", RingForcing{K: 8, Width: 2, Power: 0.2}, 0.2 / (2 * 0.2)},
		// Kolmogorov: the laminar energy A^2/(4 (nu kappa^2 + mu)^2) bounds it.
		{"kolmogorov", Kolmogorov{Amplitude: 0.2, K: 4}, 0.2 * 0.2 / (4 * 0.2 * 0.2)},
	} {
		sim, err := NewTurbulence(64).WithSeed(2).WithInitialSpectrum(4, 0.05).Forced(c.force).WithDrag(0.2).WithDuration(15).Done()
		if err != nil {
			t.Fatal(err)
		}
		times := []float64{5, 10, 15}
		s, err := sim.Series(context.Background(), times)
		if err != nil {
			t.Fatal(err)
		}
		for k, f := range s.Frames {
			e := meanEnergy(f)
			if !(e < 1.5*c.bound && e > 0.1*c.bound) {
				t.Errorf("%s forcing: energy %v at t = %v, want it in (0.1, 1.5) x %v", c.name, e, times[k], c.bound)
			}
		}
	}
}

func TestRingForcingInjectsItsPower(t *testing.T) {
	// From rest and with (almost) no dissipation, the energy after time T is
	// Power T on average: the nonlinear term only moves energy around. The
	// kicks are random, so average a few seeds.
	const power, tEnd = 1.0, 0.5
	mean := 0.0
	const seeds = 4
	for seed := range uint64(seeds) {
		f := mustRun(t, NewTurbulence(64).WithSeed(seed).WithInitialSpectrum(3, 0).Forced(RingForcing{K: 8, Width: 2, Power: power}).
			WithViscosity(1e-6).WithHyperviscosity(0, 0).WithDuration(tEnd))
		mean += meanEnergy(f) / seeds
	}
	if math.Abs(mean/(power*tEnd)-1) > 0.15 {
		t.Errorf("mean energy after %v: %v, want %v (power x time)", tEnd, mean, power*tEnd)
	}
}

func TestTurbulenceSeedReproducible(t *testing.T) {
	run := func(seed uint64) *piv.Field {
		return mustRun(t, NewTurbulence(32).WithSeed(seed).WithInitialSpectrum(3, 0.5).Forced(RingForcing{K: 5, Width: 2, Power: 0.5}).WithDuration(0.5))
	}
	a, b, c := run(7), run(7), run(8)
	if maxAbsDiff(a.U, b.U) != 0 || maxAbsDiff(a.V, b.V) != 0 {
		t.Error("the same seed gave different fields")
	}
	if d := maxAbsDiff(a.U, c.U); d < 0.1 {
		t.Errorf("seeds 7 and 8 differ by only %g", d)
	}
}

func TestTurbulenceEnstrophyRangeSlope(t *testing.T) {
	// A decaying run fills k in [2 kp, kmax/2] (kp the initial peak, kmax
	// = 42 the 2/3-rule cutoff of the 128^2 grid) with the enstrophy
	// cascade: E(k) ~ k^-3 in theory, -3 to -4 in decaying simulations as
	// vortices form. A coarse start must give the same statistics; its
	// vortices differ, decorrelated by DefaultTurnovers turnover times of
	// chaos, but its energy (nearly conserved) and slope must not.
	const kp, kLo, kHi = 4, 8, 21
	energy := map[int]float64{}
	for _, coarse := range []int{0, 64} {
		f := mustRun(t, NewTurbulence(128).WithSeed(1).WithInitialSpectrum(kp, 0.5).WithCoarseStart(coarse))
		e, err := piv.EnergySpectrum(nil, f)
		if err != nil {
			t.Fatal(err)
		}
		slope, err := piv.SpectralSlope(e, kLo, kHi)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("coarse start %d: E(k) slope over k = %d..%d: %.2f", coarse, kLo, kHi, slope)
		if slope < -4.5 || slope > -2.5 {
			t.Errorf("coarse start %d: enstrophy-range slope %.2f, want -4.5 .. -2.5", coarse, slope)
		}
		energy[coarse] = meanEnergy(f)
	}
	if math.Abs(energy[64]/energy[0]-1) > 0.05 {
		t.Errorf("energy after a coarse start %v, on the fine grid throughout %v", energy[64], energy[0])
	}
}

func TestSolverResampleKeepsTheField(t *testing.T) {
	coarse, fine := newSolver(32, 1), newSolver(64, 1)
	coarse.randomVorticity(rand.New(rand.NewPCG(4, 4)), 3, 1)
	fine.resample(coarse)
	uc, vc := make([]float64, 32*32), make([]float64, 32*32)
	uf, vf := make([]float64, 64*64), make([]float64, 64*64)
	coarse.velocity(uc, vc)
	fine.velocity(uf, vf)
	for j := 0; j < 32; j++ {
		for i := 0; i < 32; i++ {
			if math.Abs(uc[j*32+i]-uf[2*j*64+2*i]) > 1e-12 || math.Abs(vc[j*32+i]-vf[2*j*64+2*i]) > 1e-12 {
				t.Fatalf("node (%d, %d): coarse (%v, %v), fine (%v, %v)", i, j, uc[j*32+i], vc[j*32+i], uf[2*j*64+2*i], vf[2*j*64+2*i])
			}
		}
	}
}

func TestTurbulenceCoRotatingPair(t *testing.T) {
	// Two like-signed vortices a distance d apart turn about their midpoint
	// at Omega = Gamma/(pi d^2), counter-clockwise for Gamma > 0: this fixes
	// the sign of the advection term, which energy and enstrophy budgets do
	// not see.
	const gamma, d, rc, length = 2.0, 1.2, 0.25, 2 * math.Pi
	c := length / 2
	pair := Sum{
		LambOseen{Circulation: gamma, CoreRadius: rc, X0: c - d/2, Y0: c},
		LambOseen{Circulation: gamma, CoreRadius: rc, X0: c + d/2, Y0: c},
	}
	const tEnd = 1.0
	f := mustRun(t, NewTurbulence(128).WithInitialFlow(pair).WithViscosity(5e-4).WithHyperviscosity(0, 0).WithDuration(tEnd))
	_, _, vort := spectralCalculus(f, length)
	// Orientation of the principal axis of the positive vorticity.
	var sw, sx, sy float64
	for j, y := range f.Y {
		for i, x := range f.X {
			if w := vort[f.Index(i, j)]; w > 0 {
				sw += w
				sx += w * x
				sy += w * y
			}
		}
	}
	xc, yc := sx/sw, sy/sw
	var ixx, iyy, ixy float64
	for j, y := range f.Y {
		for i, x := range f.X {
			if w := vort[f.Index(i, j)]; w > 0 {
				ixx += w * (x - xc) * (x - xc)
				iyy += w * (y - yc) * (y - yc)
				ixy += w * (x - xc) * (y - yc)
			}
		}
	}
	angle := 0.5 * math.Atan2(2*ixy, ixx-iyy)
	want := gamma / (math.Pi * d * d) * tEnd
	if math.Abs(angle-want) > 0.1*want {
		t.Errorf("the pair turned by %.4f rad, want %.4f (counter-clockwise)", angle, want)
	}
}

func TestTurbulenceCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sim, err := NewTurbulence(32).WithProgress(func(p Progress) {
		if p.Step == 3 {
			cancel()
		}
	}).Done()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run returned %v, want context.Canceled", err)
	}
}

func TestTurbulenceBlowUpIsAnError(t *testing.T) {
	// Past RK4's stability limit (Done refuses such a CFL number) the run
	// must stop with ErrBlowUp instead of returning garbage.
	s := newSolver(16, 2*math.Pi)
	s.randomVorticity(rand.New(rand.NewPCG(1, 1)), 2, 0.5)
	r := &run{cfg: &TurbulenceConfig{CFL: 8, Duration: 100}, ctx: context.Background()}
	err := r.advance(s, nil, 100)
	if !errors.Is(err, ErrBlowUp) {
		t.Fatalf("unstable run returned %v, want ErrBlowUp", err)
	}
}

func TestTurbulenceConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  *TurbulenceConfig
		want string
	}{
		{"odd grid", NewTurbulence(33), "even"},
		{"tiny grid", NewTurbulence(8), "even number >= 16"},
		{"coarse too big", NewTurbulence(64).WithCoarseStart(64), "coarse"},
		{"negative viscosity", NewTurbulence(32).WithViscosity(-1), "viscosity"},
		{"CFL", NewTurbulence(32).WithCFL(2), "CFL"},
		{"peak", NewTurbulence(32).WithInitialSpectrum(9, 0.5), "peak wavenumber"},
		{"length", NewTurbulence(32).WithLength(0), "box length"},
		{"at rest", NewTurbulence(32).WithInitialSpectrum(3, 0), "at rest"},
		{"forced from rest, no duration", NewTurbulence(32).WithInitialSpectrum(3, 0).Forced(Kolmogorov{Amplitude: 1, K: 2}), "duration"},
		{"kolmogorov K", NewTurbulence(32).Forced(Kolmogorov{Amplitude: 1, K: 20}), "wavenumber 20"},
		{"ring outside grid", NewTurbulence(32).Forced(RingForcing{K: 40, Width: 1, Power: 1}), "holds no mode"},
		{"ring power", NewTurbulence(32).Forced(RingForcing{K: 4, Width: 1, Power: -1}), "Power"},
		{"initial flow", NewTurbulence(32).WithInitialFlow(LambOseen{Circulation: 1}), "initial flow"},
	} {
		_, err := c.cfg.Done()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func TestTurbulenceSeries(t *testing.T) {
	sim, err := NewTurbulence(32).WithSeed(5).Done()
	if err != nil {
		t.Fatal(err)
	}
	dur := sim.Config().Duration
	if want := DefaultTurnovers * sim.EddyTurnover(); math.Abs(dur-want) > 1e-12*want {
		t.Errorf("automatic duration %v, want %v", dur, want)
	}
	s, err := sim.Series(context.Background(), []float64{0, dur / 2})
	if err != nil {
		t.Fatal(err)
	}
	end, err := sim.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Frames) != 2 || s.T[1] != dur/2 {
		t.Fatalf("series holds %d frames at %v", len(s.Frames), s.T)
	}
	if e0, e1, e2 := meanEnergy(s.Frames[0]), meanEnergy(s.Frames[1]), meanEnergy(end); math.Abs(e0-0.5) > 1e-12 || !(e1 < e0) || !(e2 < e1) {
		t.Errorf("energies at 0, T/2, T: %v, %v, %v; want 0.5 then falling", e0, e1, e2)
	}
	for _, times := range [][]float64{nil, {1, 1}, {-1}, {math.NaN()}} {
		if _, err := sim.Series(context.Background(), times); err == nil {
			t.Errorf("Series(%v) succeeded, want an error", times)
		}
	}
	coarse, err := NewTurbulence(64).WithInitialSpectrum(3, 0.5).WithCoarseStart(32).Done()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := coarse.Series(context.Background(), []float64{0, coarse.Config().Duration}); err == nil {
		t.Error("a coarse start returned a snapshot from before the move to the fine grid")
	}
}
