package models

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// The vorticity-gradient smoothness term, mean |grad omega|^2 with
// omega = dv/dx - du/dy, needs second derivatives of the velocity (third of a
// stream function). Rather than carrying second-order tangents (and writing
// their reverse pass), grad omega is a forward difference of omega over one
// spacing h = (hx, hy) (the target grid's, in the engine):
//
//	d omega/dx ~ (omega(p + hx e_x) - omega(p)) / hx,   likewise along y,
//
// second-order accurate at the midpoints p + h/2 e; since the collocation
// points p are drawn at random, the mean over them estimates the same mean
// square. With h the target spacing, p + h e are grid nodes, where a base
// field's vorticity is known: its gradient (Batch.BaseVorticityGradX, Y) is
// the same difference, so the penalty applies to base plus correction.
//
// omega itself is exact for a (u, v) network: its tangents give it at p,
// p + hx e_x and p + hy e_y (the collocation pass simply covers those 3M
// points). A stream function's velocity is already psi's first derivative,
// so omega there is a central difference of the velocity over h (half-steps
// either side), from a stencil of 10 points per collocation point (below).

// stencilOffsets are the points, in half-spacings (hx/2, hy/2) from each
// collocation point p, where the smoothness term evaluates the network: for
// a (u, v) network p, p + hx e_x, p + hy e_y (omega exact at each); for a
// stream function the 10 points whose velocities give omega at those three
// by central differences (see stencilVorticity).
var stencilOffsets = map[bool][][2]float64{
	false: {{0, 0}, {2, 0}, {0, 2}},
	true: {
		{1, 0}, {-1, 0}, {0, 1}, {0, -1}, // around p
		{3, 0}, {2, 1}, {2, -1}, // around p + hx e_x (with {1, 0})
		{1, 2}, {-1, 2}, {0, 3}, // around p + hy e_y (with {0, 1})
	},
}

// stencilPoints returns the smoothness term's points around (cx, cy): G
// groups of M points, group g the collocation points shifted by the g-th
// stencil offset.
func stencilPoints(cx, cy []float64, spacing [2]float64, stream bool) (x, y []float64) {
	offsets := stencilOffsets[stream]
	m := len(cx)
	x, y = make([]float64, len(offsets)*m), make([]float64, len(offsets)*m)
	for g, o := range offsets {
		dx, dy := o[0]*spacing[0]/2, o[1]*spacing[1]/2
		for i := range m {
			x[g*m+i], y[g*m+i] = cx[i]+dx, cy[i]+dy
		}
	}
	return x, y
}

// Vorticity returns dv/dx - du/dy, [1, N], from an [Evaluation]'s DX and DY.
func Vorticity(dx, dy *Node) *Node {
	return Sub(Slice(dx, AxisElem(1)), Slice(dy, AxisElem(0)))
}

// stencilVorticity returns omega at p, p + hx e_x and p + hy e_y, [3, M],
// from a stream function's velocity vel ([2, 10 M]) at the stream stencil
// (stencilOffsets[true]); spacing is [2] (hx, hy).
func stencilVorticity(vel, spacing *Node) *Node {
	groups := len(stencilOffsets[true])
	n := vel.Shape().Dimensions[1]
	if n%groups != 0 {
		exceptions.Panicf("models: %d stencil points do not split into %d groups", n, groups)
	}
	vel = Reshape(vel, 2, groups, n/groups)
	u := func(g int) *Node { return Slice(vel, AxisElem(0), AxisElem(g), AxisRange()) } // [1, 1, M]
	v := func(g int) *Node { return Slice(vel, AxisElem(1), AxisElem(g), AxisRange()) }
	hx, hy := spacingScalars(spacing)
	// omega(q) = (v(q + hx/2) - v(q - hx/2)) / hx - (u(q + hy/2) - u(q - hy/2)) / hy.
	omega := func(xp, xm, yp, ym int) *Node {
		return Sub(Div(Sub(v(xp), v(xm)), hx), Div(Sub(u(yp), u(ym)), hy))
	}
	w := Concatenate([]*Node{omega(0, 1, 2, 3), omega(4, 0, 5, 6), omega(7, 8, 9, 2)}, 1)
	return Reshape(w, 3, n/groups)
}

// SmoothnessLoss returns the vorticity-gradient smoothness term
// mean((d omega/dx)^2 + (d omega/dy)^2) from omega at the collocation points
// p, at p + hx e_x and at p + hy e_y (omega [3, M], rows in that order), as
// forward differences over spacing ([2]: hx, hy); baseGX and baseGY ([M], or
// nil) are the same differences of the vorticity of a field the network's
// output is added to.
func SmoothnessLoss(omega, spacing, baseGX, baseGY *Node) *Node {
	hx, hy := spacingScalars(spacing)
	w0 := Slice(omega, AxisElem(0))
	gx := Div(Sub(Slice(omega, AxisElem(1)), w0), hx)
	gy := Div(Sub(Slice(omega, AxisElem(2)), w0), hy)
	if baseGX != nil {
		bx, by := asRow(baseGX, baseGY, "base vorticity gradient")
		gx, gy = Add(gx, bx), Add(gy, by)
	}
	return ReduceAllMean(Add(Square(gx), Square(gy)))
}

// spacingScalars splits a [2] spacing into two scalars.
func spacingScalars(spacing *Node) (hx, hy *Node) {
	return Reshape(Slice(spacing, AxisElem(0))), Reshape(Slice(spacing, AxisElem(1)))
}
