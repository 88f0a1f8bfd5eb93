package baseline

import (
	"errors"
	"math"

	"pivsr/internal/spectral"
	"pivsr/piv"
)

// ProjectDiscrete makes the finite-difference divergence of f vanish at
// every node, in place: the divergence piv.Gradients takes, second-order
// central differences inside and one-sided ones on the edges, on a uniform
// grid with every vector valid, taken as one period of a periodic field (a
// periodic reconstruction's target, a DNS box). Inside, it is the Leray
// projection with the central difference's wavenumber sin(k h)/h, which
// leaves the vorticity as it is; on the edge columns (rows) it then removes
// the least change of v (u) that zeroes the one-sided stencils there, which
// involves no other node's divergence.
//
// It returns the rms divergence left relative to the one before (0 when f
// had none); fields it cannot handle (masked, non-uniform, smaller than
// 4 x 4) are an error and left unchanged.
func ProjectDiscrete(f *piv.Field) (float64, error) {
	nx, ny := f.NX(), f.NY()
	if nx < 4 || ny < 4 || !f.IsUniform(1e-3) {
		return 0, errors.New("discrete projection: needs a uniform grid of at least 4 x 4 nodes")
	}
	for k := range f.U {
		if !f.Valid(k) {
			return 0, errors.New("discrete projection: needs every vector valid")
		}
	}
	d := fdOperator{nx: nx, ny: ny, hx: f.DX(), hy: f.DY()}
	div := make([]float64, nx*ny)
	d.div(div, f.U, f.V)
	before := norm2(div)
	if before == 0 {
		return 0, nil
	}
	uh, vh := spectra(f.U, f.V, nx, ny)
	fft := spectral.NewFFT2(nx, ny)
	projectWith(uh, vh, nx, ny, func(w, n int) float64 { return discreteWavenumber(w, n, float64(n)*d.hx) },
		func(w, n int) float64 { return discreteWavenumber(w, n, float64(n)*d.hy) })
	fft.Inverse(uh)
	fft.Inverse(vh)
	for k := range uh {
		f.U[k], f.V[k] = real(uh[k]), real(vh[k])
	}
	// The edges: the x-stencils of a column do not involve v, so v along
	// the first and last columns can zero their divergence alone (and u
	// along the first and last rows likewise); the corners, shared, take
	// a second sweep.
	line := make([]float64, max(nx, ny))
	for range 2 {
		d.div(div, f.U, f.V)
		for _, i := range []int{0, nx - 1} {
			fixLine(f.V[i:], nx, ny, d.hy, div[i:], line)
		}
		d.div(div, f.U, f.V)
		for _, j := range []int{0, ny - 1} {
			fixLine(f.U[j*nx:], 1, nx, d.hx, div[j*nx:], line)
		}
	}
	d.div(div, f.U, f.V)
	return norm2(div) / before, nil
}

// discreteWavenumber is sin(k h)/h, the wavenumber the central difference
// sees in the mode of integer wavenumber w on an n-node period.
func discreteWavenumber(w, n int, period float64) float64 {
	h := period / float64(n)
	return math.Sin(2*math.Pi*float64(w)/float64(n)) / h
}

// fixLine adds to the n values a[0], a[stride], ... the least-squares
// change whose derivative along the line (the stencils of weights) cancels
// r[0], r[stride], ...: CG on the regularised normal equations
// (D^T D + eps) x = -D^T r. The derivative of a line has the constants in
// its kernel, so not every r can be cancelled; the least-squares change
// cancels what can be. scratch holds at least n values.
func fixLine(a []float64, stride, n int, h float64, r, scratch []float64) {
	b := make([]float64, n)
	for m := range b {
		b[m] = r[m*stride]
	}
	rhs := make([]float64, n)
	lineAdjoint(rhs, b, h)
	for m := range rhs {
		rhs[m] = -rhs[m]
	}
	eps := 1e-3 / (h * h)
	t := scratch[:n]
	apply := func(out, x []float64) { // out = (D^T D + eps) x
		lineDerivative(t, x, h)
		lineAdjoint(out, t, h)
		for m := range out {
			out[m] += eps * x[m]
		}
	}
	x, res := make([]float64, n), append([]float64(nil), rhs...)
	dir, ap := append([]float64(nil), res...), make([]float64, n)
	rr := dot(res, res)
	b0 := math.Sqrt(rr)
	for it := 0; it < 4*n && math.Sqrt(rr) > 1e-12*b0; it++ {
		apply(ap, dir)
		den := dot(dir, ap)
		if !(den > 0) {
			break
		}
		alpha := rr / den
		for m := range x {
			x[m] += alpha * dir[m]
			res[m] -= alpha * ap[m]
		}
		next := dot(res, res)
		for m := range dir {
			dir[m] = res[m] + next/rr*dir[m]
		}
		rr = next
	}
	for m := 0; m < n; m++ {
		a[m*stride] += x[m]
	}
}

// lineDerivative and lineAdjoint are the derivative along one line of n
// nodes (piv.Gradients' stencils) and its transpose.
func lineDerivative(out, x []float64, h float64) {
	n := len(x)
	for m := range out {
		o, w := weights(m, n, h)
		out[m] = w[0]*x[m+o] + w[1]*x[m+o+1] + w[2]*x[m+o+2]
	}
}

func lineAdjoint(out, p []float64, h float64) {
	n := len(p)
	clear(out)
	for m := range p {
		o, w := weights(m, n, h)
		for t := range 3 {
			out[m+o+t] += w[t] * p[m]
		}
	}
}

// fdOperator is the divergence of piv.Gradients on a full uniform grid.
type fdOperator struct {
	nx, ny int
	hx, hy float64
}

// weights returns the stencil of the derivative at node m of n along an
// axis of spacing h: the offset of its first node and its three weights.
func weights(m, n int, h float64) (int, [3]float64) {
	switch m {
	case 0:
		return 0, [3]float64{-3 / (2 * h), 4 / (2 * h), -1 / (2 * h)}
	case n - 1:
		return -2, [3]float64{1 / (2 * h), -4 / (2 * h), 3 / (2 * h)}
	}
	return -1, [3]float64{-1 / (2 * h), 0, 1 / (2 * h)}
}

// div writes du/dx + dv/dy into out.
func (d fdOperator) div(out, u, v []float64) {
	for j := 0; j < d.ny; j++ {
		oy, wy := weights(j, d.ny, d.hy)
		for i := 0; i < d.nx; i++ {
			ox, wx := weights(i, d.nx, d.hx)
			k := j*d.nx + i
			var s float64
			for t := 0; t < 3; t++ {
				s += wx[t]*u[k+ox+t] + wy[t]*v[k+(oy+t)*d.nx]
			}
			out[k] = s
		}
	}
}

func norm2(a []float64) float64 { return math.Sqrt(dot(a, a)) }
