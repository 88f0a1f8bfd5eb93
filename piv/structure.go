package piv

import (
	"fmt"
	"math"
)

// S2Curve is a second-order structure function sampled at lags l = 1..L along
// one direction: S2[l-1] at separation R[l-1], averaged over Pairs[l-1] pairs
// of valid vectors (NaN where there are none).
type S2Curve struct {
	R, S2 []float64
	Pairs []int
}

// StructureFunctions holds S2 along x, along y and along the two grid
// diagonals (pooled), for the same lags.
type StructureFunctions struct {
	X, Y, Diagonal S2Curve
}

// SecondOrderStructure computes S2(r) = mean over valid pairs of
// |u(x+r) - u(x)|^2 + |v(x+r) - v(x)|^2 for integer lags l = 1..maxLag:
// r = l |dx| along x, l |dy| along y and l sqrt(dx^2 + dy^2) along the
// diagonals, where the pairs of both diagonals (+1, +1) and (+1, -1) are pooled
// for isotropy. A pair is used only when both of its vectors are valid, so
// masked or decimated fields give unbiased estimates at the lags they resolve.
// The grid must be uniform.
func SecondOrderStructure(f *Field, maxLag int) (*StructureFunctions, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	if maxLag < 1 {
		return nil, fmt.Errorf("structure functions need a maximum lag of at least 1, got %d", maxLag)
	}
	if !f.IsUniform(uniformTolerance) {
		return nil, fmt.Errorf("structure functions need a uniformly spaced grid")
	}
	valid := validNodes(f)
	dx, dy := math.Abs(f.DX()), math.Abs(f.DY())
	s := &StructureFunctions{
		X:        structureCurve(f, valid, maxLag, dx, [][2]int{{1, 0}}),
		Y:        structureCurve(f, valid, maxLag, dy, [][2]int{{0, 1}}),
		Diagonal: structureCurve(f, valid, maxLag, math.Hypot(dx, dy), [][2]int{{1, 1}, {1, -1}}),
	}
	return s, nil
}

// structureCurve averages squared increments over the lag vectors l*dir for
// every dir in dirs; step is the separation of lag 1.
func structureCurve(f *Field, valid []bool, maxLag int, step float64, dirs [][2]int) S2Curve {
	nx, ny := f.NX(), f.NY()
	c := S2Curve{R: make([]float64, maxLag), S2: make([]float64, maxLag), Pairs: make([]int, maxLag)}
	for l := 1; l <= maxLag; l++ {
		sum, pairs := 0.0, 0
		for _, d := range dirs {
			di, dj := l*d[0], l*d[1]
			for j := max(0, -dj); j < min(ny, ny-dj); j++ {
				for i := max(0, -di); i < min(nx, nx-di); i++ {
					a, b := j*nx+i, (j+dj)*nx+i+di
					if !valid[a] || !valid[b] {
						continue
					}
					du, dv := f.U[b]-f.U[a], f.V[b]-f.V[a]
					sum += du*du + dv*dv
					pairs++
				}
			}
		}
		c.R[l-1] = float64(l) * step
		c.Pairs[l-1] = pairs
		if pairs == 0 {
			c.S2[l-1] = math.NaN()
		} else {
			c.S2[l-1] = sum / float64(pairs)
		}
	}
	return c
}
