package models

import (
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
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

// StructureLoss returns the structure-function prior
// mean_g (log S2_g - logTarget_g)^2 for an [Evaluation]'s Values pred,
// [2, G*P]: G groups of P points, group 0 the origins p and group g >= 1 the
// same origins shifted by the g-th separation r_g, so that
// S2_g = mean_p |f(p + r_g) - f(p)|^2 (both components). baseU and baseV
// ([G*P], or nil) are a field the network's output is added to; logTarget
// ([G-1]) holds log S2*(r_g).
func StructureLoss(pred, baseU, baseV, logTarget *Node) *Node {
	groups := logTarget.Shape().Dimensions[0] + 1
	n := pred.Shape().Dimensions[1]
	if n%groups != 0 {
		exceptions.Panicf("models: %d structure-function points do not split into %d groups", n, groups)
	}
	points := n / groups
	f := pred
	if baseU != nil {
		bu, bv := asRow(baseU, baseV, "base velocity at the structure-function points")
		f = Add(f, Concatenate([]*Node{bu, bv}, 0))
	}
	f = Reshape(f, 2, groups, points)
	origin := BroadcastToDims(Slice(f, AxisRange(), AxisElem(0), AxisRange()), 2, groups-1, points)
	increments := Sub(Slice(f, AxisRange(), AxisRange(1, groups), AxisRange()), origin)
	s2 := ReduceMean(ReduceSum(Square(increments), 0), 1) // [G-1]
	// The floor keeps the log finite for a constant field.
	logS2 := Log(AddScalar(s2, structureFloor))
	return ReduceAllMean(Square(Sub(logS2, logTarget)))
}

// structureFloor is added to S2 before its logarithm.
const structureFloor = 1e-12
