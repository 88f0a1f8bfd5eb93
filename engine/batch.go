package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"pivsr/data"
	"pivsr/models"
	"pivsr/piv"
)

// Series is a time series a batch reconstructs, snapshot by snapshot; a
// snapshot is loaded only when its turn comes.
type Series interface {
	// Len is the number of snapshots.
	Len() int
	// Snapshot returns snapshot t (0 <= t < Len()), and its truth when the
	// series has one (else nil).
	Snapshot(t int) (input, truth *piv.Field, err error)
	// Name says where snapshot t comes from, for the manifest:
	// "run.h5[3]" or "frames/0003.vec".
	Name(t int) string
}

// Batch reconstructs every snapshot of a series (or a shard's share of them)
// into one output file each, in OutDir, keeping a manifest that lets a killed
// batch resume where it stopped.
//
// Each output is written atomically by Save, then the manifest, itself
// rewritten atomically, lists it as done: an output the manifest does not
// list as done is redone (and replaced), so a batch killed at any point
// leaves only complete files listed. A resumed batch skips the snapshots that
// any manifest in OutDir made with the same configuration lists as done and
// whose output exists; it refuses a manifest made with another configuration
// or input unless Force, which redoes everything.
type Batch struct {
	Config Config
	// OutDir receives snapshot_0000.h5 ... and the manifest.
	OutDir string
	// Input describes the series (its path) in the manifest; resuming with
	// another input is refused unless Force.
	Input string
	// Shard and Shards select the snapshots t with t % Shards == Shard;
	// Shards 0 or 1 processes them all. Each shard keeps its own manifest
	// (ManifestName), so that shards may run at once in one OutDir.
	Shard, Shards int
	// Force starts over when the manifests in OutDir were made with another
	// configuration or input.
	Force bool
	// WarmStart starts each neural fit from the parameters of the snapshot
	// this run reconstructed just before (the first starts fresh).
	WarmStart bool
	// (Config.Neural.CheckpointDir, when set for the neural method, holds
	// one folder of checkpoints per snapshot; Config.Neural.Resume is
	// decided per snapshot: a snapshot resumes when its folder holds a
	// checkpoint.)
	// Save writes a snapshot's output to path, atomically (data.SaveHDF5
	// does) and replacing any file there.
	Save func(path string, t int, res *Result, input *piv.Field) error
	// Emit, when not nil, receives the events of snapshot t's run.
	Emit func(t int, ev Event)
	// Log, when not nil, receives one line per snapshot (done, skipped,
	// failed).
	Log func(format string, args ...any)
}

// Manifest is what a batch records in OutDir, as JSON.
type Manifest struct {
	Input      string  `json:"input"`
	Snapshots  int     `json:"snapshots"`
	Shard      int     `json:"shard"`
	Shards     int     `json:"shards"`
	ConfigHash string  `json:"config_hash"`
	Config     Config  `json:"config"`
	Entries    []Entry `json:"entries"` // by snapshot index
}

// Entry records one snapshot's reconstruction.
type Entry struct {
	Index  int    `json:"index"`
	Input  string `json:"input"`
	Output string `json:"output"` // file name in OutDir
	Status string `json:"status"` // StatusDone or StatusFailed
	Error  string `json:"error,omitempty"`
	// Seconds is the wall time of the run and the save.
	Seconds float64 `json:"seconds"`
	// Validation is the rms error at held-out vectors (absent without a
	// holdout); Metrics the scores against the truth, when the series had
	// one (MetricsRecord).
	Validation *float64           `json:"validation_rms,omitempty"`
	Metrics    map[string]float64 `json:"metrics,omitempty"`
	ConfigHash string             `json:"config_hash"`
}

// Entry statuses.
const (
	StatusDone   = "done"
	StatusFailed = "failed"
)

// OutputName is the file snapshot t is written to.
func OutputName(t int) string { return fmt.Sprintf("snapshot_%04d.h5", t) }

// ManifestName is the manifest of shard i of n ("manifest.json" unsharded).
func ManifestName(shard, shards int) string {
	if shards <= 1 {
		return "manifest.json"
	}
	return fmt.Sprintf("manifest.shard-%d-of-%d.json", shard, shards)
}

// operational are the neural settings that change how a run reports and
// saves its progress, not what it computes: ConfigHash leaves them out.
var operational = []string{"SnapshotEvery", "CheckpointDir", "CheckpointEvery", "Resume"}

