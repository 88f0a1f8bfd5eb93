package engine

import (
	"context"
	"flag"
	"testing"
	"time"

	"pivsr/data/synth"
	"pivsr/models"
	"pivsr/piv"
)

// benchSeriesOf is a decaying turbulence of frames snapshots on an n x n
// grid, 0.05 eddy turnovers apart (as 'pivsr gen -interval 0.05' makes
// them), every fourth node kept as the sparse input.
func benchSeriesOf(tb testing.TB, n, frames int) memSeries {
	tb.Helper()
	sim, err := synth.NewTurbulence(n).WithSeed(1).Done()
	if err != nil {
		tb.Fatal(err)
	}
	tau := sim.EddyTurnover()
	times := make([]float64, frames)
	for i := range times {
		times[i] = tau * (synth.DefaultTurnovers + 0.05*float64(i))
	}
	ser, err := sim.Series(context.Background(), times)
	if err != nil {
		tb.Fatal(err)
	}
	var s memSeries
	for _, f := range ser.Frames {
		sparse, err := piv.KeepEvery(f, 4, 0, 0)
		if err != nil {
			tb.Fatal(err)
		}
		s.inputs, s.truths = append(s.inputs, sparse), append(s.truths, f)
	}
	return s
}

// The series BenchmarkBatchWarmVsCold reconstructs: 6 snapshots by default;
// -args -batch.frames 20 for the series of the README's example.
var (
	batchBenchN      = flag.Int("batch.n", 128, "BenchmarkBatchWarmVsCold: grid size of the generated series")
	batchBenchFrames = flag.Int("batch.frames", 6, "BenchmarkBatchWarmVsCold: snapshots in the series")
)

// BenchmarkBatchWarmVsCold runs the neural method with its default settings
// over a generated series with cold starts, then with warm starts, and
// reports for each the wall and CPU seconds per snapshot, the wall seconds
// per snapshot after the first (which a warm batch starts cold), and the
// mean rec error against the truth.
func BenchmarkBatchWarmVsCold(b *testing.B) {
	s := benchSeriesOf(b, *batchBenchN, *batchBenchFrames)
	cfg := DefaultConfig()
	cfg.Neural.Backend, cfg.Neural.SnapshotEvery = "go", 0
	for _, warm := range []bool{false, true} {
		name := "cold"
		if warm {
			name = "warm"
		}
		b.Run(name, func(b *testing.B) {
			var seconds, cpu, later, rec float64
			runs := 0
			for b.Loop() {
				batch := &Batch{Config: cfg, OutDir: b.TempDir(), Input: "series.h5", WarmStart: warm,
					Save: func(string, int, *Result, *piv.Field) error { return nil }}
				start, cpu0 := time.Now(), cpuTime()
				m, err := batch.Run(context.Background(), s)
				if err != nil {
					b.Fatal(err)
				}
				seconds += time.Since(start).Seconds()
				cpu += (cpuTime() - cpu0).Seconds()
				for _, e := range m.Entries {
					rec += e.Metrics["rec"]
					if e.Index > 0 {
						later += e.Seconds
					}
				}
				runs++
			}
			n := float64(runs * s.Len())
			b.ReportMetric(seconds/n, "s/snapshot")
			b.ReportMetric(cpu/n, "cpu-s/snapshot")
			if s.Len() > 1 {
				b.ReportMetric(later/float64(runs*(s.Len()-1)), "s/later-snapshot")
			}
			b.ReportMetric(rec/n, "mean-rec")
		})
	}
}

// BenchmarkFitSetup measures the fixed cost a session saves a warm-started
// fit: getting a network, trainer and predictor, then a first training step
// and a first prediction (which compile their graphs unless kept), built
// afresh or kept by a session.
func BenchmarkFitSetup(b *testing.B) {
	cfg := DefaultConfig().Neural
	mcfg := models.DefaultConfig()
	mcfg.Filters, mcfg.Hidden, mcfg.ZeroOutput = cfg.Filters, cfg.Hidden, true
	tcfg := models.DefaultTrainConfig()
	const vectors = 922 // a 128 x 128 grid, every fourth node kept, 10% held out
	batch := &models.Batch{X: make([]float64, vectors), Y: make([]float64, vectors), U: make([]float64, vectors), V: make([]float64, vectors),
		CX: make([]float64, cfg.Collocation), CY: make([]float64, cfg.Collocation)}
	for i := range batch.X {
		batch.X[i], batch.Y[i] = float64(i%31)/15-1, float64(i/31)/15-1
	}
	held := make([]float64, 100)
	for _, keep := range []bool{false, true} {
		name := "fresh"
		if keep {
			name = "kept"
		}
		b.Run(name, func(b *testing.B) {
			var s *session
			if keep {
				s = &session{}
			}
			for b.Loop() {
				f, err := s.fit("go", mcfg, tcfg, vectors, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := f.trainer.Step(batch); err != nil {
					b.Fatal(err)
				}
				if _, err := f.predictor.Predict(held, held, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
