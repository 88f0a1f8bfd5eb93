package models

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Points is one set of points in a graph.
type Points struct {
	X, Y *Node // coordinates, [N] each

	// Sin and Cos optionally hold, per filter, the sine and cosine of the
	// filter's phase Omega p + phi at the points, [h, N] each, computed outside
	// the graph (see HostPhases): the Go backend evaluates Sin and Cos an order
	// of magnitude slower than a float32 kernel on the host. Nil: the graph
	// computes them.
	Sin, Cos []*Node
}

// Evaluation is the network evaluated on two sets of points in one pass: value
// points, where only (u, v) is needed (e.g. the measured vectors), and tangent
// points, where the exact first spatial derivatives are carried forward too
// (e.g. the collocation points of the physics terms).
//
// For a stream-function network (Config.StreamFunction) (u, v) is always
// computed from psi's tangents, so value points need their cosine tables
// too, and DX and DY stay nil (they would need psi's second derivatives).
type Evaluation struct {
	Values *Node // [2, Nv]: rows u, v at the value points; nil without value points

	TangentValues *Node // [2, Nt]: rows u, v at the tangent points; nil without tangent points
	DX            *Node // [2, Nt]: rows du/dx, dv/dx at the tangent points
	DY            *Node // [2, Nt]: rows du/dy, dv/dy at the tangent points
}

// Evaluate builds the network's forward pass on value points and tangent
// points; either may be nil. It must be called inside a graph built by a
// [model.Exec] on n.Store(), and panics on bad shapes (the GoMLX convention
// for graph-building functions).
//
// The derivatives are forward-mode tangents: for z_{i+1} = (W z_i + b) * g,
// d/dx z_{i+1} = (W dz_i/dx) * g + (W z_i + b) * dg/dx, so the physics terms
// need no second reverse pass.
func (n *Network) Evaluate(values, tangents *Points) Evaluation {
	var ev Evaluation
	stream := n.cfg.StreamFunction
	if values != nil {
		ev.Values = n.forward(values, stream).velocity(n).vel
	}
	if tangents != nil {
		if stream {
			ev.TangentValues = n.forward(tangents, true).velocity(n).vel
		} else {
			ev.TangentValues, ev.DX, ev.DY = n.forward(tangents, true).outputs(n)
		}
	}
	return ev
}

// passOutputs are a pass's velocity and the raw outputs it is made of, which
// the loss differentiates and the reverse pass continues from (nil: not
// computed, or unused: psi itself, whose offset moves no velocity).
type passOutputs struct {
	p              *pass
	vel            *Node // [2, N]: u, v
	values, dx, dy *Node // raw outputs: (u, v) or psi, and their tangents
}

// velocity returns the pass's velocity: the outputs themselves, or for a
// stream function (a tangent pass) (dpsi/dy, -dpsi/dx) with
// psi = output / InputScale. The raw tangents of a (u, v) network are kept
// for the physics terms.
//
// The 1/InputScale keeps a stream function's training steps the size of a
// (u, v) network's: the velocity of a filter product of frequency k is k
// times its psi, so without it an output-weight step of Adam (whose size
// does not depend on the gradient's scale) would move the velocity up to
// InputScale times as far, most at the highest frequencies (on Turb2D,
// 100x noisier fits at the default learning rate).
func (p *pass) velocity(n *Network) passOutputs {
	values, dx, dy := p.outputs(n)
	if !n.cfg.StreamFunction {
		return passOutputs{p: p, vel: values, values: values, dx: dx, dy: dy}
	}
	if !p.tangent {
		exceptions.Panicf("models: a stream-function network's velocity needs a tangent pass")
	}
	vel := MulScalar(Concatenate([]*Node{dy, Neg(dx)}, 0), 1/n.cfg.InputScale)
	return passOutputs{p: p, vel: vel, dx: dx, dy: dy}
}

