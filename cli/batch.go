package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"pivsr/data"
	"pivsr/engine"
	"pivsr/piv"
)

func init() {
	register(command{name: "batch", summary: "reconstruct every snapshot of a time series, resumably (campaigns, Slurm arrays)", run: runBatch})
}

func runBatch(e *env, args []string) error {
	fs := newFlags(e, "batch", "INPUT_SERIES -o OUTDIR", `
Reconstruct every snapshot of a time series: a file of [T, ...] arrays, or a
folder of files (one snapshot each) taken in name order. Each snapshot is
written to OUTDIR/snapshot_0000.h5, ... (the content of 'pivsr train''s
output), atomically, and OUTDIR/manifest.json records, after each one, its
input, output, status, metrics, time and the configuration's hash.

A killed batch run again with the same command continues where it stopped:
finished snapshots are not redone, and an output not listed as done in the
manifest is redone. A different configuration is refused unless -force,
which redoes every snapshot.

-shard i/n processes the snapshots t with t % n == i, each shard with its own
manifest (manifest.shard-i-of-n.json) in the shared OUTDIR, so a Slurm array
can run the shards at once:
  sbatch --array=0-7 --wrap 'pivsr batch run.h5 -o out -shard $SLURM_ARRAY_TASK_ID/8'
The method flags are those of 'pivsr train'. With -checkpoint-dir, each
snapshot of the neural method keeps its checkpoints in DIR/snapshot_NNNN and
a snapshot killed mid-training resumes from them (-resume is implied). With
-warm-start, each neural fit starts from the network the previous snapshot
of this run trained (the first, and the first after a restart, start fresh),
with no learning-rate warm-up and a quarter of the -patience, on the same
backend and compiled graphs.`)
	var tf trainFlags
	var in inputFlags
	tf.register(fs)
	in.register(fs)
	outDir := fs.String("o", "", "output folder (required; created when missing)")
	shard := fs.String("shard", "", "i/n: process only the snapshots t with t % n == i")
	force := fs.Bool("force", false, "redo every snapshot even when OUTDIR holds a batch made with another configuration")
	warm := fs.Bool("warm-start", false, "start each neural fit from the previous snapshot's trained network")
	float32 := fs.Bool("float32", false, "store velocities as float32 instead of float64")
	truthPath := fs.String("truth", "", "ground-truth series (same layout and length) to score each snapshot")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *outDir == "" {
		return usagef("-o OUTDIR is required")
	}
	if err := firstErr(in.check(), tf.check()); err != nil {
		return err
	}
	// Nothing here shows intermediate fields: computing them (a prediction
	// over the whole target grid every SnapshotEvery steps) would be wasted.
	// The setting is operational, outside the manifest's hash.
	tf.cfg.Neural.SnapshotEvery = 0
	b := &engine.Batch{Config: tf.cfg, OutDir: *outDir, Force: *force, WarmStart: *warm, Log: e.logf}
	if *shard != "" {
		if b.Shard, b.Shards, err = engine.ParseShard(*shard); err != nil {
			return usagef("-shard: %v", err)
		}
	}
	series, err := openSeries(pos[0], &in)
	if err != nil {
		return err
	}
	if b.Input, err = filepath.Abs(pos[0]); err != nil {
		return err
	}
	if *truthPath != "" {
		if series.truth, err = openSeries(*truthPath, &in); err != nil {
			return err
		}
		if series.truth.Len() != series.Len() {
			return fmt.Errorf("-truth %s holds %d snapshots, the input %d", *truthPath, series.truth.Len(), series.Len())
		}
	}
	b.Save = func(path string, t int, res *engine.Result, input *piv.Field) error {
		ds, err := resultDataset(res, input, tf.cfg)
		if err != nil {
			return err
		}
		if tt, ok := series.time(t); ok {
			ds.T = []float64{tt}
		}
		ds.Attrs["snapshot_index"] = fmt.Sprint(t)
		ds.Attrs["snapshot_input"] = series.Name(t)
		prov := data.NewProvenance(Version, series.files(t)...)
		prov.Args = e.cmdline
		return data.SaveHDF5(path, ds, data.SaveOptions{Float32: *float32, Force: true, Provenance: prov})
	}
	report := newReporter(e, false)
	b.Emit = func(t int, ev engine.Event) { report.event(ev) }
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	m, err := b.Run(ctx, series)
	if m != nil {
		done, failed := 0, 0
		for _, en := range m.Entries {
			switch en.Status {
			case engine.StatusDone:
				done++
			case engine.StatusFailed:
				failed++
			}
		}
		mine := (m.Snapshots - m.Shard + m.Shards - 1) / m.Shards
		fmt.Fprintf(e.stdout, "%d of %d snapshots done, %d failed; manifest %s\n", done, mine, failed, filepath.Join(*outDir, engine.ManifestName(m.Shard, m.Shards)))
	}
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("interrupted: %w (finished snapshots are kept; run the same command to continue)", err)
	}
	return err
}

