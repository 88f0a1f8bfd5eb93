package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// pickerDir makes a folder with velocity files of every supported
// extension, other files and a sub-folder.
func pickerDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	f := taylorGreen(t, 16)
	writeField(t, dir, "run1.h5", f)
	for name, body := range map[string]string{
		"piv.txt": "x y u v\n0 0 1 0\n1 0 1 0\n0 1 1 0\n1 1 1 0\n", "b.csv": "x,y,u,v\n", "c.vec": "", "d.flo": "", "e.dat": "", "f.hdf5": "",
		"notes.md": "not a field", "image.png": "", ".hidden.h5": "",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "runs"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeField(t, filepath.Join(dir, "runs"), "truth.h5", f)
	return dir
}

func names(items []pickerItem) []string {
	var n []string
	for _, it := range items {
		n = append(n, it.name)
	}
	return n
}

func TestPickerListsSupportedFiles(t *testing.T) {
	dir := pickerDir(t)
	msg := readDirCmd(dir)().(dirMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	got := strings.Join(names(msg.items), " ")
	if want := ".. runs b.csv c.vec d.flo e.dat f.hdf5 piv.txt run1.h5"; got != want {
		t.Errorf("listing %q, want %q (folders first, supported files only, no hidden ones)", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "nope")); err == nil {
		t.Fatal("unexpected file")
	}
	if msg := readDirCmd(filepath.Join(dir, "nope"))().(dirMsg); msg.err == nil {
		t.Error("a missing folder is an error")
	}
}

func TestPickerOpensFiles(t *testing.T) {
	dir := pickerDir(t)
	a := newTestApp(Options{Dir: dir, Color: ColorNone}, 80, 24)
	drain(t, a, a.Init())
	p := a.picker
	if a.panes.focus != paneFiles || p == nil {
		t.Fatal("without files the workstation opens on the picker")
	}
	if p.items[p.cursor].name != "b.csv" {
		t.Errorf("the cursor starts on the first file, not %q", p.items[p.cursor].name)
	}
	view := ansi.Strip(a.View())
	for _, want := range []string{"open a velocity file", "runs/", "folder", "run1.h5", "KiB"} {
		if !strings.Contains(view, want) {
			t.Errorf("picker view lacks %q:\n%s", want, view)
		}
	}
	// Into runs/, take its truth as the truth, back up, open run1.h5.
	press(t, a, "g", "down", "enter")
	if p.dir != filepath.Join(dir, "runs") || len(p.items) != 2 {
		t.Fatalf("entering runs/: dir %q items %v", p.dir, names(p.items))
	}
	press(t, a, "t")
	if tr := a.ws.truth(); tr == nil || tr.Name != "truth.h5" {
		t.Fatal("t opens the truth")
	}
	press(t, a, "shift+tab") // back to the files panel, the last one
	if a.panes.focus != paneFiles {
		t.Fatalf("focus %v", a.panes.focus)
	}
	press(t, a, "backspace")
	if p.dir != dir {
		t.Fatalf("backspace goes up to %q, at %q", dir, p.dir)
	}
	press(t, a, "G", "enter")
	if e := a.field.entry(); e == nil || e.Name != "run1.h5" || a.panes.focus != paneField {
		t.Fatalf("enter opens run1.h5 and shows it; status %q", a.status)
	}
	if a.ws.truth() != nil {
		t.Error("enter opens a file as a new set: the old truth goes")
	}
	// A file that fails to load says why.
	press(t, a, "o", "g", "down", "down", "down", "enter") // c.vec, empty
	if !a.statusErr || !strings.Contains(a.status, "c.vec") {
		t.Errorf("opening an empty file: status %q", a.status)
	}
}
