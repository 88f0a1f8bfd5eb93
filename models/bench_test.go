package models

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
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
	if _, desc, err := NewBackend("go"); err == nil {
		b.Log(desc)
	}
	cpu0 := processCPU()
	for b.Loop() {
		if _, err := trainer.Step(batch); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time per step is steadier than wall time on a shared machine.
	b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkPhysicsVariants is BenchmarkTrainStep's step for the optional
// physics: a stream-function network, the smoothness term (3 tangent points
// per collocation point for a (u, v) network, 10 for a stream function),
// and both.
func BenchmarkPhysicsVariants(b *testing.B) {
	for _, v := range []struct {
		name       string
		stream     bool
		smoothness float64
	}{{"stream", true, 0}, {"smoothness", false, 1e-6}, {"stream+smoothness", true, 1e-6}} {
		b.Run(v.name, func(b *testing.B) {
			backend := testBackend(b)
			cfg := DefaultConfig()
			cfg.Filters, cfg.Hidden, cfg.InputScale, cfg.StreamFunction = 4, 128, 32, v.stream
			net, err := NewNetwork(cfg)
			if err != nil {
				b.Fatal(err)
			}
			tcfg := DefaultTrainConfig()
			tcfg.SmoothnessWeight = v.smoothness
			trainer, err := NewTrainer(backend, net, tcfg)
			if err != nil {
				b.Fatal(err)
			}
			batch := taylorGreenBatch(rand.New(rand.NewPCG(1, 2)), 3, 1024, 1024)
			if _, err := trainer.Step(batch); err != nil { // compiles
				b.Fatal(err)
			}
			cpu0 := processCPU()
			for b.Loop() {
				if _, err := trainer.Step(batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// processCPU returns the process's user + system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