// pass is the forward pass over one set of points, keeping what the
// hand-written backward pass (backward.go) needs.
//
// Activations are laid out [h, N] (features by points) and weights [out, in],
// so every product of the forward and backward passes contracts the last axis
// of its left operand: the layouts the Go backend multiplies without
// transposing the large operand (GoMLX's automatic differentiation of the same
// network transposed an [h, N] tensor once or twice per product).
type pass struct {
	tangent bool
	pts     *Points
	x, y    *Node // [1, N]
	filters []filterPass
	layers  []layerPass
	z       [3]*Node // final hidden state and, for tangents, its d/dx and d/dy
}

// filterPass holds one filter's values at the points, all [h, N].
type filterPass struct {
	theta          *Node    // phase Omega p + phi when computed in the graph
	s, c           *Node    // its sine and cosine (c computed lazily for value points)
	g              [3]*Node // the filter and, for tangents, its d/dx and d/dy
	omegaX, omegaY *Node    // tangents: Omega_x and Omega_y spread over the points
	// Gabor filters: envelope e, x - mu_x, y - mu_y, e c, and gamma spread over the points.
	e, dx, dy, ec, gamma *Node
}

// layerPass holds one hidden layer's inputs and pre-activations:
// a[0] = W z + b, a[1] = W dz/dx, a[2] = W dz/dy.
type layerPass struct {
	z, a [3]*Node
}

// forward evaluates the network at the points, with tangents if asked.
func (n *Network) forward(pts *Points, tangent bool) *pass {
	what := "value"
	if tangent {
		what = "tangent"
	}
	p := &pass{tangent: tangent, pts: pts}
	p.x, p.y = n.checkPoints(pts, what, tangent)
	p.filters = make([]filterPass, len(n.filters))
	for i := range n.filters {
		p.filters[i] = n.filterForward(i, p)
	}
	p.z = p.filters[0].g
	for i, l := range n.hidden {
		w := l.weights.NodeValue(p.x)
		lp := layerPass{z: p.z}
		lp.a[0] = Add(Dot(w, p.z[0]).Product(), spread(l.bias.NodeValue(p.x), p.x))
		g := p.filters[i+1].g
		p.z[0] = Mul(lp.a[0], g[0])
		if tangent {
			for d := 1; d <= 2; d++ {
				lp.a[d] = Dot(w, lp.z[d]).Product()
				p.z[d] = Add(Mul(lp.a[d], g[0]), Mul(lp.a[0], g[d]))
			}
		}
		p.layers = append(p.layers, lp)
	}
	return p
}

// outputs returns the output layer's values ((u, v), or psi for a stream
// function) and, for tangents, their d/dx and d/dy, [2, N] (or [1, N]) each.
func (p *pass) outputs(n *Network) (values, dx, dy *Node) {
	w, b := n.output.weights.NodeValue(p.x), n.output.bias.NodeValue(p.x)
	values = Add(Dot(w, p.z[0]).Product(), InsertAxes(b, -1))
	if p.tangent {
		dx, dy = Dot(w, p.z[1]).Product(), Dot(w, p.z[2]).Product()
	}
	return values, dx, dy
}

