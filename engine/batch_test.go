package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"pivsr/data"
	"pivsr/data/synth"
	"pivsr/piv"
)

// memSeries is a series held in memory: sparse inputs and their truths.
type memSeries struct{ inputs, truths []*piv.Field }

func (s memSeries) Len() int { return len(s.inputs) }
func (s memSeries) Snapshot(t int) (*piv.Field, *piv.Field, error) {
	return s.inputs[t], s.truths[t], nil
}
func (s memSeries) Name(t int) string { return fmt.Sprintf("series.h5[%d]", t) }

var (
	testSeriesOnce sync.Once
	testSeries     memSeries
	testSeriesErr  error
)

// turbulenceSeries is a 3-snapshot decaying turbulence on a 32 x 32 grid,
// every other node kept as the sparse input.
func turbulenceSeries(t *testing.T) memSeries {
	t.Helper()
	testSeriesOnce.Do(func() {
		sim, err := synth.NewTurbulence(32).WithSeed(3).Done()
		if err != nil {
			testSeriesErr = err
			return
		}
		ser, err := sim.Series(context.Background(), []float64{0.1, 0.2, 0.3})
		if err != nil {
			testSeriesErr = err
			return
		}
		for _, f := range ser.Frames {
			sparse, err := piv.KeepEvery(f, 2, 0, 0)
			if err != nil {
				testSeriesErr = err
				return
			}
			testSeries.inputs = append(testSeries.inputs, sparse)
			testSeries.truths = append(testSeries.truths, f)
		}
	})
	if testSeriesErr != nil {
		t.Fatal(testSeriesErr)
	}
	return testSeries
}

func batchConfig() Config {
	cfg := DefaultConfig()
	cfg.Method, cfg.Border = "bicubic", 4
	return cfg
}

// recorder saves outputs with data.SaveHDF5 and records which snapshots it
// saved; after is called once a snapshot is saved.
type recorder struct {
	mu    sync.Mutex
	saved []int
	after func(t int)
}

func (r *recorder) save(path string, t int, res *Result, _ *piv.Field) error {
	ds := &data.Dataset{Fields: []*piv.Field{res.Field}, Units: res.Field.Units}
	if err := data.SaveHDF5(path, ds, data.SaveOptions{Force: true}); err != nil {
		return err
	}
	r.mu.Lock()
	r.saved = append(r.saved, t)
	r.mu.Unlock()
	if r.after != nil {
		r.after(t)
	}
	return nil
}

func readManifest(t *testing.T, path string) Manifest {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// killedAfter returns a context cancelled, as a kill would stop the batch,
// once the recorder has saved snapshot last.
func killedAfter(t *testing.T, last int) (context.Context, *recorder) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx, &recorder{after: func(i int) {
		if i == last {
			cancel()
		}
	}}
}

