package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"time"

	"pivsr/data"
	"pivsr/engine"
	"pivsr/piv"
)

func init() {
	register(command{name: "train", summary: "reconstruct a sparse field on a dense grid (neural field or a classical method)", run: runTrain})
}

// trainFlags are the settings of a reconstruction; the demo shares them.
type trainFlags struct {
	cfg  engine.Config
	grid string
}

func (t *trainFlags) register(fs *flag.FlagSet) {
	t.cfg = engine.DefaultConfig()
	c := &t.cfg
	fs.Func("method", "mfn (physics-informed neural field; the default), spectral, tps (thin-plate RBF; rbf is the same), dfrbf, bicubic or smoothn",
		func(s string) error {
			if s == "rbf" {
				s = "tps"
			}
			c.Method = s
			return nil
		})
	fs.IntVar(&c.Scale, "scale", 0, "refine the input grid by this factor")
	fs.StringVar(&t.grid, "grid", "", "target grid NXxNY over the input's extent")
	fs.StringVar(&c.Boundary, "boundary", c.Boundary, "auto (detect periodic data), periodic or open")
	fs.Float64Var(&c.Holdout, "holdout", c.Holdout, "share of the vectors held out to validate the neural fit")
	if fs.Lookup("seed") == nil { // the demo's generator flags already define it
		fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed")
	}
	fs.IntVar(&c.Border, "border", c.Border, "nodes dropped on each side for the interior metrics")
	n := &c.Neural
	fs.StringVar(&n.Backend, "backend", n.Backend, "auto, go, xla:cuda or xla:/path/to/pjrt_plugin.so")
	fs.IntVar(&n.Steps, "steps", n.Steps, "training steps of the neural field")
	fs.Float64Var(&n.LearningRate, "lr", n.LearningRate, "peak learning rate (Adam)")
	fs.Float64Var(&n.DivergenceWeight, "div-weight", n.DivergenceWeight, "weight of the divergence-free penalty")
	fs.IntVar(&n.Hidden, "hidden", n.Hidden, "hidden width of the neural field")
	fs.IntVar(&n.Filters, "filters", n.Filters, "filters of the multiplicative filter network")
	fs.Float64Var(&n.StructureWeight, "sf-weight", n.StructureWeight, "weight of the structure-function sub-grid prior (0: off)")
	fs.StringVar(&n.StructureLaw, "sf-law", n.StructureLaw, "structure-function law below the input spacing: fit, smooth (S2 ~ r^2) or k41 (S2 ~ r^(2/3))")
	fs.BoolVar(&n.StreamFunction, "stream-function", n.StreamFunction, "hard divergence-free neural field: the network is a stream function psi, velocity (dpsi/dy, -dpsi/dx)")
	fs.Float64Var(&n.SmoothnessWeight, "smooth-weight", n.SmoothnessWeight, "weight of the vorticity-gradient smoothness term mean |grad omega|^2 (0: off)")
	fs.IntVar(&n.Patience, "patience", n.Patience, "stop after this many steps without a better validation error (0: never)")
	fs.StringVar(&n.CheckpointDir, "checkpoint-dir", "", "directory for training checkpoints (written every -checkpoint-every steps and when interrupted)")
	fs.IntVar(&n.CheckpointEvery, "checkpoint-every", n.CheckpointEvery, "steps between checkpoints (0: only when interrupted and at the end)")
	fs.BoolVar(&n.Resume, "resume", false, "continue from the last checkpoint in -checkpoint-dir")
}

