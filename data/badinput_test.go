package data

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"pivsr/piv"
)

// checkFileError checks that err names p exactly once, at its start, and
// says want.
func checkFileError(t *testing.T, p string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want one saying %q", p, want)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, p+": ") || strings.Count(msg, p) != 1 {
		t.Errorf("error %q should name %s once, at its start", msg, p)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("error %q\nwant it to say %q", msg, want)
	}
}

// validFile writes a small v1 file and returns its bytes.
func validFile(t *testing.T, p string) []byte {
	t.Helper()
	if err := SaveHDF5(p, &Dataset{Fields: []*piv.Field{taylorGreen(40, 30)}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadBadInput(t *testing.T) {
	dir := t.TempDir()
	good := validFile(t, filepath.Join(dir, "good.h5"))
	nan := make([]float64, 12)
	for k := range nan {
		nan[k] = math.NaN()
	}
	seq := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(i)
		}
		return s
	}
	g := []uint{3, 4}
	tests := []struct {
		name  string
		make  func(p string) // nil: the file does not exist
		isDir bool
		opt   LoadOptions
		want  string
	}{
		{"missing file", nil, false, LoadOptions{}, "no such file"},
		{"directory", func(p string) { os.Mkdir(p, 0o755) }, true, LoadOptions{}, "is a directory"},
		{"empty file", func(p string) { os.WriteFile(p, nil, 0o644) }, false, LoadOptions{}, "empty file"},
		{"not HDF5", func(p string) { os.WriteFile(p, []byte("x y u v\n1 2 3 4\n"), 0o644) }, false, LoadOptions{}, "not an HDF5 file (no HDF5 signature)"},
		{"truncated", func(p string) { os.WriteFile(p, good[:len(good)/2], 0o644) }, false, LoadOptions{}, "cannot open as HDF5 (truncated or corrupted?): unable to open file: truncated file"},
		{"signature only", func(p string) { os.WriteFile(p, good[:9], 0o644) }, false, LoadOptions{}, "cannot open as HDF5 (truncated or corrupted?)"},
		{"corrupted superblock", func(p string) {
			b := append([]byte(nil), good...)
			for i := 8; i < 24; i++ {
				b[i] ^= 0x5a
			}
			os.WriteFile(p, b, 0o644)
		}, false, LoadOptions{}, "cannot open as HDF5 (truncated or corrupted?)"},
		{"u without v", func(p string) { writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}) }, false, LoadOptions{}, "no velocity datasets: found /u [3 4] float64"},
		{"mis-shaped", func(p string) {
			writeForeign(t, p, nil, h5obj{"/u", []uint{1, 1, 3, 4}, seq(12)}, h5obj{"/v", []uint{1, 1, 3, 4}, seq(12)})
		}, false, LoadOptions{}, "u /u is [1 1 3 4]: expected [ny,nx] or [T,ny,nx]"},
		{"u and v shapes differ", func(p string) { writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}, h5obj{"/v", []uint{4, 3}, seq(12)}) }, false, LoadOptions{},
			"u /u [3 4] and v /v [4 3] differ in shape"},
		{"coordinates do not fit", func(p string) {
			writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}, h5obj{"/v", g, seq(12)}, h5obj{"/x", []uint{5}, seq(5)}, h5obj{"/y", []uint{3}, seq(3)})
		}, false, LoadOptions{}, "do not fit u /u [3 4]: expected x [4] and y [3]"},
		{"non-monotonic x", func(p string) {
			writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}, h5obj{"/v", g, seq(12)}, h5obj{"/x", []uint{4}, []float64{0, 1, 3, 2}}, h5obj{"/y", []uint{3}, seq(3)})
		}, false, LoadOptions{}, "coordinates /x and /y: x coordinates are not strictly monotonic at index 3 (3 then 2)"},
		{"NaN coordinate", func(p string) {
			writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}, h5obj{"/v", g, seq(12)}, h5obj{"/x", []uint{4}, seq(4)}, h5obj{"/y", []uint{3}, []float64{0, math.NaN(), 2}})
		}, false, LoadOptions{}, "y[1] = NaN is not finite"},
		{"all NaN", func(p string) { writeForeign(t, p, nil, h5obj{"/u", g, nan}, h5obj{"/v", g, nan}) }, false, LoadOptions{},
			"/u and /v hold no valid vectors (all NaN or masked out)"},
		{"all masked", func(p string) {
			writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}, h5obj{"/v", g, seq(12)}, h5obj{"/mask", g, make([]uint8, 12)})
		}, false, LoadOptions{}, "hold no valid vectors"},
		{"scattered all NaN", func(p string) {
			writeForeign(t, p, nil, h5obj{"/u", []uint{12}, nan}, h5obj{"/v", []uint{12}, nan}, h5obj{"/x", []uint{12}, seq(12)}, h5obj{"/y", []uint{12}, seq(12)})
		}, false, LoadOptions{}, "hold no valid vectors"},
		{"absurd size", func(p string) {
			// Declared 20000 x 20000 and never written: a tiny file.
			writeForeign(t, p, nil, h5obj{"/u", []uint{20000, 20000}, nil}, h5obj{"/v", []uint{20000, 20000}, nil})
		}, false, LoadOptions{}, "u /u [20000 20000]: too many values: more than the 268435456 values (2^28)"},
		{"mask shape", func(p string) {
			writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}, h5obj{"/v", g, seq(12)}, h5obj{"/mask", []uint{12}, make([]uint8, 12)})
		}, false, LoadOptions{}, "mask /mask [12] does not match u [3 4]"},
		{"times", func(p string) {
			writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}, h5obj{"/v", g, seq(12)}, h5obj{"/t", []uint{2}, seq(2)})
		}, false, LoadOptions{}, "times /t [2] float64 do not match the 1 snapshot(s)"},
		{"named dataset missing", func(p string) { writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}, h5obj{"/v", g, seq(12)}) }, false,
			LoadOptions{UName: "ux", VName: "uy"}, `no dataset "ux" for u: found /u [3 4] float64, /v [3 4] float64`},
		{"bad spacing", func(p string) { writeForeign(t, p, nil, h5obj{"/u", g, seq(12)}, h5obj{"/v", g, seq(12)}) }, false,
			LoadOptions{DX: math.Inf(1)}, "grid spacing dx=+Inf, dy=0: expected finite non-zero numbers"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "bad"+string(rune('a'+i))+".h5")
			if tc.make != nil {
				tc.make(p)
			}
			for _, load := range []func(string, LoadOptions) (*Dataset, error){LoadHDF5, Load} {
				ds, err := load(p, tc.opt)
				if ds != nil {
					t.Errorf("got a dataset with the error")
				}
				checkFileError(t, p, err, tc.want)
			}
		})
	}
}