// filterForward evaluates filter i at the pass's points.
func (n *Network) filterForward(i int, p *pass) filterPass {
	f := n.filters[i]
	var fp filterPass
	if p.pts.Sin != nil {
		fp.s = p.pts.Sin[i]
		if p.pts.Cos != nil {
			fp.c = p.pts.Cos[i]
		}
	} else {
		// theta = [Omega | phi] (x; y; 1): one product, no broadcasting.
		omegaPhi := Concatenate([]*Node{f.omega.NodeValue(p.x), InsertAxes(f.phase.NodeValue(p.x), -1)}, 1)
		fp.theta = Dot(omegaPhi, Concatenate([]*Node{p.x, p.y, OnesLike(p.x)}, 0)).Product()
		fp.s = Sin(fp.theta)
		if p.tangent {
			fp.c = Cos(fp.theta)
		}
	}
	if p.tangent {
		omega := f.omega.NodeValue(p.x)
		fp.omegaX = spread(Slice(omega, AxisRange(), AxisElem(0)), p.x)
		fp.omegaY = spread(Slice(omega, AxisRange(), AxisElem(1)), p.x)
	}
	if f.mu == nil {
		fp.g[0] = fp.s
		if p.tangent {
			fp.g[1], fp.g[2] = Mul(fp.c, fp.omegaX), Mul(fp.c, fp.omegaY)
		}
		return fp
	}
	// Gabor: g = e s with e = exp(-gamma/2 |p - mu|^2), so
	// dg/dx = e c Omega_x - gamma (x - mu_x) g.
	mu := f.mu.NodeValue(p.x)
	fp.gamma = spread(f.gamma.NodeValue(p.x), p.x)
	fp.dx = Sub(spreadRow(p.x, fp.gamma), spread(Slice(mu, AxisRange(), AxisElem(0)), p.x))
	fp.dy = Sub(spreadRow(p.y, fp.gamma), spread(Slice(mu, AxisRange(), AxisElem(1)), p.x))
	r2 := Add(Square(fp.dx), Square(fp.dy))
	fp.e = Exp(Mul(MulScalar(fp.gamma, -0.5), r2))
	fp.g[0] = Mul(fp.e, fp.s)
	if p.tangent {
		fp.ec = Mul(fp.e, fp.c)
		gammaG := Mul(fp.gamma, fp.g[0])
		fp.g[1] = Sub(Mul(fp.ec, fp.omegaX), Mul(fp.dx, gammaG))
		fp.g[2] = Sub(Mul(fp.ec, fp.omegaY), Mul(fp.dy, gammaG))
	}
	return fp
}

// spread returns the column v ([h] or [h, 1]) repeated over the points of
// row ([1, N]), [h, N], as an outer product with ones: the Go backend
// multiplies that about 5x faster than it broadcasts a column in a binary
// operation, and the result is reused by the later same-shape operations.
func spread(v, row *Node) *Node {
	if v.Rank() == 1 {
		v = InsertAxes(v, -1)
	}
	return Dot(v, OnesLike(row)).Product()
}

// spreadRow returns row ([1, N]) repeated over the h rows of like ([h, N]).
func spreadRow(row, like *Node) *Node {
	return Dot(OnesLike(Slice(like, AxisRange(), AxisRange(0, 1))), row).Product()
}

// checkPoints validates a point set and returns its coordinates as [1, N].
func (n *Network) checkPoints(pts *Points, what string, withCos bool) (x, y *Node) {
	x, y = asRow(pts.X, pts.Y, what+" point coordinates")
	num := x.Shape().Dimensions[1]
	if pts.Sin == nil {
		return x, y
	}
	k, h := n.cfg.Filters, n.cfg.Hidden
	if len(pts.Sin) != k || (withCos && len(pts.Cos) != k) || (pts.Cos != nil && len(pts.Cos) != k) {
		exceptions.Panicf("models: %s points carry %d sine and %d cosine tables, expected %d", what,
			len(pts.Sin), len(pts.Cos), k)
	}
	for _, t := range append(append([]*Node(nil), pts.Sin...), pts.Cos...) {
		if d := t.Shape().Dimensions; len(d) != 2 || d[0] != h || d[1] != num {
			exceptions.Panicf("models: %s points' phase table has shape %s, expected [%d, %d]", what, t.Shape(), h, num)
		}
	}
	return x, y
}

// asRow checks a pair of [N] (or [N, 1] or [1, N]) nodes and returns them as [1, N].
func asRow(a, b *Node, what string) (*Node, *Node) {
	if a == nil || b == nil {
		exceptions.Panicf("models: %s: both components are needed", what)
	}
	row := func(c *Node) *Node {
		s := c.Shape()
		switch {
		case s.Rank() == 1:
			return InsertAxes(c, 0)
		case s.Rank() == 2 && s.Dimensions[0] == 1:
			return c
		case s.Rank() == 2 && s.Dimensions[1] == 1:
			return Reshape(c, 1, s.Dimensions[0])
		}
		panic(fmt.Errorf("models: %s have shape %s, expected [N]", what, s))
	}
	ra, rb := row(a), row(b)
	if ra.Shape().Dimensions[1] != rb.Shape().Dimensions[1] {
		exceptions.Panicf("models: %s: %d and %d values", what, ra.Shape().Dimensions[1], rb.Shape().Dimensions[1])
	}
	return ra, rb
}
