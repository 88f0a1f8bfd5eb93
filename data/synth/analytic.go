package synth

import (
	"errors"
	"fmt"
	"math"

	"pivsr/piv"
)

// Flow is a velocity field known in closed form.
type Flow interface {
	// Velocity is the velocity (u, v) at (x, y).
	Velocity(x, y float64) (u, v float64)
	// Check reports parameters that make no flow (a zero core radius, a
	// non-finite amplitude, ...).
	Check() error
}

// Sample evaluates flow at the nodes of g: U[g.Index(i, j)] is u at
// (X[i], Y[j]). The field has no mask and dimensionless units.
func Sample(g piv.Grid, flow Flow) (*piv.Field, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if flow == nil {
		return nil, errors.New("sample: no flow given")
	}
	if err := flow.Check(); err != nil {
		return nil, err
	}
	f := piv.NewField(g)
	f.Units = piv.Units{Length: "1", Velocity: "1", Time: "1"}
	for j, y := range g.Y {
		for i, x := range g.X {
			k := g.Index(i, j)
			f.U[k], f.V[k] = flow.Velocity(x, y)
		}
	}
	return f, nil
}

// Sum superposes flows: velocities add. Sums of divergence-free flows are
// divergence-free; the vortices of a sum do not interact (a snapshot, not a
// solution of the Euler equations).
type Sum []Flow

// Velocity is the sum of the flows' velocities.
func (s Sum) Velocity(x, y float64) (u, v float64) {
	for _, f := range s {
		fu, fv := f.Velocity(x, y)
		u += fu
		v += fv
	}
	return u, v
}

// Check checks every flow of the sum.
func (s Sum) Check() error {
	if len(s) == 0 {
		return errors.New("sum of flows: no flow given")
	}
	for k, f := range s {
		if f == nil {
			return fmt.Errorf("sum of flows: flow %d is nil", k)
		}
		if err := f.Check(); err != nil {
			return fmt.Errorf("sum of flows, flow %d: %w", k, err)
		}
	}
	return nil
}

// Uniform is the constant velocity (U, V).
type Uniform struct{ U, V float64 }

// Velocity is (U, V) everywhere.
func (f Uniform) Velocity(_, _ float64) (u, v float64) { return f.U, f.V }

// Check requires a finite velocity.
func (f Uniform) Check() error {
	if !isFinite(f.U) || !isFinite(f.V) {
		return fmt.Errorf("uniform flow (%v, %v): want a finite velocity", f.U, f.V)
	}
	return nil
}

// TaylorGreen is the Taylor-Green vortex array
//
//	u =  A sin(K x) cos(K y) exp(-2 nu K² t),
//	v = -A cos(K x) sin(K y) exp(-2 nu K² t),
//
// with vorticity 2 A K sin(K x) sin(K y) exp(-2 nu K² t). It solves the
// Navier-Stokes equations exactly (its advection term is a pure pressure
// gradient), decaying at the viscous rate; Viscosity or Time 0 give the
// initial field. With K = 1 it is periodic on [0, 2 pi)².
type TaylorGreen struct {
	Amplitude, K    float64 // A and the wavenumber, K > 0
	Viscosity, Time float64 // nu >= 0 and t >= 0
}

// Velocity is the vortex array's velocity at (x, y).
func (f TaylorGreen) Velocity(x, y float64) (u, v float64) {
	a := f.Amplitude * math.Exp(-2*f.Viscosity*f.K*f.K*f.Time)
	sx, cx := math.Sincos(f.K * x)
	sy, cy := math.Sincos(f.K * y)
	return a * sx * cy, -a * cx * sy
}

// Vorticity is dv/dx - du/dy at (x, y).
func (f TaylorGreen) Vorticity(x, y float64) float64 {
	a := f.Amplitude * math.Exp(-2*f.Viscosity*f.K*f.K*f.Time)
	return 2 * a * f.K * math.Sin(f.K*x) * math.Sin(f.K*y)
}

// Check requires K > 0, nu >= 0, t >= 0, all finite.
func (f TaylorGreen) Check() error {
	if !(f.K > 0) || !isFinite(f.K) || !isFinite(f.Amplitude) || !(f.Viscosity >= 0) || !(f.Time >= 0) || !isFinite(f.Viscosity*f.Time) {
		return fmt.Errorf("taylor-green vortex (amplitude %v, K %v, viscosity %v, time %v): want K > 0, viscosity and time >= 0, all finite", f.Amplitude, f.K, f.Viscosity, f.Time)
	}
	return nil
}

// LambOseen is the Lamb-Oseen vortex centred on (X0, Y0): a Gaussian
// vorticity patch, omega = Gamma/(pi rc²) exp(-r²/rc²), whose velocity is
// purely tangential,
//
//	u_theta(r) = Gamma / (2 pi r) (1 - exp(-r²/rc²)),
//
// counter-clockwise for Gamma > 0. It peaks at r = 1.12091 rc and tends to the
// potential vortex Gamma/(2 pi r) outside the core. As an exact solution of
// the Navier-Stokes equations it spreads by diffusion: at time t the core
// radius is rc = sqrt(CoreRadius² + 4 nu t).
type LambOseen struct {
	Circulation     float64 // Gamma
	CoreRadius      float64 // rc at t = 0, > 0
	X0, Y0          float64 // centre
	Viscosity, Time float64 // nu >= 0 and t >= 0; 0 for the initial vortex
}

// Radius is the core radius at the vortex's time.
func (f LambOseen) Radius() float64 {
	return math.Sqrt(f.CoreRadius*f.CoreRadius + 4*f.Viscosity*f.Time)
}

// Tangential is u_theta at distance r from the centre.
func (f LambOseen) Tangential(r float64) float64 {
	rc := f.Radius()
	if r == 0 {
		return 0
	}
	// -expm1 keeps 1 - exp(-x) accurate deep inside the core.
	return f.Circulation / (2 * math.Pi * r) * -math.Expm1(-r*r/(rc*rc))
}

// Velocity is the vortex's velocity at (x, y).
func (f LambOseen) Velocity(x, y float64) (u, v float64) {
	dx, dy := x-f.X0, y-f.Y0
	r := math.Hypot(dx, dy)
	if r == 0 {
		return 0, 0
	}
	ut := f.Tangential(r)
	return -ut * dy / r, ut * dx / r
}

// Vorticity is the vortex's vorticity at (x, y).
func (f LambOseen) Vorticity(x, y float64) float64 {
	rc := f.Radius()
	r2 := (x-f.X0)*(x-f.X0) + (y-f.Y0)*(y-f.Y0)
	return f.Circulation / (math.Pi * rc * rc) * math.Exp(-r2/(rc*rc))
}

// Check requires a positive core radius, nu >= 0, t >= 0, all finite.
func (f LambOseen) Check() error {
	if !(f.CoreRadius > 0) || !isFinite(f.CoreRadius) || !isFinite(f.Circulation) || !isFinite(f.X0) || !isFinite(f.Y0) ||
		!(f.Viscosity >= 0) || !(f.Time >= 0) || !isFinite(f.Viscosity*f.Time) {
		return fmt.Errorf("lamb-oseen vortex (circulation %v, core radius %v, centre (%v, %v), viscosity %v, time %v): want a positive core radius, viscosity and time >= 0, all finite",
			f.Circulation, f.CoreRadius, f.X0, f.Y0, f.Viscosity, f.Time)
	}
	return nil
}
