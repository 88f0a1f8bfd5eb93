package models

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestStateRestoresTraining copies a partly trained network's state (with
// Adam's), trains on, restores the copy and checks the next steps repeat
// exactly; the same through a save to disk into a fresh network.
func TestStateRestoresTraining(t *testing.T) {
	backend := testBackend(t)
	cfg := smallConfig(Fourier)
	batch := taylorGreenBatch(rand.New(rand.NewPCG(1, 2)), 2, 32, 32)
	net, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	trainer, err := NewTrainer(backend, net, DefaultTrainConfig())
	if err != nil {
		t.Fatal(err)
	}
	steps := func(tr *Trainer, n int) []Losses {
		var out []Losses
		for range n {
			l, err := tr.Step(batch)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, l)
		}
		return out
	}
	steps(trainer, 3)
	state, err := net.State(true)
	if err != nil {
		t.Fatal(err)
	}
	params, err := net.State(false)
	if err != nil {
		t.Fatal(err)
	}
	if params.Len() != len(net.variables()) || state.Len() <= params.Len() {
		t.Fatalf("state holds %d variables, parameters %d: want the parameters alone, and more with the optimizer", state.Len(), params.Len())
	}
	want := steps(trainer, 2)
	if err := net.Restore(state); err != nil {
		t.Fatal(err)
	}
	if got := steps(trainer, 2); !slices.Equal(got, want) {
		t.Fatalf("steps after restoring: %+v, want %+v", got, want)
	}

	dir := filepath.Join(t.TempDir(), "state")
	if err := state.Save(dir); err != nil {
		t.Fatal(err)
	}
	if err := state.Save(dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("saving into a used directory: error %v", err)
	}
	loaded, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Len() != state.Len() {
		t.Fatalf("loaded %d variables, saved %d", loaded.Len(), state.Len())
	}
	cfg.Seed++
	fresh, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := fresh.Restore(loaded); err != nil {
		t.Fatal(err)
	}
	freshTrainer, err := NewTrainer(backend, fresh, DefaultTrainConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got := steps(freshTrainer, 2); !slices.Equal(got, want) {
		t.Fatalf("steps of a fresh network restored from disk: %+v, want %+v", got, want)
	}

	wide := smallConfig(Fourier)
	wide.Hidden++
	other, err := NewNetwork(wide)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Restore(loaded); err == nil {
		t.Error("restoring into a wider network: no error")
	}
}

// TestStructureLossOfAKnownField evaluates the structure-function prior of
// a zero network added to a solid rotation (S2 = w^2 |r|^2 for every
// separation r) against targets off by known amounts.
func TestStructureLossOfAKnownField(t *testing.T) {
	backend := testBackend(t)
	cfg := smallConfig(Fourier)
	cfg.ZeroOutput = true
	net, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	trainer, err := NewTrainer(backend, net, TrainConfig{LearningRate: 1e-3, StructureWeight: 2})
	if err != nil {
		t.Fatal(err)
	}
	const w, n = 0.8, 5
	shifts := [][2]float64{{0.1, 0}, {0, 0.2}, {0.1, 0.1}}
	offsets := []float64{0.5, -1, 0}
	batch := taylorGreenBatch(rand.New(rand.NewPCG(1, 2)), 1, 4, 0)
	rng := rand.New(rand.NewPCG(3, 4))
	groups := len(shifts) + 1
	batch.SX, batch.SY = make([]float64, groups*n), make([]float64, groups*n)
	batch.SBaseU, batch.SBaseV = make([]float64, groups*n), make([]float64, groups*n)
	var want float64
	for g := range groups {
		for p := range n {
			if g == 0 {
				batch.SX[p], batch.SY[p] = rng.Float64()-0.5, rng.Float64()-0.5
			} else {
				batch.SX[g*n+p], batch.SY[g*n+p] = batch.SX[p]+shifts[g-1][0], batch.SY[p]+shifts[g-1][1]
			}
			batch.SBaseU[g*n+p], batch.SBaseV[g*n+p] = -w*batch.SY[g*n+p], w*batch.SX[g*n+p]
		}
		if g > 0 {
			r2 := shifts[g-1][0]*shifts[g-1][0] + shifts[g-1][1]*shifts[g-1][1]
			batch.SLogTarget = append(batch.SLogTarget, math.Log(w*w*r2)+offsets[g-1])
			want += offsets[g-1] * offsets[g-1] / float64(len(shifts))
		}
	}
	l, err := trainer.Step(batch)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l.Structure-want) > 1e-4 || math.Abs(l.Total-(l.Data+2*l.Structure)) > 1e-5*l.Total {
		t.Errorf("losses %+v, want structure %v and total data + 2 structure", l, want)
	}
}
