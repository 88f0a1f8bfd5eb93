package models

import (
	"math"
	"testing"
)

func TestSincos32(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lo, hi   float64
		maxError float64
	}{
		{"first turn", -2 * math.Pi, 2 * math.Pi, 2e-7},
		{"typical phases", -200, 200, 1e-6},
		{"up to the reduction limit", -8192, 8192, 1e-5},
		{"fallback", 8200, 1e5, 1e-2}, // float32 arguments carry ~4e-3 of absolute rounding there
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 200001
			worst := 0.0
			for i := range n {
				x := float32(tc.lo + (tc.hi-tc.lo)*float64(i)/(n-1))
				s, c := sincos32(x)
				ws, wc := math.Sincos(float64(x)) // exact for the float32 argument
				worst = max(worst, math.Abs(float64(s)-ws), math.Abs(float64(c)-wc))
			}
			if worst > tc.maxError {
				t.Errorf("max |error| = %.3g on [%g, %g], want <= %.3g", worst, tc.lo, tc.hi, tc.maxError)
			}
		})
	}
	if s, c := sincos32(float32(math.NaN())); !math.IsNaN(float64(s)) || !math.IsNaN(float64(c)) {
		t.Errorf("sincos32(NaN) = %g, %g, want NaN, NaN", s, c)
	}
}

func BenchmarkSincos32(b *testing.B) {
	xs := make([]float32, 4096)
	for i := range xs {
		xs[i] = float32(i*7919%4096)*0.05 - 100 // scrambled, like the phases of random points
	}
	var acc float32
	for b.Loop() {
		for _, x := range xs {
			s, c := sincos32(x)
			acc += s + c
		}
	}
	_ = acc
}

// TestPhaseRow32 checks the vector kernel (GOEXPERIMENT=simd builds on CPUs
// with AVX2 and FMA) against math.Sincos, including a row length that leaves
// a scalar remainder and a nil cosine row.
func TestPhaseRow32(t *testing.T) {
	if !hasVectorSincos {
		t.Skip("no vector sincos in this build (needs GOEXPERIMENT=simd on amd64 with AVX2 and FMA)")
	}
	const n = 1003
	x, y := make([]float32, n), make([]float32, n)
	for i := range n {
		x[i] = float32(math.Sin(float64(i))) // scrambled in [-1, 1]
		y[i] = float32(math.Cos(float64(7 * i)))
	}
	for _, w := range [][3]float32{{0.3, -0.2, 0.1}, {45, 60, -3}, {-900, 1200, 3.1}} {
		s, c := make([]float32, n), make([]float32, n)
		if !phaseRow32(s, c, x, y, w[0], w[1], w[2]) {
			t.Fatal("phaseRow32 declined although hasVectorSincos")
		}
		sOnly := make([]float32, n)
		phaseRow32(sOnly, nil, x, y, w[0], w[1], w[2])
		worst := 0.0
		for k := range n {
			theta := w[0]*x[k] + w[1]*y[k] + w[2] // float32, as the kernel rounds it (up to FMA)
			ws, wc := math.Sincos(float64(theta))
			worst = max(worst, math.Abs(float64(s[k])-ws), math.Abs(float64(c[k])-wc))
			if sOnly[k] != s[k] {
				t.Fatalf("w=%v point %d: sine %g with cosines, %g without", w, k, s[k], sOnly[k])
			}
		}
		// The argument's own float32 rounding (FMA or not) dominates at large |theta|.
		if tol := 2e-7 + 2e-7*float64(math.Abs(float64(w[0]))+math.Abs(float64(w[1]))); worst > tol {
			t.Errorf("w=%v: max |error| %.3g, want <= %.3g", w, worst, tol)
		}
	}
}
