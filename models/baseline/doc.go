// Package baseline holds the classical reconstructions a super-resolved
// velocity field is compared with: what a PIV user would otherwise run to
// get a dense field from sparse vectors. Plain Go and gonum.
//
// Every method implements Method: Reconstruct(ctx, samples, target) returns a
// fully valid field on the target grid. Samples are the valid vectors of a
// sparse field (FromField) or of scattered data (FromScattered); when they
// form a complete rectilinear lattice (as every k-th vector of a PIV grid
// does), Samples.Lattice holds that lattice.
//
//   - Bicubic: tensor-product cubic splines on a lattice input, not-a-knot
//     or natural ends, Clamped (constant) or Extrapolated beyond the outer
//     samples.
//   - ThinPlate: the thin-plate spline r^2 log r plus an affine part, any
//     scattered input; exact or smoothing.
//   - DivFreeRBF: a divergence-free matrix-valued Gaussian RBF whose result
//     is divergence-free analytically; shape parameter by leave-one-out
//     cross-validation.
//   - Smoothn: Garcia's DCT-based penalised least squares (PIVlab's and
//     OpenPIV's gap filler) on the target grid, s by GCV, optionally robust,
//     optionally solved to convergence (Exact).
//   - Spectral: trigonometric interpolation of one period of a periodic
//     lattice, optionally solenoidal.
//   - Wiener: the kriging estimate of a periodic divergence-free field under
//     a spectrum fitted, through aliasing, on the lattice; optionally with a
//     conditioned random draw of the small scales beyond the lattice's band
//     and divergence-free for the grid's finite differences (ProjectDiscrete).
//     Lattices too coarse to fit a spectrum on get Spectral's solenoidal
//     interpolant. The neural field's periodic base.
//
// ThinPlate and DivFreeRBF also return their fitted Interpolant (Fit), to
// evaluate anywhere.
//
// On the Turb2D snapshot (256 x 256, every 8th vector kept: 1024 vectors,
// scored by piv.Evaluate on the full grid and on its interior, border 8; see
// BenchmarkTurb2D):
//
//	method                     rec      angle  div/vort  spectrum  interior rec
//	bicubic-clamped            0.00066  1.19   0.150     29.4      0.00033
//	bicubic-extrapolated       0.0040   1.50   0.52      59.4      0.00033
//	bicubic-clamped-natural    0.00063  1.15   0.143     29.8      0.00031
//	tps                        0.00050  1.14   0.128     25.7      0.00033
//	divfree-rbf (c = 0.8)      0.00093  1.51   0.003     34.9      0.00038
//	divfree-rbf, Shape 1       0.0019   1.47   0.003     43.7      0.00026
//	smoothn                    0.00102  1.86   0.157     32.4      0.00077
//	smoothn-exact              0.00056  1.17   0.137     28.6      0.00034
//	spectral-solenoidal        0.00025  0.94   0.0018    2965      0.00026
//	spectral-wiener            0.00012  0.66   0.0027    46.8      0.00012
//	spectral-wiener-subgrid    0.00015  0.75   0.00005   2.54      0.00015
//	  (Discrete, Fraction 0.4, Budget 0.4: the neural field's base)
//
// The target reaches 7 nodes past the last sample column and row, where the
// methods differ most: the Gaussian RBF decays toward the mean flow there.
// The div-free RBF's div/vort is the finite differences' own error.
//
// A worked example: keep every 4th vector of a field, interpolate it back
// with a thin-plate spline and score it.
//
//	sparse, err := piv.KeepEvery(truth, 4, 0, 0)
//	if err != nil { ... }
//	s, err := baseline.FromField(sparse) // 256 vectors, a 16 x 16 lattice
//	if err != nil { ... }
//	est, err := baseline.ThinPlate{}.Reconstruct(ctx, s, truth.Grid)
//	if err != nil { ... }
//	m, err := piv.Evaluate(est, truth, piv.MetricOptions{})
//	fmt.Println(m.Rec, m.AngularErrorDeg)
package baseline
