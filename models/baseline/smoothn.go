package baseline

import (
	"context"
	"fmt"
	"math"
	"slices"

	"pivsr/piv"
)

// Smoothn is Garcia's robust DCT-based penalised least squares smoother
// (D. Garcia, Comput. Stat. Data Anal. 54, 2010; "smoothn", which PIVlab and
// OpenPIV use to fill gaps), applied to both velocity components jointly on
// the target grid. It minimises
//
//	sum_k W_k |y_k - z_k|^2 + s |D z|^2,  D the discrete Laplacian (unit spacing, reflecting ends),
//
// W = 1 at the nodes that hold a sample and 0 at the gaps, by Garcia's
// fixed-point iteration z <- RF IDCT(Gamma DCT(W (y - z) + z)) + (1 - RF) z,
// Gamma = 1 / (1 + s Lambda^2), Lambda the Laplacian's eigenvalues, relaxation
// RF = 1.75 with gaps, starting from a nearest-sample fill smoothed to the
// lowest tenth of the DCT modes. Unless S is set, s minimises the generalised
// cross-validation score RSS / n / (1 - tr(H) / N)^2 (golden-section search
// on log10 s to 0.1, between the bounds for leverages 1e-6 and 0.99, redone
// at iterations 1, 2, 4, 8, ...). Robust runs three such passes, the later
// ones weighting the samples by Tukey's bisquare of the studentised residual
// (speed of the residual vector, MAD scale, leverage corrected).
//
// The penalty counts grid steps, so s does not depend on the physical
// spacing (and treats dx and dy alike). It smooths as well as fills: the
// result does not pass through the samples unless s is small.
type Smoothn struct {
	// S is the smoothing parameter; 0 chooses it by GCV.
	S float64
	// Robust reweights the samples to discount outliers.
	Robust bool
	// MaxIter caps the iterations of each pass (0: 100, smoothn's default).
	MaxIter int
	// TolZ stops a pass once the relative change of z falls below it
	// (0: 1e-3, smoothn's default).
	TolZ float64
	// Snap places each sample at its nearest target node. Without it every
	// sample must coincide with a node (to 1e-3 of the spacing).
	Snap bool
	// Exact, after Garcia's iteration, solves the penalised least squares
	// system at the final s and weights by conjugate gradients (preconditioned by the DCT-diagonal
	// mean(W) + s Lambda^2). Garcia's stopping rule, a relative change of
	// z below TolZ, ends the fixed-point iteration long before convergence
	// when the samples are sparse (on an every-8th-vector lattice the
	// smoothest error modes shrink by ~3 % per iteration): smoothn as
	// published returns that unconverged z; Exact returns the minimiser.
	Exact bool
}

// SmoothnInfo reports how a smoothing ran.
type SmoothnInfo struct {
	// S is the smoothing parameter used (the last GCV choice).
	S float64
	// Iterations counts the fixed-point iterations over all passes.
	Iterations int
	// Converged is false when a pass stopped at MaxIter.
	Converged bool
	// CGIterations counts the conjugate-gradient iterations of Exact.
	CGIterations int
}

// Name is "smoothn", with "-robust" and "-exact" appended for those options.
func (m Smoothn) Name() string {
	name := "smoothn"
	if m.Robust {
		name += "-robust"
	}
	if m.Exact {
		name += "-exact"
	}
	return name
}

// Reconstruct places the samples on the target's nodes and fills and smooths
// the rest.
func (m Smoothn) Reconstruct(ctx context.Context, s *Samples, target piv.Grid) (*piv.Field, error) {
	if _, err := checkTarget(s, target); err != nil {
		return nil, err
	}
	f, err := m.onGrid(s, target)
	if err != nil {
		return nil, err
	}
	out, _, err := m.Smooth(ctx, f)
	return out, err
}

