package data

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pivsr/data/pivfmt"
	"pivsr/piv"
)

func TestDetectFormat(t *testing.T) {
	dir := t.TempDir()
	h5 := validFile(t, filepath.Join(dir, "v1.h5"))
	var flo bytes.Buffer
	if err := pivfmt.WriteFlo(&flo, taylorGreen(3, 2)); err != nil {
		t.Fatal(err)
	}
	withUserBlock := append(make([]byte, 512), h5...)
	tests := []struct {
		name, file string
		content    []byte // nil: no file
		want       string // format, or the error
		wantErr    bool
	}{
		{"HDF5 by content", "run.dat", h5, FormatHDF5, false},
		{"HDF5 after a user block", "run", withUserBlock, FormatHDF5, false},
		{".flo by content", "flow.bin", flo.Bytes(), FormatFlo, false},
		{"Tecplot header", "export", []byte(`TITLE="x" VARIABLES="X mm", "Y mm", "U m/s", "V m/s"` + "\n"), FormatVec, false},
		{".vec", "a.VEC", []byte("1 2 3 4\n"), FormatVec, false},
		{".txt", "a.txt", []byte("1 2 3 4\n"), FormatColumns, false},
		{".csv", "a.csv", []byte("1,2,3,4\n"), FormatColumns, false},
		{".dat", "a.dat", []byte("1 2 3 4\n"), FormatColumns, false},
		{".flo by extension", "a.flo", []byte("garbage"), FormatFlo, false},
		{".h5 that is not HDF5", "a.hdf5", []byte("1 2 3 4\n"), FormatHDF5, false},
		{"unknown", "a.xyz", []byte("1 2 3 4\n"), `unknown file format: no HDF5 or .flo signature, and extension ".xyz" is none of`, true},
		{"missing", "missing.h5", nil, "no such file", true},
		{"empty", "empty.txt", []byte{}, "empty file", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.file)
			if tc.content != nil {
				if err := os.WriteFile(p, tc.content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := DetectFormat(p)
			if tc.wantErr {
				checkFileError(t, p, err, tc.want)
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("DetectFormat = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestLoadDispatch(t *testing.T) {
	dir := t.TempDir()
	f := taylorGreen(4, 3)
	h5 := filepath.Join(dir, "field.bin")
	if err := SaveHDF5(h5, &Dataset{Fields: []*piv.Field{f}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	cols := filepath.Join(dir, "cols.txt")
	var b strings.Builder
	b.WriteString("# x y u v\n")
	for j, y := range f.Y {
		for i, x := range f.X {
			k := f.Index(i, j)
			b.WriteString(strings.Join([]string{ftoa(x), ftoa(y), ftoa(f.U[k]), ftoa(f.V[k])}, " ") + "\n")
		}
	}
	if err := os.WriteFile(cols, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	flo := filepath.Join(dir, "flow.flo")
	var fb bytes.Buffer
	if err := pivfmt.WriteFlo(&fb, f); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(flo, fb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.txt")
	os.WriteFile(garbage, []byte("this is not a table\n"), 0o644)

	for _, tc := range []struct {
		path, format, layout string
		tol                  float64
	}{
		{h5, "", "pivsr v1", 0},
		{h5, "hdf5", "pivsr v1", 0},
		{cols, "", pivfmt.LayoutColumns, 1e-12},
		{flo, "", pivfmt.LayoutFlo, 1e-6},
	} {
		ds, err := Load(tc.path, LoadOptions{Format: tc.format})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(ds.Layout, tc.layout) || ds.Source != tc.path || ds.Snapshots() != 1 || !ds.IsGrid() {
			t.Fatalf("%s: layout %q, source %q, %d snapshots", tc.path, ds.Layout, ds.Source, ds.Snapshots())
		}
		got := ds.Fields[0]
		if tc.layout == pivfmt.LayoutFlo {
			// .flo holds pixels: values only, on a unit grid.
			if i := firstDiff(got.U, f.U, tc.tol); i >= 0 {
				t.Errorf("%s: u differs at %d", tc.path, i)
			}
			continue
		}
		checkFieldsEqual(t, got, f, tc.tol)
	}

	_, err := Load(h5, LoadOptions{Format: "mat"})
	checkFileError(t, h5, err, `unknown format "mat": expected h5, vec, txt or flo`)
	_, err = Load(cols, LoadOptions{Format: "h5"})
	checkFileError(t, cols, err, "not an HDF5 file")
	_, err = Load(garbage, LoadOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), garbage+": ") || strings.Count(err.Error(), garbage) != 1 {
		t.Errorf("text error %v should name %s once", err, garbage)
	}
}

func TestLoadSharedVec(t *testing.T) {
	p := sharedData(t, "piv/insight_run1.vec")
	ds, err := Load(p, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := ds.Fields[0]
	if ds.Layout != pivfmt.LayoutVec || f.NX() != 63 || f.NY() != 63 || ds.Units.Length != "mm" || ds.Units.Velocity != "m/s" {
		t.Errorf("layout %q, %dx%d, units %+v", ds.Layout, f.NX(), f.NY(), ds.Units)
	}
	// And it survives a round trip through the project layout.
	out := filepath.Join(t.TempDir(), "run1.h5")
	if err := SaveHDF5(out, ds, SaveOptions{Provenance: NewProvenance("test", p)}); err != nil {
		t.Fatal(err)
	}
	back, err := Load(out, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkFieldsEqual(t, back.Fields[0], f, 0)
	if back.Units != ds.Units || !strings.Contains(back.Attrs[AttrInputs], "insight_run1.vec (179775 bytes)") {
		t.Errorf("units %+v, inputs %q", back.Units, back.Attrs[AttrInputs])
	}
}
