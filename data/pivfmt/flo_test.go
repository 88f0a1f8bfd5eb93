package pivfmt

import (
	"bytes"
	"encoding/binary"
	"math"
	"runtime"
	"testing"

	"pivsr/piv"
)

// floBytes builds a .flo file by hand: magic, width, height, then the given
// float32 values.
func floBytes(magic float32, w, h int32, values ...float32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, magic)
	binary.Write(&b, binary.LittleEndian, w)
	binary.Write(&b, binary.LittleEndian, h)
	binary.Write(&b, binary.LittleEndian, values)
	return b.Bytes()
}

func TestReadFlo(t *testing.T) {
	if got := string(floBytes(floMagic, 0, 0)[:4]); got != "PIEH" {
		t.Fatalf("magic bytes %q, want PIEH", got)
	}
	// 3 x 2 pixels, row by row; the second pixel unknown through u, the
	// fifth through v.
	in := floBytes(floMagic, 3, 2,
		1.5, -2, 1e10, 0, 0.25, 0.5,
		-1, 1, 3, 1.1e9, 0, 0)
	res, err := ReadFlo(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	checkGrid(t, res, gridWant{
		x:     []float64{0, 1, 2},
		y:     []float64{0, 1},
		units: piv.Units{Length: "px", Velocity: "px/frame"},
		vecs: []vec{
			{0, 0, 1.5, -2, true}, {1, 0, nan, nan, false}, {2, 0, 0.25, 0.5, true},
			{0, 1, -1, 1, true}, {1, 1, nan, nan, false}, {2, 1, 0, 0, true},
		},
	}, LayoutFlo)
}

func TestFloRoundTrip(t *testing.T) {
	f := piv.NewField(piv.UniformGrid(5, 4, 10, 20, 0.5, -0.5)) // coordinates are not stored
	f.Mask = make([]bool, f.Len())
	for k := range f.U {
		f.U[k] = math.Sin(float64(k)) * 7
		f.V[k] = float64(k) - 9.75
		f.Mask[k] = k%4 != 2
	}
	f.U[3] = math.NaN() // invalid through its value, not its mask
	var buf bytes.Buffer
	if err := WriteFlo(&buf, f); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.Len(), 12+8*f.Len(); got != want {
		t.Fatalf("wrote %d bytes, want %d", got, want)
	}
	res, err := ReadFlo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	checkConsistent(t, res)
	g := res.Field
	if g.NX() != f.NX() || g.NY() != f.NY() || g.X[4] != 4 || g.Y[3] != 3 {
		t.Fatalf("read back a grid X %v Y %v, want the 5 x 4 pixel grid", g.X, g.Y)
	}
	for k := range f.U {
		if g.Valid(k) != f.Valid(k) {
			t.Fatalf("vector %d: valid %v, want %v", k, g.Valid(k), f.Valid(k))
		}
		if f.Valid(k) && (g.U[k] != float64(float32(f.U[k])) || g.V[k] != float64(float32(f.V[k]))) {
			t.Fatalf("vector %d = (%v, %v), want (%v, %v) in float32", k, g.U[k], g.V[k], f.U[k], f.V[k])
		}
	}
}

func TestReadFloErrors(t *testing.T) {
	good := floBytes(floMagic, 2, 1, 1, 2, 3, 4)
	tests := []struct {
		name  string
		input []byte
		want  []string
	}{
		{"empty input", nil, []string{"empty input"}},
		{"truncated header", good[:7], []string{"truncated .flo header: 7 of 12 bytes"}},
		{"wrong magic", append([]byte("PIEX"), good[4:]...), []string{`"PIEX"`, "PIEH"}},
		{"zero width", floBytes(floMagic, 0, 3), []string{"0 x 3"}},
		{"negative height", floBytes(floMagic, 3, -1), []string{"3 x -1"}},
		{"absurd size", floBytes(floMagic, 1<<15, 1<<14), []string{"32768 x 16384", "more than"}},
		{"truncated data", good[:len(good)-4], []string{"truncated .flo file", "needs 16 data bytes, found 12"}},
		{"trailing data", append(append([]byte(nil), good...), 0), []string{"beyond"}},
		{"every vector unknown", floBytes(floMagic, 2, 1, 1e10, 0, float32(math.NaN()), 0), []string{"no valid vectors"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ReadFlo(bytes.NewReader(tc.input))
			if err == nil {
				t.Fatalf("no error; got %+v", res)
			}
			t.Log(err)
			checkErr(t, err, tc.want...)
		})
	}
}

// TestReadFloHugeHeaderAllocatesLittle checks that a header claiming the
// largest accepted size (2^28 pixels, 2 GiB of flow) without the data behind
// it fails without allocating for the claimed size.
func TestReadFloHugeHeaderAllocatesLittle(t *testing.T) {
	in := floBytes(floMagic, 1<<14, 1<<14, 1, 2, 3, 4)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadFlo(bytes.NewReader(in))
	runtime.ReadMemStats(&after)
	checkErr(t, err, "truncated .flo file")
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("allocated %d bytes for a 28-byte file", grew)
	}
}

func TestWriteFloErrors(t *testing.T) {
	huge := piv.NewField(piv.UniformGrid(2, 1, 0, 0, 1, 1))
	huge.U[1] = 2e9
	bad := piv.NewField(piv.UniformGrid(2, 1, 0, 0, 1, 1))
	bad.V = bad.V[:1]
	tests := []struct {
		name string
		f    *piv.Field
		want string
	}{
		{"value beyond the unknown threshold", huge, "exceeds"},
		{"inconsistent field", bad, "want 2"},
	}
	for _, tc := range tests {
		if err := WriteFlo(&bytes.Buffer{}, tc.f); err == nil {
			t.Errorf("%s: no error", tc.name)
		} else {
			checkErr(t, err, tc.want)
		}
	}
}
