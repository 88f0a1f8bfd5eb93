package data

import (
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pivsr/piv"
)

// Files written by other programs, through gonum's HDF5 bindings: the names,
// types and orders other tools use.
func TestLoadForeignNames(t *testing.T) {
	f := taylorGreen(8, 6) // nx=8, ny=6
	nx, ny := uint(8), uint(6)
	mesh := func(axis []float64, alongX bool) []float64 {
		out := make([]float64, 0, nx*ny)
		for j := 0; j < int(ny); j++ {
			for i := 0; i < int(nx); i++ {
				if alongX {
					out = append(out, axis[i])
				} else {
					out = append(out, axis[j])
				}
			}
		}
		return out
	}
	// transposedOf stores a [ny,nx] array as [nx,ny] (x along the first axis).
	transposedOf := func(a []float64) []float64 {
		out := make([]float64, len(a))
		for j := 0; j < int(ny); j++ {
			for i := 0; i < int(nx); i++ {
				out[i*int(ny)+j] = a[j*int(nx)+i]
			}
		}
		return out
	}
	ints := func(a []float64) []int16 {
		out := make([]int16, len(a))
		for i, v := range a {
			out[i] = int16(math.Round(100 * v))
		}
		return out
	}
	spaced := piv.UniformGrid(8, 6, 0, 0, 0.5, 2)
	unit := piv.UniformGrid(8, 6, 0, 0, 1, 1)
	grid2 := []uint{ny, nx}

	tests := []struct {
		name   string
		opt    LoadOptions
		objs   []h5obj
		grid   piv.Grid
		scale  float64 // values stored are scale * the field
		tol    float64
		layout string
	}{
		{"ux uy without coordinates, DX DY given", LoadOptions{DX: 0.5, DY: 2},
			[]h5obj{{"/ux", grid2, toFloat32(f.U)}, {"/uy", grid2, toFloat32(f.V)}},
			spaced, 1, 1e-7, "named datasets /ux /uy (grid nx=8 ny=6, no coordinates: spacing 0.5 x 2)"},
		{"U V float64 defaults to unit spacing", LoadOptions{},
			[]h5obj{{"/U", grid2, f.U}, {"/V", grid2, f.V}},
			unit, 1, 0, "named datasets /U /V (grid nx=8 ny=6, no coordinates: spacing 1 x 1)"},
		{"velocity_x velocity_y with X Y axes", LoadOptions{},
			[]h5obj{{"/velocity_x", grid2, f.U}, {"/velocity_y", grid2, f.V}, {"/X", []uint{nx}, f.X}, {"/Y", []uint{ny}, f.Y}},
			f.Grid, 1, 0, "coordinates /X /Y"},
		{"Velocity u in a group, big-endian", LoadOptions{},
			[]h5obj{{"/run 1/Velocity u", grid2, bigEndianFloat32(f.U)}, {"/run 1/Velocity v", grid2, bigEndianFloat32(f.V)},
				{"/run 1/x", []uint{nx}, f.X}, {"/run 1/y", []uint{ny}, f.Y}, {"/notes", []uint{3}, []float64{1, 2, 3}}},
			f.Grid, 1, 1e-7, "named datasets /run 1/Velocity u /run 1/Velocity v (grid nx=8 ny=6)"},
		{"integer vx vy", LoadOptions{},
			[]h5obj{{"/vx", grid2, ints(f.U)}, {"/vy", grid2, ints(f.V)}},
			unit, 100, 0.5, "named datasets /vx /vy"},
		{"meshgrid coordinates", LoadOptions{},
			[]h5obj{{"/u", grid2, f.U}, {"/v", grid2, f.V}, {"/x", grid2, mesh(f.X, true)}, {"/y", grid2, mesh(f.Y, false)}},
			f.Grid, 1, 0, "meshgrid coordinates"},
		{"MATLAB order: x along the first axis", LoadOptions{},
			[]h5obj{{"/u", []uint{nx, ny}, transposedOf(f.U)}, {"/v", []uint{nx, ny}, transposedOf(f.V)},
				{"/x", []uint{nx, ny}, transposedOf(mesh(f.X, true))}, {"/y", []uint{nx, ny}, transposedOf(mesh(f.Y, false))}},
			f.Grid, 1, 0, "transposed"},
		{"user-named datasets and coordinates", LoadOptions{UName: "a", VName: "/grp/b", XName: "grp/cx", YName: "cy"},
			[]h5obj{{"/grp/a", grid2, f.U}, {"/grp/b", grid2, f.V}, {"/grp/cx", []uint{nx}, f.X}, {"/grp/cy", []uint{ny}, f.Y},
				{"/u", []uint{2}, []float64{1, 2}}, {"/v", []uint{2}, []float64{1, 2}}},
			f.Grid, 1, 0, "named datasets /grp/a /grp/b (grid nx=8 ny=6, coordinates /grp/cx /grp/cy)"},
	}
	dir := t.TempDir()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "foreign"+string(rune('a'+i))+".h5")
			writeForeign(t, p, nil, tc.objs...)
			ds, err := LoadHDF5(p, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(ds.Layout, tc.layout) {
				t.Errorf("layout %q, want it to contain %q", ds.Layout, tc.layout)
			}
			if ds.Snapshots() != 1 || !ds.IsGrid() {
				t.Fatalf("%d snapshots, grid %v", ds.Snapshots(), ds.IsGrid())
			}
			want := &piv.Field{Grid: tc.grid, U: make([]float64, len(f.U)), V: make([]float64, len(f.V))}
			for k := range f.U {
				want.U[k], want.V[k] = tc.scale*f.U[k], tc.scale*f.V[k]
			}
			checkFieldsEqual(t, ds.Fields[0], want, tc.tol)
		})
	}
}

