package models

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// DataLoss returns the data misfit mean_i |f(p_i) - (u_i, v_i)|^2: pred is
// [2, N] (an [Evaluation]'s Values), u and v the measured components ([N]).
// The caller passes only valid vectors.
func DataLoss(pred, u, v *Node) *Node {
	ur, vr := asRow(u, v, "measured velocity components")
	target := Concatenate([]*Node{ur, vr}, 0)
	// Sum over the two components, mean over the points.
	return MulScalar(ReduceAllMean(Square(Sub(pred, target))), 2)
}

// DivergenceLoss returns the soft divergence-free penalty
// mean((du/dx + dv/dy + base)^2) from an [Evaluation]'s DX and DY ([2, N]
// each); base ([N]) is the divergence of a field the network's output is
// added to, or nil.
func DivergenceLoss(dx, dy, base *Node) *Node {
	div := Divergence(dx, dy)
	if base != nil {
		div = Add(div, InsertAxes(base, 0))
	}
	return ReduceAllMean(Square(div))
}

// Divergence returns du/dx + dv/dy, [1, N], from an [Evaluation]'s DX and DY.
func Divergence(dx, dy *Node) *Node {
	return Add(Slice(dx, AxisElem(0)), Slice(dy, AxisElem(1)))
}
