package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A short run of `pivsr ot gpflow` lowers the cost and keeps the NLL.
func TestOTGPFlow(t *testing.T) {
	args := []string{"-n", "1500", "-test", "300", "-flow-steps", "200", "-gp-steps", "60", "-rk4", "6", "-layers", "4", "-hidden", "12", "-json"}
	if extra := os.Getenv("PIVSR_GPFLOW_ARGS"); extra != "" { // full-size runs by hand
		args = append(args[:0], "-json")
		args = append(args, strings.Fields(extra)...)
	}
	var o, e bytes.Buffer
	if err := runOTGPFlow(&env{stdout: &o, stderr: &e}, args); err != nil {
		t.Fatal(err)
	}
	var row gpflowRow
	if err := json.Unmarshal(o.Bytes(), &row); err != nil {
		t.Fatalf("%q: %v", o.String(), err)
	}
	t.Logf("%+v", row)
	if !(row.CostAfter < 0.95*row.CostBefore) {
		t.Errorf("cost %v -> %v, want lower", row.CostBefore, row.CostAfter)
	}
	if math.Abs(float64(row.NLLAfter-row.NLLBefore)) > 0.01*math.Abs(float64(row.NLLBefore)) {
		t.Errorf("NLL %v -> %v, want equal within 1%%", row.NLLBefore, row.NLLAfter)
	}
}

func TestOTGPFlowBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-target", "spiral"}, {"-n", "3"}, {"-rk4", "0"}} {
		var o, e bytes.Buffer
		if err := runOTGPFlow(&env{stdout: &o, stderr: &e}, args); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// A short `pivsr ot blr` prints one row per seed and a summary whose
// mean and standard deviation are those of the rows.
func TestOTBLR(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "blr")
	if _, err := os.Stat(filepath.Join(dir, "german.h5")); err != nil {
		t.Skipf("benchmark data absent (%v)", err)
	}
	args := []string{"-data", dir, "-dataset", "german", "-split", "file", "-seeds", "2", "-steps", "1", "-inner", "30", "-samples", "256", "-json"}
	if extra := os.Getenv("PIVSR_BLR_ARGS"); extra != "" { // full-size runs by hand
		args = append([]string{"-data", dir, "-json"}, strings.Fields(extra)...)
	}
	var o, e bytes.Buffer
	if err := runOTBLR(&env{stdout: &o, stderr: &e}, []string{"-data", dir, "-split", "half"}); err == nil {
		t.Errorf("-split half: no error")
	}
	if err := runOTBLR(&env{stdout: &o, stderr: &e}, args); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("PIVSR_BLR_ARGS") != "" {
		t.Log(o.String())
		return
	}
	lines := strings.Split(strings.TrimSpace(o.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 2 runs and a summary:\n%s", len(lines), o.String())
	}
	var rows [3]blrRow
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &rows[i]); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
	}
	if rows[0].Split != 1 || rows[1].Split != 2 {
		t.Errorf("splits %d, %d; want 1, 2", rows[0].Split, rows[1].Split)
	}
	mean := (rows[0].Accuracy + rows[1].Accuracy) / 2
	std := math.Abs(float64(rows[0].Accuracy-rows[1].Accuracy)) / math.Sqrt2
	if math.Abs(float64(rows[2].Accuracy-mean)) > 1e-12 || math.Abs(float64(rows[2].Std)-std) > 1e-12 {
		t.Errorf("summary %+v, want mean %v std %v", rows[2], mean, std)
	}
	for _, r := range rows {
		if r.Accuracy < 0.5 || r.Accuracy > 1 {
			t.Errorf("accuracy %v out of range", r.Accuracy)
		}
	}
}

func TestOTBLRBadInput(t *testing.T) {
	for _, args := range [][]string{{"-seeds", "0"}, {"-tau", "-1"}, {"-data", t.TempDir(), "-dataset", "none"}} {
		var o, e bytes.Buffer
		if err := runOTBLR(&env{stdout: &o, stderr: &e}, args); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
