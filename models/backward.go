package models

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// The reverse pass is written by hand rather than left to GoMLX's automatic
// differentiation: it keeps every product in a layout the Go backend
// multiplies without transposing (see pass), and it continues through
// host-computed phase tables (where the graph has no Sin/Cos to
// differentiate). The loss terms themselves stay automatically
// differentiated: Gradient(loss, outputs...) gives the adjoints fed here.
// TestGradientsMatchFiniteDifferences checks every parameter's gradient.

// paramGrads accumulates gradients per variable.
type paramGrads map[*model.Variable]*Node

// add accumulates d (nil: nothing) into v's gradient.
func (pg paramGrads) add(v *model.Variable, d *Node) {
	if d == nil {
		return
	}
	if old, ok := pg[v]; ok {
		d = Add(old, d)
	}
	pg[v] = d
}

// backward propagates the adjoints of a pass's outputs to the parameters,
// accumulating into grads: dValues [2, N] for (u, v), dDX and dDY [2, N] for
// the derivatives of a tangent pass. Any may be nil: an output the loss does
// not use.
func (n *Network) backward(p *pass, dValues, dDX, dDY *Node, grads paramGrads) {
	adjoints := [3]*Node{dValues, dDX, dDY}
	wT := Transpose(n.output.weights.NodeValue(p.x), 0, 1) // [h, 2]
	var dz [3]*Node
	var dW *Node
	for d, adj := range adjoints {
		if adj != nil {
			dW = addNil(dW, dotPoints(adj, p.z[d]))
			dz[d] = Dot(wT, adj).Product()
		}
	}
	grads.add(n.output.weights, dW)
	if dValues != nil {
		grads.add(n.output.bias, sumPoints(dValues))
	}
	for i := len(n.hidden) - 1; i >= 0; i-- {
		l, lp, g := n.hidden[i], p.layers[i], p.filters[i+1].g
		// Forward: z'[0] = a[0] g[0], z'[d] = a[d] g[0] + a[0] g[d] for d = x, y.
		var dg, da [3]*Node
		dg[0], da[0] = mulNil(dz[0], lp.a[0]), mulNil(dz[0], g[0])
		for d := 1; d <= 2; d++ {
			if dz[d] != nil {
				dg[0] = addNil(dg[0], Mul(dz[d], lp.a[d]))
				da[0] = addNil(da[0], Mul(dz[d], g[d]))
				dg[d], da[d] = Mul(dz[d], lp.a[0]), Mul(dz[d], g[0])
			}
		}
		wT := Transpose(l.weights.NodeValue(p.x), 0, 1)
		var dW *Node
		for d := range 3 {
			dz[d] = nil
			if da[d] != nil {
				dW = addNil(dW, dotPoints(da[d], lp.z[d]))
				dz[d] = Dot(wT, da[d]).Product()
			}
		}
		grads.add(l.weights, dW)
		if da[0] != nil {
			grads.add(l.bias, sumPoints(da[0]))
		}
		n.filterBackward(i+1, p, dg, grads)
	}
	n.filterBackward(0, p, dz, grads)
}

// filterBackward propagates the adjoints of filter i's values and tangents
// (dg[0], dg[1], dg[2]; nil ones are zero) to its parameters.
func (n *Network) filterBackward(i int, p *pass, dg [3]*Node, grads paramGrads) {
	if dg[0] == nil && dg[1] == nil && dg[2] == nil {
		return
	}
	f, fp := n.filters[i], p.filters[i]
	// Adjoints of the phase's sine and cosine, and of Omega where the tangents
	// use it directly (dg/dx = ... c Omega_x).
	var dS, dC, dOmegaX, dOmegaY *Node
	// cTimes is c for Fourier filters and e c for Gabor ones: the factor of Omega in dg/dx.
	cTimes := fp.c
	if f.mu != nil {
		cTimes = fp.ec
	}
	dCTimes := addNil(mulNil(dg[1], fp.omegaX), mulNil(dg[2], fp.omegaY))
	if dg[1] != nil {
		dOmegaX = sumPoints(Mul(dg[1], cTimes))
	}
	if dg[2] != nil {
		dOmegaY = sumPoints(Mul(dg[2], cTimes))
	}
	if f.mu == nil {
		dS, dC = dg[0], dCTimes
	} else {
		dS, dC = n.gaborBackward(f, fp, dg, dCTimes, grads)
	}
	if dOmegaX != nil || dOmegaY != nil {
		grads.add(f.omega, Stack([]*Node{zerosIfNil(dOmegaX, dOmegaY), zerosIfNil(dOmegaY, dOmegaX)}, 1))
	}
	// Phase theta = Omega p + phi: d/dtheta = dS c - dC s, then contract the
	// points against (x, y, 1) for Omega and phi at once.
	c := fp.c
	if c == nil {
		if fp.theta == nil {
			exceptions.Panicf("models: value points with host phases need their cosine tables for the gradient")
		}
		c = Cos(fp.theta)
	}
	dTheta := mulNil(dS, c)
	if dC != nil {
		dTheta = subNil(dTheta, Mul(dC, fp.s))
	}
	if dTheta == nil {
		return
	}
	p3 := Concatenate([]*Node{p.x, p.y, OnesLike(p.x)}, 0) // [3, N]
	dP := dotPoints(dTheta, p3)                            // [h, 3]
	grads.add(f.omega, Slice(dP, AxisRange(), AxisRange(0, 2)))
	grads.add(f.phase, Reshape(Slice(dP, AxisRange(), AxisElem(2)), n.cfg.Hidden))
}

