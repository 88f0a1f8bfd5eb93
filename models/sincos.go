package models

import "math"

// Constants of the float32 sine/cosine kernel: pi/2 split in three parts for
// an extra-precise (Cody-Waite) argument reduction, and Cephes' minimax
// polynomials for sinf/cosf on [-pi/4, pi/4].
const (
	twoOverPi = 0.636619772367581343076
	pio2Hi    = 1.5703125
	pio2Mid   = 4.837512969970703125e-4
	pio2Lo    = 7.54978995489188216e-8

	// roundMagic rounds a float32 of magnitude below 2^22 to the nearest
	// integer when added and subtracted (1.5 * 2^23).
	roundMagic = 12582912

	// sincos32MaxArg bounds the arguments the three-part reduction handles to
	// float32 accuracy; larger ones (and NaN) fall back to math.Sincos.
	sincos32MaxArg = 8192
)

// sincos32 returns sin(x) and cos(x) to about 1e-7 absolute accuracy for
// |x| <= 8192, sharing one argument reduction and selecting the quadrant
// without branches (phases of random points defeat branch prediction): about
// 5x faster than math.Sincos, which is what lets the Go backend train at
// PyTorch's speed.
func sincos32(x float32) (sin, cos float32) {
	if !(math.Abs(float64(x)) <= sincos32MaxArg) {
		s, c := math.Sincos(float64(x))
		return float32(s), float32(c)
	}
	q := x * twoOverPi
	r := (q + roundMagic) - roundMagic // nearest integer: x = r pi/2 + z
	quadrant := uint32(int32(r))
	z := ((x - r*pio2Hi) - r*pio2Mid) - r*pio2Lo // |z| <= pi/4
	zz := z * z
	s := ((-1.9515295891e-4*zz+8.3321608736e-3)*zz-1.6666654611e-1)*zz*z + z
	c := ((2.443315711809948e-5*zz-1.388731625493765e-3)*zz+4.166664568298827e-2)*zz*zz - 0.5*zz + 1
	// Quadrant q: sin x = (s, c, -s, -c)[q], cos x = (c, -s, -c, s)[q].
	sBits, cBits := math.Float32bits(s), math.Float32bits(c)
	swap := -(quadrant & 1) // all ones in odd quadrants
	sinBits := (sBits &^ swap) | (cBits & swap)
	cosBits := (cBits &^ swap) | (sBits & swap)
	sinBits ^= (quadrant & 2) << 30
	cosBits ^= ((quadrant + 1) & 2) << 30
	return math.Float32frombits(sinBits), math.Float32frombits(cosBits)
}
