package baseline

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"pivsr/piv"
)

// Bicubic interpolates samples on a complete lattice with tensor-product cubic
// splines: a spline along x through every lattice row, evaluated at the
// target's x, then a spline along y through every resulting column, evaluated
// at the target's y. The interpolant passes through every sample and, with
// NotAKnot ends, reproduces any bicubic polynomial exactly. The lattice may be
// non-uniform and need not share nodes with the target.
type Bicubic struct {
	End  EndCondition
	Edge EdgeMode
}

// Name is "bicubic-" followed by the edge mode, plus "-natural" for natural
// ends.
func (m Bicubic) Name() string {
	name := "bicubic-" + m.Edge.String()
	if m.End == Natural {
		name += "-natural"
	}
	return name
}

// Reconstruct evaluates the spline on target. The samples must form a
// lattice (Samples.Lattice non-nil).
func (m Bicubic) Reconstruct(ctx context.Context, s *Samples, target piv.Grid) (*piv.Field, error) {
	if _, err := checkTarget(s, target); err != nil {
		return nil, err
	}
	lat := s.Lattice
	if lat == nil {
		return nil, fmt.Errorf("bicubic interpolation needs samples on a complete rectilinear lattice, got %d scattered vectors: use ThinPlate or DivFreeRBF", s.Len())
	}
	if m.Edge != Clamped && m.Edge != Extrapolated {
		return nil, fmt.Errorf("unknown edge mode %d", int(m.Edge))
	}
	sx, err := splineWeights(lat.X, target.X, m.End, m.Edge)
	if err != nil {
		return nil, fmt.Errorf("x axis: %w", err)
	}
	sy, err := splineWeights(lat.Y, target.Y, m.End, m.Edge)
	if err != nil {
		return nil, fmt.Errorf("y axis: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := piv.NewField(target)
	out.Units = s.Units
	nx, ny := lat.NX(), lat.NY()
	var rows mat.Dense // ny x target nx: the x splines evaluated
	for _, c := range []struct{ src, dst []float64 }{{lat.U, out.U}, {lat.V, out.V}} {
		rows.Reset()
		rows.Mul(mat.NewDense(ny, nx, c.src), sx.T())
		// Row-major target-ny x target-nx, as piv.Field stores it.
		mat.NewDense(target.NY(), target.NX(), c.dst).Mul(sy, &rows)
	}
	return out, nil
}