// A file with velocity pairs in several groups loads the first (root first,
// then groups by name) and says which others it saw.
func TestLoadForeignSeveralCandidates(t *testing.T) {
	f := taylorGreen(4, 3)
	g := []uint{3, 4}
	p := filepath.Join(t.TempDir(), "runs.h5")
	writeForeign(t, p, nil,
		h5obj{"/run2/u", g, f.V}, h5obj{"/run2/v", g, f.U},
		h5obj{"/run1/u", g, f.U}, h5obj{"/run1/v", g, f.V}, h5obj{"/run1/ux", g, f.V}, h5obj{"/run1/uy", g, f.V})
	ds, err := LoadHDF5(p, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if i := firstDiff(ds.Fields[0].U, f.U, 0); i >= 0 {
		t.Errorf("loaded another pair than /run1/u /run1/v")
	}
	want := "; also found /run1/ux /run1/uy, /run2/u /run2/v (choose with --u and --v)"
	if !strings.HasSuffix(ds.Layout, want) {
		t.Errorf("layout %q, want suffix %q", ds.Layout, want)
	}
}

func TestLoadForeignMaskAndTimes(t *testing.T) {
	f := taylorGreen(4, 3)
	T := 2
	var u, v []float64
	for s := 0; s < T; s++ {
		u, v = append(u, f.U...), append(v, f.V...)
	}
	mask := make([]uint8, len(u))
	for k := range mask {
		mask[k] = uint8(k % 2)
	}
	p := filepath.Join(t.TempDir(), "series.h5")
	shape := []uint{uint(T), 3, 4}
	writeForeign(t, p, map[string]string{"velocity_unit": "px/frame"},
		h5obj{"/u", shape, u}, h5obj{"/v", shape, v}, h5obj{"/valid", shape, mask}, h5obj{"/time", []uint{uint(T)}, []float64{0.1, 0.2}})
	ds, err := LoadHDF5(p, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Snapshots() != T || len(ds.T) != T || ds.T[1] != 0.2 || ds.Units.Velocity != "px/frame" {
		t.Fatalf("%d snapshots, times %v, units %+v", ds.Snapshots(), ds.T, ds.Units)
	}
	for s, fd := range ds.Fields {
		for k := range fd.U {
			if fd.Valid(k) != (mask[s*len(f.U)+k] == 1) {
				t.Fatalf("snapshot %d vector %d: valid %v, mask %d", s, k, fd.Valid(k), mask[s*len(f.U)+k])
			}
		}
	}
}

// The packed layout [T,ny,nx,4], in both axis orders, and a series whose
// positions move between snapshots (refused).
func TestLoadPacked(t *testing.T) {
	f := taylorGreen(5, 4)
	nx, ny := f.NX(), f.NY()
	pack := func(T int, transposed bool, drift float64) []float32 {
		var out []float32
		for s := 0; s < T; s++ {
			for a := 0; a < map[bool]int{false: ny, true: nx}[transposed]; a++ {
				for b := 0; b < map[bool]int{false: nx, true: ny}[transposed]; b++ {
					i, j := b, a
					if transposed {
						i, j = a, b
					}
					k := f.Index(i, j)
					x := f.X[i] + drift*float64(s)
					out = append(out, float32(x), float32(f.Y[j]), float32(float64(s+1)*f.U[k]), float32(f.V[k]))
				}
			}
		}
		return out
	}
	dir := t.TempDir()
	tests := []struct {
		name    string
		obj     h5obj
		wantErr string
	}{
		{"xy order", h5obj{"/velocity", []uint{2, uint(ny), uint(nx), 4}, pack(2, false, 0)}, ""},
		{"no time axis", h5obj{"/velocity", []uint{uint(ny), uint(nx), 4}, pack(1, false, 0)}, ""},
		{"ij order", h5obj{"/velocity", []uint{2, uint(nx), uint(ny), 4}, pack(2, true, 0)}, ""},
		{"moving grid", h5obj{"/velocity", []uint{2, uint(ny), uint(nx), 4}, pack(2, false, 0.25)}, "differs from"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "packed"+string(rune('a'+i))+".h5")
			writeForeign(t, p, nil, tc.obj)
			ds, err := LoadHDF5(p, LoadOptions{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), p+": ") {
					t.Fatalf("error %v, want one naming %s and saying %q", err, p, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for s, got := range ds.Fields {
				want := f.Clone()
				for k := range want.U {
					want.U[k] = float64(float32(float64(s+1) * f.U[k]))
					want.V[k] = float64(float32(f.V[k]))
				}
				for k := range want.X {
					want.X[k] = float64(float32(f.X[k]))
				}
				for k := range want.Y {
					want.Y[k] = float64(float32(f.Y[k]))
				}
				checkFieldsEqual(t, got, want, 0)
			}
		})
	}
}

// h5py is how most foreign files are written; this test runs when a Python
// with h5py is installed (apt-get install python3-h5py), and skips otherwise.
func TestLoadH5pyFiles(t *testing.T) {
	python := ""
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if err := exec.Command(py, "-c", "import h5py").Run(); err == nil {
			python = py
			break
		}
	}
	if python == "" {
		t.Skip("no python3 with h5py (apt-get install python3-h5py); skipping")
	}
	dir := t.TempDir()
	script := `
import sys, numpy as np, h5py
d = sys.argv[1]
ny, nx = 6, 8
x = np.linspace(0, 1, nx); y = np.linspace(0, 2, ny)
X, Y = np.meshgrid(x, y)
U = np.sin(X) * np.cos(Y); V = -np.cos(X) * np.sin(Y)
with h5py.File(d + "/plain.h5", "w") as f:
    f["U"] = U.astype(np.float32); f["V"] = V.astype(np.float32)
    f.attrs["description"] = "U V without coordinates"
with h5py.File(d + "/grouped.h5", "w") as f:
    g = f.create_group("piv")
    g["vx"] = U; g["vy"] = V; g["x"] = x; g["y"] = y
    g["mask"] = np.arange(nx * ny).reshape(ny, nx) % 5 != 0
    f.attrs["length_unit"] = "m"; f.attrs["frames"] = np.int32(1); f.attrs["dt"] = 0.5
with h5py.File(d + "/labels.h5", "w") as f:
    f["u"] = np.array([b"a", b"b"]); f["v"] = np.array([b"c", b"d"])
`
	if out, err := exec.Command(python, "-c", script, dir).CombinedOutput(); err != nil {
		t.Fatalf("h5py script: %v\n%s", err, out)
	}
	g := piv.UniformGrid(8, 6, 0, 0, 1.0/7, 2.0/5)
	want := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			want.U[g.Index(i, j)] = math.Sin(x) * math.Cos(y)
			want.V[g.Index(i, j)] = -math.Cos(x) * math.Sin(y)
		}
	}

	plain, err := Load(filepath.Join(dir, "plain.h5"), LoadOptions{DX: 1.0 / 7, DY: 2.0 / 5})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Attrs["description"] != "U V without coordinates" {
		t.Errorf("attrs %v", plain.Attrs)
	}
	pf := plain.Fields[0]
	if i := firstDiff(pf.U, want.U, 1e-7); i >= 0 {
		t.Errorf("u differs at %d", i)
	}
	if i := firstDiff(pf.X, want.X, 1e-12); i >= 0 {
		t.Errorf("x %v, want %v", pf.X, want.X)
	}

	grouped, err := Load(filepath.Join(dir, "grouped.h5"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gf := grouped.Fields[0]
	if !strings.HasPrefix(grouped.Layout, "named datasets /piv/vx /piv/vy") || grouped.Units.Length != "m" ||
		grouped.Attrs["frames"] != "1" || grouped.Attrs["dt"] != "0.5" {
		t.Errorf("layout %q, units %+v, attrs %v", grouped.Layout, grouped.Units, grouped.Attrs)
	}
	for k := range gf.U {
		if gf.Valid(k) != (k%5 != 0) {
			t.Fatalf("vector %d: valid %v, want %v (bool mask)", k, gf.Valid(k), k%5 != 0)
		}
		if gf.Valid(k) && math.Abs(gf.U[k]-want.U[k]) > 1e-12 {
			t.Fatalf("u[%d] = %v, want %v", k, gf.U[k], want.U[k])
		}
	}

	_, err = Load(filepath.Join(dir, "labels.h5"), LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "holds string values, expected numbers") {
		t.Errorf("string datasets: error %v", err)
	}

	// And the other way: h5py reads what SaveHDF5 writes.
	mine := filepath.Join(dir, "mine.h5")
	masked := want.Clone()
	masked.Mask = make([]bool, len(masked.U))
	for k := range masked.Mask {
		masked.Mask[k] = k != 5
	}
	ds := &Dataset{Fields: []*piv.Field{masked}, Units: piv.Units{Length: "m", Velocity: "m/s"}}
	if err := SaveHDF5(mine, ds, SaveOptions{Float32: true, Provenance: &Provenance{Version: "1.2"}}); err != nil {
		t.Fatal(err)
	}
	read := `
import sys, numpy as np, h5py
with h5py.File(sys.argv[1], "r") as f:
    a = f.attrs
    s = lambda v: v.decode() if isinstance(v, bytes) else str(v)
    u = f["u"][...]
    print(s(a["format"]), int(a["version"]), s(a["velocity_unit"]), s(a["pivsr_version"]))
    print(u.dtype, u.shape, f["x"].dtype, f["mask"].dtype, int(f["mask"][...].sum()), int(np.isnan(u).sum()))
    print("%.6f" % float(u[1, 2]))
`
	out, err := exec.Command(python, "-c", read, mine).CombinedOutput()
	if err != nil {
		t.Fatalf("h5py reading %s: %v\n%s", mine, err, out)
	}
	wantOut := "pivsr 1 m/s 1.2\nfloat32 (6, 8) float64 uint8 47 1\n" + strconv.FormatFloat(want.U[want.Index(2, 1)], 'f', 6, 64) + "\n"
	if string(out) != wantOut {
		t.Errorf("h5py read:\n%s\nwant:\n%s", out, wantOut)
	}
}

// u [3,3] with x, y [3] fits a 3x3 grid and a series of 3 snapshots of 3
// points; positions that are not axes make it the series.
func TestLoadForeignSquareScatteredSeries(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ptv.h5")
	u := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	writeForeign(t, p, nil, h5obj{"/u", []uint{3, 3}, u}, h5obj{"/v", []uint{3, 3}, u},
		h5obj{"/x", []uint{3}, []float64{0, 2, 1}}, h5obj{"/y", []uint{3}, []float64{5, 5, 5}}, h5obj{"/t", []uint{3}, []float64{0, 1, 2}})
	ds, err := LoadHDF5(p, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.IsGrid() || ds.Snapshots() != 3 || len(ds.T) != 3 || ds.Points[2].U[1] != 8 || ds.Points[1].X[1] != 2 {
		t.Fatalf("got %d snapshots (grid %v), times %v, layout %q", ds.Snapshots(), ds.IsGrid(), ds.T, ds.Layout)
	}
	if !strings.Contains(ds.Layout, "scattered time series T=3 N<=3") {
		t.Errorf("layout %q", ds.Layout)
	}
}
