package engine

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"pivsr/data"
	"pivsr/models"
	"pivsr/piv"
)

func TestWarmStartContinuesFromTheGivenNetwork(t *testing.T) {
	truth := periodicTruth(32)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	cfg := DefaultConfig()
	cfg.Holdout = 0 // every step counts: no early stopping
	cfg.Neural.Backend, cfg.Neural.Hidden, cfg.Neural.Collocation, cfg.Neural.Steps = "go", 16, 64, 60
	cfg.Neural.LearningRate = 3e-3
	first, err := Run(context.Background(), cfg, sparse, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.State == nil {
		t.Fatal("a neural run returned no state")
	}
	// One more step at a negligible learning rate from the trained network
	// reproduces the trained field, not the zero-initialised one.
	cfg.Neural.Steps, cfg.Neural.LearningRate, cfg.Neural.WarmupSteps = 1, 1e-9, 0
	cold, err := Run(context.Background(), cfg, sparse, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Neural.WarmStart = first.State
	warm, err := Run(context.Background(), cfg, sparse, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var dWarm, dCold float64
	for k := range first.Field.U {
		dWarm = math.Max(dWarm, math.Abs(warm.Field.U[k]-first.Field.U[k]))
		dCold = math.Max(dCold, math.Abs(cold.Field.U[k]-first.Field.U[k]))
	}
	if dWarm > 1e-4 || dCold < 10*dWarm {
		t.Errorf("warm start differs from the trained field by %v, a cold start by %v", dWarm, dCold)
	}
}

// warmConfig is a small neural configuration whose fits take a fraction of
// a second, with validation and early stopping at work.
func warmConfig() Config {
	cfg := DefaultConfig()
	cfg.Neural.Backend, cfg.Neural.Hidden, cfg.Neural.Collocation, cfg.Neural.Steps = "go", 16, 64, 40
	cfg.Neural.WarmupSteps, cfg.Neural.ValidateEvery, cfg.Neural.Patience, cfg.Neural.SnapshotEvery = 5, 10, 20, 0
	return cfg
}

func TestWarmBatchSessionComputesWhatFreshRunsDo(t *testing.T) {
	s := turbulenceSeries(t)
	cfg := warmConfig()
	var fields [][]float64
	b := &Batch{Config: cfg, OutDir: t.TempDir(), Input: "series.h5", WarmStart: true,
		Save: func(_ string, _ int, res *Result, _ *piv.Field) error {
			fields = append(fields, append(slices.Clone(res.Field.U), res.Field.V...))
			return nil
		}}
	if _, err := b.Run(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	// The same chain of warm starts, each run building its own backend,
	// network and graphs.
	var warm *models.State
	for i := range s.Len() {
		c := cfg
		c.Neural.WarmStart = warm
		res, err := Run(context.Background(), c, s.inputs[i], s.truths[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		warm = res.State
		want := append(slices.Clone(res.Field.U), res.Field.V...)
		var d float64
		for k := range want {
			d = math.Max(d, math.Abs(fields[i][k]-want[k]))
		}
		if d > 1e-9 {
			t.Errorf("snapshot %d: the batch's session gives a field %g away from a fresh warm-started run's", i, d)
		}
	}
}

func TestSessionReusesMatchingFits(t *testing.T) {
	mcfg := models.DefaultConfig()
	mcfg.Hidden, mcfg.ZeroOutput = 8, true
	tcfg := models.DefaultTrainConfig()
	s := &session{}
	first, err := s.fit("go", mcfg, tcfg, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	warm, err := first.net.State(false)
	if err != nil {
		t.Fatal(err)
	}
	mcfg.Seed, mcfg.InputScale = 7, 3 // initialisation only: the graphs are the same
	again, err := s.fit("go", mcfg, tcfg, 10, warm)
	if err != nil {
		t.Fatal(err)
	}
	if again.trainer != first.trainer || again.predictor != first.predictor {
		t.Error("a fit of the same shape built a new trainer or predictor")
	}
	other, err := s.fit("go", mcfg, tcfg, 11, warm)
	if err != nil {
		t.Fatal(err)
	}
	if other.trainer == first.trainer {
		t.Error("a fit of another number of vectors reused the compiled step")
	}
	if lone, err := (*session)(nil).fit("go", mcfg, tcfg, 11, nil); err != nil || lone.trainer == other.trainer {
		t.Errorf("a fit without a session reused a kept one (error %v)", err)
	}
	// A stream function's graphs scale psi by InputScale: another scale
	// needs other graphs.
	mcfg.StreamFunction = true
	stream, err := s.fit("go", mcfg, tcfg, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	mcfg.InputScale *= 2
	if rescaled, err := s.fit("go", mcfg, tcfg, 10, nil); err != nil || rescaled.trainer == stream.trainer {
		t.Errorf("a stream function of another InputScale reused the compiled step (error %v)", err)
	}
}

func TestWarmBatchResumesAfterKill(t *testing.T) {
	s := turbulenceSeries(t)
	dir := t.TempDir()
	ctx, first := killedAfter(t, 1)
	b := &Batch{Config: warmConfig(), OutDir: dir, Input: "series.h5", WarmStart: true, Save: first.save}
	if _, err := b.Run(ctx, s); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted batch returned %v, want context.Canceled", err)
	}
	second := &recorder{}
	b.Save = second.save
	m, err := b.Run(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first.saved, []int{0, 1}) || !slices.Equal(second.saved, []int{2}) {
		t.Fatalf("saved %v before the kill and %v after, want [0 1] then [2]", first.saved, second.saved)
	}
	if len(m.Entries) != 3 {
		t.Fatalf("manifest lists %d snapshots, want 3", len(m.Entries))
	}
	for _, e := range m.Entries {
		if e.Status != StatusDone || e.Metrics["rec"] <= 0 {
			t.Errorf("entry %+v: want done, with metrics", e)
		}
		if _, err := data.Load(filepath.Join(dir, e.Output), data.LoadOptions{}); err != nil {
			t.Errorf("%s: %v", e.Output, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
