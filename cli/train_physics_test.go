package cli

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainReportsThePhysicsVariants trains a stream-function network with
// the smoothness term for a few steps: each JSON step line carries every
// loss term with its weight, the stream function's divergence as 0 (weight
// 0, outside the loss) and the smoothness term with its own weight.
func TestTrainReportsThePhysicsVariants(t *testing.T) {
	dir := t.TempDir()
	_, sparse := sparseTaylorGreen(t, dir)
	out := filepath.Join(dir, "dense.h5")
	code, stdout, stderr := run(t, "train", sparse, "-o", out, "-json", "-backend", "go", "-steps", "10", "-hidden", "8",
		"-stream-function", "-smooth-weight", "1e-6")
	if code != ExitOK {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	steps := 0
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var ev struct {
			Event string             `json:"event"`
			Loss  map[string]float64 `json:"loss"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if ev.Event != "step" {
			continue
		}
		steps++
		l := ev.Loss
		for _, key := range []string{"data", "data_weight", "divergence", "divergence_weight", "smoothness", "smoothness_weight", "total"} {
			if _, ok := l[key]; !ok {
				t.Fatalf("step line lacks loss.%s: %s", key, line)
			}
		}
		if l["divergence"] != 0 || l["divergence_weight"] != 0 {
			t.Errorf("stream function: divergence %v with weight %v, want 0 and 0", l["divergence"], l["divergence_weight"])
		}
		if !(l["smoothness"] > 0) || l["smoothness_weight"] != 1e-6 {
			t.Errorf("smoothness %v with weight %v, want a positive term with weight 1e-6", l["smoothness"], l["smoothness_weight"])
		}
		if want := l["data"] + 1e-6*l["smoothness"]; !(math.Abs(l["total"]-want) <= 1e-4*want) {
			t.Errorf("total %v, want data + 1e-6 smoothness = %v", l["total"], want)
		}
	}
	if steps == 0 {
		t.Fatalf("no step lines in %s", stdout)
	}
	if code, _, stderr := run(t, "train", sparse, "-o", out, "-force", "-smooth-weight", "-1"); code != ExitUsage {
		t.Errorf("-smooth-weight -1: exit %d, want %d (%s)", code, ExitUsage, stderr)
	}
}
