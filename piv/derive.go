package piv

import (
	"fmt"
	"math"
)

// Gradient holds the velocity-gradient tensor of a field at every node,
// row-major like the field's U and V. Entries are NaN where the vector is
// invalid or no second-order stencil of valid vectors exists.
type Gradient struct {
	DUDX, DUDY, DVDX, DVDY []float64
}

// Gradients computes the velocity-gradient tensor of f into dst (nil
// allocates; slices with enough capacity are reused) and returns it.
//
// Derivatives are second-order finite differences on the field's own, possibly
// non-uniform and possibly decreasing, coordinates: central (three nodes
// i-1, i, i+1) where both neighbours are valid, otherwise one-sided on
// i, i±1, i±2 where those are valid, so an invalid (masked or non-finite)
// neighbour never enters a valid node's derivative. Where no such stencil
// exists, and at invalid nodes, the result is NaN. Each axis needs at least
// three points.
func Gradients(dst *Gradient, f *Field) (*Gradient, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	nx, ny := f.NX(), f.NY()
	if nx < 3 || ny < 3 {
		return nil, fmt.Errorf("derivatives need at least 3 points per axis, got nx=%d ny=%d", nx, ny)
	}
	if dst == nil {
		dst = &Gradient{}
	}
	n := nx * ny
	dst.DUDX, dst.DUDY = resize(dst.DUDX, n), resize(dst.DUDY, n)
	dst.DVDX, dst.DVDY = resize(dst.DVDX, n), resize(dst.DVDY, n)

	valid := validNodes(f)
	wx, wy := newStencils(f.X), newStencils(f.Y)
	// Both passes walk the nodes row by row, which keeps the y stencils'
	// three rows in cache.
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			k := j*nx + i
			nodeDerivative(dst.DUDX, dst.DVDX, f.U, f.V, valid, &wx, i, k, 1)
			nodeDerivative(dst.DUDY, dst.DVDY, f.U, f.V, valid, &wy, j, k, nx)
		}
	}
	return dst, nil
}

// Vorticity writes dv/dx - du/dy into dst (reused when it has the capacity).
func (g *Gradient) Vorticity(dst []float64) []float64 {
	dst = resize(dst, len(g.DUDX))
	for k := range dst {
		dst[k] = g.DVDX[k] - g.DUDY[k]
	}
	return dst
}

// Divergence writes du/dx + dv/dy into dst (reused when it has the capacity).
func (g *Gradient) Divergence(dst []float64) []float64 {
	dst = resize(dst, len(g.DUDX))
	for k := range dst {
		dst[k] = g.DUDX[k] + g.DVDY[k]
	}
	return dst
}

// QCriterion writes Q = (|Omega|^2 - |S|^2) / 2 into dst, Omega and S being the
// antisymmetric and symmetric parts of the gradient tensor and |.| the
// Frobenius norm; Q > 0 where rotation dominates strain (vortex cores).
// In 2D this is -(ux^2 + vy^2)/2 - uy vx.
func (g *Gradient) QCriterion(dst []float64) []float64 {
	dst = resize(dst, len(g.DUDX))
	for k := range dst {
		ux, uy, vx, vy := g.DUDX[k], g.DUDY[k], g.DVDX[k], g.DVDY[k]
		dst[k] = -0.5*(ux*ux+vy*vy) - uy*vx
	}
	return dst
}

// Vorticity writes the out-of-plane vorticity dv/dx - du/dy of f into dst
// (nil allocates), with the derivatives of Gradients.
func Vorticity(dst []float64, f *Field) ([]float64, error) {
	g, err := Gradients(nil, f)
	if err != nil {
		return nil, err
	}
	return g.Vorticity(dst), nil
}

// Divergence writes the in-plane divergence du/dx + dv/dy of f into dst (nil
// allocates), with the derivatives of Gradients.
func Divergence(dst []float64, f *Field) ([]float64, error) {
	g, err := Gradients(nil, f)
	if err != nil {
		return nil, err
	}
	return g.Divergence(dst), nil
}

