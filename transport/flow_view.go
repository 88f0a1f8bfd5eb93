package transport

import "math"

// LambertNorthPole maps the point (x, y, z) of the unit sphere S^2 to the
// plane by the Lambert azimuthal equal-area projection centred on the north
// pole (0, 0, 1): a point at polar angle theta lands at radius
// 2 sin(theta / 2) in its own azimuth, so the equator goes to the circle of
// radius sqrt 2, the south pole to the rim of the disc of radius 2, and the
// uniform law on the sphere to the uniform law on that disc (areas are
// kept). It is how the spherical flows are drawn; points next to the south
// pole, where the map is singular, go to the rim.
func LambertNorthPole(x, y, z float64) (px, py float64) {
	scale := math.Sqrt(2 / math.Max(1+z, 1e-12))
	return scale * x, scale * y
}
