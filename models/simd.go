//go:build goexperiment.simd && amd64

package models

import "simd/archsimd"

// simdBuild reports whether the binary was built with GOEXPERIMENT=simd on
// amd64, which enables the Go backend's AVX2/AVX512 matrix-multiplication
// kernels and this package's vector sincos.
const simdBuild = true

// hasVectorSincos reports whether phaseRow32 can use AVX2 and FMA.
var hasVectorSincos = archsimd.X86.AVX2() && archsimd.X86.FMA()

// phaseRow32 writes s[k], c[k] = sin, cos(wx x[k] + wy y[k] + phase) eight
// points at a time, with the same reduction and polynomials as sincos32 (the
// remainder of a row goes through sincos32). c may be nil. The caller
// guarantees |argument| <= sincos32MaxArg. It returns false, doing nothing,
// without AVX2 and FMA.
func phaseRow32(s, c, x, y []float32, wx, wy, phase float32) bool {
	if !hasVectorSincos {
		return false
	}
	n := len(x)
	vwx, vwy, vphase := archsimd.BroadcastFloat32x8(wx), archsimd.BroadcastFloat32x8(wy), archsimd.BroadcastFloat32x8(phase)
	twoOverPiV := archsimd.BroadcastFloat32x8(twoOverPi)
	hi, mid, lo := archsimd.BroadcastFloat32x8(-pio2Hi), archsimd.BroadcastFloat32x8(-pio2Mid), archsimd.BroadcastFloat32x8(-pio2Lo)
	s1, s2, s3 := archsimd.BroadcastFloat32x8(-1.6666654611e-1), archsimd.BroadcastFloat32x8(8.3321608736e-3),
		archsimd.BroadcastFloat32x8(-1.9515295891e-4)
	c1, c2, c3 := archsimd.BroadcastFloat32x8(4.166664568298827e-2), archsimd.BroadcastFloat32x8(-1.388731625493765e-3),
		archsimd.BroadcastFloat32x8(2.443315711809948e-5)
	minusHalf, one := archsimd.BroadcastFloat32x8(-0.5), archsimd.BroadcastFloat32x8(1)
	oneU, twoU := archsimd.BroadcastUint32x8(1), archsimd.BroadcastUint32x8(2)
	k := 0
	for ; k+8 <= n; k += 8 {
		theta := archsimd.LoadFloat32x8Slice(x[k:]).MulAdd(vwx, archsimd.LoadFloat32x8Slice(y[k:]).MulAdd(vwy, vphase))
		r := theta.Mul(twoOverPiV).RoundToEven() // theta = r pi/2 + z
		quadrant := r.ConvertToInt32().AsUint32x8()
		z := r.MulAdd(lo, r.MulAdd(mid, r.MulAdd(hi, theta)))
		zz := z.Mul(z)
		sv := s3.MulAdd(zz, s2).MulAdd(zz, s1).Mul(zz).MulAdd(z, z)
		cv := c3.MulAdd(zz, c2).MulAdd(zz, c1).Mul(zz).MulAdd(zz, zz.MulAdd(minusHalf, one))
		// Quadrant q: sin = (s, c, -s, -c)[q], cos = (c, -s, -c, s)[q].
		odd := quadrant.And(oneU).Equal(oneU)
		sinV, cosV := cv.Merge(sv, odd), sv.Merge(cv, odd)
		sinSign := quadrant.And(twoU).ShiftAllLeft(30)
		cosSign := quadrant.Add(oneU).And(twoU).ShiftAllLeft(30)
		sinV.AsUint32x8().Xor(sinSign).AsFloat32x8().StoreSlice(s[k:])
		if c != nil {
			cosV.AsUint32x8().Xor(cosSign).AsFloat32x8().StoreSlice(c[k:])
		}
	}
	for ; k < n; k++ {
		sk, ck := sincos32(wx*x[k] + wy*y[k] + phase)
		s[k] = sk
		if c != nil {
			c[k] = ck
		}
	}
	return true
}
