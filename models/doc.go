// Package models is the neural-field core of pivsr's super-resolution
// engine: multiplicative filter networks (FourierNet and GaborNet, Fathony
// et al., ICLR 2021) mapping normalised coordinates (x, y) to a velocity
// (u, v) (or a stream function psi), their exact first derivatives, the loss
// terms of a physics-informed fit (data misfit, soft divergence,
// structure-function prior, vorticity-gradient smoothness), a compiled
// Adam training step, and copies of the training state ([State]: rollback,
// best parameters, checkpoints in GoMLX's format), on
// GoMLX (v0.28) backends: the pure Go backend, or XLA when a PJRT plugin is
// installed (see [NewBackend]).
//
// Worked example: fit a field from scattered vectors, then evaluate it.
//
//	backend, desc, err := models.NewBackend("auto") // XLA CUDA if installed, else Go
//	log.Println(desc)
//	net, err := models.NewNetwork(models.DefaultConfig()) // FourierNet, 4 filters, hidden 128
//	trainer, err := models.NewTrainer(backend, net, models.DefaultTrainConfig())
//	batch := &models.Batch{X: x, Y: y, U: u, V: v} // measured vectors, normalised
//	for step := range 3000 {
//		batch.CX, batch.CY = collocationPoints(step) // fresh target-grid points each step
//		losses, err := trainer.Step(batch)
//		...
//	}
//	state, err := net.State(true) // parameters and Adam's state, to roll back to
//	err = state.Save(dir)          // or keep on disk (models.LoadState reads it back)
//	predictor, err := models.NewPredictor(backend, net)
//	field, err := predictor.Predict(gridX, gridY, true) // u, v and du/dx ... dv/dy
//
// # Structure-function prior
//
// [StructureLoss] needs the network at pairs of points (p, p + r): the batch
// carries them as groups of points (Batch.SX, SY: the origins, then the
// origins shifted by each separation), evaluated in one more forward pass
// (values only) whose reverse pass joins the others. A known base field at
// those points (Batch.SBaseU, SBaseV) is added first, as Batch.BaseDivergence
// is for the divergence.
//
// # Stream function and smoothness
//
// With Config.StreamFunction the network outputs a scalar psi and the
// velocity is (dpsi/dy, -dpsi/dx) from psi's forward-mode tangents: exactly
// divergence-free, so the divergence term is skipped (reported as 0), and
// every pass, the measured vectors' included, carries tangents; the loss
// back-propagates through them as the divergence penalty's does.
// [SmoothnessLoss] (TrainConfig.SmoothnessWeight) penalises mean |grad omega|^2
// at the collocation points by a forward difference of omega over the target
// spacing (smoothness.go): exact omega from the tangents of a (u, v) network at
// 3 points per collocation point, omega by central differences of a stream
// function's velocity at 10 points.
//
// # How the step is computed
//
// The physics terms need du/dx etc. at the collocation points. Rather than a
// second reverse pass through the network (what autograd frameworks do),
// [Network.Evaluate] carries forward-mode tangents through the filters:
// for z' = (W z + b) * g, dz'/dx = (W dz/dx) * g + (W z + b) * dg/dx. The
// network's reverse pass (backward.go) is then written by hand, with the loss
// terms themselves differentiated by GoMLX: this keeps every matrix product in
// a layout the Go backend multiplies without transposing, and continues
// through phase tables computed on the host. On the Go backend the filters'
// sin/cos come from the host (a vectorised float32 kernel, see HostPhases):
// the backend's own Sin and Cos were half of the step's time. Tests check the
// gradients and tangents against finite differences.
//
// # Performance notes for the Go backend (compute v0.1.2)
//
//   - Build with GOEXPERIMENT=simd: it enables the backend's AVX2/AVX512 matrix
//     kernels (about 10x faster) and this package's vector sincos. Without it a
//     training step is several times slower.
//   - [NewBackend] lifts the backend's worker limit: with the default limit,
//     concurrent matrix products can deadlock in its worker pool.
//   - Binary operations broadcasting a column ([h, N] * [h, 1]) run about 5x
//     slower than same-shape ones, and ReduceSum over an axis about 7x slower
//     than a product with ones; the graph code avoids both.
package models
