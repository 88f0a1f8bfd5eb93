package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"pivsr/data"
	"pivsr/piv"
)

// BenchmarkTurb2DQualityVsTime reconstructs the Turb2D snapshot from every
// 8th vector with each method, and the neural field with growing step
// budgets (early stopping off), reporting the metrics beside the time per
// reconstruction: quality against wall time, on this machine.
//
//	go test ./engine -run '^$' -bench Turb2DQuality -benchtime 1x
func BenchmarkTurb2DQualityVsTime(b *testing.B) {
	path := filepath.Join("..", "..", "shared", "data", "turb2d", "turb2d_666.h5")
	if _, err := os.Stat(path); err != nil {
		b.Skipf("Turb2D snapshot absent (%v)", err)
	}
	ds, err := data.Load(path, data.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	truth := ds.Fields[0]
	sparse, err := piv.KeepEvery(truth, 8, 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	type variant struct {
		name  string
		setup func(*Config)
	}
	variants := []variant{
		{"bicubic", func(c *Config) { c.Method = "bicubic" }},
		{"tps", func(c *Config) { c.Method = "tps" }},
		{"spectral", func(c *Config) { c.Method = "spectral" }},
	}
	for _, steps := range []int{0, 100, 300, 1000} {
		variants = append(variants, variant{fmt.Sprintf("mfn-%dsteps", steps), func(c *Config) {
			c.Neural.Steps, c.Neural.Patience, c.Holdout = steps, 0, 0 // the last parameters, not the best held-out ones
		}})
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Neural.Backend = "go"
			v.setup(&cfg)
			var res *Result
			for b.Loop() {
				if res, err = Run(context.Background(), cfg, sparse, truth, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(res.Metrics.Rec, "rec")
			b.ReportMetric(res.Metrics.AngularErrorDeg, "angle-deg")
			b.ReportMetric(res.Metrics.DivergenceToVorticity, "div/vort")
			b.ReportMetric(res.Metrics.SpectrumLogError, "spectrum-err")
		})
	}
}
