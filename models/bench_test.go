package models

import (
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// BenchmarkTrainStep is one training step of a FourierNet (4 filters, hidden
// 128) on 1024 measured vectors and 1024 collocation points, data and
// divergence terms, one Adam update, on the Go backend.
func BenchmarkTrainStep(b *testing.B) {
	benchTrainStep(b, false, DefaultTrainConfig(), taylorGreenBatch(rand.New(rand.NewPCG(1, 2)), 3, 1024, 1024))
}

// BenchmarkTrainStepStructure is BenchmarkTrainStep's step with the
// structure-function prior added as the engine sets it up by default: 256
// origins and 12 separations (4 lags along x, y and the diagonal), weight
// 0.1. scripts/bench_torch_step.py --structure is its PyTorch twin.
func BenchmarkTrainStepStructure(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	batch := taylorGreenBatch(rng, 3, 1024, 1024)
	addLatticeStructurePoints(batch, rng, 256, 4, 2.0/256)
	tcfg := DefaultTrainConfig()
	tcfg.StructureWeight = 0.1
	benchTrainStep(b, false, tcfg, batch)
}

// addLatticeStructurePoints gives a batch the structure-function points of
// the engine's default prior: origins random in the box, shifted by 1..lags
// steps of h along x, y and the diagonal, with log targets of a smooth law.
func addLatticeStructurePoints(b *Batch, rng *rand.Rand, origins, lags int, h float64) {
	var shifts [][2]float64
	for _, dir := range [][2]float64{{1, 0}, {0, 1}, {1, 1}} {
		for l := 1; l <= lags; l++ {
			shifts = append(shifts, [2]float64{float64(l) * h * dir[0], float64(l) * h * dir[1]})
		}
	}
	groups := len(shifts) + 1
	b.SX, b.SY = make([]float64, groups*origins), make([]float64, groups*origins)
	for p := range origins {
		x, y := 2*rng.Float64()-1, 2*rng.Float64()-1
		b.SX[p], b.SY[p] = x, y
		for g, s := range shifts {
			b.SX[(g+1)*origins+p], b.SY[(g+1)*origins+p] = x+s[0], y+s[1]
		}
	}
	b.SLogTarget = make([]float64, len(shifts))
	for g, s := range shifts {
		b.SLogTarget[g] = 2*math.Log(math.Hypot(s[0], s[1])) + 2 // S2 ~ r^2
	}
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
			tcfg := DefaultTrainConfig()
			tcfg.SmoothnessWeight = v.smoothness
			benchTrainStep(b, v.stream, tcfg, taylorGreenBatch(rand.New(rand.NewPCG(1, 2)), 3, 1024, 1024))
		})
	}
}

// benchTrainStep times trainer.Step on batch for a FourierNet (4 filters,
// hidden 128, input scale 32) on the Go backend, compiling before the clock.
func benchTrainStep(b *testing.B, stream bool, tcfg TrainConfig, batch *Batch) {
	backend := testBackend(b)
	cfg := DefaultConfig()
	cfg.Filters, cfg.Hidden, cfg.InputScale, cfg.StreamFunction = 4, 128, 32, stream
	net, err := NewNetwork(cfg)
	if err != nil {
		b.Fatal(err)
	}
	trainer, err := NewTrainer(backend, net, tcfg)
	if err != nil {
		b.Fatal(err)
	}
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

// processCPU returns the process's user + system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