// ConfigHash identifies what a configuration computes: every setting but the
// operational ones (progress reports, checkpoints).
func ConfigHash(c Config) string {
	var m map[string]any
	b, err := json.Marshal(c)
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil { // cannot happen for a Config of plain values
		return "unhashable: " + err.Error()
	}
	if n, ok := m["Neural"].(map[string]any); ok {
		for _, k := range operational {
			delete(n, k)
		}
	}
	b, _ = json.Marshal(m) // maps marshal with sorted keys: a stable hash
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// MetricsRecord is m as the manifest stores it, keyed like pivsr's JSON
// output; NaN and infinite values are left out. Interior metrics go under
// "interior_" keys.
func MetricsRecord(full, interior *piv.Metrics) map[string]float64 {
	rec := map[string]float64{}
	add := func(prefix string, m *piv.Metrics) {
		if m == nil {
			return
		}
		for k, v := range map[string]float64{"rec": m.Rec, "nrmse": m.NRMSE, "angular_error_deg": m.AngularErrorDeg,
			"mean_abs_div": m.MeanAbsDivergence, "rms_div_over_rms_vort": m.DivergenceToVorticity, "spectrum_log_error": m.SpectrumLogError} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				rec[prefix+k] = v
			}
		}
	}
	add("", full)
	add("interior_", interior)
	if len(rec) == 0 {
		return nil
	}
	return rec
}

// Run processes the batch's snapshots of s in order and returns the
// manifest. Cancelling ctx stops it before the next snapshot (and the
// current run, through Run's context); what was done stays done. Snapshots
// that fail are recorded as failed and the others go on; the error then
// counts them.
func (b *Batch) Run(ctx context.Context, s Series) (*Manifest, error) {
	if err := b.check(s); err != nil {
		return nil, err
	}
	logf := b.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if err := os.MkdirAll(b.OutDir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	hash := ConfigHash(b.Config)
	done, err := b.finished(hash, s.Len())
	if err != nil {
		return nil, err
	}
	shards := max(b.Shards, 1)
	m := &Manifest{Input: b.Input, Snapshots: s.Len(), Shard: b.Shard, Shards: shards, ConfigHash: hash, Config: b.Config}
	for t := range done {
		if t%shards == b.Shard {
			m.Entries = append(m.Entries, done[t])
		}
	}
	sortEntries(m.Entries)
	if err := b.writeManifest(m); err != nil {
		return nil, err
	}
	failed := 0
	var warm *models.State
	// Warm starts continue one network from snapshot to snapshot: a session
	// keeps its backend and compiled graphs too (session.go). Cold starts
	// build everything per snapshot, as a lone run does.
	var sess *session
	if b.WarmStart {
		sess = &session{}
	}
	for t := b.Shard; t < s.Len(); t += shards {
		if err := ctx.Err(); err != nil {
			return m, err
		}
		if _, ok := done[t]; ok {
			logf("snapshot %d: done before, skipped", t)
			continue
		}
		b.removeStaleTemps(t)
		e, state := b.one(ctx, s, t, hash, warm, sess)
		if b.WarmStart && state != nil {
			warm = state
		}
		if e.Status == StatusFailed && ctx.Err() != nil { // interrupted: nothing recorded for t
			return m, ctx.Err()
		}
		m.Entries = setEntry(m.Entries, e)
		if err := b.writeManifest(m); err != nil {
			return m, err
		}
		if e.Status == StatusFailed {
			failed++
			logf("snapshot %d: failed: %s", t, e.Error)
			continue
		}
		logf("snapshot %d: wrote %s in %.1f s", t, e.Output, e.Seconds)
	}
	if failed > 0 {
		return m, fmt.Errorf("%d snapshot(s) failed (see %s); rerun to retry them", failed, filepath.Join(b.OutDir, ManifestName(b.Shard, b.Shards)))
	}
	return m, nil
}

func (b *Batch) check(s Series) error {
	switch {
	case b.OutDir == "":
		return errors.New("batch: no output folder")
	case b.Save == nil:
		return errors.New("batch: no Save function")
	case b.Shards < 0 || b.Shard < 0 || (b.Shards > 1 && b.Shard >= b.Shards) || (b.Shards <= 1 && b.Shard != 0):
		return fmt.Errorf("shard %d of %d: want 0 <= shard < shards", b.Shard, b.Shards)
	case s.Len() == 0:
		return errors.New("the series holds no snapshot")
	}
	return b.Config.Check()
}

// one reconstructs and saves snapshot t, warm-started from warm when not
// nil and with the batch's session (nil: none), and returns the trained
// parameters of a neural fit.
func (b *Batch) one(ctx context.Context, s Series, t int, hash string, warm *models.State, sess *session) (Entry, *models.State) {
	start := time.Now()
	e := Entry{Index: t, Input: s.Name(t), Output: OutputName(t), ConfigHash: hash}
	fail := func(err error) (Entry, *models.State) {
		e.Status, e.Error, e.Seconds = StatusFailed, err.Error(), time.Since(start).Seconds()
		return e, nil
	}
	input, truth, err := s.Snapshot(t)
	if err != nil {
		return fail(err)
	}
	var emit func(Event)
	if b.Emit != nil {
		emit = func(ev Event) { b.Emit(t, ev) }
	}
	cfg, err := b.snapshotConfig(t)
	if err != nil {
		return fail(err)
	}
	cfg.Neural.WarmStart = warm
	res, err := run(ctx, cfg, input, truth, emit, sess)
	if err != nil {
		return fail(err)
	}
	if err := b.Save(filepath.Join(b.OutDir, e.Output), t, res, input); err != nil {
		return fail(err)
	}
	e.Status, e.Seconds = StatusDone, time.Since(start).Seconds()
	if !math.IsNaN(res.Validation) {
		v := res.Validation
		e.Validation = &v
	}
	e.Metrics = MetricsRecord(res.Metrics, res.Interior)
	return e, res.State
}

// snapshotConfig is snapshot t's configuration. With checkpoints, each
// snapshot keeps its own in CheckpointDir/snapshot_NNNN and resumes from it
// when a killed batch left one there (Force starts it afresh).
func (b *Batch) snapshotConfig(t int) (Config, error) {
	cfg := b.Config
	n := &cfg.Neural
	if cfg.Method != "mfn" || n.CheckpointDir == "" {
		return cfg, nil
	}
	n.CheckpointDir = filepath.Join(n.CheckpointDir, strings.TrimSuffix(OutputName(t), ".h5"))
	if b.Force {
		if err := os.RemoveAll(n.CheckpointDir); err != nil {
			return cfg, err
		}
	}
	found, err := checkpointDirs(n.CheckpointDir)
	if err != nil {
		return cfg, err
	}
	n.Resume = len(found) > 0
	return cfg, nil
}

var manifestFile = regexp.MustCompile(`^manifest(\.shard-\d+-of-\d+)?\.json$`)

// finished reads every manifest in OutDir and returns the snapshots done
// with this configuration whose output is there. A manifest of another
// configuration or input is an error, unless Force, which ignores them all.
func (b *Batch) finished(hash string, snapshots int) (map[int]Entry, error) {
	done := map[int]Entry{}
	if b.Force {
		return done, nil
	}
	files, err := os.ReadDir(b.OutDir)
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	for _, f := range files {
		if !manifestFile.MatchString(f.Name()) {
			continue
		}
		path := filepath.Join(b.OutDir, f.Name())
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var m Manifest
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("%s: not a batch manifest (%v); remove it or pass -force", path, err)
		}
		switch {
		case m.ConfigHash != hash:
			return nil, fmt.Errorf("%s was made with another configuration (hash %s, now %s): pass -force to redo every snapshot, or use another output folder", path, m.ConfigHash, hash)
		case m.Input != b.Input:
			return nil, fmt.Errorf("%s was made from %s, not %s: pass -force to redo every snapshot, or use another output folder", path, m.Input, b.Input)
		case m.Snapshots != snapshots:
			return nil, fmt.Errorf("%s lists a series of %d snapshots, the input now holds %d: pass -force to redo every snapshot", path, m.Snapshots, snapshots)
		}
		for _, e := range m.Entries {
			if e.Status != StatusDone || e.ConfigHash != hash || e.Output != OutputName(e.Index) || e.Index < 0 || e.Index >= snapshots {
				continue
			}
			if st, err := os.Stat(filepath.Join(b.OutDir, e.Output)); err != nil || !st.Mode().IsRegular() {
				continue // listed but gone: redo it
			}
			done[e.Index] = e
		}
	}
	return done, nil
}

