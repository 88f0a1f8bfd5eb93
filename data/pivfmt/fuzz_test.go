package pivfmt

import (
	"bytes"
	"io"
	"testing"
)

// The fuzzers check that no input makes a reader panic and that every
// successful read is consistent (one of Field and Points, passing its Check,
// units and layout set alike). Seed inputs are in testdata/fuzz/<FuzzName>.

func fuzzReader(f *testing.F, read func(io.Reader) (*Result, error)) {
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := read(bytes.NewReader(data))
		if err != nil {
			if res != nil {
				t.Fatalf("result %+v together with error %v", res, err)
			}
			return
		}
		checkConsistent(t, res)
	})
}

func FuzzReadVec(f *testing.F) {
	f.Add([]byte(insightFile(insightRows)))
	fuzzReader(f, ReadVec)
}

func FuzzReadColumns(f *testing.F) {
	f.Add([]byte("# x\ty\tu\tv\tflags\tmask\n16\t16\t1\t-2\t0\t0\n32\t16\tnan\tnan\t1\t0\n"))
	fuzzReader(f, ReadColumns)
}

// FuzzReadFlo also checks that what ReadFlo accepts, WriteFlo writes back
// byte for byte, unknown vectors aside (they all become 1e10).
func FuzzReadFlo(f *testing.F) {
	f.Add(floBytes(floMagic, 2, 1, 1, 2, 1e10, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ReadFlo(bytes.NewReader(data))
		if err != nil {
			return
		}
		checkConsistent(t, res)
		var out bytes.Buffer
		if err := WriteFlo(&out, res.Field); err != nil {
			t.Fatalf("WriteFlo of a field ReadFlo accepted: %v", err)
		}
		again, err := ReadFlo(&out)
		if err != nil {
			t.Fatalf("ReadFlo of WriteFlo's output: %v", err)
		}
		a, b := res.Field, again.Field
		for k := range a.U {
			if a.Valid(k) != b.Valid(k) || (a.Valid(k) && (a.U[k] != b.U[k] || a.V[k] != b.V[k])) {
				t.Fatalf("vector %d changed in a round trip: (%v, %v, %v) then (%v, %v, %v)",
					k, a.U[k], a.V[k], a.Valid(k), b.U[k], b.V[k], b.Valid(k))
			}
		}
	})
}
