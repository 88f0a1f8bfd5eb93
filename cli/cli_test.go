package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"pivsr/data"
	"pivsr/piv"
	"pivsr/transport"
)

// run executes a pivsr command line in-process.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Run(args, &o, &e)
	return code, o.String(), e.String()
}

// writeTaylorGreen writes a 64 x 64 Taylor-Green field, divergence-free and
// with vorticity 2 sin x sin y, and returns its path.
func writeTaylorGreen(t *testing.T, dir string) string {
	t.Helper()
	n := 64
	h := 2 * math.Pi / float64(n)
	g := piv.UniformGrid(n, n, 0, 0, h, h)
	f := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			f.U[g.Index(i, j)] = math.Sin(x) * math.Cos(y)
			f.V[g.Index(i, j)] = -math.Cos(x) * math.Sin(y)
		}
	}
	path := filepath.Join(dir, "tg.h5")
	if err := data.SaveHDF5(path, &data.Dataset{Fields: []*piv.Field{f}}, data.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUsageErrorsExitTwo(t *testing.T) {
	dir := t.TempDir()
	tg := writeTaylorGreen(t, dir)
	for _, args := range [][]string{
		{},
		{"no-such-command"},
		{"info"},
		{"info", tg, "-bogus"},
		{"sparsify", tg},
		{"sparsify", tg, "-o", filepath.Join(dir, "s.h5")},
		{"sparsify", tg, "-o", filepath.Join(dir, "s.h5"), "-density", "2"},
		{"eval", tg},
		{"convert", tg},
		{"info", tg, "-u", "ux"},
		{"info", tg, "-format", "xls"},
	} {
		code, _, stderr := run(t, args...)
		if code != ExitUsage {
			t.Errorf("pivsr %s: exit %d, want %d (stderr %q)", strings.Join(args, " "), code, ExitUsage, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "s.h5")); err == nil {
		t.Error("a usage error wrote an output file")
	}
}

func TestHelpExitsZeroAndListsFlags(t *testing.T) {
	for _, name := range []string{"info", "convert", "derive", "eval", "sparsify", "train", "gen"} {
		code, stdout, _ := run(t, name, "-h")
		if code != ExitOK || strings.Count(stdout, "Usage: pivsr "+name) != 1 {
			t.Errorf("pivsr %s -h: exit %d, want the usage once, got %q", name, code, stdout)
		}
	}
	code, stdout, _ := run(t, "help")
	if code != ExitOK || !strings.Contains(stdout, "derive") {
		t.Errorf("pivsr help: exit %d, output %q", code, stdout)
	}
}

func TestMissingInputFailsNamingTheFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.h5")
	out := filepath.Join(dir, "out.h5")
	code, _, stderr := run(t, "convert", missing, "-o", out)
	if code != ExitFailure || !strings.Contains(stderr, missing) {
		t.Errorf("exit %d, stderr %q: want exit 1 naming %s", code, stderr, missing)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed convert left an output file")
	}
}

func TestInfoJSON(t *testing.T) {
	tg := writeTaylorGreen(t, t.TempDir())
	code, stdout, stderr := run(t, "info", tg, "-json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var fi fileInfo
	if err := json.Unmarshal([]byte(stdout), &fi); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if fi.Kind != "grid" || fi.NX != 64 || fi.NY != 64 || fi.Valid != 64*64 || fi.NaN != 0 || !fi.Uniform {
		t.Errorf("unexpected info %+v", fi)
	}
}

func TestSparsifyEvalDerive(t *testing.T) {
	dir := t.TempDir()
	tg := writeTaylorGreen(t, dir)
	sparse := filepath.Join(dir, "sparse.h5")
	if code, _, stderr := run(t, "sparsify", tg, "-o", sparse, "-every", "4", "-noise", "0.01", "-seed", "3"); code != ExitOK {
		t.Fatalf("sparsify: exit %d: %s", code, stderr)
	}
	ds, err := data.Load(sparse, data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ds.Fields[0].NumValid(); got != 16*16 {
		t.Errorf("sparsify -every 4 kept %d vectors, want 256", got)
	}
	// Without -force the output is kept; with it, replaced.
	if code, _, stderr := run(t, "sparsify", tg, "-o", sparse, "-every", "2"); code != ExitFailure || !strings.Contains(stderr, "-force") {
		t.Errorf("overwrite without -force: exit %d, stderr %q", code, stderr)
	}

	// The sparse field scored where it is valid: only the noise remains.
	code, stdout, stderr := run(t, "eval", sparse, tg, "-where-valid", "-json")
	if code != ExitOK {
		t.Fatalf("eval: exit %d: %s", code, stderr)
	}
	var row evalResult
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &row); err != nil {
		t.Fatal(err)
	}
	if row.Scored != 256 || row.Rec < 0.5e-4 || row.Rec > 2e-4 {
		t.Errorf("noise 0.01 should give rec near 1e-4 on 256 vectors, got %+v", row)
	}

	// The truth against itself scores zero on the full grid and the interior.
	code, stdout, _ = run(t, "eval", tg, tg)
	if code != ExitOK || !strings.Contains(stdout, "interior (border 8)") {
		t.Fatalf("eval truth truth: exit %d\n%s", code, stdout)
	}

	derived := filepath.Join(dir, "derived.h5")
	code, stdout, stderr = run(t, "derive", tg, "-o", derived, "-json")
	if code != ExitOK {
		t.Fatalf("derive: exit %d: %s", code, stderr)
	}
	var s derivedSummary
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &s); err != nil {
		t.Fatal(err)
	}
	// rms of 2 sin x sin y is 1; the divergence is round-off and edge error.
	if math.Abs(float64(s.RMSVorticity)-1) > 0.02 || s.DivergenceToVorticity > 0.01 {
		t.Errorf("Taylor-Green summary %+v: want rms vorticity 1 and no divergence", s)
	}
	out, err := data.Load(derived, data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Attrs[data.AttrCommandLine] == "" || !strings.Contains(out.Attrs[data.AttrInputs], "tg.h5") {
		t.Errorf("derived file lacks provenance: %v", out.Attrs)
	}
}

func TestOTCompare(t *testing.T) {
	dir := t.TempDir()
	tg := writeTaylorGreen(t, dir)
	// A field compared with itself is at distance zero in every respect.
	code, stdout, stderr := run(t, "ot", "compare", tg, tg, "-json", "-slices", "50")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(rows) != 7 {
		t.Fatalf("got %d rows, want 7:\n%s", len(rows), stdout)
	}
	for _, line := range rows {
		var r transport.Comparison
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.Value) > 1e-9 {
			t.Errorf("%s %s of a field against itself = %v, want 0", r.Quantity, r.Distance, r.Value)
		}
	}
	if code, _, _ := run(t, "ot", "frobnicate"); code != ExitUsage {
		t.Errorf("unknown ot subcommand: exit %d, want 2", code)
	}
}

func TestInterruptedCommandsExitWithTheShellCode(t *testing.T) {
	var stderr bytes.Buffer
	e := &env{stderr: &stderr}
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143, syscall.SIGHUP: 129} {
		if got := exitCode(e, "train", interruptError{sig: sig, err: context.Canceled}); got != want {
			t.Errorf("%v: exit %d, want %d", sig, got, want)
		}
	}
}

