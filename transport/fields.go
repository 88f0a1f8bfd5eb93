package transport

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"pivsr/piv"
)

// VelocityCloud returns the valid velocity vectors of s as a point cloud of
// R^2, one (u, v) per row: the velocity distribution a PIV user compares
// between a reconstruction and its truth, or between two snapshots.
func VelocityCloud(s *piv.Scattered) *mat.Dense {
	rows := make([]float64, 0, 2*s.Len())
	for k := range s.U {
		if finite(s.U[k]) && finite(s.V[k]) {
			rows = append(rows, s.U[k], s.V[k])
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return mat.NewDense(len(rows)/2, 2, rows)
}

// Directions returns the flow directions of s as circle coordinates in
// [0, 1) (the angle atan2(v, u) over 2 pi), and, when bySpeed, weights
// proportional to the speed (nil otherwise: uniform). Vectors with zero or
// non-finite speed have no direction and are left out.
func Directions(s *piv.Scattered, bySpeed bool) (angles, weights []float64) {
	var total float64
	for k := range s.U {
		speed := math.Hypot(s.U[k], s.V[k])
		if !(speed > 0) || math.IsInf(speed, 0) {
			continue
		}
		a := math.Atan2(s.V[k], s.U[k]) / (2 * math.Pi)
		if a < 0 {
			a += 1
		}
		if a >= 1 { // -0 rounding
			a = 0
		}
		angles = append(angles, a)
		if bySpeed {
			weights = append(weights, speed)
			total += speed
		}
	}
	for k := range weights {
		weights[k] /= total
	}
	return angles, weights
}

// Speeds returns the finite speeds |(u, v)| of s.
func Speeds(s *piv.Scattered) []float64 {
	out := make([]float64, 0, s.Len())
	for k := range s.U {
		if sp := math.Hypot(s.U[k], s.V[k]); !math.IsNaN(sp) && !math.IsInf(sp, 0) {
			out = append(out, sp)
		}
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
