package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOTEarthBadFlags(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nowhere")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-dataset", "tornado"}, "tornado"},
		{[]string{"-steps", "-1"}, "-steps"},
		{[]string{"-flow", "spline"}, "spline"},
		{[]string{"-blocks", "0"}, "-blocks"},
		{[]string{"-color", "pink"}, "pink"},
		{[]string{"-data", missing}, missing},
		{[]string{"-data", t.TempDir(), "-dataset", "fire"}, "fire.csv"},
	} {
		var o, e bytes.Buffer
		err := runOTEarth(&env{stdout: &o, stderr: &e}, tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one naming %q", tc.args, err, tc.want)
		}
	}
}

// A short `pivsr ot earth` on the volcano set prints one JSON row whose
// figures are finite, then (-map) draws a plain map.
func TestOTEarth(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "earth")
	if _, err := os.Stat(filepath.Join(dir, "volerup.csv")); err != nil {
		t.Skipf("shared Earth data absent (%v): skipping", err)
	}
	var o, e bytes.Buffer
	args := []string{"-data", dir, "-dataset", "volerup", "-steps", "20", "-blocks", "2", "-components", "4", "-batch", "256", "-circles", "20", "-json"}
	if err := runOTEarth(&env{stdout: &o, stderr: &e}, args); err != nil {
		t.Fatal(err)
	}
	var row earthRow
	if err := json.Unmarshal(o.Bytes(), &row); err != nil {
		t.Fatalf("%q: %v", o.String(), err)
	}
	if row.Dataset != "volerup" || row.NTrain != 579 || row.NTest != 248 || !(row.KDETest < row.Uniform) || row.FlowTest != row.FlowTest {
		t.Errorf("row %+v", row)
	}
	o.Reset()
	args = []string{"-data", dir, "-dataset", "volerup", "-steps", "5", "-blocks", "2", "-components", "2", "-batch", "128", "-circles", "10", "-map", "-points", "-color", "never", "-width", "40"}
	if err := runOTEarth(&env{stdout: &o, stderr: &e}, args); err != nil {
		t.Fatal(err)
	}
	if out := o.String(); !strings.Contains(out, "-180") || strings.Contains(out, "\x1b") || !strings.Contains(out, "volerup") {
		t.Errorf("map output:\n%s", out)
	}
}
