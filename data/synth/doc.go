// Package synth makes velocity fields whose truth is known: flows in closed
// form sampled on any grid, and 2D turbulence simulated on the spot.
//
// # Analytic flows
//
// TaylorGreen, LambOseen and Uniform implement Flow; Sum superposes flows and
// Sample evaluates one on a piv.Grid. Taylor-Green and Lamb-Oseen carry an
// optional viscosity and time: both are exact Navier-Stokes solutions, so a
// decayed (or spread) field is as exact as the initial one.
//
// # Turbulence
//
// NewTurbulence configures a pseudo-spectral solution of the 2D
// incompressible Navier-Stokes equations in vorticity form on the periodic
// box [0, L)²:
//
//	dω/dt + u·∇ω = ν ∇²ω - ν_p (-∇²)^p ω - μ ω + F,   ∇²ψ = -ω,   u = ∂ψ/∂y, v = -∂ψ/∂x.
//
// The velocity comes from the stream function spectrally, so it is
// divergence-free to round-off. The nonlinear term is dealiased by the 2/3
// rule (modes |kx| or |ky| > (N-1)/3 are zero), which makes the discrete
// system conserve energy and enstrophy exactly apart from dissipation and
// time-stepping error. Time stepping is RK4 with an exact integrating factor
// for the linear terms (IFRK4), the step set every step from a CFL number.
// The initial field has random phases (math/rand/v2 PCG, from the seed) under
// E(k) ∝ k⁴ exp(-2k²/kp²); by default the run decays freely for
// DefaultTurnovers initial eddy turnover times with an order-4
// hyperviscosity sized to the grid, which leaves the resolved scales
// inviscid and gives a clean enstrophy range, E(k) ~ k^-3.7 at 256² (the
// k^-3 of the enstrophy cascade, steepened by coherent vortices as in other
// decaying simulations). Kolmogorov and RingForcing drive forced turbulence;
// WithDrag supplies the large-scale sink it needs.
//
// A developed 256² snapshot takes about 2.3 s on one core (about 290 steps of
// 8 ms); WithCoarseStart(128) brings that to about 0.8 s.
//
// A worked example: a developed field, its spectrum's slope in the enstrophy
// range, and a vortex in a uniform stream on a PIV-like grid.
//
//	sim, err := synth.NewTurbulence(256).WithSeed(1).Done()
//	if err != nil {
//		return err
//	}
//	f, err := sim.Run(ctx) // u[j*256+i] at (x_i, y_j) = (2 pi i/256, 2 pi j/256)
//	if err != nil {
//		return err
//	}
//	e, err := piv.EnergySpectrum(nil, f)
//	if err != nil {
//		return err
//	}
//	slope, err := piv.SpectralSlope(e, 12, 42) // k from 2 kp to kmax/2: about -3.7
//
//	g := piv.UniformGrid(64, 64, -1, -1, 2.0/63, 2.0/63)
//	vortex, err := synth.Sample(g, synth.Sum{
//		synth.Uniform{U: 0.5},
//		synth.LambOseen{Circulation: 1, CoreRadius: 0.2},
//	})
package synth
