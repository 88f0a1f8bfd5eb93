package cli

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pivsr/data"
	"pivsr/data/synth"
	"pivsr/engine"
	"pivsr/piv"
)

// writeSeries writes a 3-snapshot turbulence series on a 32 x 32 grid: the
// sparse input (every other node) and its truth, as [T, ...] files.
func writeSeries(t *testing.T, dir string) (input, truth string, sparse []*piv.Field) {
	t.Helper()
	sim, err := synth.NewTurbulence(32).WithSeed(5).Done()
	if err != nil {
		t.Fatal(err)
	}
	ser, err := sim.Series(context.Background(), []float64{0.1, 0.2, 0.3})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ser.Frames {
		s, err := piv.KeepEvery(f, 2, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		sparse = append(sparse, s)
	}
	input, truth = filepath.Join(dir, "sparse.h5"), filepath.Join(dir, "truth.h5")
	for path, fields := range map[string][]*piv.Field{input: sparse, truth: ser.Frames} {
		if err := data.SaveHDF5(path, &data.Dataset{Fields: fields, T: ser.T}, data.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return input, truth, sparse
}

func readBatchManifest(t *testing.T, path string) engine.Manifest {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m engine.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBatchCommand(t *testing.T) {
	dir := t.TempDir()
	input, truth, _ := writeSeries(t, dir)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := run(t, "batch", input, "-o", out, "-method", "bicubic", "-truth", truth)
	if code != ExitOK {
		t.Fatalf("batch exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "3 of 3 snapshots done, 0 failed") {
		t.Errorf("summary %q", stdout)
	}
	m := readBatchManifest(t, filepath.Join(out, "manifest.json"))
	if len(m.Entries) != 3 || m.Config.Method != "bicubic" {
		t.Fatalf("manifest %+v", m)
	}
	for i, e := range m.Entries {
		if e.Status != engine.StatusDone || e.Metrics["nrmse"] <= 0 {
			t.Errorf("entry %d: %+v", i, e)
		}
		ds, err := data.Load(filepath.Join(out, e.Output), data.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if ds.Attrs["snapshot_index"] != strconv.Itoa(i) || len(ds.T) != 1 || math.Abs(ds.T[0]-0.1*float64(i+1)) > 1e-12 || ds.Extra["vorticity"] == nil {
			t.Errorf("%s: index %q, t %v, extra %d: want snapshot %d's output", e.Output, ds.Attrs["snapshot_index"], ds.T, len(ds.Extra), i)
		}
	}
	// Rerun: nothing redone.
	code, _, stderr = run(t, "batch", input, "-o", out, "-method", "bicubic", "-truth", truth)
	if code != ExitOK || strings.Count(stderr, "done before, skipped") != 3 {
		t.Fatalf("rerun exit %d, stderr %q: want 3 snapshots skipped", code, stderr)
	}
	// Another method is refused without -force.
	code, _, stderr = run(t, "batch", input, "-o", out, "-method", "tps", "-truth", truth)
	if code != ExitFailure || !strings.Contains(stderr, "another configuration") {
		t.Fatalf("other method: exit %d, %q", code, stderr)
	}
}

func TestBatchCommandFolderShard(t *testing.T) {
	dir := t.TempDir()
	_, _, sparse := writeSeries(t, dir)
	frames := filepath.Join(dir, "frames")
	if err := os.Mkdir(frames, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, f := range sparse {
		if err := data.SaveHDF5(filepath.Join(frames, "frame"+string(rune('a'+i))+".h5"), &data.Dataset{Fields: []*piv.Field{f}}, data.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(frames, "README"), []byte("three frames\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := run(t, "batch", frames, "-o", out, "-method", "bicubic", "-shard", "1/2")
	if code != ExitOK || !strings.Contains(stdout, "1 of 1 snapshots done") {
		t.Fatalf("shard 1/2: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	m := readBatchManifest(t, filepath.Join(out, engine.ManifestName(1, 2)))
	if len(m.Entries) != 1 || m.Entries[0].Index != 1 || m.Entries[0].Input != filepath.Join(frames, "frameb.h5") {
		t.Fatalf("shard 1/2 manifest entries %+v, want snapshot 1 from frameb.h5", m.Entries)
	}
	if code, _, stderr := run(t, "batch", frames, "-o", out, "-shard", "2/2"); code != ExitUsage {
		t.Fatalf("-shard 2/2: exit %d (%s), want a usage error", code, stderr)
	}
}
