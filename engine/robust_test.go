package engine

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"pivsr/piv"
)

// smallNeural is a quick neural configuration on the Go backend.
func smallNeural(steps int) Config {
	cfg := DefaultConfig()
	cfg.Border = 4
	n := &cfg.Neural
	n.Backend, n.Steps, n.Hidden, n.Collocation, n.SnapshotEvery = "go", steps, 16, 64, 0
	n.WarmupSteps, n.ValidateEvery, n.Patience = 5, 10, 0
	return cfg
}

// finalTerms runs cfg and returns the result and the last progress event.
func runCollecting(ctx context.Context, t *testing.T, cfg Config, input, truth *piv.Field, on func(Event)) (*Result, Progress, error) {
	t.Helper()
	var last Progress
	res, err := Run(ctx, cfg, input, truth, func(ev Event) {
		if p, ok := ev.(Progress); ok {
			last = p
		}
		if on != nil {
			on(ev)
		}
	})
	return res, last, err
}

// TestResumeMatchesUninterruptedRun interrupts a run half-way (the context
// cancelled), resumes it from its checkpoint and checks the result is the
// uninterrupted run's.
func TestResumeMatchesUninterruptedRun(t *testing.T) {
	truth := periodicTruth(32)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	const steps = 40

	cfg := smallNeural(steps)
	cfg.Neural.CheckpointDir, cfg.Neural.CheckpointEvery = t.TempDir(), 15
	want, wantLast, err := runCollecting(context.Background(), t, cfg, sparse, truth, nil)
	if err != nil {
		t.Fatal(err)
	}

	cfg.Neural.CheckpointDir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var saved []int
	_, _, err = runCollecting(ctx, t, cfg, sparse, truth, func(ev Event) {
		switch ev := ev.(type) {
		case Progress:
			if ev.Step == steps/2 {
				cancel()
			}
		case Checkpointed:
			saved = append(saved, ev.Step)
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: error %v, want one wrapping context.Canceled", err)
	}
	if len(saved) != 2 || saved[0] != 15 || saved[1] != steps/2 {
		t.Fatalf("checkpoints after steps %v, want [15 %d] (every 15 steps, then on cancellation)", saved, steps/2)
	}

	cfg.Neural.Resume = true
	var first int
	got, gotLast, err := runCollecting(context.Background(), t, cfg, sparse, truth, func(ev Event) {
		if p, ok := ev.(Progress); ok && first == 0 {
			first = p.Step
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if first != steps/2+10 {
		t.Errorf("resumed run's first progress at step %d, want %d", first, steps/2+10)
	}
	for i, term := range wantLast.Terms {
		if g := gotLast.Terms[i]; math.Abs(g.Value-term.Value) > 1e-6*math.Abs(term.Value) {
			t.Errorf("final %s loss %v after resuming, %v uninterrupted", term.Name, g.Value, term.Value)
		}
	}
	if maxDiff, scale := fieldDiff(got.Field, want.Field); maxDiff > 1e-6*scale {
		t.Errorf("resumed field differs from the uninterrupted one by %g (scale %g)", maxDiff, scale)
	}
	if math.Abs(got.Validation-want.Validation) > 1e-6*want.Validation {
		t.Errorf("validation %v after resuming, %v uninterrupted", got.Validation, want.Validation)
	}
}

// TestCheckpointRefusesAnotherRun checks a checkpoint resumes only its own
// configuration, and a fresh run does not overwrite one.
func TestCheckpointRefusesAnotherRun(t *testing.T) {
	truth := periodicTruth(32)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	cfg := smallNeural(10)
	cfg.Neural.CheckpointDir = t.TempDir()
	if _, err := Run(context.Background(), cfg, sparse, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), cfg, sparse, nil, nil); err == nil || !strings.Contains(err.Error(), "resume it") {
		t.Errorf("a fresh run into a checkpoint directory: error %v, want a refusal", err)
	}
	other := cfg
	other.Neural.Resume, other.Neural.Steps, other.Neural.DivergenceWeight = true, 20, 0.5
	_, err := Run(context.Background(), other, sparse, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "Steps 10 (checkpoint) vs 20 (now)") || !strings.Contains(err.Error(), "DivergenceWeight") {
		t.Errorf("resuming with other settings: error %v, want both differences named", err)
	}
	noisy := sparse.Clone()
	noisy.U[0] += 1e-3
	same := cfg
	same.Neural.Resume = true
	if _, err := Run(context.Background(), same, noisy, nil, nil); err == nil || !strings.Contains(err.Error(), "input field differs") {
		t.Errorf("resuming on other data: error %v, want a refusal", err)
	}
	if _, err := Run(context.Background(), same, sparse, nil, nil); err != nil {
		t.Errorf("resuming a finished run: %v", err)
	}
	empty := same
	empty.Neural.CheckpointDir = t.TempDir()
	if _, err := Run(context.Background(), empty, sparse, nil, nil); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Errorf("resuming from an empty directory: error %v", err)
	}
}

// TestRollbackOnDivergence injects a huge learning rate: each diverging
// step rolls back with the learning rate halved, and the run gives up after
// maxRollbacks with a clear error.
func TestRollbackOnDivergence(t *testing.T) {
	truth := periodicTruth(32)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	cfg := smallNeural(60)
	cfg.Neural.LearningRate = 1e4
	var rollbacks []Rollback
	_, _, err := runCollecting(context.Background(), t, cfg, sparse, nil, func(ev Event) {
		if r, ok := ev.(Rollback); ok {
			rollbacks = append(rollbacks, r)
		}
	})
	if err == nil || !strings.Contains(err.Error(), "rollbacks") {
		t.Fatalf("error %v, want the run to give up after its rollbacks", err)
	}
	if len(rollbacks) != maxRollbacks {
		t.Fatalf("%d rollbacks, want %d", len(rollbacks), maxRollbacks)
	}
	for i, r := range rollbacks {
		if want := cfg.Neural.LearningRate / math.Pow(2, float64(i+1)); math.Abs(r.LearningRate-want) > 1e-9*want {
			t.Errorf("rollback %d: learning rate %v, want %v", i, r.LearningRate, want)
		}
		if r.ResumeStep >= r.Step || r.ResumeStep%goodStateEvery != 0 || r.Reason == "" {
			t.Errorf("rollback %d: %+v, want a return to an earlier good state with a reason", i, r)
		}
	}
}

// TestEarlyStoppingKeepsTheBestParameters fits noisy data, which the
// network ends up overfitting: training stops once the held-out error has
// not improved for the patience, and the result has the best error seen.
func TestEarlyStoppingKeepsTheBestParameters(t *testing.T) {
	truth := periodicTruth(32)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	rng := rand.New(rand.NewPCG(3, 4))
	for k := range sparse.U {
		sparse.U[k] += 0.3 * rng.NormFloat64()
		sparse.V[k] += 0.3 * rng.NormFloat64()
	}
	cfg := smallNeural(400)
	cfg.Holdout, cfg.Neural.LearningRate, cfg.Neural.ValidateEvery, cfg.Neural.Patience = 0.2, 1e-2, 5, 20
	cfg.Neural.CheckpointDir = t.TempDir()
	var stopped *EarlyStopped
	best := math.Inf(1)
	res, last, err := runCollecting(context.Background(), t, cfg, sparse, nil, func(ev Event) {
		switch ev := ev.(type) {
		case Progress:
			if !math.IsNaN(ev.Validation) {
				best = min(best, ev.Validation)
			}
		case EarlyStopped:
			stopped = &ev
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if stopped == nil {
		t.Fatalf("no early stop in %d steps (last validation %v, best %v)", cfg.Neural.Steps, last.Validation, best)
	}
	if stopped.Step != last.Step || stopped.Step-stopped.BestStep < cfg.Neural.Patience || stopped.Step >= cfg.Neural.Steps {
		t.Errorf("early stop %+v after progress at step %d, want a stop %d steps after the best", *stopped, last.Step, cfg.Neural.Patience)
	}
	if stopped.BestValidation != best || math.Abs(res.Validation-best) > 1e-6*best {
		t.Errorf("result validation %v, best reported %v, best seen %v: want the best parameters kept", res.Validation, stopped.BestValidation, best)
	}
	// Resuming the stopped run trains no further and gives the same field.
	cfg.Neural.Resume = true
	var steps int
	again, _, err := runCollecting(context.Background(), t, cfg, sparse, nil, func(ev Event) {
		if _, ok := ev.(Progress); ok {
			steps++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if steps != 0 || again.Validation != res.Validation {
		t.Errorf("resuming a stopped run: %d progress events, validation %v; want none and %v", steps, again.Validation, res.Validation)
	}
}

// TestStructurePriorFitsTheLaw fits the law on a solid rotation, whose
// structure function is w^2 r^2 in every direction, and runs with it.
func TestStructurePriorFitsTheLaw(t *testing.T) {
	const w = 0.7
	g := piv.UniformGrid(24, 24, 0, 0, 0.1, 0.1)
	f := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			f.U[g.Index(i, j)], f.V[g.Index(i, j)] = -w*y, w*x
		}
	}
	sparse, _ := piv.KeepEvery(f, 2, 0, 0)
	norm := normalizer{half: 1, vel: 2}
	for _, tc := range []struct {
		law      string
		exponent float64
	}{{"fit", 2}, {"smooth", 2}, {"k41", 2.0 / 3}} {
		nc := DefaultConfig().Neural
		nc.StructureLaw, nc.StructureLags = tc.law, 2
		p, err := newStructurePrior(nc, sparse, nil, g, f, norm)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(p.Exponent-tc.exponent) > 1e-9 {
			t.Errorf("%s: exponent %v, want %v", tc.law, p.Exponent, tc.exponent)
		}
		if tc.law != "k41" {
			if math.Abs(p.C-w*w) > 1e-9 {
				t.Errorf("%s: C %v, want %v", tc.law, p.C, w*w)
			}
			// Lag 2 along x: S2 = w^2 (0.2)^2, divided by vel^2.
			if want := math.Log(w * w * 0.04 / 4); math.Abs(p.logTarget[1]-want) > 1e-9 {
				t.Errorf("%s: log target %v at r = 0.2, want %v", tc.law, p.logTarget[1], want)
			}
		}
	}
	if _, err := newStructurePrior(DefaultConfig().Neural, piv.NewField(g), nil, g, f, norm); err == nil {
		t.Error("a law fitted on a constant field: no error")
	}

	cfg := smallNeural(20)
	cfg.Neural.StructureWeight, cfg.Neural.StructurePatch = 1e-2, 32
	truth := periodicTruth(32)
	input, _ := piv.KeepEvery(truth, 2, 0, 0)
	_, last, err := runCollecting(context.Background(), t, cfg, input, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, term := range last.Terms {
		names = append(names, term.Name)
		if term.Name == "structure" && (term.Weight != 1e-2 || !(term.Value > 0)) {
			t.Errorf("structure term %+v, want a positive value with weight 0.01", term)
		}
	}
	if strings.Join(names, ",") != "data,divergence,structure,total" {
		t.Errorf("loss terms %v", names)
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }

// fieldDiff is the largest difference between two fields' components, and
// the largest component of want.
func fieldDiff(got, want *piv.Field) (maxDiff, scale float64) {
	for k := range want.U {
		maxDiff = max(maxDiff, math.Abs(got.U[k]-want.U[k]), math.Abs(got.V[k]-want.V[k]))
		scale = max(scale, math.Abs(want.U[k]), math.Abs(want.V[k]))
	}
	return maxDiff, scale
}
