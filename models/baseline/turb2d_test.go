package baseline

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"pivsr/data"
	"pivsr/piv"
)

// turb2dPath is the shared Turb2D snapshot, relative to this package.
var turb2dPath = filepath.Join("..", "..", "..", "shared", "data", "turb2d", "turb2d_666.h5")

// turb2dTask loads the Turb2D truth and its every-8th-vector samples (a
// 32 x 32 lattice at indices 0, 8, ..., 248), the published
// super-resolution task, or skips.
func turb2dTask(tb testing.TB) (truth *piv.Field, s *Samples) {
	tb.Helper()
	if _, err := os.Stat(turb2dPath); err != nil {
		tb.Skipf("Turb2D snapshot not available at %s: %v", turb2dPath, err)
	}
	ds, err := data.Load(turb2dPath, data.LoadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	truth = ds.Fields[0]
	sparse, err := piv.KeepEvery(truth, 8, 0, 0)
	if err != nil {
		tb.Fatal(err)
	}
	if s, err = FromField(sparse); err != nil {
		tb.Fatal(err)
	}
	if s.Lattice == nil || s.Len() != 1024 {
		tb.Fatalf("Turb2D samples: %d vectors, lattice %v; want a 32 x 32 lattice", s.Len(), s.Lattice != nil)
	}
	return truth, s
}

// TestTurb2DReference checks the figures the author measured for
// bicubic splines and the thin-plate spline (within 10 %), and bounds those
// of the other methods.
func TestTurb2DReference(t *testing.T) {
	truth, s := turb2dTask(t)
	type figures struct{ rec, angle, divVort, spectrum float64 }
	for _, tc := range []struct {
		m     Method
		want  *figures // the reference, matched to 10 %
		below figures  // upper bounds otherwise (0: unchecked)
		long  bool
	}{
		{m: Bicubic{Edge: Clamped}, want: &figures{0.00066, 1.19, 0.15, 29.4}},
		{m: Bicubic{Edge: Extrapolated}, want: &figures{0.0040, 1.50, 0.51, 59.4}},
		{m: ThinPlate{}, want: &figures{0.00050, 1.14, 0.13, 25.7}},
		{m: DivFreeRBF{}, below: figures{rec: 0.0012, divVort: 0.01}, long: true},
		{m: Smoothn{}, below: figures{rec: 0.0013}, long: true},
		// The neural field's periodic base (engine's defaults).
		{m: Wiener{Discrete: true, Fraction: 0.4, Budget: 0.4, Seed: 1}, below: figures{0.0002, 0.85, 0.0005, 5}},
	} {
		t.Run(tc.m.Name(), func(t *testing.T) {
			if tc.long && testing.Short() {
				t.Skip("seconds-long fit skipped in -short mode")
			}
			est, err := tc.m.Reconstruct(context.Background(), s, truth.Grid)
			if err != nil {
				t.Fatal(err)
			}
			m, err := piv.Evaluate(est, truth, piv.MetricOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := figures{m.Rec, m.AngularErrorDeg, m.DivergenceToVorticity, m.SpectrumLogError}
			t.Logf("rec %.5f, angle %.3f deg, div/vort %.4f, spectrum %.2f", got.rec, got.angle, got.divVort, got.spectrum)
			check := func(name string, g, want, bound float64) {
				if want != 0 && math.Abs(g-want) > 0.1*want {
					t.Errorf("%s %v, want %v within 10%%", name, g, want)
				}
				if bound != 0 && g > bound {
					t.Errorf("%s %v, want below %v", name, g, bound)
				}
			}
			var w figures
			if tc.want != nil {
				w = *tc.want
			}
			check("rec", got.rec, w.rec, tc.below.rec)
			check("angular error", got.angle, w.angle, tc.below.angle)
			check("div/vort", got.divVort, w.divVort, tc.below.divVort)
			check("spectrum log error", got.spectrum, w.spectrum, tc.below.spectrum)
		})
	}
}

// BenchmarkTurb2D times each method on the Turb2D task (1024 vectors to the
// 256 x 256 grid) and reports its scores: rec, angle (deg), div/vort,
// spectrum log error on the full grid, and rec on the interior (border 8).
func BenchmarkTurb2D(b *testing.B) {
	truth, s := turb2dTask(b)
	for _, m := range []Method{
		Bicubic{Edge: Clamped},
		Bicubic{Edge: Extrapolated},
		Bicubic{End: Natural, Edge: Clamped},
		Bicubic{End: Natural, Edge: Extrapolated},
		ThinPlate{},
		DivFreeRBF{},
		DivFreeRBF{Shape: 1},
		Smoothn{},
		Smoothn{Robust: true},
		Smoothn{Exact: true},
		Spectral{Solenoidal: true},
		Wiener{},
		Wiener{Discrete: true, Fraction: 0.4, Budget: 0.4, Seed: 1},
	} {
		name := m.Name()
		if d, ok := m.(DivFreeRBF); ok && d.Shape != 0 {
			name += "-shape1"
		}
		b.Run(name, func(b *testing.B) {
			var est *piv.Field
			for b.Loop() {
				var err error
				if est, err = m.Reconstruct(context.Background(), s, truth.Grid); err != nil {
					b.Fatal(err)
				}
			}
			full, err := piv.Evaluate(est, truth, piv.MetricOptions{})
			if err != nil {
				b.Fatal(err)
			}
			interior, err := piv.Evaluate(est, truth, piv.MetricOptions{Border: 8})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(full.Rec, "rec")
			b.ReportMetric(full.AngularErrorDeg, "angle-deg")
			b.ReportMetric(full.DivergenceToVorticity, "div/vort")
			b.ReportMetric(full.SpectrumLogError, "spectrum")
			b.ReportMetric(interior.Rec, "rec-interior")
		})
	}
}
