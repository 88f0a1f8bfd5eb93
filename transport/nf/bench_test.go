package nf

import "testing"

// BenchmarkFitStep times one Adam step of a RealNVP flow (8 couplings,
// hidden 32, batch 256) on eight Gaussians; Fit compiles its step once,
// which is amortised over the b.N steps.
func BenchmarkFitStep(b *testing.B) {
	backend := goBackend(b)
	x, _ := EightGaussians(4000, 1)
	flow, err := New(Config{Dim: 2, Layers: 8, Hidden: 32})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := flow.Fit(backend, x, TrainConfig{Steps: 1}); err != nil { // warm up
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := flow.Fit(backend, x, TrainConfig{Steps: b.N}); err != nil {
		b.Fatal(err)
	}
}
