package figures

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestLogLogWritesAPNGAndNothingElse(t *testing.T) {
	dir := t.TempDir()
	e := make([]float64, 64)
	for k := 1; k < len(e); k++ {
		e[k] = math.Pow(float64(k), -3)
	}
	path := filepath.Join(dir, "spectra.png")
	if err := LogLog(path, "E(k)", "k", "E", Spectrum("truth", e), Spectrum("half", scaled(e, 0.5))); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 100 {
		t.Errorf("image is %v", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only the figure", len(entries))
	}
}

func TestFiguresRefuseEmptyCurves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.png")
	if err := SemiLogY(path, "loss", "step", "loss", Curve{Name: "zero", X: []float64{1, 2}, Y: []float64{0, -1}}); err == nil {
		t.Error("a figure with nothing to draw was written")
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a failed figure left a file")
	}
}

func scaled(e []float64, s float64) []float64 {
	out := make([]float64, len(e))
	for k := range e {
		out[k] = s * e[k]
	}
	return out
}
