//go:build !(goexperiment.simd && amd64)

package models

// simdBuild reports whether the binary was built with GOEXPERIMENT=simd on
// amd64, which enables the Go backend's AVX2/AVX512 matrix-multiplication
// kernels and this package's vector sincos.
const simdBuild = false

// hasVectorSincos reports whether phaseRow32 has a vector implementation:
// only builds with GOEXPERIMENT=simd on amd64 do.
const hasVectorSincos = false

// phaseRow32 is the vector kernel of builds with GOEXPERIMENT=simd; here it
// always returns false and the caller uses sincos32.
func phaseRow32(s, c, x, y []float32, wx, wy, phase float32) bool { return false }