// onGrid returns the samples as a sparse field on target: each sample at the
// node it coincides with (or, with Snap, its nearest node), samples sharing a
// node averaged.
func (m Smoothn) onGrid(s *Samples, target piv.Grid) (*piv.Field, error) {
	f := piv.NewField(target)
	f.Units = s.Units
	f.Mask = make([]bool, target.Len())
	count := make([]int, target.Len())
	for k := range s.X {
		i, okx := nodeOf(target.X, s.X[k], m.Snap)
		j, oky := nodeOf(target.Y, s.Y[k], m.Snap)
		if !okx || !oky {
			if m.Snap {
				continue // more than half a spacing outside the grid
			}
			return nil, fmt.Errorf("sample %d at (%v, %v) is not on a node of the target grid: smoothn fills a grid, set Snap to place samples at their nearest node", k, s.X[k], s.Y[k])
		}
		q := target.Index(i, j)
		f.U[q] += s.U[k]
		f.V[q] += s.V[k]
		f.Mask[q] = true
		count[q]++
	}
	n := 0
	for q, c := range count {
		if c > 0 {
			f.U[q] /= float64(c)
			f.V[q] /= float64(c)
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("no sample lies on the target grid")
	}
	return f, nil
}

// nodeOf returns the index of the coordinate of the monotonic axis nearest
// v, and whether v is within 1e-3 of a spacing of it (snap: within half a
// spacing, i.e. not beyond the axis' ends by more than that).
func nodeOf(axis []float64, v float64, snap bool) (int, bool) {
	n := len(axis)
	if n == 1 {
		return 0, v == axis[0] || snap
	}
	up := axis[1] > axis[0]
	i, _ := slices.BinarySearchFunc(axis, v, func(a, t float64) int {
		switch {
		case a == t:
			return 0
		case (a < t) == up:
			return -1
		}
		return 1
	})
	// axis[i-1] and axis[i] bracket v; pick the nearer.
	if i == n || (i > 0 && math.Abs(axis[i-1]-v) < math.Abs(axis[i]-v)) {
		i--
	}
	h := math.Abs(axis[min(i+1, n-1)]-axis[max(i-1, 0)]) / float64(min(i+1, n-1)-max(i-1, 0))
	tol := 1e-3 * h
	if snap {
		tol = 0.5 * h
	}
	return i, math.Abs(axis[i]-v) <= tol
}

// Smooth fills the gaps of f (invalid vectors) and smooths it on its own
// grid, PIVlab's use of smoothn. The result has every vector valid.
func (m Smoothn) Smooth(ctx context.Context, f *piv.Field) (*piv.Field, *SmoothnInfo, error) {
	if err := f.Check(); err != nil {
		return nil, nil, err
	}
	if !(m.S >= 0) || math.IsInf(m.S, 0) {
		return nil, nil, fmt.Errorf("smoothn: smoothing parameter must be finite and non-negative (0 for GCV), got %v", m.S)
	}
	if m.MaxIter < 0 || !(m.TolZ >= 0) {
		return nil, nil, fmt.Errorf("smoothn: MaxIter (%d) and TolZ (%v) must not be negative", m.MaxIter, m.TolZ)
	}
	p := newSmoothnProblem(f)
	info, err := p.run(ctx, m)
	if err != nil {
		return nil, nil, err
	}
	out := piv.NewField(piv.Grid{X: slices.Clone(f.X), Y: slices.Clone(f.Y)})
	out.Units = f.Units
	copy(out.U, p.z[0])
	copy(out.V, p.z[1])
	return out, info, nil
}

// smoothnProblem holds the state of one smoothing.
type smoothnProblem struct {
	nx, ny int
	y      [2][]float64 // data, 0 at the gaps
	w      []float64    // 1 at samples, 0 at gaps
	data   []int        // nodes holding a sample
	lambda []float64    // Laplacian eigenvalues, DCT order
	z      [2][]float64
	dct    *dct2
	rank   int // axes longer than 1
}

func newSmoothnProblem(f *piv.Field) *smoothnProblem {
	nx, ny := f.NX(), f.NY()
	p := &smoothnProblem{nx: nx, ny: ny, w: make([]float64, nx*ny), dct: newDCT2(nx, ny)}
	p.y[0], p.y[1] = make([]float64, nx*ny), make([]float64, nx*ny)
	for k := range p.w {
		if f.Valid(k) {
			p.w[k], p.y[0][k], p.y[1][k] = 1, f.U[k], f.V[k]
			p.data = append(p.data, k)
		}
	}
	p.lambda = make([]float64, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			p.lambda[j*nx+i] = 2 * (2 - math.Cos(math.Pi*float64(i)/float64(nx)) - math.Cos(math.Pi*float64(j)/float64(ny)))
		}
	}
	for _, n := range []int{nx, ny} {
		if n > 1 {
			p.rank++
		}
	}
	return p
}