// QCriterion writes the Q criterion of f into dst (nil allocates); see
// Gradient.QCriterion.
func QCriterion(dst []float64, f *Field) ([]float64, error) {
	g, err := Gradients(nil, f)
	if err != nil {
		return nil, err
	}
	return g.QCriterion(dst), nil
}

// Speed writes |(u, v)| of f into dst (nil allocates); NaN at invalid vectors.
func Speed(dst []float64, f *Field) ([]float64, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	dst = resize(dst, len(f.U))
	for k := range dst {
		if f.Valid(k) {
			dst[k] = math.Hypot(f.U[k], f.V[k])
		} else {
			dst[k] = math.NaN()
		}
	}
	return dst, nil
}

// resize returns dst with length n, reusing its storage when large enough.
func resize(dst []float64, n int) []float64 {
	if cap(dst) >= n {
		return dst[:n]
	}
	return make([]float64, n)
}

// validNodes returns f.Valid for every node.
func validNodes(f *Field) []bool {
	valid := make([]bool, len(f.U))
	for k := range valid {
		valid[k] = f.Valid(k)
	}
	return valid
}

// stencils holds, for each node of an axis, the weights of the second-order
// first-derivative stencils on nodes (m-1, m, m+1), (m, m+1, m+2) and
// (m-2, m-1, m); a weight set is zero where its nodes fall off the axis.
type stencils struct {
	central, forward, backward [][3]float64
}

func newStencils(c []float64) stencils {
	n := len(c)
	s := stencils{central: make([][3]float64, n), forward: make([][3]float64, n), backward: make([][3]float64, n)}
	for m := 0; m < n; m++ {
		if m >= 1 && m+1 < n {
			s.central[m] = derivativeWeights(c[m], c[m-1], c[m], c[m+1])
		}
		if m+2 < n {
			s.forward[m] = derivativeWeights(c[m], c[m], c[m+1], c[m+2])
		}
		if m >= 2 {
			s.backward[m] = derivativeWeights(c[m], c[m-2], c[m-1], c[m])
		}
	}
	return s
}

// derivativeWeights are the weights w of nodes x0, x1, x2 such that
// sum w_k f(x_k) is the derivative at xe of the parabola through the three
// points: exact for quadratics, second-order accurate for smooth f on any
// spacing and orientation.
func derivativeWeights(xe, x0, x1, x2 float64) [3]float64 {
	return [3]float64{
		((xe - x1) + (xe - x2)) / ((x0 - x1) * (x0 - x2)),
		((xe - x0) + (xe - x2)) / ((x1 - x0) * (x1 - x2)),
		((xe - x0) + (xe - x1)) / ((x2 - x0) * (x2 - x1)),
	}
}

// nodeDerivative differentiates u and v at node k, the m-th along an axis
// whose consecutive nodes are stride apart, choosing the central stencil when
// both neighbours are valid, else a one-sided one of valid nodes, else NaN.
func nodeDerivative(du, dv, u, v []float64, valid []bool, w *stencils, m, k, stride int) {
	n := len(w.central)
	ok := func(d int) bool { return m+d >= 0 && m+d < n && valid[k+d*stride] }
	var wt [3]float64
	var first int // offset along the axis of the stencil's first node
	switch {
	case !valid[k]:
		du[k], dv[k] = math.NaN(), math.NaN()
		return
	case ok(-1) && ok(1):
		wt, first = w.central[m], -1
	case ok(1) && ok(2):
		wt, first = w.forward[m], 0
	case ok(-1) && ok(-2):
		wt, first = w.backward[m], -2
	default:
		du[k], dv[k] = math.NaN(), math.NaN()
		return
	}
	k0 := k + first*stride
	k1, k2 := k0+stride, k0+2*stride
	du[k] = wt[0]*u[k0] + wt[1]*u[k1] + wt[2]*u[k2]
	dv[k] = wt[0]*v[k0] + wt[1]*v[k1] + wt[2]*v[k2]
}
