package transport

import (
	"math"
	"testing"
)

// TestLambertNorthPole checks the projection's radius 2 sin(theta/2) and
// azimuth at several polar angles, and that it keeps areas: the fraction of
// uniform points of the sphere with z > z0 (the cap of area 2 pi (1 - z0))
// equals the fraction of the disc of radius 2 inside the cap's image.
func TestLambertNorthPole(t *testing.T) {
	for _, tc := range []struct{ theta, phi float64 }{
		{0, 0}, {math.Pi / 6, 1}, {math.Pi / 2, 2}, {2 * math.Pi / 3, -2.5}, {math.Pi - 1e-3, 0.3},
	} {
		x := math.Sin(tc.theta) * math.Cos(tc.phi)
		y := math.Sin(tc.theta) * math.Sin(tc.phi)
		px, py := LambertNorthPole(x, y, math.Cos(tc.theta))
		r, want := math.Hypot(px, py), 2*math.Sin(tc.theta/2)
		if math.Abs(r-want) > 1e-9 {
			t.Errorf("theta %v: radius %v, want %v", tc.theta, r, want)
		}
		if tc.theta > 0 && math.Abs(math.Remainder(math.Atan2(py, px)-tc.phi, 2*math.Pi)) > 1e-9 {
			t.Errorf("theta %v: azimuth %v, want %v", tc.theta, math.Atan2(py, px), tc.phi)
		}
	}
	for _, z0 := range []float64{-0.5, 0, 0.7} {
		// The cap z > z0 covers (1 - z0) / 2 of the sphere; its image is
		// the disc of radius 2 sin(theta0 / 2), which covers
		// (r / 2)^2 of the disc of radius 2.
		px, py := LambertNorthPole(math.Sqrt(1-z0*z0), 0, z0)
		r := math.Hypot(px, py)
		if got, want := r*r/4, (1-z0)/2; math.Abs(got-want) > 1e-12 {
			t.Errorf("cap z > %v: image covers %v of the disc, want %v", z0, got, want)
		}
	}
}