func (p *smoothnProblem) run(ctx context.Context, m Smoothn) (*SmoothnInfo, error) {
	maxIter := cmpOr(m.MaxIter, 100)
	tolZ := m.TolZ
	if tolZ == 0 {
		tolZ = 1e-3
	}
	n := len(p.w)
	weighted := len(p.data) < n
	auto := m.S == 0
	info := &SmoothnInfo{S: m.S, Converged: true}
	// Bounds on s from the leverage of a single-node fit, 1e-6 .. 0.99.
	sBound := func(h float64) float64 {
		h2 := math.Pow(h, 2/float64(max(p.rank, 1)))
		a := (1 + math.Sqrt(1+8*h2)) / 4 / h2
		return (a*a - 1) / 16
	}
	pMin, pMax := math.Log10(sBound(0.99)), math.Log10(sBound(1e-6))

	wtot := slices.Clone(p.w)
	if weighted {
		p.z = p.initialGuess()
	} else {
		p.z[0], p.z[1] = make([]float64, n), make([]float64, n)
	}
	rf := 1.0
	if weighted {
		rf = 1.75
	}
	gamma := make([]float64, n)
	setGamma := func(s float64) {
		for k, l := range p.lambda {
			gamma[k] = 1 / (1 + s*l*l)
		}
	}
	if !auto {
		setGamma(m.S)
	}
	var coef [2][]float64
	coef[0], coef[1] = make([]float64, n), make([]float64, n)
	work := make([]float64, n)
	passes := 1
	if m.Robust {
		passes = 3
	}
	for pass := 0; pass < passes; pass++ {
		for nit, tol := 0, math.Inf(1); tol > tolZ && nit < maxIter; {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			nit++
			info.Iterations++
			for c := range coef {
				for k := range work {
					coef[c][k] = wtot[k]*(p.y[c][k]-p.z[c][k]) + p.z[c][k]
				}
				p.dct.forward(coef[c])
			}
			if auto && nit&(nit-1) == 0 {
				logS := goldenMin(func(q float64) float64 { return p.gcv(math.Pow(10, q), coef, wtot, gamma, work) }, pMin, pMax, 0.1)
				info.S = math.Pow(10, logS)
				setGamma(info.S)
			}
			var change, norm float64
			for c := range coef {
				for k := range work {
					work[k] = gamma[k] * coef[c][k]
				}
				p.dct.inverse(work)
				for k, zk := range work {
					znew := rf*zk + (1-rf)*p.z[c][k]
					change += (znew - p.z[c][k]) * (znew - p.z[c][k])
					norm += znew * znew
					p.z[c][k] = znew
				}
			}
			if !weighted {
				break // one pass of the filter is the exact solution
			}
			tol = math.Sqrt(change / norm)
			if nit == maxIter && tol > tolZ {
				info.Converged = false
			}
		}
		if m.Exact && weighted {
			it, err := p.solveExact(ctx, info.S, wtot, gamma)
			info.CGIterations += it
			if err != nil {
				return nil, err
			}
		}
		if pass+1 < passes {
			p.robustWeights(wtot, info.S)
			weighted = true
			rf = 1.75
		}
	}
	return info, nil
}