func TestTrainWritesTheDenseFieldAndScores(t *testing.T) {
	dir := t.TempDir()
	tg, sparse := sparseTaylorGreen(t, dir)
	out := filepath.Join(dir, "dense.h5")
	// rbf is the name for the thin-plate spline.
	code, stdout, stderr := run(t, "train", sparse, "-o", out, "-truth", tg, "-method", "rbf", "-json")
	if code != ExitOK {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	var sawMetrics bool
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if ev["event"] == "metrics" {
			sawMetrics = true
			full := ev["full"].(map[string]any)
			if rec := full["rec"].(float64); rec > 1e-3 {
				t.Errorf("thin-plate rec %v on Taylor-Green every 4th vector", rec)
			}
		}
	}
	if !sawMetrics {
		t.Errorf("no metrics event in %s", stdout)
	}
	ds, err := data.Load(out, data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Fields[0].NumValid() != 64*64 || ds.Extra["vorticity"] == nil || ds.Extra["input_mask"] == nil || ds.Attrs["metrics"] == "" {
		t.Errorf("output lacks the dense field, vorticity, input mask or metrics: attrs %v", ds.Attrs)
	}
	if ds.Attrs["method"] != "tps" {
		t.Errorf("-method rbf ran %q, want tps", ds.Attrs["method"])
	}
}

func TestDemoRunsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, "demo", "-o", dir, "-n", "64", "-every", "4", "-steps", "20", "-backend", "go", "-hidden", "16")
	if code != ExitOK {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Reconstructions", "mfn (on", "tps", "median test caught"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	for _, name := range []string{"truth.h5", "sparse.h5", "mfn.h5", "spectra.png", "losses.png", "vorticity_mfn.png", "error_mfn.png"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("demo did not write %s: %v", name, err)
		}
	}
	// Run again: the demo replaces its own files.
	if code, _, stderr := run(t, "demo", "-o", dir, "-n", "32", "-every", "4", "-steps", "5", "-backend", "go", "-hidden", "8"); code != ExitOK {
		t.Fatalf("second demo run: exit %d: %s", code, stderr)
	}
}

// sparseTaylorGreen writes a Taylor-Green truth to dir and its every 4th
// vector (pivsr sparsify), returning both paths.
func sparseTaylorGreen(t *testing.T, dir string) (truth, sparse string) {
	t.Helper()
	truth = writeTaylorGreen(t, dir)
	sparse = filepath.Join(dir, "sparse.h5")
	if code, _, stderr := run(t, "sparsify", truth, "-o", sparse, "-every", "4"); code != ExitOK {
		t.Fatalf("sparsify: %s", stderr)
	}
	return truth, sparse
}