func TestLoadSharedNotVelocity(t *testing.T) {
	p := sharedData(t, "blr/banana.h5")
	_, err := Load(p, LoadOptions{})
	checkFileError(t, p, err, "no velocity datasets: found /split1/X_test [4900 2] float64, /split1/X_train [400 2] float64")
	if !strings.Contains(err.Error(), "name them with --u and --v") || !strings.Contains(err.Error(), "and 8 more") {
		t.Errorf("error %q should list 12 datasets, count the rest and say how to choose", err)
	}
}

// Flipping bytes anywhere in a file's metadata must end in an error naming
// the file, never in a panic. Files SaveHDF5 writes carry metadata checksums,
// so almost every flip is caught. Not tried: raw data, which HDF5 does not
// checksum (flips there change values silently), and the zero slack at the
// end of metadata blocks, which nothing reads.
func TestLoadCorruptedMetadata(t *testing.T) {
	dir := t.TempDir()
	f := taylorGreen(40, 30)
	good := validFile(t, filepath.Join(dir, "good.h5"))
	// Locate the raw data of x, y, u and v by their bytes.
	var raw [][2]int
	for _, a := range [][]float64{f.X, f.Y, f.U, f.V} {
		b := make([]byte, 8*len(a))
		for i, v := range a {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
		}
		at := bytes.Index(good, b)
		if at < 0 {
			t.Fatal("raw data not found in the file")
		}
		raw = append(raw, [2]int{at, at + len(b)})
	}
	inRaw := func(off int) bool {
		for _, r := range raw {
			if off+4 > r[0] && off < r[1] {
				return true
			}
		}
		return false
	}
	tried, failed := 0, 0
	p := filepath.Join(dir, "flipped.h5")
	zeros := make([]byte, 16)
	for off := 8; off+16 <= len(good); off += 13 {
		if inRaw(off) || bytes.Equal(good[off:off+16], zeros) {
			continue // raw data, or slack at the end of a metadata block
		}
		b := append([]byte(nil), good...)
		for i := off; i < off+4; i++ {
			b[i] ^= 0xff
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		tried++
		if _, err := LoadHDF5(p, LoadOptions{}); err != nil {
			failed++
			if !strings.HasPrefix(err.Error(), p+": ") {
				t.Fatalf("error %q does not name the file", err)
			}
		}
	}
	if tried < 50 || failed < tried*9/10 {
		t.Errorf("%d of %d corruptions detected", failed, tried)
	}
	t.Logf("%d of %d metadata corruptions detected", failed, tried)
}

// The HDF5 library prints its error stack to stderr by default, per thread.
// A child process loads broken files from many goroutines (so, many threads);
// it must print nothing.
func TestHDF5ErrorsSilent(t *testing.T) {
	if dir := os.Getenv("PIVSR_SILENT_CHILD_DIR"); dir != "" {
		var wg sync.WaitGroup
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, name := range []string{"truncated.h5", "flipped.h5", "missing.h5"} {
					if _, err := Load(filepath.Join(dir, name), LoadOptions{}); err == nil {
						panic("no error")
					}
				}
			}()
		}
		wg.Wait()
		return
	}
	dir := t.TempDir()
	good := validFile(t, filepath.Join(dir, "good.h5"))
	os.WriteFile(filepath.Join(dir, "truncated.h5"), good[:len(good)/2], 0o644)
	b := append([]byte(nil), good...)
	for i := 100; i < 140; i++ {
		b[i] ^= 0xff
	}
	os.WriteFile(filepath.Join(dir, "flipped.h5"), b, 0o644)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHDF5ErrorsSilent$", "-test.count=1")
	cmd.Env = append(os.Environ(), "PIVSR_SILENT_CHILD_DIR="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("HDF5 printed to stderr:\n%s", stderr.String())
	}
}
