package nf

import (
	"os"
	"strconv"
	"testing"
)

// TestRunBLRGerman runs a short scheme on german split 1: the energy
// falls and the accuracy beats answering the majority class (-1), which
// scores 217/300 = 0.723 on this test split (0.74 asked).
func TestRunBLRGerman(t *testing.T) {
	data, err := LoadBLR(blrPath(t, "german"), 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := BLRConfig{JKOSteps: 2, InnerSteps: 80, Batch: 64, Slices: 16, Layers: 2, Hidden: 16, Samples: 512, Seed: 1}
	if s := os.Getenv("PIVSR_BLR_STEPS"); s != "" { // longer runs by hand
		cfg.JKOSteps, _ = strconv.Atoi(s)
		cfg.InnerSteps, cfg.Batch, cfg.Slices, cfg.Layers, cfg.Hidden, cfg.Samples = 0, 0, 0, 0, 0, 0
	}
	res, err := RunBLR(goBackend(t), data, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	if res.Accuracy < 0.74 {
		t.Errorf("accuracy %v, want at least 0.74 (the majority class scores 0.723)", res.Accuracy)
	}
	for i := 1; i < len(res.Energy); i++ {
		if !(res.Energy[i] < res.Energy[0]) {
			t.Errorf("energy %v did not fall", res.Energy)
		}
	}
}
