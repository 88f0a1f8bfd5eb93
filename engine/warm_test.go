package engine

import (
	"context"
	"math"
	"testing"

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