func (t *trainFlags) check() error {
	if t.grid != "" {
		nx, ny, err := gridSize(t.grid)
		if err != nil {
			return usagef("-grid: %v", err)
		}
		t.cfg.NX, t.cfg.NY = nx, ny
	}
	if t.cfg.Neural.Resume && t.cfg.Neural.CheckpointDir == "" {
		return usagef("-resume needs -checkpoint-dir")
	}
	if err := t.cfg.Check(); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

func runTrain(e *env, args []string) error {
	fs := newFlags(e, "train", "INPUT -o OUTPUT", `
Reconstruct a sparse velocity field on a dense grid. The default method is
the physics-informed neural field (a multiplicative filter network fitted to
the valid vectors, regularised to be divergence-free); the classical methods
users compare with are there too. Without -scale or -grid the input's own
grid is filled. With -truth, the result is scored (full grid and interior).
Progress goes to stderr, or to stdout as one JSON object per line with -json.
The output holds the dense u, v, vorticity, divergence, the input mask, the
configuration, the final metrics and provenance.`)
	var tf trainFlags
	var in inputFlags
	var out outputFlags
	tf.register(fs)
	in.register(fs)
	out.register(fs)
	truthPath := fs.String("truth", "", "ground truth on the target grid, to score the result")
	asJSON := fs.Bool("json", false, "progress as JSON lines on stdout")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if err := firstErr(in.check(), out.check(), tf.check()); err != nil {
		return err
	}
	_, fields, err := in.loadGrid(pos[0], "train")
	if err != nil {
		return err
	}
	if len(fields) != 1 {
		return fmt.Errorf("%s holds %d snapshots; train reconstructs one (batch processing of series comes with 'pivsr batch')", pos[0], len(fields))
	}
	var truth *piv.Field
	inputs := []string{pos[0]}
	if *truthPath != "" {
		_, tf, err := in.loadGrid(*truthPath, "-truth")
		if err != nil {
			return err
		}
		truth = tf[0]
		inputs = append(inputs, *truthPath)
	}
	ctx, stop := signalContext()
	report := newReporter(e, *asJSON)
	res, err := engine.Run(ctx, tf.cfg, fields[0], truth, report.event)
	if sig, hit := stop(); hit {
		return interruptError{sig: sig, err: fmt.Errorf("%s: nothing written: %w", out.path, err)}
	}
	if err != nil {
		if truth != nil {
			return fmt.Errorf("%s with truth %s: %w", pos[0], *truthPath, err)
		}
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	outDS, err := resultDataset(res, fields[0], tf.cfg)
	if err != nil {
		return err
	}
	return e.save(out, outDS, inputs...)
}

// resultDataset is the output file's content: the dense field, its vorticity
// and divergence, the input mask, the configuration and the metrics.
func resultDataset(res *engine.Result, input *piv.Field, cfg engine.Config) (*data.Dataset, error) {
	g, err := piv.Gradients(nil, res.Field)
	if err != nil {
		return nil, err
	}
	ds := &data.Dataset{Fields: []*piv.Field{res.Field}, Units: res.Field.Units, Attrs: map[string]string{}, Extra: map[string][][]float64{
		"vorticity":  {g.Vorticity(nil)},
		"divergence": {g.Divergence(nil)},
	}}
	if input.NX() == res.Field.NX() && input.NY() == res.Field.NY() {
		mask := make([]float64, input.Len())
		for k := range mask {
			if input.Valid(k) {
				mask[k] = 1
			}
		}
		ds.Extra["input_mask"] = [][]float64{mask}
	}
	b, _ := json.Marshal(cfg)
	ds.Attrs["config"] = string(b)
	ds.Attrs["method"] = res.Method
	ds.Attrs["boundary"] = res.Boundary
	if res.Metrics != nil {
		b, _ := json.Marshal(metricsJSON(res.Metrics))
		ds.Attrs["metrics"] = string(b)
	}
	if res.Interior != nil {
		b, _ := json.Marshal(metricsJSON(res.Interior))
		ds.Attrs["metrics_interior"] = string(b)
	}
	return ds, nil
}

// reporter prints a run's events: JSON lines on stdout, or readable lines
// on stderr at most every second.
type reporter struct {
	e    *env
	json bool
	last time.Time
}

func newReporter(e *env, asJSON bool) *reporter { return &reporter{e: e, json: asJSON} }

func (r *reporter) event(ev engine.Event) {
	if r.json {
		r.printJSON(ev)
		return
	}
	switch ev := ev.(type) {
	case engine.Started:
		r.e.logf("%s", ev)
		if ev.Backend != "" {
			r.e.logf("backend: %s", ev.Backend)
		}
		r.e.logf("%s", ev.Note)
	case engine.Progress:
		if time.Since(r.last) < time.Second && ev.Step != ev.Steps {
			return
		}
		r.last = time.Now()
		line := fmt.Sprintf("step %d/%d", ev.Step, ev.Steps)
		for _, t := range ev.Terms {
			line += fmt.Sprintf("  %s %.3e", t.Name, t.Value)
		}
		line += fmt.Sprintf("  lr %.2e  %.1f steps/s  ETA %s", ev.LearningRate, ev.StepsPerSec, ev.ETA.Round(time.Second))
		if !math.IsNaN(ev.Validation) {
			line += fmt.Sprintf("  val rms %.3e", ev.Validation)
		}
		r.e.logf("%s", line)
	case engine.Scored:
		printScores(r.e, ev.Full, ev.Interior, ev.InteriorBorder)
	case engine.Rollback:
		r.e.logf("step %d: %s; rolled back to step %d with learning rate %.2e", ev.Step, ev.Reason, ev.ResumeStep, ev.LearningRate)
	case engine.Checkpointed:
		r.e.logf("checkpoint after step %d in %s", ev.Step, ev.Dir)
	case engine.EarlyStopped:
		r.e.logf("early stop at step %d: the held-out error was best at step %d (rms %.3e); using those parameters", ev.Step, ev.BestStep, ev.BestValidation)
	case engine.Finished:
		r.e.logf("finished in %.1f s", ev.Result.Elapsed.Seconds())
	}
}

func printScores(e *env, full, interior *piv.Metrics, border int) {
	rows := []evalResult{{Region: "full", metricsRow: metricsJSON(full)}}
	if interior != nil {
		rows = append(rows, evalResult{Region: "interior", Border: border, metricsRow: metricsJSON(interior)})
	}
	printEval(e.stderr, rows)
}

// printJSON writes one event as a JSON object with its kind.
func (r *reporter) printJSON(ev engine.Event) {
	var obj map[string]any
	switch ev := ev.(type) {
	case engine.Started:
		obj = map[string]any{"event": "started", "method": ev.Method, "backend": ev.Backend, "vectors": ev.Vectors, "train": ev.Train,
			"holdout": ev.Holdout, "nx": ev.Target.NX(), "ny": ev.Target.NY(), "boundary": ev.Boundary, "note": ev.Note}
	case engine.Progress:
		terms := map[string]any{}
		for _, t := range ev.Terms {
			terms[t.Name] = number(t.Value)
			terms[t.Name+"_weight"] = t.Weight
		}
		obj = map[string]any{"event": "step", "step": ev.Step, "steps": ev.Steps, "loss": terms, "lr": ev.LearningRate,
			"steps_per_s": number(ev.StepsPerSec), "eta_s": ev.ETA.Seconds(), "val_rms": number(ev.Validation)}
	case engine.Scored:
		obj = map[string]any{"event": "metrics", "step": ev.Step, "full": metricsJSON(ev.Full)}
		if ev.Interior != nil {
			obj["interior"] = metricsJSON(ev.Interior)
			obj["interior_border"] = ev.InteriorBorder
		}
	case engine.Rollback:
		obj = map[string]any{"event": "rollback", "step": ev.Step, "resume_step": ev.ResumeStep, "lr": ev.LearningRate, "reason": ev.Reason}
	case engine.Checkpointed:
		obj = map[string]any{"event": "checkpoint", "step": ev.Step, "dir": ev.Dir}
	case engine.EarlyStopped:
		obj = map[string]any{"event": "early_stop", "step": ev.Step, "best_step": ev.BestStep, "best_val_rms": number(ev.BestValidation)}
	case engine.Finished:
		obj = map[string]any{"event": "finished", "method": ev.Result.Method, "elapsed_s": ev.Result.Elapsed.Seconds(), "val_rms": number(ev.Result.Validation)}
	default:
		return // snapshots are for the terminal UI
	}
	if err := printJSON(r.e.stdout, obj); err != nil {
		r.e.logf("progress: %v", err)
	}
}
