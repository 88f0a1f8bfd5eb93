package nf

import (
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func blrPath(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", "blr", name+".h5")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("benchmark data absent (%v): ../shared/data/blr is not checked out", err)
	}
	return p
}

// TestLoadBLR checks the sizes and label counts the data's README gives.
func TestLoadBLR(t *testing.T) {
	d, err := LoadBLR(blrPath(t, "german"), 1)
	if err != nil {
		t.Fatal(err)
	}
	n, dim := d.XTrain.Dims()
	m, _ := d.XTest.Dims()
	pos := 0
	for _, y := range d.YTrain {
		if y > 0 {
			pos++
		}
	}
	if n != 700 || m != 300 || dim != 20 || pos != 217 {
		t.Errorf("german split 1: %d/%d rows, %d features, %d positive; want 700/300, 20, 217", n, m, dim, pos)
	}
	if _, err := LoadBLR(blrPath(t, "german"), 99); err == nil {
		t.Errorf("split 99: no error")
	}
}

// TestResplitKeepsEveryExampleOnce pools a small split, redraws it 80/20
// and checks that every (row, label) pair lands exactly once, that the
// shuffle depends on the seed, and that bad fractions are refused.
func TestResplitKeepsEveryExampleOnce(t *testing.T) {
	d := &BLRData{XTrain: mat.NewDense(6, 1, []float64{0, 1, 2, 3, 4, 5}), YTrain: []float64{1, -1, 1, -1, 1, -1},
		XTest: mat.NewDense(4, 1, []float64{6, 7, 8, 9}), YTest: []float64{1, 1, -1, -1}}
	label := map[float64]float64{}
	for i, y := range append(append([]float64{}, d.YTrain...), d.YTest...) {
		label[float64(i)] = y
	}
	r, err := d.Resplit(0.8, 1)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.XTrain.Dims(); n != 8 || len(r.YTest) != 2 {
		t.Fatalf("split %d/%d, want 8/2", n, len(r.YTest))
	}
	seen := map[float64]bool{}
	check := func(x *mat.Dense, y []float64) {
		for i := range y {
			v := x.At(i, 0)
			if seen[v] || label[v] != y[i] {
				t.Errorf("example %v: seen before %v, label %v want %v", v, seen[v], y[i], label[v])
			}
			seen[v] = true
		}
	}
	check(r.XTrain, r.YTrain)
	check(r.XTest, r.YTest)
	if len(seen) != 10 {
		t.Errorf("%d distinct examples after the split, want 10", len(seen))
	}
	differs := false
	for s := uint64(2); s < 6 && !differs; s++ {
		o, _ := d.Resplit(0.8, s)
		differs = !mat.Equal(o.XTest, r.XTest)
	}
	if !differs {
		t.Errorf("seeds 2..5 all drew seed 1's test set")
	}
	for _, f := range []float64{0, 1, 0.01, -0.5} {
		if _, err := d.Resplit(f, 1); err == nil {
			t.Errorf("train fraction %v: no error", f)
		}
	}
}
