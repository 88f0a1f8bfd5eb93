package cli

import (
	"encoding/json"
	"flag"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"pivsr/data"
	"pivsr/engine"
)

func TestTemporalCommand(t *testing.T) {
	dir := t.TempDir()
	series := filepath.Join(dir, "dns.h5")
	if code, _, stderr := run(t, "gen", "-n", "32", "-frames", "5", "-interval", "1", "-seed", "2", "-o", series); code != ExitOK {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "out.h5")
	code, stdout, stderr := run(t, "temporal", series, "-o", out, "-json")
	if code != ExitOK {
		t.Fatalf("temporal: exit %d: %s", code, stderr)
	}
	var s struct {
		Snapshots []struct {
			Index int `json:"index"`
		} `json:"snapshots"`
		MeanRec       float64 `json:"mean_rec"`
		LinearMeanRec float64 `json:"linear_mean_rec"`
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	if len(s.Snapshots) != 2 || s.Snapshots[0].Index != 1 || s.Snapshots[1].Index != 3 {
		t.Errorf("scored snapshots %+v: want 1 and 3", s.Snapshots)
	}
	if !(s.MeanRec > 0 && 2*s.MeanRec <= s.LinearMeanRec) {
		t.Errorf("advect rec %g, linear %g: want at least 2x lower", s.MeanRec, s.LinearMeanRec)
	}
	in, err := data.Load(series, data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := data.Load(out, data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Fields) != 5 || len(got.T) != 5 {
		t.Fatalf("output holds %d snapshots and %d times, want 5", len(got.Fields), len(got.T))
	}
	for k := 0; k < 5; k += 2 {
		if got.T[k] != in.T[k] || got.Fields[k].U[7] != in.Fields[k].U[7] {
			t.Errorf("kept snapshot %d changed", k)
		}
	}
	if !strings.Contains(got.Attrs["temporal"], "linear_mean_rec") {
		t.Errorf("output attributes %v: want the scores", got.Attrs)
	}
}

func TestTemporalCommandErrors(t *testing.T) {
	dir := t.TempDir()
	noTimes := filepath.Join(dir, "tg.h5")
	if code, _, stderr := run(t, "gen", "-flow", "taylor-green", "-n", "16", "-frames", "3", "-o", noTimes); code != ExitOK {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "out.h5")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"temporal", noTimes}, ExitUsage, "-o OUTPUT is required"},
		{[]string{"temporal", noTimes, "-o", out, "-holdout-every", "0"}, ExitUsage, "keep every 0"},
		{[]string{"temporal", noTimes, "-o", out, "-method", "spline"}, ExitUsage, "unknown temporal method"},
		{[]string{"temporal", noTimes, "-o", out, "-method", "mfn", "-base", "cubic"}, ExitUsage, "unknown base"},
		{[]string{"temporal", noTimes, "-o", out, "-method", "mfn", "-physics-weight", "-1"}, ExitUsage, "physics"},
		{[]string{"temporal", noTimes, "-o", out}, ExitFailure, "needs the snapshot times"},
	} {
		code, _, stderr := run(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q: want exit %d and %q", tc.args[1:], code, stderr, tc.code, tc.want)
		}
	}
}

// The mfn method runs from the command line (a few steps of a narrow
// network) and reports its base and training beside linear interpolation.
func TestTemporalCommandMFN(t *testing.T) {
	dir := t.TempDir()
	series := filepath.Join(dir, "dns.h5")
	if code, _, stderr := run(t, "gen", "-n", "16", "-frames", "5", "-interval", "1", "-seed", "2", "-o", series); code != ExitOK {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "out.h5")
	code, stdout, stderr := run(t, "temporal", series, "-o", out, "-method", "mfn", "-backend", "go", "-steps", "3", "-hidden", "8", "-json")
	if code != ExitOK {
		t.Fatalf("temporal -method mfn: exit %d: %s", code, stderr)
	}
	var s struct {
		MeanRec     float64 `json:"mean_rec"`
		Base        string  `json:"base"`
		BaseMeanRec float64 `json:"base_mean_rec"`
		Fit         struct {
			Steps        int     `json:"steps"`
			FirstPhysics float64 `json:"first_physics"`
		} `json:"fit"`
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	if s.Base != "linear" || !(s.BaseMeanRec > 0) || !(s.MeanRec > 0) || s.Fit.Steps != 3 || !(s.Fit.FirstPhysics > 0) {
		t.Errorf("scores %+v: want the linear base's rec, 3 steps and the physics term", s)
	}
}

// The residual's dissipation and forcing come from the attributes `pivsr
// gen` writes; a named forcing the residual cannot hold, or a bad value, is
// an error naming the attribute.
func TestTemporalFlowAttributes(t *testing.T) {
	attrs := map[string]string{"viscosity": "0.01", "hyperviscosity": "2e-7", "hyperviscosity_order": "4", "drag": "0.05",
		"forcing": "Kolmogorov", "forcing_amplitude": "1", "forcing_wavenumber": "4"}
	cfg := engine.DefaultTemporalConfig()
	cfg.Method = "mfn"
	fs := flag.NewFlagSet("temporal", flag.ContinueOnError)
	fs.Float64Var(&cfg.Viscosity, "viscosity", 0, "")
	if err := viscosityAttr(fs, &data.Dataset{Attrs: attrs}, &cfg); err != nil {
		t.Fatal(err)
	}
	want := engine.FlowTerms{Hyperviscosity: 2e-7, HyperOrder: 4, Drag: 0.05, ForcingAmplitude: 1, ForcingWavenumber: 4}
	if cfg.Viscosity != 0.01 || cfg.Dissipation != want {
		t.Errorf("viscosity %v, terms %+v: want 0.01 and %+v", cfg.Viscosity, cfg.Dissipation, want)
	}
	for name, bad := range map[string]string{"drag": "-1", "hyperviscosity_order": "0", "forcing_amplitude": "", "viscosity": "x"} {
		a := maps.Clone(attrs)
		if bad == "" {
			delete(a, name)
		} else {
			a[name] = bad
		}
		c := engine.DefaultTemporalConfig()
		c.Method = "mfn"
		if err := viscosityAttr(fs, &data.Dataset{Attrs: a}, &c); err == nil {
			t.Errorf("%s = %q: no error", name, bad)
		}
	}
}
