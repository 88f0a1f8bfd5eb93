package nf

import "testing"

// BenchmarkFitSSWStep times one SSW training step of the sphere flow as
// `pivsr ot earth` runs it (6 couplings, hidden 24, batch 512, 100 great
// circles): the push-forward graph, the host-side ranking and the Adam
// step graph. FitSSW compiles its graphs once per call, amortised over b.N.
func BenchmarkFitSSWStep(b *testing.B) {
	backend := goBackend(b)
	x, _ := VMFMixture(4000, threeVMF, 1)
	flow, err := NewSphereFlow(Config{Layers: 6, Hidden: 24})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := flow.FitSSW(backend, x, SSWConfig{Steps: 1}); err != nil { // warm up
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := flow.FitSSW(backend, x, SSWConfig{Steps: b.N}); err != nil {
		b.Fatal(err)
	}
}
