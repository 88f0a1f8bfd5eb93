// Package piv holds 2D velocity fields as PIV and PTV deliver them, and the
// quantities, validation, sparsification and metrics built on them.
//
// A Field is a velocity field on a regular grid with a validity mask: u[j*nx+i]
// is the x velocity at (X[i], Y[j]), row-major as the HDF5 layout stores it.
// Scattered holds vectors at arbitrary positions (PTV, random seeding).
// Everything here is plain Go and gonum; no file formats, no UI.
//
// On a field:
//   - derived quantities: Gradients (the velocity-gradient tensor), Vorticity,
//     Divergence, QCriterion, Speed, by second-order differences that never
//     reach across invalid vectors;
//   - statistics: EnergySpectrum (radial E(k) by FFT), SecondOrderStructure
//     (S2(r) along x, y and the diagonals);
//   - validation: MedianTest (the normalised median test), GapFill, and
//     Validator, which chains them;
//   - benchmark inputs from a truth, all seeded: KeepEvery, KeepRandom,
//     AddNoise, AddRelativeNoise, AddOutliers;
//   - scores against a truth: Evaluate, returning Metrics on the full grid,
//     its interior, or held-out vectors.
//
// Numeric functions are destination-first: dst nil allocates, a dst with
// enough capacity is reused. Bad input is an error, never a panic.
//
// A worked example (the runnable package Example): build a Taylor-Green field,
// derive its vorticity, keep every 4th vector, fill the gaps, and measure how
// far the result is from the truth.
//
//	g := piv.UniformGrid(64, 64, 0, 0, 2*math.Pi/63, 2*math.Pi/63)
//	truth := piv.NewField(g)
//	for j, y := range g.Y {
//		for i, x := range g.X {
//			truth.U[g.Index(i, j)] = math.Sin(x) * math.Cos(y)
//			truth.V[g.Index(i, j)] = -math.Cos(x) * math.Sin(y)
//		}
//	}
//	omega, err := piv.Vorticity(nil, truth) // 2 sin x sin y, to second order
//	if err != nil { ... }
//	sparse, err := piv.KeepEvery(truth, 4, 0, 0) // 256 of 4096 vectors
//	fill := piv.DefaultGapFill()
//	fill.Method = piv.FillMean
//	v := piv.Validator{Test: piv.DefaultMedianTest(), Fill: &fill, FillMissing: true}
//	report, err := v.Validate(sparse) // fills the 3840 gaps in place
//	m, err := piv.Evaluate(sparse, truth, piv.MetricOptions{Border: 4})
//	fmt.Println(m.Rec, m.NRMSE, m.AngularErrorDeg)
package piv