func TestBatchResumesAfterKill(t *testing.T) {
	s := turbulenceSeries(t)
	dir := t.TempDir()
	ctx, first := killedAfter(t, 1)
	b := &Batch{Config: batchConfig(), OutDir: dir, Input: "series.h5", Save: first.save}
	if _, err := b.Run(ctx, s); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted batch returned %v, want context.Canceled", err)
	}
	if !slices.Equal(first.saved, []int{0, 1}) {
		t.Fatalf("before the kill saved %v, want [0 1]", first.saved)
	}
	m := readManifest(t, filepath.Join(dir, "manifest.json"))
	if len(m.Entries) != 2 || m.Entries[1].Status != StatusDone {
		t.Fatalf("manifest after the kill: %+v, want snapshots 0 and 1 done", m.Entries)
	}
	// A kill while saving snapshot 2 would have left a temporary file, and a
	// kill between the save and the manifest an output not listed as done.
	stale := filepath.Join(dir, "."+OutputName(2)+".tmp-123")
	if err := os.WriteFile(stale, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, OutputName(2)), []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}

	second := &recorder{}
	b.Save = second.save
	m2, err := b.Run(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(second.saved, []int{2}) {
		t.Fatalf("the resumed batch saved %v, want only [2]", second.saved)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file still there (%v)", err)
	}
	onDisk := readManifest(t, filepath.Join(dir, "manifest.json"))
	if len(onDisk.Entries) != 3 || len(m2.Entries) != 3 {
		t.Fatalf("manifest lists %d entries (%d returned), want 3", len(onDisk.Entries), len(m2.Entries))
	}
	for i, e := range onDisk.Entries {
		if e.Index != i || e.Status != StatusDone || e.Output != OutputName(i) || e.ConfigHash != ConfigHash(b.Config) {
			t.Errorf("entry %d = %+v", i, e)
		}
		if e.Metrics["nrmse"] <= 0 || e.Metrics["interior_nrmse"] <= 0 {
			t.Errorf("entry %d has no metrics against the truth: %v", i, e.Metrics)
		}
		// Each output is complete: it reads back as the reconstruction of
		// that snapshot.
		ds, err := data.Load(filepath.Join(dir, e.Output), data.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := Run(context.Background(), b.Config, s.inputs[i], nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ds.Fields[0].U, want.Field.U) || !slices.Equal(ds.Fields[0].V, want.Field.V) {
			t.Errorf("%s does not hold snapshot %d's reconstruction", e.Output, i)
		}
	}

	// Nothing left to do: a third run saves nothing.
	third := &recorder{}
	b.Save = third.save
	if _, err := b.Run(context.Background(), s); err != nil || len(third.saved) != 0 {
		t.Fatalf("a finished batch rerun saved %v (error %v), want nothing", third.saved, err)
	}
}

func TestBatchRefusesAnotherConfiguration(t *testing.T) {
	s := turbulenceSeries(t)
	dir := t.TempDir()
	r := &recorder{}
	b := &Batch{Config: batchConfig(), OutDir: dir, Input: "series.h5", Save: r.save}
	if _, err := b.Run(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	b.Config.Method = "tps"
	if _, err := b.Run(context.Background(), s); err == nil || !strings.Contains(err.Error(), "another configuration") {
		t.Fatalf("resuming with another method: %v, want a refusal", err)
	}
	b.Config.Method = "bicubic"
	b.Input = "other.h5"
	if _, err := b.Run(context.Background(), s); err == nil || !strings.Contains(err.Error(), "was made from series.h5") {
		t.Fatalf("resuming with another input: %v, want a refusal", err)
	}
	b.Config.Method, b.Force, r.saved = "tps", true, nil
	if _, err := b.Run(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.saved, []int{0, 1, 2}) {
		t.Fatalf("-force saved %v, want every snapshot redone", r.saved)
	}
	if m := readManifest(t, filepath.Join(dir, "manifest.json")); m.Config.Method != "tps" || m.ConfigHash != ConfigHash(b.Config) {
		t.Errorf("manifest after -force records method %q, hash %s", m.Config.Method, m.ConfigHash)
	}
}

func TestBatchShardsCoverEverySnapshotOnce(t *testing.T) {
	s := turbulenceSeries(t)
	dir := t.TempDir()
	r := &recorder{}
	const shards = 2
	for i := range shards {
		b := &Batch{Config: batchConfig(), OutDir: dir, Input: "series.h5", Shard: i, Shards: shards, Save: r.save}
		m, err := b.Run(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range m.Entries {
			if e.Index%shards != i {
				t.Errorf("shard %d processed snapshot %d", i, e.Index)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, ManifestName(i, shards))); err != nil {
			t.Errorf("shard %d wrote no manifest of its own: %v", i, err)
		}
	}
	got := slices.Clone(r.saved)
	slices.Sort(got)
	if !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("shards saved %v, want each of 0, 1, 2 once", got)
	}
	// An unsharded run over the same folder finds everything done.
	r.saved = nil
	b := &Batch{Config: batchConfig(), OutDir: dir, Input: "series.h5", Save: r.save}
	if _, err := b.Run(context.Background(), s); err != nil || len(r.saved) != 0 {
		t.Fatalf("unsharded run after the shards saved %v (error %v), want nothing", r.saved, err)
	}
}

func TestBatchRecordsFailures(t *testing.T) {
	s := turbulenceSeries(t)
	dir := t.TempDir()
	r := &recorder{}
	b := &Batch{Config: batchConfig(), OutDir: dir, Input: "series.h5", Save: func(path string, t int, res *Result, in *piv.Field) error {
		if t == 1 {
			return errors.New("disk full")
		}
		return r.save(path, t, res, in)
	}}
	_, err := b.Run(context.Background(), s)
	if err == nil || !strings.Contains(err.Error(), "1 snapshot(s) failed") {
		t.Fatalf("batch with a failing save: %v, want one failure reported", err)
	}
	m := readManifest(t, filepath.Join(dir, "manifest.json"))
	if len(m.Entries) != 3 || m.Entries[1].Status != StatusFailed || !strings.Contains(m.Entries[1].Error, "disk full") || m.Entries[2].Status != StatusDone {
		t.Fatalf("manifest entries %+v, want 1 failed with its error, 0 and 2 done", m.Entries)
	}
	// The rerun retries the failed snapshot only.
	r.saved = nil
	b.Save = r.save
	if _, err := b.Run(context.Background(), s); err != nil || !slices.Equal(r.saved, []int{1}) {
		t.Fatalf("rerun saved %v (error %v), want [1]", r.saved, err)
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in            string
		shard, shards int
		ok            bool
	}{
		{"0/4", 0, 4, true},
		{"3/4", 3, 4, true},
		{"0/1", 0, 1, true},
		{"4/4", 0, 0, false},
		{"-1/4", 0, 0, false},
		{"1/0", 0, 0, false},
		{"1", 0, 0, false},
		{"a/b", 0, 0, false},
		{"1/4x", 0, 0, false},
	} {
		shard, shards, err := ParseShard(tc.in)
		if (err == nil) != tc.ok || shard != tc.shard || shards != tc.shards {
			t.Errorf("ParseShard(%q) = %d, %d, %v", tc.in, shard, shards, err)
		}
	}
}

func TestConfigHash(t *testing.T) {
	base := batchConfig()
	same := base
	same.Neural.SnapshotEvery = 7 // progress reports change nothing computed
	if ConfigHash(same) != ConfigHash(base) {
		t.Error("the hash depends on SnapshotEvery")
	}
	for name, change := range map[string]func(*Config){
		"method":  func(c *Config) { c.Method = "tps" },
		"scale":   func(c *Config) { c.Scale = 2 },
		"seed":    func(c *Config) { c.Seed++ },
		"steps":   func(c *Config) { c.Neural.Steps++ },
		"backend": func(c *Config) { c.Neural.Backend = "go" },
	} {
		c := base
		change(&c)
		if ConfigHash(c) == ConfigHash(base) {
			t.Errorf("changing the %s leaves the hash unchanged", name)
		}
	}
}

// A batch reconstructs each snapshot of a series into its own file; run
// again, it finds everything done.
func ExampleBatch() {
	dir, err := os.MkdirTemp("", "batch")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	var series memSeries
	for range 2 {
		truth := periodicTruth(16)
		sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
		series.inputs, series.truths = append(series.inputs, sparse), append(series.truths, truth)
	}
	b := &Batch{Config: batchConfig(), OutDir: dir, Input: "series.h5",
		Save: func(path string, t int, res *Result, _ *piv.Field) error {
			return data.SaveHDF5(path, &data.Dataset{Fields: []*piv.Field{res.Field}}, data.SaveOptions{Force: true})
		},
	}
	m, err := b.Run(context.Background(), series)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range m.Entries {
		fmt.Println(e.Index, e.Output, e.Status)
	}
	b.Log = func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	if _, err := b.Run(context.Background(), series); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 0 snapshot_0000.h5 done
	// 1 snapshot_0001.h5 done
	// snapshot 0: done before, skipped
	// snapshot 1: done before, skipped
}

func TestBatchKeepsCheckpointsPerSnapshot(t *testing.T) {
	s := turbulenceSeries(t)
	s = memSeries{inputs: s.inputs[:2], truths: s.truths[:2]}
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.Neural.Backend, cfg.Neural.Steps, cfg.Neural.Hidden, cfg.Neural.Filters, cfg.Neural.Collocation = "go", 4, 8, 2, 64
	cfg.Neural.WarmupSteps, cfg.Neural.SnapshotEvery = 1, 0
	cfg.Neural.CheckpointDir = filepath.Join(dir, "ckpt")
	r := &recorder{}
	b := &Batch{Config: cfg, OutDir: filepath.Join(dir, "out"), Input: "series.h5", Save: r.save}
	if _, err := b.Run(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		found, err := checkpointDirs(filepath.Join(cfg.Neural.CheckpointDir, fmt.Sprintf("snapshot_%04d", i)))
		if err != nil || len(found) == 0 {
			t.Errorf("snapshot %d: no checkpoint of its own (%v)", i, err)
		}
	}
	// A snapshot redone (its output lost) resumes from its own checkpoint.
	if err := os.Remove(filepath.Join(b.OutDir, OutputName(1))); err != nil {
		t.Fatal(err)
	}
	r.saved = nil
	if _, err := b.Run(context.Background(), s); err != nil || !slices.Equal(r.saved, []int{1}) {
		t.Fatalf("rerun after losing snapshot 1's output saved %v (error %v), want [1] resumed", r.saved, err)
	}
	// Checkpoints do not enter the hash: a batch without them resumes.
	b.Config.Neural.CheckpointDir, r.saved = "", nil
	if _, err := b.Run(context.Background(), s); err != nil || len(r.saved) != 0 {
		t.Fatalf("rerun without checkpoints saved %v (error %v), want nothing", r.saved, err)
	}
	// -force starts each snapshot afresh, its old checkpoints removed.
	b.Config.Neural.CheckpointDir, b.Force = cfg.Neural.CheckpointDir, true
	if _, err := b.Run(context.Background(), s); err != nil || len(r.saved) != 2 {
		t.Fatalf("forced rerun saved %v (error %v), want both snapshots", r.saved, err)
	}
}
