package nf

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadEarth reads a file in the Earth format (comment lines, a header,
// no final newline) and rejects bad rows naming the file and line.
func TestLoadEarth(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("# source\n# more\nLATITUDE,LONGITUDE\n90,0\n0, 90\n-30.5,-180"), 0o644)
	x, err := LoadEarth(good)
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]float64{{0, 0, 1}, {0, 1, 0}, {-math.Cos(30.5 * math.Pi / 180), 0, -math.Sin(30.5 * math.Pi / 180)}}
	if n, _ := x.Dims(); n != 3 {
		t.Fatalf("%d rows, want 3", n)
	}
	for i, w := range want {
		for j := range 3 {
			if math.Abs(x.At(i, j)-w[j]) > 1e-12 {
				t.Errorf("row %d = %v, want %v", i, x.RawRowView(i), w)
				break
			}
		}
	}
	for name, body := range map[string]string{
		"bad.csv":   "lat,lon\n10,20\n95,0\n",
		"word.csv":  "lat,lon\n10,abc\n",
		"empty.csv": "# only a comment\nlat,lon\n",
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(body), 0o644)
		if _, err := LoadEarth(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the file", name, err)
		}
	}
	if _, err := LoadEarth(filepath.Join(dir, "missing.csv")); err == nil {
		t.Error("missing file: no error")
	}
}

// earthData returns the shared Earth folder, skipping the test without it.
func earthData(t *testing.T) string {
	dir := filepath.Join("..", "..", "..", "shared", "data", "earth")
	if _, err := os.Stat(filepath.Join(dir, "volerup.csv")); err != nil {
		t.Skipf("shared Earth data absent (%v): skipping", err)
	}
	return dir
}

// TestEarthRealData loads the four shared files (row counts of their
// README) and runs a short RunEarth on the volcano set: a sanity check of
// the whole pipeline, not of its quality.
func TestEarthRealData(t *testing.T) {
	dir := earthData(t)
	rows := map[string]int{"fire": 12809, "flood": 4875, "quakes": 6120, "volerup": 827}
	for _, name := range EarthDatasets {
		x, err := LoadEarth(filepath.Join(dir, EarthFile(name)))
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := x.Dims(); n != rows[name] {
			t.Errorf("%s: %d events, want %d", name, n, rows[name])
		}
	}
	x, _ := LoadEarth(filepath.Join(dir, "volerup.csv"))
	backend := goBackend(t)
	res, err := RunEarth(backend, x, EarthConfig{Exp: ExpConfig{Blocks: 8, Components: 6}, SSW: SSWConfig{Steps: 40, Batch: 256, Circles: 20}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("flow %.3f/%.3f, KDE %.3f/%.3f (kappa %.0f), SSW2 %.2e -> %.2e", res.FlowTrain, res.FlowTest, res.KDETrain, res.KDETest, res.Kappa, res.SSWInit, res.SSWTest)
	if res.NTrain != 579 || res.NTest != 248 {
		t.Errorf("split %d/%d, want 579/248", res.NTrain, res.NTest)
	}
	for _, v := range []float64{res.FlowTrain, res.FlowTest, res.SSWInit, res.SSWTest} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("non-finite result %+v", res)
		}
	}
	if !(res.KDETest < res.Uniform-1) || !(res.FlowTest < res.Uniform+1) {
		t.Errorf("test NLL: KDE %v, flow %v, uniform %v", res.KDETest, res.FlowTest, res.Uniform)
	}
	chart, err := RunEarth(backend, x, EarthConfig{Arch: ArchChart, Flow: Config{Layers: 2, Hidden: 8}, SSW: SSWConfig{Steps: 10, Batch: 128, Circles: 10}, Seed: 1})
	if err != nil || math.IsNaN(chart.FlowTest) {
		t.Errorf("chart flow: %v, test NLL %v", err, chart)
	}
	if _, err := RunEarth(backend, x, EarthConfig{Arch: "spline"}); err == nil || !strings.Contains(err.Error(), "spline") {
		t.Errorf("unknown architecture: error %v", err)
	}
	// The trained flow's density is a density: no mass lost or piled up.
	q, w := sphereQuadrature(120, [3]float64{0, 0, 1})
	logP, err := res.Flow.LogDensity(backend, q)
	if err != nil {
		t.Fatal(err)
	}
	if mass := integrate(logP, w); math.Abs(mass-1) > 5e-3 {
		t.Errorf("trained flow's density integrates to %v, want 1", mass)
	}
}
