// Package nf holds normalising flows on GoMLX for the transport toolkit:
// a RealNVP flow (affine coupling layers with alternating masks, exact
// log-determinant, maximum-likelihood training with Adam), a
// Gaussian-preserving map that lowers a flow's transport cost without
// changing its density (Morel et al. 2022), and Bayesian logistic
// regression by the sliced-Wasserstein JKO scheme with a RealNVP flow
// (Bonet et al. 2022), and densities on the sphere S^2 trained by the
// spherical sliced-Wasserstein distance to the uniform law (Bonet et al.
// 2023): [ExpFlow], exponential-map blocks of radial bumps (Rezende et al.
// 2020, the default of [RunEarth]) and [SphereFlow], a RealNVP in a chart
// that maps the uniform law to N(0, I). Everything runs in float64 on any GoMLX backend
// (models.NewBackend("go") on the CPU); points are *mat.Dense, one per row.
//
// # Worked example
//
// Fit a flow T (data -> N(0, I)) to eight Gaussians, then a map G with
// G_# N(0, I) = N(0, I) trained to shorten the displacement |x - G(T(x))|:
//
//	backend, _, err := models.NewBackend("go")
//	train, _ := nf.EightGaussians(4000, 1)
//	test, _ := nf.EightGaussians(2000, 2)
//	flow, err := nf.New(nf.Config{Dim: 2, Layers: 8, Hidden: 32})
//	losses, err := flow.Fit(backend, train, nf.TrainConfig{Steps: 1500, LearningRate: 5e-3})
//	nll, err := flow.MeanNLL(backend, test) // about 3.1; the Gaussian fit: 4.2
//	gp, err := nf.NewGaussianPreserving(nf.GPConfig{Dim: 2})
//	imp, err := nf.Improve(backend, flow, gp, train, test, nf.TrainConfig{Steps: 400, LearningRate: 2e-2})
//	// imp.CostBefore 4.82, imp.CostAfter 2.65 (45% lower),
//	// imp.NLLBefore = imp.NLLAfter = 3.1384 (largest change at a point 1e-4)
//
// (`pivsr ot gpflow` runs this.) The map is
// G(z) = sqrt(2) erfinv(Phi(erf(z/sqrt 2))) with Phi the time-1 RK4 flow of
// a divergence-free field of the box (-1, 1)^d with no flux through its
// faces, so G preserves N(0, I) up to the RK4 error (which falls like h^4;
// GaussianPreserving.LogDet measures it). GoMLX has no erfinv:
// [ErfInvGraph] is Giles' approximation refined by Newton steps (accurate
// to 1e-8 for |y| <= 1 - 1e-9, i.e. |z| < 6).
//
// # Bayesian logistic regression
//
//	data, err := nf.LoadBLR("../shared/data/blr/german.h5", 1)
//	res, err := nf.RunBLR(backend, data, nf.BLRConfig{Seed: 1})
//	fmt.Println(res.Accuracy, res.Seconds)
//
// (`pivsr ot blr -dataset german` runs five seeds.) The sliced term of each
// JKO step is matched on the host (sorting projections) and fed to the
// compiled step as targets: GoMLX's Sort has no gradient, and with the
// matching fixed the surrogate has the exact gradient of SW_2^2.
package nf
