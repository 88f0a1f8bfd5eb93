package data

import (
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/hdf5"

	"pivsr/piv"
)

// sharedData returns ../../shared/data/rel, skipping the test when the shared
// data folder is absent.
func sharedData(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s not available (%v); skipping", p, err)
	}
	return p
}

// taylorGreen is a Taylor-Green vortex on an nx by ny grid.
func taylorGreen(nx, ny int) *piv.Field {
	g := piv.UniformGrid(nx, ny, 0.5, -1, 2*math.Pi/float64(nx), 2*math.Pi/float64(ny))
	f := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			f.U[g.Index(i, j)] = math.Sin(x) * math.Cos(y)
			f.V[g.Index(i, j)] = -math.Cos(x) * math.Sin(y)
		}
	}
	return f
}

// h5obj is one dataset of a foreign test file, written with gonum's hdf5
// package as another program would. data is []float32, []float64, []int16 or
// []uint8 (stored in its native type), or []uint32 holding raw big-endian
// float32 bit patterns (stored as big-endian float32).
type h5obj struct {
	path  string // e.g. "/ux" or "/run1/Velocity u"; groups are created
	shape []uint
	data  any
}

// writeForeign writes objs to a new HDF5 file at p, with string root attributes.
func writeForeign(t *testing.T, p string, attrs map[string]string, objs ...h5obj) {
	t.Helper()
	err := withH5(func() error {
		f, err := hdf5.CreateFile(p, hdf5.F_ACC_TRUNC)
		if err != nil {
			return err
		}
		defer f.Close()
		groups := map[string]*hdf5.Group{}
		defer func() {
			for _, g := range groups {
				g.Close()
			}
		}()
		for _, o := range objs {
			loc := &f.CommonFG
			if dir := path.Dir(o.path); dir != "/" {
				g, ok := groups[dir]
				if !ok {
					if g, err = f.CreateGroup(strings.TrimPrefix(dir, "/")); err != nil {
						return err
					}
					groups[dir] = g
				}
				loc = &g.CommonFG
			}
			var dtype *hdf5.Datatype
			switch o.data.(type) {
			case nil, []float64:
				dtype = hdf5.T_NATIVE_DOUBLE
			case []float32:
				dtype = hdf5.T_NATIVE_FLOAT
			case []int16:
				dtype = hdf5.T_NATIVE_INT16
			case []uint8:
				dtype = hdf5.T_NATIVE_UINT8
			case []uint32:
				dtype = hdf5.T_IEEE_F32BE
			default:
				t.Fatalf("writeForeign: unsupported data %T", o.data)
			}
			sp, err := hdf5.CreateSimpleDataspace(o.shape, nil)
			if err != nil {
				return err
			}
			d, err := loc.CreateDataset(path.Base(o.path), dtype, sp)
			sp.Close()
			if err != nil {
				return err
			}
			if o.data != nil {
				err = writeAny(d, o.data)
			}
			d.Close()
			if err != nil {
				return err
			}
		}
		for k, v := range attrs {
			if err := h5WriteStringAttr(f.ID(), k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("writing %s: %v", p, err)
	}
}

func writeAny(d *hdf5.Dataset, data any) error {
	switch s := data.(type) {
	case []float32:
		return d.Write(&s)
	case []float64:
		return d.Write(&s)
	case []int16:
		return d.Write(&s)
	case []uint8:
		return d.Write(&s)
	case []uint32:
		return d.Write(&s)
	}
	return nil
}

// bigEndianFloat32 returns the raw big-endian bit patterns of vs, as a
// []uint32 in native (little-endian) memory order, for writeForeign.
func bigEndianFloat32(vs []float64) []uint32 {
	out := make([]uint32, len(vs))
	for i, v := range vs {
		b := math.Float32bits(float32(v))
		out[i] = b>>24 | (b>>8)&0xff00 | (b<<8)&0xff0000 | b<<24
	}
	return out
}

func toFloat32(vs []float64) []float32 {
	out := make([]float32, len(vs))
	for i, v := range vs {
		out[i] = float32(v)
	}
	return out
}

// sameValues reports the first index where a and b differ by more than tol
// (NaN equals NaN), or -1.
func firstDiff(a, b []float64, tol float64) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		if math.IsNaN(a[i]) && math.IsNaN(b[i]) {
			continue
		}
		if !(math.Abs(a[i]-b[i]) <= tol) {
			return i
		}
	}
	return -1
}

// checkFieldsEqual compares grids exactly, validity exactly, and valid values
// to within tol.
func checkFieldsEqual(t *testing.T, got, want *piv.Field, tol float64) {
	t.Helper()
	if i := firstDiff(got.X, want.X, 0); i >= 0 {
		t.Fatalf("x differs at %d: got %v, want %v", i, got.X, want.X)
	}
	if i := firstDiff(got.Y, want.Y, 0); i >= 0 {
		t.Fatalf("y differs at %d: got %v, want %v", i, got.Y, want.Y)
	}
	if len(got.U) != len(want.U) {
		t.Fatalf("got %d values, want %d", len(got.U), len(want.U))
	}
	for k := range want.U {
		if got.Valid(k) != want.Valid(k) {
			t.Fatalf("validity of vector %d: got %v, want %v", k, got.Valid(k), want.Valid(k))
		}
		if !want.Valid(k) {
			continue
		}
		if math.Abs(got.U[k]-want.U[k]) > tol || math.Abs(got.V[k]-want.V[k]) > tol {
			t.Fatalf("vector %d: got (%v, %v), want (%v, %v)", k, got.U[k], got.V[k], want.U[k], want.V[k])
		}
	}
}

// mustNotExist fails when p exists.
func mustNotExist(t *testing.T, p string) {
	t.Helper()
	if _, err := os.Stat(p); err == nil {
		t.Fatalf("%s exists, want it absent", p)
	}
}

// leftovers lists the files in dir whose name contains ".tmp-".
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func openForTest(p string) (*hdf5.File, error) { return hdf5.OpenFile(p, hdf5.F_ACC_RDONLY) }

func fileSize(t *testing.T, p string) string {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(st.Size(), 10)
}

func parseRFC3339(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
