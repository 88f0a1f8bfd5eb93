package data

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"pivsr/piv"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	masked := taylorGreen(12, 9)
	masked.Mask = make([]bool, len(masked.U))
	for k := range masked.Mask {
		masked.Mask[k] = k%3 != 0
	}
	masked.U[4], masked.V[7] = math.NaN(), math.NaN() // NaN is missing too
	decreasingY := taylorGreen(5, 4)
	for j := range decreasingY.Y {
		decreasingY.Y[j] = -float64(j) * 0.25
	}
	series := func(T int) []*piv.Field {
		var fs []*piv.Field
		for t := 0; t < T; t++ {
			f := taylorGreen(7, 6)
			for k := range f.U {
				f.U[k] *= float64(t + 1)
			}
			fs = append(fs, f)
		}
		return fs
	}
	points := func(n int, shift float64) *piv.Scattered {
		s := &piv.Scattered{}
		for i := 0; i < n; i++ {
			x, y := math.Sin(float64(i)*1.7)+shift, math.Cos(float64(i)*2.3)
			s.X, s.Y = append(s.X, x), append(s.Y, y)
			s.U, s.V = append(s.U, y), append(s.V, -x)
		}
		return s
	}
	vort, err := piv.Vorticity(nil, taylorGreen(12, 9))
	if err != nil {
		t.Fatal(err)
	}
	units := piv.Units{Length: "mm", Velocity: "m/s", Time: "ms"}

	tests := []struct {
		name    string
		ds      *Dataset
		float32 bool
	}{
		{"grid", &Dataset{Fields: []*piv.Field{taylorGreen(12, 9)}, Units: units}, false},
		{"masked grid with NaN", &Dataset{Fields: []*piv.Field{masked}}, false},
		{"decreasing y", &Dataset{Fields: []*piv.Field{decreasingY}}, false},
		{"time series with times", &Dataset{Fields: series(3), T: []float64{0, 0.5, 1}}, false},
		{"float32", &Dataset{Fields: series(2)}, true},
		{"extra fields", &Dataset{Fields: []*piv.Field{taylorGreen(12, 9)}, Extra: map[string][][]float64{"vorticity": {vort}}}, false},
		{"scattered", &Dataset{Points: []*piv.Scattered{points(17, 0)}}, false},
		{"scattered series, shared positions", &Dataset{Points: []*piv.Scattered{points(5, 0), points(5, 0)}, T: []float64{1, 2}}, false},
		{"scattered series, T equal to N", &Dataset{Points: []*piv.Scattered{points(3, 0), points(3, 0), points(3, 0)}}, false},
		{"scattered series, moving points", &Dataset{Points: []*piv.Scattered{points(4, 0), points(6, 10)},
			Extra: map[string][][]float64{"speed": {{1, 2, 3, 4}, {5, 6, 7, 8, 9, 10}}}}, true},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".h5")
			if err := SaveHDF5(p, tc.ds, SaveOptions{Float32: tc.float32}); err != nil {
				t.Fatal(err)
			}
			got, err := LoadHDF5(p, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got.Layout, "pivsr v1 (") {
				t.Errorf("layout %q, want pivsr v1", got.Layout)
			}
			if got.Source != p || got.Attrs["format"] != "pivsr" || got.Attrs["version"] != "1" {
				t.Errorf("source %q, attrs %v", got.Source, got.Attrs)
			}
			if got.Units != tc.ds.Units {
				t.Errorf("units %+v, want %+v", got.Units, tc.ds.Units)
			}
			tol := 0.0
			if tc.float32 {
				tol = 1e-6 // |values| <= 10: float32 rounding
			}
			if got.Snapshots() != tc.ds.Snapshots() || got.IsGrid() != tc.ds.IsGrid() {
				t.Fatalf("got %d snapshots (grid %v), want %d (grid %v)", got.Snapshots(), got.IsGrid(), tc.ds.Snapshots(), tc.ds.IsGrid())
			}
			if k := firstDiff(got.T, tc.ds.T, 0); k >= 0 {
				t.Errorf("times %v, want %v", got.T, tc.ds.T)
			}
			for s := range tc.ds.Fields {
				checkFieldsEqual(t, got.Fields[s], tc.ds.Fields[s], tol*float64(s+1))
				if got.Fields[s].Units != tc.ds.Units {
					t.Errorf("field units %+v, want %+v", got.Fields[s].Units, tc.ds.Units)
				}
			}
			for s, want := range tc.ds.Points {
				g := got.Points[s]
				for _, c := range [][2][]float64{{g.X, want.X}, {g.Y, want.Y}} {
					if k := firstDiff(c[0], c[1], 0); k >= 0 {
						t.Fatalf("snapshot %d positions differ at %d: got %v, want %v", s, k, c[0], c[1])
					}
				}
				for _, c := range [][2][]float64{{g.U, want.U}, {g.V, want.V}} {
					if k := firstDiff(c[0], c[1], tol); k >= 0 {
						t.Fatalf("snapshot %d velocities differ at %d: got %v, want %v", s, k, c[0], c[1])
					}
				}
			}
			if len(got.Extra) != len(tc.ds.Extra) {
				t.Fatalf("extra %v, want keys of %v", got.Extra, tc.ds.Extra)
			}
			for name, snaps := range tc.ds.Extra {
				for s := range snaps {
					if k := firstDiff(got.Extra[name][s], snaps[s], 10*tol); k >= 0 {
						t.Errorf("extra %q snapshot %d differs at %d", name, s, k)
					}
				}
			}
		})
	}
}

