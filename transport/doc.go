// Package transport computes optimal-transport distances between samples:
// exact 1-D Wasserstein distances, sliced distances in R^d (random,
// orthogonal or quasi-Monte-Carlo directions, and the max-sliced variant),
// exact distances on the circle, and sliced distances on the sphere and on
// hyperbolic space.
//
// # Conventions
//
// Every function or method named Pow returns the p-th power of the distance:
// W_p^p, SW_p^p, SSW_p^p, HSW_p^p. Wasserstein1D and Estimate.Distance take
// the p-th root. A sample is a set of points with weights: a nil weight
// slice means uniform weights, otherwise the weights must be non-negative
// and sum to 1 (within 1e-8). Point clouds are *mat.Dense with one point per
// row. Circle coordinates are in [0, 1) (the angle over 2 pi), sphere points
// are unit vectors of R^d, and hyperbolic points are rows (x_0, ..., x_d) of
// the Lorentz model (see PoincareToLorentz). Bad input gives an error
// wrapping one of ErrEmpty, ErrWeights, ErrDimension, ErrExponent, ErrDomain
// or ErrConfig, never a panic.
//
// The sliced distances are Monte-Carlo estimates over random slices drawn
// from a seed, so they are reproducible and independent of the number of
// goroutines; they return an Estimate with the standard error of the mean
// over the slices.
//
// # Worked example
//
// Compare two Gaussian clouds of R^2 (means 0 and (1, -1), standard
// deviations 1 and 2). For isotropic Gaussians SW_2^2 = |m1 - m2|^2/d +
// (s1 - s2)^2 = 2, up to the sampling error of the clouds:
//
//	x := mat.NewDense(n, 2, xs) // n = 20000 points, row-major
//	y := mat.NewDense(n, 2, ys)
//	est, err := transport.NewSliced(1000).
//		P(2).
//		Seed(1).
//		Directions(transport.QuasiMonteCarlo). // evenly spaced angles in 2-D
//		Pow(x, nil, y, nil)
//	if err != nil {
//		return err
//	}
//	fmt.Println(est)            // 2.01974 ± 0.023 (p=2, 1000 slices)
//	fmt.Println(est.Distance()) // SW_2 itself: 1.42
//
// The standard error assumes independent directions; for the orthogonal and
// quasi-Monte-Carlo schemes the actual error is usually much smaller (here
// the remaining 0.02 is mostly the sampling error of the clouds).
//
// On the circle, distances are exact: CirclePow minimises over the rotation
// of one quantile function (Delon, Salomon & Sobolevski 2010), CircleW1 uses
// the level median, and CircleUniformPow2 is the closed form to the uniform
// law. SphericalSliced averages circle distances over random great circles;
// HyperbolicSliced averages 1-D distances of geodesic or horospherical
// projections.
//
// # Gradient flows
//
// Flow runs the sliced-Wasserstein JKO scheme on particles: each step
// minimises SW_2^2(rho, rho_k)/(2 tau) + F(rho) with F a potential energy, an
// entropy (by a kernel density estimate; with V = |x|^2/2 it is the
// Fokker-Planck flow to N(0, I)) and an interaction energy. SphereFlow moves
// particles on S^2 down the spherical sliced distance to a target sample or
// the uniform law.
//
// # Speed
//
// The sorts dominate: projections are sorted by an LSD radix sort on the
// float bits (several times faster than pdqsort) in per-goroutine buffers,
// and the slices run in parallel over GOMAXPROCS goroutines. Equal-size,
// uniform-weight samples take shortcuts: in 1-D, mean |a_(i) - b_(i)|^p; on
// the circle, a search over integer shifts. See BenchmarkSliced100k and
// BenchmarkCircle100k.
package transport