// writeManifest replaces this shard's manifest atomically.
func (b *Batch) writeManifest(m *Manifest) error {
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	raw = append(raw, '\n')
	return data.WriteAtomic(filepath.Join(b.OutDir, ManifestName(b.Shard, b.Shards)), true, nil, func(tmp string) error {
		return os.WriteFile(tmp, raw, 0o644)
	})
}

// removeStaleTemps deletes the temporary files a killed save of snapshot t
// left (data.WriteAtomic names them .NAME.tmp-*); only this shard writes t.
func (b *Batch) removeStaleTemps(t int) {
	stale, _ := filepath.Glob(filepath.Join(b.OutDir, "."+OutputName(t)+".tmp-*"))
	for _, p := range stale {
		if st, err := os.Lstat(p); err == nil && st.Mode().IsRegular() {
			os.Remove(p)
		}
	}
}

func setEntry(entries []Entry, e Entry) []Entry {
	for i := range entries {
		if entries[i].Index == e.Index {
			entries[i] = e
			return entries
		}
	}
	entries = append(entries, e)
	sortEntries(entries)
	return entries
}

func sortEntries(entries []Entry) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].Index < entries[j].Index })
}

// ParseShard parses "i/n" (0 <= i < n).
func ParseShard(s string) (shard, shards int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		_, err1 := fmt.Sscanf(a, "%d", &shard)
		_, err2 := fmt.Sscanf(b, "%d", &shards)
		ok = err1 == nil && err2 == nil && fmt.Sprintf("%d/%d", shard, shards) == strings.TrimSpace(s)
	}
	if !ok || shards < 1 || shard < 0 || shard >= shards {
		return 0, 0, fmt.Errorf("shard %q: want i/n with 0 <= i < n, e.g. 0/4", s)
	}
	return shard, shards, nil
}