// gaborBackward propagates a Gabor filter's adjoints to mu and gamma and
// returns the adjoints of the phase's sine and cosine. dEC is the adjoint of
// e c collected from the tangents.
func (n *Network) gaborBackward(f filterVars, fp filterPass, dg [3]*Node, dEC *Node, grads paramGrads) (dS, dC *Node) {
	// Forward: g = e s, dg/dx = e c Omega_x - (x - mu_x) gamma g, e = exp(-gamma/2 r2).
	dG := dg[0]
	var dDx, dDy, dGamma *Node
	if dg[1] != nil || dg[2] != nil {
		gammaG := Mul(fp.gamma, fp.g[0])
		dGammaG := Neg(addNil(mulNil(dg[1], fp.dx), mulNil(dg[2], fp.dy)))
		dDx = subNil(nil, mulNil(dg[1], gammaG))
		dDy = subNil(nil, mulNil(dg[2], gammaG))
		dG = addNil(dG, Mul(dGammaG, fp.gamma))
		dGamma = sumPoints(Mul(dGammaG, fp.g[0]))
	}
	dE := addNil(mulNil(dG, fp.s), mulNil(dEC, fp.c))
	dS, dC = mulNil(dG, fp.e), mulNil(dEC, fp.e)
	if dE != nil {
		r2 := Add(Square(fp.dx), Square(fp.dy))
		dq := Mul(dE, fp.e) // q = -gamma/2 r2
		dGamma = addNil(dGamma, MulScalar(sumPoints(Mul(dq, r2)), -0.5))
		dR2 := Mul(dq, MulScalar(fp.gamma, -0.5))
		dDx = addNil(dDx, MulScalar(Mul(fp.dx, dR2), 2))
		dDy = addNil(dDy, MulScalar(Mul(fp.dy, dR2), 2))
	}
	grads.add(f.gamma, dGamma)
	if dDx != nil || dDy != nil {
		// d(x - mu_x)/dmu_x = -1.
		negSum := func(d *Node) *Node {
			if d == nil {
				return nil
			}
			return Neg(sumPoints(d))
		}
		dMuX, dMuY := negSum(dDx), negSum(dDy)
		grads.add(f.mu, Stack([]*Node{zerosIfNil(dMuX, dMuY), zerosIfNil(dMuY, dMuX)}, 1))
	}
	return dS, dC
}

// gradientsInOrder returns the gradients of the scope's trainable variables in
// use, in scope.IterVariables order (what Adam's UpdateGraphWithGradients
// expects). Every network variable is marked in use first: with host phases
// the phases do not appear in the forward graph but are still trained. (The
// optimizer then consumes them: compute v0.1.2's Go backend fails on a graph
// parameter that no operation consumes.)
func (n *Network) gradientsInOrder(scope *model.Scope, g *Graph, grads paramGrads) []*Node {
	for _, v := range n.variables() {
		v.NodeValue(g)
	}
	var ordered []*Node
	for v := range scope.IterVariables() {
		if v.Trainable && v.InUseByGraph(g) {
			d, ok := grads[v]
			if !ok {
				d = ZerosLike(v.NodeValue(g))
			}
			ordered = append(ordered, d)
		}
	}
	return ordered
}

// sumPoints sums an [h, N] tensor over the points, [h]: as a product with
// ones, which the Go backend runs several times faster than ReduceSum.
func sumPoints(x *Node) *Node {
	ones := Ones(x.Graph(), shapes.Make(x.DType(), x.Shape().Dimensions[1]))
	return Dot(x, ones).Product()
}

// dotPoints contracts two [*, N] tensors over the points: a b^T.
func dotPoints(a, b *Node) *Node {
	return Dot(a, b).General([]int{1}, nil, []int{1}, nil)
}

// addNil adds treating nil as zero.
func addNil(a, b *Node) *Node {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return Add(a, b)
}

// mulNil multiplies treating nil as zero (so the product is nil).
func mulNil(a, b *Node) *Node {
	if a == nil || b == nil {
		return nil
	}
	return Mul(a, b)
}

// subNil subtracts treating nil as zero.
func subNil(a, b *Node) *Node {
	switch {
	case b == nil:
		return a
	case a == nil:
		return Neg(b)
	}
	return Sub(a, b)
}

// zerosIfNil returns a, or zeros shaped like the template when a is nil.
func zerosIfNil(a, template *Node) *Node {
	if a != nil {
		return a
	}
	return ZerosLike(template)
}
