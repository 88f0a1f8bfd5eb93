package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pivsr/piv"
)

func writeString(s string) func(string) error {
	return func(tmp string) error { return os.WriteFile(tmp, []byte(s), 0o600) }
}

func readString(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.dat")
	if err := os.WriteFile(in, []byte("input"), 0o644); err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(dir, "linked.dat")
	if err := os.Link(in, linked); err != nil {
		t.Fatal(err)
	}
	symlinked := filepath.Join(dir, "symlinked.dat")
	if err := os.Symlink("in.dat", symlinked); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing.dat")
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	failing := func(tmp string) error {
		os.WriteFile(tmp, []byte("half"), 0o600)
		return errors.New("disk on fire")
	}

	tests := []struct {
		name     string
		path     string
		force    bool
		write    func(string) error
		wantErr  string // "" for success
		wantData string // content of path afterwards, "" for absent
	}{
		{"new file", filepath.Join(dir, "new.dat"), false, writeString("new"), "", "new"},
		{"existing kept", existing, false, writeString("replacement"), "already exists; pass --force to replace it", "old"},
		{"existing replaced with force", existing, true, writeString("replacement"), "", "replacement"},
		{"input refused", in, true, writeString("x"), "is an input file: refusing to overwrite it, even with --force; choose another output name", "input"},
		{"input by another path", filepath.Join(dir, "sub", "..", "in.dat"), true, writeString("x"), "is an input file", "input"},
		{"input through a hard link", linked, true, writeString("x"), "is the input file " + in + " under another name: refusing", "input"},
		{"input through a symbolic link", symlinked, true, writeString("x"), "is the input file " + in + " under another name", "input"},
		{"write fails, nothing left", filepath.Join(dir, "failed.dat"), false, failing, "disk on fire", ""},
		{"write fails, old file kept", existing, true, failing, "disk on fire", "replacement"},
		{"directory", sub, true, writeString("x"), "is a directory", ""},
		{"missing directory", filepath.Join(dir, "nowhere", "out.dat"), false, writeString("x"), "cannot create a temporary file in " + filepath.Join(dir, "nowhere"), ""},
	}
	if err := os.WriteFile(existing, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			write := func(tmp string) error {
				called = true
				if filepath.Dir(tmp) != filepath.Dir(tc.path) {
					t.Errorf("temporary file %s is not beside %s", tmp, tc.path)
				}
				return tc.write(tmp)
			}
			err := WriteAtomic(tc.path, tc.force, []string{in}, write)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case tc.wantErr != "":
				checkFileError(t, tc.path, err, tc.wantErr)
				if called && !strings.Contains(tc.wantErr, "disk on fire") {
					t.Errorf("write was called although the output was refused")
				}
			}
			if tc.wantData == "" {
				if st, err := os.Stat(tc.path); err == nil && !st.IsDir() {
					t.Errorf("%s exists, want it absent", tc.path)
				}
			} else if got := readString(t, tc.path); got != tc.wantData {
				t.Errorf("%s holds %q, want %q", tc.path, got, tc.wantData)
			}
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
	if st, _ := os.Stat(filepath.Join(dir, "new.dat")); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", st.Mode().Perm())
	}
	if st, _ := os.Stat(existing); st.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode %v, want the old file's 0600", st.Mode().Perm())
	}
}

// SaveHDF5 never overwrites the file a dataset was loaded from, nor a
// provenance input, and keeps an existing output without Force.
func TestSaveHDF5Refusals(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.h5")
	ds := &Dataset{Fields: []*piv.Field{taylorGreen(4, 3)}}
	if err := SaveHDF5(src, ds, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	before := readString(t, src)
	loaded, err := Load(src, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = SaveHDF5(src, loaded, SaveOptions{Force: true})
	checkFileError(t, src, err, "is an input file")
	err = SaveHDF5(src, ds, SaveOptions{Force: true, Provenance: &Provenance{Inputs: []string{src}}})
	checkFileError(t, src, err, "is an input file")
	err = SaveHDF5(src, ds, SaveOptions{})
	checkFileError(t, src, err, "already exists; pass --force")
	if readString(t, src) != before {
		t.Error("the source file changed")
	}
	// A dataset SaveHDF5 cannot write leaves nothing behind.
	bad := filepath.Join(dir, "bad.h5")
	err = SaveHDF5(bad, &Dataset{Fields: []*piv.Field{taylorGreen(4, 3)}, Extra: map[string][][]float64{"Velocity U": {make([]float64, 12)}}}, SaveOptions{})
	checkFileError(t, bad, err, `extra field name "Velocity U" would be read back as velocity`)
	mustNotExist(t, bad)
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestSaveHDF5BadDatasets(t *testing.T) {
	f := taylorGreen(4, 3)
	other := taylorGreen(5, 3)
	short := f.Clone()
	short.V = short.V[:5]
	nonMonotonic := f.Clone()
	nonMonotonic.X[2] = nonMonotonic.X[1]
	tests := []struct {
		name string
		ds   *Dataset
		want string
	}{
		{"nil", nil, "nothing to write"},
		{"empty", &Dataset{}, "nothing to write"},
		{"grid and scattered", &Dataset{Fields: []*piv.Field{f}, Points: []*piv.Scattered{f.Scattered()}}, "both grid and scattered"},
		{"two grids", &Dataset{Fields: []*piv.Field{f, other}}, "snapshot 1 is on another grid than snapshot 0"},
		{"short v", &Dataset{Fields: []*piv.Field{short}}, "snapshot 0: u has 12 values, v 5"},
		{"bad grid", &Dataset{Fields: []*piv.Field{nonMonotonic}}, "x coordinates are not strictly monotonic"},
		{"times", &Dataset{Fields: []*piv.Field{f}, T: []float64{1, 2}}, "2 times for 1 snapshots"},
		{"empty scattered", &Dataset{Points: []*piv.Scattered{{}}}, "snapshot 0: scattered field holds no vectors"},
		{"extra snapshots", &Dataset{Fields: []*piv.Field{f}, Extra: map[string][][]float64{"w": {}}}, `extra field "w" has 0 snapshots, want 1`},
		{"extra length", &Dataset{Fields: []*piv.Field{f}, Extra: map[string][][]float64{"w": {{1}}}}, `extra field "w", snapshot 0: 1 values, want 12 like u`},
		{"attribute name", &Dataset{Fields: []*piv.Field{f}, Attrs: map[string]string{"": "x"}}, `attribute "" = "x": names must be non-empty`},
		{"extra name", &Dataset{Fields: []*piv.Field{f}, Extra: map[string][][]float64{"a/b": {make([]float64, 12)}}}, `extra field name "a/b" contains '/'`},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "out.h5")
			checkFileError(t, p, SaveHDF5(p, tc.ds, SaveOptions{}), tc.want)
			mustNotExist(t, p)
		})
	}
}
