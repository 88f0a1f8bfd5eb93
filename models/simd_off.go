//go:build !goexperiment.simd

package models

// simdBuild reports whether the binary was built with GOEXPERIMENT=simd,
// which enables the Go backend's AVX2/AVX512 matrix-multiplication kernels.
const simdBuild = false