// snapshotSeries is a time series read from one file of [T, ...] arrays
// (loaded once) or from a folder of files of one snapshot each (each loaded
// when its turn comes).
type snapshotSeries struct {
	in    *inputFlags
	path  string
	ds    *data.Dataset // the file's content; nil for a folder
	names []string      // a folder's files
	truth *snapshotSeries
}

// openSeries opens path, a series file or a folder of snapshot files.
func openSeries(path string, in *inputFlags) (*snapshotSeries, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	s := &snapshotSeries{in: in, path: path}
	if !st.IsDir() {
		if s.ds, err = in.load(path); err != nil {
			return nil, err
		}
		if _, err := gridFields(path, s.ds, "batch"); err != nil {
			return nil, err
		}
		return s, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	for _, en := range entries {
		name := en.Name()
		if strings.HasPrefix(name, ".") || !en.Type().IsRegular() {
			continue
		}
		if in.opt.Format == "" {
			if _, err := data.DetectFormat(filepath.Join(path, name)); err != nil {
				continue // not a velocity file (a README, say)
			}
		}
		s.names = append(s.names, name)
	}
	sort.Strings(s.names)
	if len(s.names) == 0 {
		return nil, fmt.Errorf("%s: no velocity file in the folder", path)
	}
	return s, nil
}

func (s *snapshotSeries) Len() int {
	if s.ds != nil {
		return s.ds.Snapshots()
	}
	return len(s.names)
}

func (s *snapshotSeries) Name(t int) string {
	if s.ds != nil {
		return fmt.Sprintf("%s[%d]", s.path, t)
	}
	return filepath.Join(s.path, s.names[t])
}

func (s *snapshotSeries) Snapshot(t int) (input, truth *piv.Field, err error) {
	if input, err = s.field(t); err != nil {
		return nil, nil, err
	}
	if s.truth != nil {
		if truth, err = s.truth.field(t); err != nil {
			return nil, nil, fmt.Errorf("-truth: %w", err)
		}
	}
	return input, truth, nil
}

func (s *snapshotSeries) field(t int) (*piv.Field, error) {
	if s.ds != nil {
		return s.ds.Fields[t], nil
	}
	path := filepath.Join(s.path, s.names[t])
	ds, err := s.in.load(path)
	if err != nil {
		return nil, err
	}
	fields, err := gridFields(path, ds, "batch")
	if err != nil {
		return nil, err
	}
	if len(fields) != 1 {
		return nil, fmt.Errorf("%s holds %d snapshots; a series folder wants one per file", path, len(fields))
	}
	return fields[0], nil
}

// time is snapshot t's time, when the series file records times.
func (s *snapshotSeries) time(t int) (float64, bool) {
	if s.ds != nil && t < len(s.ds.T) {
		return s.ds.T[t], true
	}
	return 0, false
}

// files are the files snapshot t was computed from, for the provenance.
func (s *snapshotSeries) files(t int) []string {
	var files []string
	for _, x := range []*snapshotSeries{s, s.truth} {
		switch {
		case x == nil:
		case x.ds != nil:
			files = append(files, x.path)
		default:
			files = append(files, filepath.Join(x.path, x.names[t]))
		}
	}
	return files
}
