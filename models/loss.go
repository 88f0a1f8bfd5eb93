package models

import (
	. "github.com/gomlx/gomlx/core/graph"
)

// DataLoss returns the data misfit mean_i |f(p_i) - (u_i, v_i)|^2: pred is
// [N, 2] (an [Evaluation]'s Values), u and v the measured components ([N] or
// [N, 1]). The caller passes only valid vectors.
func DataLoss(pred, u, v *Node) *Node {
	uc, vc := asColumn(u, v, "measured velocity")
	target := Concatenate([]*Node{uc, vc}, 1)
	// Sum over the two components, mean over the points.
	return MulScalar(ReduceAllMean(Square(Sub(pred, target))), 2)
}

// DivergenceLoss returns the soft divergence-free penalty
// mean((du/dx + dv/dy)^2) from an [Evaluation]'s DX and DY ([N, 2] each).
func DivergenceLoss(dx, dy *Node) *Node {
	return ReduceAllMean(Square(Divergence(dx, dy)))
}

// Divergence returns du/dx + dv/dy, [N, 1], from an [Evaluation]'s DX and DY.
func Divergence(dx, dy *Node) *Node {
	return Add(Slice(dx, AxisRange(), AxisElem(0)), Slice(dy, AxisRange(), AxisElem(1)))
}