// solveExact solves (W + s Lᵀ L) z = W y for both components by
// preconditioned conjugate gradients, starting from the current z; L is the
// DCT-diagonal Laplacian (eigenvalues -Lambda). It iterates on the
// orthonormal DCT coefficients of z, where s Lᵀ L is diagonal and the Jacobi
// preconditioner is about 1 / (mean(W) + s Lambda^2), so each iteration costs
// one transform each way (for W). The residual tolerance, relative to W y,
// is 1e-6 for s >= 1e-3 and 1e-3 s below. It returns the iterations spent; gamma is
// used as scratch.
func (p *smoothnProblem) solveExact(ctx context.Context, s float64, w, gamma []float64) (int, error) {
	// The smooth error modes the penalty alone controls have eigenvalues
	// of order s, so the residual must shrink with s to bound the error.
	relTol := 1e-6 * min(1, s/1e-3)
	const maxIter = 20000
	n := len(w)
	mean := 0.0
	for _, v := range w {
		mean += v
	}
	mean /= float64(n)
	precond := gamma
	for k, l := range p.lambda {
		precond[k] = 1 / (mean + s*l*l)
	}
	scale := p.dct.orthonormalScale()
	// toCoef and toGrid are the orthonormal DCT and its transpose (inverse).
	toCoef := func(a []float64) {
		p.dct.forward(a)
		for k := range a {
			a[k] *= scale[k]
		}
	}
	toGrid := func(a []float64) {
		for k := range a {
			a[k] /= scale[k]
		}
		p.dct.inverse(a)
	}
	apply := func(dst, x []float64) { // dst = (Q W Qᵀ + s Lambda^2) x
		copy(dst, x)
		toGrid(dst)
		for k := range dst {
			dst[k] *= w[k]
		}
		toCoef(dst)
		for k, l := range p.lambda {
			dst[k] += s * l * l * x[k]
		}
	}
	x, r, z, d, ad := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	total := 0
	for c := range p.z {
		copy(x, p.z[c])
		toCoef(x)
		for k := range r {
			r[k] = w[k] * p.y[c][k]
		}
		toCoef(r) // b
		bnorm := math.Sqrt(dot(r, r))
		if bnorm == 0 {
			bnorm = 1
		}
		apply(ad, x)
		for k := range r {
			r[k] -= ad[k]
		}
		for k := range z {
			z[k] = precond[k] * r[k]
		}
		copy(d, z)
		rz := dot(r, z)
		for it := 0; math.Sqrt(dot(r, r)) > relTol*bnorm; it++ {
			if it == maxIter {
				return total, fmt.Errorf("smoothn: conjugate gradients did not reach a relative residual of %g in %d iterations (s = %g)", relTol, maxIter, s)
			}
			if it%16 == 0 {
				if err := ctx.Err(); err != nil {
					return total, err
				}
			}
			total++
			apply(ad, d)
			alpha := rz / dot(d, ad)
			for k := range x {
				x[k] += alpha * d[k]
				r[k] -= alpha * ad[k]
				z[k] = precond[k] * r[k]
			}
			rzNew := dot(r, z)
			for k := range d {
				d[k] = z[k] + rzNew/rz*d[k]
			}
			rz = rzNew
		}
		toGrid(x)
		copy(p.z[c], x)
	}
	return total, nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for k := range a {
		s += a[k] * b[k]
	}
	return s
}

