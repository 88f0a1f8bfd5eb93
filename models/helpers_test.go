package models

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
)

// testBackend returns the Go backend (tests never download XLA plugins).
func testBackend(tb testing.TB) compute.Backend {
	tb.Helper()
	b, _, err := NewBackend("go")
	if err != nil {
		tb.Fatalf("NewBackend(go): %v", err)
	}
	return b
}

// taylorGreen is a divergence-free field on [-1, 1]^2 with wavenumber a.
func taylorGreen(a, x, y float64) (u, v float64) {
	return math.Cos(a*x) * math.Sin(a*y), -math.Sin(a*x) * math.Cos(a*y)
}

// taylorGreenBatch draws n measured vectors of a Taylor-Green field and m
// collocation points, uniformly in [-1, 1]^2.
func taylorGreenBatch(rng *rand.Rand, a float64, n, m int) *Batch {
	b := &Batch{X: make([]float64, n), Y: make([]float64, n), U: make([]float64, n), V: make([]float64, n),
		CX: make([]float64, m), CY: make([]float64, m)}
	for i := range n {
		b.X[i], b.Y[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
		b.U[i], b.V[i] = taylorGreen(a, b.X[i], b.Y[i])
	}
	for i := range m {
		b.CX[i], b.CY[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
	}
	return b
}
