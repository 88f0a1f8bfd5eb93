package models

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Evaluation is the network evaluated on two sets of points in one pass: value
// points, where only (u, v) is needed (e.g. the measured vectors), and tangent
// points, where the exact first spatial derivatives are carried forward too
// (e.g. the collocation points of the physics terms).
type Evaluation struct {
	Values *Node // [Nv, 2]: (u, v) at the value points; nil without value points

	TangentValues *Node // [Nt, 2]: (u, v) at the tangent points; nil without tangent points
	DX            *Node // [Nt, 2]: (du/dx, dv/dx) at the tangent points
	DY            *Node // [Nt, 2]: (du/dy, dv/dy) at the tangent points
}

// Evaluate builds the network's forward pass. xv, yv ([Nv] or [Nv, 1]) are the
// value points, xt, yt the tangent points; either pair may be nil. It must be
// called inside a graph built by a [model.Exec] on n.Store(), and panics on
// bad shapes (the GoMLX convention for graph-building functions).
//
// The derivatives are forward-mode tangents: for z_{i+1} = (z_i W + b) * g,
// d/dx z_{i+1} = (dz_i/dx W) * g + (z_i W + b) * dg/dx, so the physics terms
// need no second reverse pass, and the training step differentiates the whole
// thing once.
func (n *Network) Evaluate(xv, yv, xt, yt *Node) Evaluation {
	var ev Evaluation
	if xv != nil {
		x, y := asColumn(xv, yv, "value")
		z := n.filterValues(0, x, y)
		for i, l := range n.hidden {
			z = Mul(n.affine(l, z), n.filterValues(i+1, x, y))
		}
		ev.Values = n.affine(n.output, z)
	}
	if xt != nil {
		x, y := asColumn(xt, yt, "tangent")
		z, dg := n.filterTangents(0, x, y)
		zx, zy := dg[0], dg[1]
		for i, l := range n.hidden {
			g, dg := n.filterTangents(i+1, x, y)
			w := l.weights.NodeValue(x)
			a := n.affine(l, z)
			z = Mul(a, g)
			zx = Add(Mul(Dot(zx, w).Product(), g), Mul(a, dg[0]))
			zy = Add(Mul(Dot(zy, w).Product(), g), Mul(a, dg[1]))
		}
		w := n.output.weights.NodeValue(x)
		ev.TangentValues = n.affine(n.output, z)
		ev.DX = Dot(zx, w).Product()
		ev.DY = Dot(zy, w).Product()
	}
	return ev
}

// affine returns z W + b.
func (n *Network) affine(l linearVars, z *Node) *Node {
	w, b := l.weights.NodeValue(z), l.bias.NodeValue(z)
	return Add(Dot(z, w).Product(), InsertAxes(b, 0))
}

// filterValues returns filter i at the points (x, y) ([N, 1] each): [N, h].
func (n *Network) filterValues(i int, x, y *Node) *Node {
	f := n.filters[i]
	s := Sin(n.phaseArgument(f, x, y))
	if f.mu == nil {
		return s
	}
	return Mul(gaborEnvelope(f, x, y, nil), s)
}

// filterTangents returns filter i at the points (x, y) ([N, 1] each), [N, h],
// and its derivatives d/dx and d/dy, [N, h] each.
func (n *Network) filterTangents(i int, x, y *Node) (g *Node, dg [2]*Node) {
	f := n.filters[i]
	theta := n.phaseArgument(f, x, y)
	s, c := Sin(theta), Cos(theta)
	omega := f.omega.NodeValue(x)
	omegaX, omegaY := Slice(omega, AxisElem(0)), Slice(omega, AxisElem(1)) // [1, h]
	if f.mu == nil {
		return s, [2]*Node{Mul(c, omegaX), Mul(c, omegaY)}
	}
	// g = e s with e = exp(-gamma/2 |p - mu|^2):
	// dg/dx = e c Omega_x - gamma (x - mu_x) g.
	var delta [2]*Node
	e := gaborEnvelope(f, x, y, &delta)
	g = Mul(e, s)
	ec := Mul(e, c)
	gammaG := Mul(InsertAxes(f.gamma.NodeValue(x), 0), g)
	dg[0] = Sub(Mul(ec, omegaX), Mul(delta[0], gammaG))
	dg[1] = Sub(Mul(ec, omegaY), Mul(delta[1], gammaG))
	return g, dg
}

// phaseArgument returns Omega p + phi for the points (x, y): [N, h].
func (n *Network) phaseArgument(f filterVars, x, y *Node) *Node {
	p := Concatenate([]*Node{x, y}, 1) // [N, 2]
	return Add(Dot(p, f.omega.NodeValue(x)).Product(), InsertAxes(f.phase.NodeValue(x), 0))
}

// gaborEnvelope returns exp(-gamma/2 |p - mu|^2), [N, h]; when delta is not
// nil it also returns x - mu_x and y - mu_y there.
func gaborEnvelope(f filterVars, x, y *Node, delta *[2]*Node) *Node {
	mu := f.mu.NodeValue(x)
	dx := Sub(x, Slice(mu, AxisElem(0)))
	dy := Sub(y, Slice(mu, AxisElem(1)))
	if delta != nil {
		delta[0], delta[1] = dx, dy
	}
	r2 := Add(Square(dx), Square(dy))
	halfGamma := MulScalar(InsertAxes(f.gamma.NodeValue(x), 0), -0.5)
	return Exp(Mul(halfGamma, r2))
}

// asColumn checks a pair of coordinate nodes and returns them as [N, 1].
func asColumn(x, y *Node, what string) (*Node, *Node) {
	if y == nil {
		exceptions.Panicf("models: %s points have x but no y", what)
	}
	col := func(c *Node, name string) *Node {
		s := c.Shape()
		switch {
		case s.Rank() == 1:
			return InsertAxes(c, -1)
		case s.Rank() == 2 && s.Dimensions[1] == 1:
			return c
		}
		panic(fmt.Errorf("models: %s coordinate %s has shape %s, expected [N] or [N, 1]", what, name, s))
	}
	cx, cy := col(x, "x"), col(y, "y")
	if cx.Shape().Dimensions[0] != cy.Shape().Dimensions[0] {
		exceptions.Panicf("models: %s points have %d x and %d y coordinates", what,
			cx.Shape().Dimensions[0], cy.Shape().Dimensions[0])
	}
	return cx, cy
}