// gcv is the generalised cross-validation score of smoothing parameter s for
// the current DCT coefficients; it overwrites gamma and work.
func (p *smoothnProblem) gcv(s float64, coef [2][]float64, wtot, gamma, work []float64) float64 {
	trH := 0.0
	for k, l := range p.lambda {
		gamma[k] = 1 / (1 + s*l*l)
		trH += gamma[k]
	}
	rss := 0.0
	for c := range coef {
		for k := range work {
			work[k] = gamma[k] * coef[c][k]
		}
		p.dct.inverse(work)
		for _, k := range p.data {
			d := p.y[c][k] - work[k]
			rss += wtot[k] * d * d
		}
	}
	n := float64(len(p.w))
	d := 1 - trH/n
	return rss / float64(len(p.data)) / (d * d)
}

// robustWeights sets wtot to the bisquare weights of the samples' residual
// speeds |y - z|, studentised by 1.4826 MAD and the leverage of smoothing s.
func (p *smoothnProblem) robustWeights(wtot []float64, s float64) {
	r := make([]float64, len(p.data))
	for q, k := range p.data {
		r[q] = math.Hypot(p.y[0][k]-p.z[0][k], p.y[1][k]-p.z[1][k])
	}
	med := piv.Median(slices.Clone(r))
	dev := make([]float64, len(r))
	for q, v := range r {
		dev[q] = math.Abs(v - med)
	}
	mad := piv.Median(dev)
	h := math.Sqrt(1 + 16*s)
	h = math.Pow(math.Sqrt(1+h)/math.Sqrt2/h, float64(p.rank))
	const c = 4.685
	for q, k := range p.data {
		if mad == 0 {
			break // an exact fit: no outlier evidence
		}
		u := r[q] / (1.4826 * mad) / math.Sqrt(1-h) / c
		if u < 1 {
			wtot[k] = p.w[k] * (1 - u*u) * (1 - u*u)
		} else {
			wtot[k] = 0
		}
	}
}

// initialGuess fills each gap with its nearest sample (by breadth-first
// search over the grid, so nearest in steps) and keeps the lowest tenth of the
// DCT modes along each axis, as smoothn starts.
func (p *smoothnProblem) initialGuess() [2][]float64 {
	nx, ny := p.nx, p.ny
	var z [2][]float64
	z[0], z[1] = make([]float64, nx*ny), make([]float64, nx*ny)
	src := make([]int, nx*ny)
	for k := range src {
		src[k] = -1
	}
	queue := slices.Clone(p.data)
	for _, k := range queue {
		src[k] = k
	}
	for q := 0; q < len(queue); q++ {
		k := queue[q]
		i, j := k%nx, k/nx
		for _, nb := range [4][2]int{{i - 1, j}, {i + 1, j}, {i, j - 1}, {i, j + 1}} {
			if nb[0] < 0 || nb[0] >= nx || nb[1] < 0 || nb[1] >= ny {
				continue
			}
			if kk := nb[1]*nx + nb[0]; src[kk] < 0 {
				src[kk] = src[k]
				queue = append(queue, kk)
			}
		}
	}
	kx, ky := (nx+9)/10, (ny+9)/10 // ceil(n / 10) modes kept
	for c := range z {
		for k := range z[c] {
			z[c][k] = p.y[c][src[k]]
		}
		p.dct.forward(z[c])
		for j := 0; j < ny; j++ {
			for i := 0; i < nx; i++ {
				if i >= kx || j >= ky {
					z[c][j*nx+i] = 0
				}
			}
		}
		p.dct.inverse(z[c])
	}
	return z
}

// goldenMin returns the argument in [a, b] minimising f to within tol, by
// golden-section search (f is taken as unimodal).
func goldenMin(f func(float64) float64, a, b, tol float64) float64 {
	r := (math.Sqrt(5) - 1) / 2
	c, d := b-r*(b-a), a+r*(b-a)
	fc, fd := f(c), f(d)
	for b-a > tol {
		if fc < fd {
			b, d, fd = d, c, fc
			c = b - r*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + r*(b-a)
			fd = f(d)
		}
	}
	if fc < fd {
		return c
	}
	return d
}
