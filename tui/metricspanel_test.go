package tui

import (
	"math"
	"strings"
	"testing"

	"pivsr/piv"
)

func TestComputeMetrics(t *testing.T) {
	truth := taylorGreen(t, 32)
	sparse, _ := piv.KeepEvery(truth, 4, 0, 0)
	noisy, _ := piv.AddNoise(truth, 0.1, 3)
	entries := []*Entry{
		{Name: "noisy", Frames: []*piv.Field{noisy}},
		{Name: "sparse", Frames: []*piv.Field{sparse}},
		{Name: "truth", Role: RoleTruth, Frames: []*piv.Field{truth}},
	}
	res := computeMetrics(entries, 0, 0)
	if res.truth != "truth" || len(res.rows) != 2 {
		t.Fatalf("rows %+v", res.rows)
	}
	want, _ := piv.Evaluate(noisy, truth, piv.MetricOptions{})
	if r := res.rows[0]; r.err != nil || r.region != "full" || r.m.NRMSE != want.NRMSE {
		t.Errorf("noisy row %+v, want NRMSE %v", r, want.NRMSE)
	}
	// The sparse field is exact where it has vectors, and scored only there.
	if r := res.rows[1]; r.err != nil || r.region != "valid" || r.m.NRMSE != 0 || r.m.Scored != sparse.NumValid() {
		t.Errorf("sparse row %+v", r)
	}
	if len(res.spectra) != 3 || len(res.s2) != 3 {
		t.Fatalf("%d spectra, %d structure functions; want one per field", len(res.spectra), len(res.s2))
	}
	// Taylor-Green (K = 1) holds all its energy in shell 1, which the
	// spectrum's first point (k = 1) carries.
	e := res.spectra[2]
	if e.X[0] != 1 || math.Abs(e.Y[0]-0.25) > 1e-9 {
		t.Errorf("truth spectrum starts at k=%v E=%v; want k=1, E = mean(u^2+v^2)/2 = 0.25", e.X[0], e.Y[0])
	}
	// S2 of the sparse field exists only at multiples of its spacing.
	s := res.s2[1]
	if !math.IsNaN(s.Y[0]) || math.IsNaN(s.Y[3]) {
		t.Errorf("sparse S2 at lags 1 and 4: %v %v", s.Y[0], s.Y[3])
	}
	// With a border the full fields are scored on the interior.
	if res := computeMetrics(entries, 0, 8); res.rows[0].region != "interior" {
		t.Errorf("region %q with a border", res.rows[0].region)
	}
	if res := computeMetrics(entries[:2], 0, 0); len(res.rows) != 0 || !strings.Contains(strings.Join(res.notes, " "), "no truth") {
		t.Errorf("without a truth there is nothing to score: %+v", res)
	}
}

func TestMetricsPanelBorderKey(t *testing.T) {
	truth, _, recon := testFiles(t, 32)
	a := loadedApp(t, 80, 24, FileRequest{Path: recon}, FileRequest{Path: truth, Role: RoleTruth})
	press(t, a, "tab", "b")
	if a.metrics.border != interiorBorder || !strings.Contains(a.View(), "interior (border 8)") {
		t.Fatalf("b scores the interior:\n%s", a.View())
	}
	press(t, a, "b")
	if a.metrics.border != 0 || a.metrics.res.rows[0].region != "full" {
		t.Error("b again scores the full grid")
	}
}

func TestMetricsStaleResultsAreDropped(t *testing.T) {
	mp := newMetricsPanel(newWorkspace(dataLoadOptions()), NewTheme(ColorNone, false))
	old := mp.refresh(0)
	_ = mp.refresh(0)
	mp.Update(old())
	if mp.res != nil {
		t.Error("a result overtaken by a newer request is dropped")
	}
}
