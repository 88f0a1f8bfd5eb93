package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pivsr/piv"
)

func TestReadArray(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.h5")
	g := piv.UniformGrid(3, 2, 0, 0, 1, 1)
	f := piv.NewField(g)
	for k := range f.U {
		f.U[k] = float64(k)
	}
	if err := SaveHDF5(path, &Dataset{Fields: []*piv.Field{f}}, SaveOptions{Float32: true}); err != nil {
		t.Fatal(err)
	}
	u, shape, err := ReadArray(path, "u")
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 2 || shape[0] != 2 || shape[1] != 3 || u[5] != 5 {
		t.Errorf("u read as %v with shape %v", u, shape)
	}
	for name, tc := range map[string]struct{ path, dataset, want string }{
		"missing dataset": {path, "nope", "no dataset /nope"},
		"missing file":    {filepath.Join(dir, "none.h5"), "u", "none.h5"},
		"not HDF5":        {writeText(t, dir), "u", "not an HDF5 file"},
	} {
		if _, _, err := ReadArray(tc.path, tc.dataset); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", name, err, tc.want)
		}
	}
	if v, err := HDF5Version(); err != nil || !strings.Contains(v, ".") {
		t.Errorf("HDF5Version = %q, %v", v, err)
	}
}

func writeText(t *testing.T, dir string) string {
	p := filepath.Join(dir, "x.txt")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadArrayOnTheBenchmarkFiles(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "data", "blr", "german.h5")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared data absent (%v)", err)
	}
	y, shape, err := ReadArray(path, "split1/y_train")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range y {
		if v != 1 && v != -1 {
			t.Fatalf("label %v in an int8 ±1 dataset of shape %v", v, shape)
		}
	}
}
