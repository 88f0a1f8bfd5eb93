package spacetime

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
)

// The quantities a [Stencil] extracts from the field's values at its points.
const (
	qU   = iota // u at the centre
	qV          // v at the centre
	qWX         // ∂ω/∂x
	qWY         // ∂ω/∂y
	qLap        // ∇²ω
	qWT         // ∂ω/∂t
	qDiv        // ∂u/∂x + ∂v/∂y
	qW          // ω at the centre
	numQ
)

// Stencil is the finite-difference stencil of the vorticity-transport
// residual: the field is evaluated at points offset from each collocation
// centre by (i H, j H, τ K), and every quantity the residual needs is a fixed
// linear combination of those values (rows of AU and AV). ω = ∂v/∂x - ∂u/∂y
// is taken by central differences, then its gradient, Laplacian and time
// derivative by central differences of ω: second order throughout, 21
// points, and derivatives of any order through one reverse pass of plain
// network evaluations.
type Stencil struct {
	H, K    float64  // steps in normalised space and time
	Offsets [][3]int // (i, j, τ) of each point
	AU, AV  [numQ][]float64
}

// NewStencil builds the stencil for steps h (space) and k (time), both
// normalised and positive.
func NewStencil(h, k float64) (*Stencil, error) {
	if !(h > 0) || !(k > 0) {
		return nil, fmt.Errorf("spacetime: stencil steps %v (space) and %v (time): want positive numbers", h, k)
	}
	s := &Stencil{H: h, K: k}
	index := map[[3]int]int{}
	at := func(i, j, tau int) int {
		o := [3]int{i, j, tau}
		q, ok := index[o]
		if !ok {
			q = len(s.Offsets)
			index[o] = q
			s.Offsets = append(s.Offsets, o)
			for r := range s.AU {
				s.AU[r] = append(s.AU[r], 0)
				s.AV[r] = append(s.AV[r], 0)
			}
		}
		return q
	}
	at(0, 0, 0)
	// omega adds c ω(i, j, τ) to row r.
	omega := func(r int, c float64, i, j, tau int) {
		d := c / (2 * h)
		s.AV[r][at(i+1, j, tau)] += d
		s.AV[r][at(i-1, j, tau)] -= d
		s.AU[r][at(i, j+1, tau)] -= d
		s.AU[r][at(i, j-1, tau)] += d
	}
	s.AU[qU][at(0, 0, 0)] = 1
	s.AV[qV][at(0, 0, 0)] = 1
	omega(qWX, 1/(2*h), 1, 0, 0)
	omega(qWX, -1/(2*h), -1, 0, 0)
	omega(qWY, 1/(2*h), 0, 1, 0)
	omega(qWY, -1/(2*h), 0, -1, 0)
	for _, o := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
		omega(qLap, 1/(h*h), o[0], o[1], 0)
	}
	omega(qLap, -4/(h*h), 0, 0, 0)
	omega(qWT, 1/(2*k), 0, 0, 1)
	omega(qWT, -1/(2*k), 0, 0, -1)
	s.AU[qDiv][at(1, 0, 0)] += 1 / (2 * h)
	s.AU[qDiv][at(-1, 0, 0)] -= 1 / (2 * h)
	s.AV[qDiv][at(0, 1, 0)] += 1 / (2 * h)
	s.AV[qDiv][at(0, -1, 0)] -= 1 / (2 * h)
	omega(qW, 1, 0, 0, 0)
	return s, nil
}

// Size returns the number of points per centre.
func (s *Stencil) Size() int { return len(s.Offsets) }

// Points appends to px, py, pt the stencil's points around the centres (x,
// y, t), in blocks: all centres at offset 0, then all at offset 1, ...
func (s *Stencil) Points(px, py, pt, x, y, t []float64) ([]float64, []float64, []float64) {
	for _, o := range s.Offsets {
		for c := range x {
			px = append(px, x[c]+float64(o[0])*s.H)
			py = append(py, y[c]+float64(o[1])*s.H)
			pt = append(pt, t[c]+float64(o[2])*s.K)
		}
	}
	return px, py, pt
}

// baseNodes are the base field's quantities at the collocation centres,
// normalised, [1, N] each: its own residual, velocity and vorticity gradient.
type baseNodes struct {
	R, U, V, WX, WY *Node
}

// residual returns, [1, N] each, the normalised vorticity-transport residual
//
//	a Ω_T + (U_b + U) Ω_X + (V_b + V) Ω_Y + U Ωb_X + V Ωb_Y - ν Ω_lap + μ Ω + R_b
//
// of base plus correction (the correction's (U, V) given at the stencil
// points by us and vs, [S, N] each; timeFactor a, viscosity ν and drag μ
// scalars, see [Scales]), and the correction's divergence. A nil base is
// zero.
func (s *Stencil) residual(us, vs *Node, base *baseNodes, timeFactor, viscosity, drag *Node) (r, div *Node) {
	g := us.Graph()
	au, av := make([][]float64, numQ), make([][]float64, numQ)
	for q := range numQ {
		au[q], av[q] = s.AU[q], s.AV[q]
	}
	dt := us.DType()
	qs := Add(Dot(ConstAsDType(g, dt, au), us).Product(), Dot(ConstAsDType(g, dt, av), vs).Product()) // [numQ, N]
	row := func(q int) *Node { return Slice(qs, AxisElem(q)) }
	u, v, wx, wy := row(qU), row(qV), row(qWX), row(qWY)
	r = Add(Sub(Mul(timeFactor, row(qWT)), Mul(viscosity, row(qLap))), Mul(drag, row(qW)))
	if base == nil {
		r = Add(r, Add(Mul(u, wx), Mul(v, wy)))
		return r, row(qDiv)
	}
	r = Add(r, Add(Mul(Add(base.U, u), wx), Mul(Add(base.V, v), wy)))
	r = Add(r, Add(Mul(u, base.WX), Mul(v, base.WY)))
	return Add(r, base.R), row(qDiv)
}
