package nf

import (
	"os"
	"path/filepath"
	"testing"
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
