package synth

import (
	"context"
	"math/rand/v2"
	"testing"
)

func benchmarkTurbulence(b *testing.B, cfg *TurbulenceConfig) {
	sim, err := cfg.Done()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := sim.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTurbulence256 generates one developed 256^2 snapshot with the
// defaults (DefaultTurnovers initial eddy turnover times on the fine grid).
func BenchmarkTurbulence256(b *testing.B) { benchmarkTurbulence(b, NewTurbulence(256).WithSeed(1)) }

// BenchmarkTurbulence256CoarseStart is the same with a 128^2 coarse start.
func BenchmarkTurbulence256CoarseStart(b *testing.B) {
	benchmarkTurbulence(b, NewTurbulence(256).WithSeed(1).WithCoarseStart(128))
}

// BenchmarkStep256 is one IFRK4 time step (four evaluations of the
// nonlinear term, five 2D transforms each) on the 256^2 grid.
func BenchmarkStep256(b *testing.B) {
	s := newSolver(256, 6.283185307179586)
	s.setDissipation(0, 1e-15, 4, 0)
	s.randomVorticity(rand.New(rand.NewPCG(1, 1)), 6, 0.5)
	for b.Loop() {
		s.rhs(s.a, s.omega)
		s.step(1e-3)
	}
}