// A masked grid keeps NaN out of valid vectors and writes a mask only when
// some vector is invalid.
func TestSaveMaskOnlyWhenNeeded(t *testing.T) {
	dir := t.TempDir()
	full, sparse := filepath.Join(dir, "full.h5"), filepath.Join(dir, "sparse.h5")
	f := taylorGreen(6, 5)
	if err := SaveHDF5(full, &Dataset{Fields: []*piv.Field{f}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	g := f.Clone()
	g.Mask = make([]bool, len(g.U))
	for k := range g.Mask {
		g.Mask[k] = k != 3
	}
	if err := SaveHDF5(sparse, &Dataset{Fields: []*piv.Field{g}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path     string
		wantMask bool
	}{{full, false}, {sparse, true}} {
		objs := listFile(t, tc.path)
		has := false
		for _, o := range objs {
			if o.Path == "/mask" {
				has = true
				if o.Type.Class != ClassInteger || o.Type.Size != 1 || !o.Type.Unsigned {
					t.Errorf("%s: mask type %s, want uint8", tc.path, o.Type)
				}
			}
		}
		if has != tc.wantMask {
			t.Errorf("%s: mask written %v, want %v (%v)", tc.path, has, tc.wantMask, objs)
		}
	}
	got, err := LoadHDF5(sparse, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(got.Fields[0].U[3]) || got.Fields[0].Valid(3) || got.Fields[0].NumValid() != len(g.U)-1 {
		t.Errorf("masked vector read back as %v (valid %v), %d valid", got.Fields[0].U[3], got.Fields[0].Valid(3), got.Fields[0].NumValid())
	}
}

// listFile lists the datasets of an HDF5 file as LoadHDF5 sees them.
func listFile(t *testing.T, p string) []DatasetInfo {
	t.Helper()
	var objs []DatasetInfo
	err := withH5(func() error {
		f, err := openForTest(p)
		if err != nil {
			return err
		}
		defer f.Close()
		objs, err = (&h5reader{f: f}).list(&f.CommonFG, "/", 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func TestSaveFloat32StoresFloat32(t *testing.T) {
	dir := t.TempDir()
	for _, single := range []bool{false, true} {
		p := filepath.Join(dir, map[bool]string{false: "f64.h5", true: "f32.h5"}[single])
		if err := SaveHDF5(p, &Dataset{Fields: []*piv.Field{taylorGreen(4, 3)}}, SaveOptions{Float32: single}); err != nil {
			t.Fatal(err)
		}
		want := map[bool]int{false: 8, true: 4}[single]
		for _, o := range listFile(t, p) {
			size := want
			if o.Path == "/x" || o.Path == "/y" {
				size = 8 // coordinates are float64 either way
			}
			if o.Type.Class != ClassFloat || o.Type.Size != size {
				t.Errorf("%s %s: type %s, want float%d", p, o.Path, o.Type, 8*size)
			}
		}
	}
}

func TestSaveProvenance(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.h5")
	if err := SaveHDF5(in, &Dataset{Fields: []*piv.Field{taylorGreen(4, 3)}, Attrs: map[string]string{"experiment": "soap film", "format": "other"}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	ds, err := LoadHDF5(in, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	prov := &Provenance{Version: "0.1.0", Args: []string{"pivsr", "derive", "--out", "my out.h5", in}, Inputs: []string{in}}
	out := filepath.Join(dir, "out.h5")
	if err := SaveHDF5(out, ds, SaveOptions{Provenance: prov}); err != nil {
		t.Fatal(err)
	}
	got, err := LoadHDF5(out, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := got.Attrs
	abs, _ := filepath.Abs(in)
	size := fileSize(t, in)
	if a[AttrPivsrVersion] != "0.1.0" || a[AttrCommandLine] != "pivsr derive --out 'my out.h5' "+in ||
		a[AttrInputs] != abs+" ("+size+" bytes)" || a["experiment"] != "soap film" || a["format"] != "pivsr" {
		t.Errorf("attributes %v", a)
	}
	if _, err := parseRFC3339(a[AttrCreated]); err != nil {
		t.Errorf("created %q: %v", a[AttrCreated], err)
	}
}

func TestLoadSharedTurb2D(t *testing.T) {
	v1 := sharedData(t, "turb2d/turb2d_666.h5")
	packed := sharedData(t, "turb2d/turb2d_666_packed.h5")
	a, err := Load(v1, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(packed, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Layout, "pivsr v1") || !strings.HasPrefix(b.Layout, "packed velocity /velocity") {
		t.Errorf("layouts %q and %q", a.Layout, b.Layout)
	}
	for _, ds := range []*Dataset{a, b} {
		if ds.Snapshots() != 1 || !ds.IsGrid() {
			t.Fatalf("%s: %d snapshots, grid %v", ds.Source, ds.Snapshots(), ds.IsGrid())
		}
		f := ds.Fields[0]
		if f.NX() != 256 || f.NY() != 256 || f.Mask != nil {
			t.Fatalf("%s: %dx%d, mask %v", ds.Source, f.NX(), f.NY(), f.Mask != nil)
		}
		if f.X[0] != 0 || math.Abs(f.X[255]-1) > 1e-6 || f.Y[0] != 0 || math.Abs(f.Y[255]-1) > 1e-6 {
			t.Errorf("%s: axes [%v, %v] x [%v, %v], want the unit box", ds.Source, f.X[0], f.X[255], f.Y[0], f.Y[255])
		}
		maxV := 0.0
		for _, v := range f.V {
			maxV = math.Max(maxV, math.Abs(v))
		}
		if math.Abs(maxV-1) > 1e-6 {
			t.Errorf("%s: max|v| = %v, want 1", ds.Source, maxV)
		}
	}
	// The packed file stores the same float32 values; its coordinates are
	// float32 too, so compare them to float32 precision.
	fa, fb := a.Fields[0], b.Fields[0]
	if i := firstDiff(fa.X, fb.X, 1e-7); i >= 0 {
		t.Errorf("x differs at %d", i)
	}
	if i := firstDiff(fa.U, fb.U, 0); i >= 0 {
		t.Errorf("u differs at %d: %v vs %v", i, fa.U[i], fb.U[i])
	}
	if i := firstDiff(fa.V, fb.V, 0); i >= 0 {
		t.Errorf("v differs at %d: %v vs %v", i, fa.V[i], fb.V[i])
	}
	if a.Units.Length != "1" || a.Units.Velocity != "1" {
		t.Errorf("units %+v", a.Units)
	}
}
