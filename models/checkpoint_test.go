package models

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

// TestCheckpointRoundTrip saves a partly trained network with GoMLX's
// checkpoint package and restores it into a network initialised with another
// seed: the parameters match, and so does the next step (Adam's moments and
// step count are restored too).
func TestCheckpointRoundTrip(t *testing.T) {
	backend := testBackend(t)
	dir := t.TempDir()
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
	for range 3 {
		if _, err := trainer.Step(batch); err != nil {
			t.Fatal(err)
		}
	}
	saver, err := checkpoint.Build(net.Store()).Dir(dir).Done()
	if err != nil {
		t.Fatal(err)
	}
	if err := saver.Save(); err != nil {
		t.Fatal(err)
	}

	cfg.Seed++
	restored, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := checkpoint.Build(restored.Store()).Dir(dir).Done(); err != nil {
		t.Fatal(err)
	}
	for i, v := range net.variables() {
		if !slices.Equal(mustFlat(t, v), mustFlat(t, restored.variables()[i])) {
			t.Fatalf("%s differs after restoring", v.Path())
		}
	}
	restoredTrainer, err := NewTrainer(backend, restored, DefaultTrainConfig())
	if err != nil {
		t.Fatal(err)
	}
	want, err := trainer.Step(batch)
	if err != nil {
		t.Fatal(err)
	}
	got, err := restoredTrainer.Step(batch)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("step after restoring: losses %+v, want %+v", got, want)
	}
	w := net.hidden[0].weights
	if !slices.Equal(mustFlat(t, w), mustFlat(t, restored.hidden[0].weights)) {
		t.Fatal("weights differ after one more step from the restored state (optimizer state not restored?)")
	}
}
