// Package spacetime fits one space-time neural field f(x, y, t) -> (u, v) to
// a short series of velocity snapshots: a multiplicative filter network
// (Fathony et al., ICLR 2021) whose filters see x, y and t as separate
// inputs, trained with GoMLX's automatic differentiation and a compiled Adam
// step.
//
// The field is meant as a correction added to a classical reconstruction
// (the base: linear interpolation in time, or the kept snapshots advected by
// the Euler equations), so its output layer starts at zero and the fit
// starts from the base. The loss has three terms, all in normalised units:
//
//   - data: the mean squared misfit at the observed snapshots' valid vectors
//     (targets are observation minus base);
//   - divergence: the mean squared divergence of the correction at the
//     collocation points (the base is solenoidal);
//   - physics (optional): the residual of the 2D vorticity-transport
//     equation ω_t + u ω_x + v ω_y - ν ∇²ω + μ ω of base plus correction at
//     random space-time collocation points, scaled by the base's own mean
//     squared residual so that it starts at 1. The base's residual, given
//     by the caller, also holds the terms a stencil cannot (hyperviscosity,
//     a dealiased transport, forcing); the correction's leaves them out.
//
// An optional [Envelope] in time multiplies the network, e.g. one that
// vanishes at the kept snapshots so the field equals the base there exactly;
// the output is scaled by the expected size of the correction
// (Config.OutputScale) so that Adam's first steps stay small.
//
// The correction's derivatives come from finite-difference stencils of
// network evaluations around each collocation point (see [Stencil]), so one
// reverse pass differentiates the whole loss; the base's derivatives are
// given by the caller (computed spectrally by the engine).
//
// Coordinates are normalised to [-1, 1] (x and y by one scale, so the
// equation keeps its form; t separately), velocities by the largest speed
// observed (see [Scales]).
package spacetime
