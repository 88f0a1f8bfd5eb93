package spacetime

import (
	"fmt"
	"math"
)

// Scales map physical coordinates and velocities to the network's
// normalised ones: X = (x - X0) Space, Y = (y - Y0) Space, T = (t - T0) Time,
// U = u / Speed. One spatial scale for x and y keeps the vorticity equation's
// form: in normalised units it reads
//
//	a Ω_T + U Ω_X + V Ω_Y - ν' ∇²Ω + μ' Ω = R / (Speed Space)²,
//
// with a = Time / (Speed Space) ([Scales.TimeFactor]), ν' = ν Space /
// Speed ([Scales.Viscosity]) and μ' = μ / (Speed Space) ([Scales.Drag]).
type Scales struct {
	X0, Y0, T0  float64
	Space, Time float64
	Speed       float64
}

// NewScales maps the box [xmin, xmax] x [ymin, ymax] (its longer side) and
// the span [tmin, tmax] onto [-1, 1], and speeds by speed.
func NewScales(xmin, xmax, ymin, ymax, tmin, tmax, speed float64) (Scales, error) {
	lx, ly, lt := math.Abs(xmax-xmin), math.Abs(ymax-ymin), tmax-tmin
	l := math.Max(lx, ly)
	if !(l > 0) || !(lt > 0) || !(speed > 0) || math.IsInf(l+lt+speed, 0) {
		return Scales{}, fmt.Errorf("spacetime: box %v x %v, time span %v, speed %v: want finite positive extents and speed", lx, ly, lt, speed)
	}
	return Scales{X0: (xmin + xmax) / 2, Y0: (ymin + ymax) / 2, T0: (tmin + tmax) / 2, Space: 2 / l, Time: 2 / lt, Speed: speed}, nil
}

// TimeFactor is a, the factor of Ω_T in the normalised equation.
func (s Scales) TimeFactor() float64 { return s.Time / (s.Speed * s.Space) }

// Viscosity returns ν in normalised units.
func (s Scales) Viscosity(nu float64) float64 { return nu * s.Space / s.Speed }

// Drag returns the drag μ in normalised units.
func (s Scales) Drag(mu float64) float64 { return mu / (s.Speed * s.Space) }

// points returns the normalised coordinates of physical points.
func (s Scales) points(x, y, t []float64) (px, py, pt []float64) {
	px, py, pt = make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
	for i := range x {
		px[i], py[i], pt[i] = (x[i]-s.X0)*s.Space, (y[i]-s.Y0)*s.Space, (t[i]-s.T0)*s.Time
	}
	return px, py, pt
}

// scaled returns v times f.
func scaled(v []float64, f float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = v[i] * f
	}
	return out
}

// physicalTimes maps normalised times back to physical ones.
func physicalTimes(s Scales, t []float64) []float64 {
	out := make([]float64, len(t))
	for i := range t {
		out[i] = t[i]/s.Time + s.T0
	}
	return out
}
