package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pivsr/data"
)

// runFlow runs `pivsr ot flow ARGS` in-process and returns its error and
// output.
func runFlow(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	env := &env{stdout: &o, stderr: &e, cmdline: append([]string{"pivsr", "ot", "flow"}, args...)}
	err = runOTFlow(env, args)
	return o.String(), e.String(), err
}

func flowRows(t *testing.T, stdout string) []flowRow {
	t.Helper()
	var rows []flowRow
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r flowRow
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		rows = append(rows, r)
	}
	return rows
}

// The Fokker-Planck flow ends near N(0, I): F near 1 - log(2 pi e), RMS
// distance to the centre near sqrt(2); the table has one row per step.
func TestOTFlowFokkerPlanck(t *testing.T) {
	stdout, _, err := runFlow(t, "-kind", "fokker-planck", "-n", "200", "-steps", "20", "-json")
	if err != nil {
		t.Fatal(err)
	}
	rows := flowRows(t, stdout)
	if len(rows) != 21 || rows[20].Step != 20 || math.Abs(rows[20].Time-20*0.2) > 1e-12 {
		t.Fatalf("got %d rows, last %+v; want steps 0..20 at tau 0.2", len(rows), rows[len(rows)-1])
	}
	last := rows[len(rows)-1]
	if want := 1 - math.Log(2*math.Pi*math.E); math.Abs(float64(last.Energy)-want) > 0.1 {
		t.Errorf("final energy %.4f, want about %.4f", last.Energy, want)
	}
	if math.Abs(float64(last.Size)-math.Sqrt2) > 0.15 {
		t.Errorf("final RMS radius %.4f, want about sqrt(2)", last.Size)
	}
	if !(last.Energy < rows[0].Energy) {
		t.Errorf("energy did not decrease: %v -> %v", rows[0].Energy, last.Energy)
	}

	table, _, err := runFlow(t, "-n", "50", "-steps", "2")
	if err != nil || !strings.Contains(table, "energy") || strings.Count(table, "\n") != 4 {
		t.Errorf("table output (err %v):\n%s", err, table)
	}
}

// The aggregation flow writes its trajectory (velocities = displacement
// over tau) and a PNG, and ends on the ring of radius 1/sqrt(3).
func TestOTFlowAggregationFiles(t *testing.T) {
	dir := t.TempDir()
	h5, png := filepath.Join(dir, "traj.h5"), filepath.Join(dir, "traj.png")
	stdout, stderr, err := runFlow(t, "-kind", "aggregation", "-n", "150", "-steps", "25", "-o", h5, "-png", png, "-json")
	if err != nil {
		t.Fatal(err)
	}
	rows := flowRows(t, stdout)
	if r := float64(rows[len(rows)-1].Size); math.Abs(r-1/math.Sqrt(3)) > 0.01 {
		t.Errorf("final mean radius %.4f, want 1/sqrt(3)", r)
	}
	if !strings.Contains(stderr, "wrote "+png) {
		t.Errorf("stderr %q does not report the PNG", stderr)
	}
	head, err := os.ReadFile(png)
	if err != nil || !bytes.HasPrefix(head, []byte("\x89PNG")) {
		t.Errorf("PNG file: %v, %d bytes", err, len(head))
	}
	ds, err := data.Load(h5, data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Points) != 26 || len(ds.T) != 26 || ds.Points[0].Len() != 150 {
		t.Fatalf("file holds %d snapshots (%d times) of %d points, want 26 of 150", len(ds.Points), len(ds.T), ds.Points[0].Len())
	}
	tau := ds.T[1] - ds.T[0]
	for k := 1; k < len(ds.Points); k++ {
		a, b := ds.Points[k-1], ds.Points[k]
		for i := range b.X {
			if math.Abs(b.U[i]-(b.X[i]-a.X[i])/tau) > 1e-9 || math.Abs(b.V[i]-(b.Y[i]-a.Y[i])/tau) > 1e-9 {
				t.Fatalf("snapshot %d point %d: velocity (%v, %v) is not the displacement over tau", k, i, b.U[i], b.V[i])
			}
		}
	}
}

// The sphere flow brings a polar cap to the uniform law (SSW_2^2 divided
// by 100 at least, mean point near 0) and stores z beside x and y.
func TestOTFlowSphere(t *testing.T) {
	h5 := filepath.Join(t.TempDir(), "sphere.h5")
	stdout, _, err := runFlow(t, "-kind", "sphere", "-n", "200", "-steps", "30", "-o", h5, "-json")
	if err != nil {
		t.Fatal(err)
	}
	rows := flowRows(t, stdout)
	first, last := rows[0], rows[len(rows)-1]
	if !(last.SSW2 < first.SSW2/100) || last.Size > 0.1 {
		t.Errorf("SSW_2^2 %.3g -> %.3g, |mean| %.3f; want a factor 100 and a mean near 0", first.SSW2, last.SSW2, last.Size)
	}
	ds, err := data.Load(h5, data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	z := ds.Extra["z"]
	if len(z) != len(ds.Points) || len(ds.Extra["w"]) != len(ds.Points) {
		t.Fatalf("extra datasets: z %d, w %d snapshots for %d", len(z), len(ds.Extra["w"]), len(ds.Points))
	}
	for k, s := range ds.Points {
		for i := range s.X {
			if r := math.Sqrt(s.X[i]*s.X[i] + s.Y[i]*s.Y[i] + z[k][i]*z[k][i]); math.Abs(r-1) > 1e-9 {
				t.Fatalf("snapshot %d point %d has norm %v, want a unit vector", k, i, r)
			}
		}
	}
}

func TestOTFlowUsage(t *testing.T) {
	if stdout, _, err := runFlow(t, "-h"); !errors.Is(err, flag.ErrHelp) || !strings.Contains(stdout, "Usage: pivsr ot flow") || !strings.Contains(stdout, "-kind") {
		t.Errorf("-h: error %v, output %q", err, stdout)
	}
	for _, args := range [][]string{
		{"-kind", "heat"},
		{"-n", "1"},
		{"-steps", "-1"},
		{"-tau", "-0.1"},
		{"-slices", "-3"},
		{"-png", "out.jpg"},
		{"extra"},
		{"-bogus"},
	} {
		_, _, err := runFlow(t, args...)
		var u usageError
		if !errors.As(err, &u) {
			t.Errorf("ot flow %s: error %v, want a usage error", strings.Join(args, " "), err)
		}
	}
}
