package models

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkTrainStep is one training step of a FourierNet (4 filters, hidden
// 128) on 1024 measured vectors and 1024 collocation points, data and
// divergence terms, one Adam update, on the Go backend.
func BenchmarkTrainStep(b *testing.B) {
	backend := testBackend(b)
	cfg := DefaultConfig()
	cfg.Filters, cfg.Hidden, cfg.InputScale = 4, 128, 32
	net, err := NewNetwork(cfg)
	if err != nil {
		b.Fatal(err)
	}
	trainer, err := NewTrainer(backend, net, DefaultTrainConfig())
	if err != nil {
		b.Fatal(err)
	}
	batch := taylorGreenBatch(rand.New(rand.NewPCG(1, 2)), 3, 1024, 1024)
	if _, err := trainer.Step(batch); err != nil { // compiles
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := trainer.Step(batch); err != nil {
			b.Fatal(err)
		}
	}
}
