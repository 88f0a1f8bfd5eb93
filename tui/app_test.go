package tui

import (
	"fmt"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"pivsr/data"
	"pivsr/piv"
)

func TestAppPanelsHelpAndQuit(t *testing.T) {
	truth, _, recon := testFiles(t, 16)
	a := loadedApp(t, 80, 24, FileRequest{Path: recon}, FileRequest{Path: truth, Role: RoleTruth})
	if a.panes.focus != paneField || a.panes.split() {
		t.Fatal("80 columns show one panel at a time, the field first")
	}
	press(t, a, "tab")
	if a.panes.focus != paneMetrics || !strings.Contains(a.View(), "metrics against truth.h5") {
		t.Fatalf("tab shows the metrics:\n%s", a.View())
	}
	press(t, a, "shift+tab")
	if a.panes.focus != paneField {
		t.Error("shift+tab goes back")
	}
	short := a.View()
	press(t, a, "?")
	full := a.View()
	if !a.fullHelp || !strings.Contains(full, "cursor left") || strings.Contains(short, "cursor left") {
		t.Error("? shows every key, the help bar only the main ones")
	}
	if n := len(strings.Split(full, "\n")); n != 24 {
		t.Errorf("the screen is %d lines with full help, want 24", n)
	}
	press(t, a, "?")
	_, cmd := a.Update(keyMsg("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("q quits")
	}
}

func TestAppScreenSize(t *testing.T) {
	truth, _, recon := testFiles(t, 16)
	for _, size := range [][2]int{{80, 24}, {200, 60}, {100, 30}} {
		a := loadedApp(t, size[0], size[1], FileRequest{Path: recon}, FileRequest{Path: truth, Role: RoleTruth})
		for _, keys := range [][]string{nil, {"tab"}, {"?"}, {"o"}} {
			press(t, a, keys...)
			lines := strings.Split(a.View(), "\n")
			if len(lines) != size[1] {
				t.Fatalf("%v after %v: %d lines", size, keys, len(lines))
			}
			for k, l := range lines {
				if w := lipglossWidth(l); w != size[0] {
					t.Fatalf("%v after %v: line %d is %d columns: %q", size, keys, k, w, l)
				}
			}
		}
	}
	a := loadedApp(t, 30, 8, FileRequest{Path: recon})
	if !strings.Contains(a.View(), "at least 40x10") {
		t.Error("a too small terminal is told so")
	}
}

func TestAppSplitsWideTerminals(t *testing.T) {
	truth, _, recon := testFiles(t, 16)
	a := loadedApp(t, 200, 60, FileRequest{Path: recon}, FileRequest{Path: truth, Role: RoleTruth})
	if !a.panes.split() {
		t.Fatal("200 columns show the field and the metrics side by side")
	}
	v := a.View()
	if !strings.Contains(v, "speed [m/s]") || !strings.Contains(v, "NRMSE") || !strings.Contains(v, "energy spectrum") {
		t.Errorf("both panels should be on screen:\n%s", v)
	}
}

func TestAppExportPNG(t *testing.T) {
	truth, _, recon := testFiles(t, 32)
	t.Chdir(t.TempDir())
	a := loadedApp(t, 80, 24, FileRequest{Path: recon}, FileRequest{Path: truth, Role: RoleTruth})
	press(t, a, "4", "p")
	if a.prompt == nil || a.prompt.input.Value() != "recon-vorticity.png" {
		t.Fatalf("p asks for a file name, proposing one: %+v", a.prompt)
	}
	if !strings.Contains(ansi.Strip(a.View()), "save PNG as: recon-vorticity.png") {
		t.Errorf("the prompt is on the status line:\n%s", a.View())
	}
	press(t, a, "q") // typed into the name, not quitting
	press(t, a, "backspace", "enter")
	if a.prompt != nil || !strings.Contains(a.status, "wrote PNG recon-vorticity.png") {
		t.Fatalf("status %q", a.status)
	}
	f, err := os.Open("recon-vorticity.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 300 {
		t.Errorf("image is %v", b)
	}
	// The same name again is refused: nothing is overwritten.
	press(t, a, "p", "enter")
	if !a.statusErr || !strings.Contains(a.status, "exists") {
		t.Errorf("exporting over an existing file: status %q", a.status)
	}
	press(t, a, "p", "esc")
	if a.prompt != nil || a.status != "cancelled" {
		t.Error("esc cancels the prompt")
	}
}

func TestAppSaveHDF5(t *testing.T) {
	truth, _, recon := testFiles(t, 32)
	t.Chdir(t.TempDir())
	a := loadedApp(t, 80, 24, FileRequest{Path: recon}, FileRequest{Path: truth, Role: RoleTruth})
	press(t, a, "w", "enter")
	if a.statusErr || !strings.Contains(a.status, "wrote HDF5 recon-view.h5") {
		t.Fatalf("status %q", a.status)
	}
	ds, err := data.Load("recon-view.h5", data.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := a.field.entry().Frame(0)
	got := ds.Fields[0]
	for k := range want.U {
		if got.U[k] != want.U[k] || got.V[k] != want.V[k] {
			t.Fatalf("vector %d differs after the round trip", k)
		}
	}
	wv, _ := piv.Vorticity(nil, want)
	if v := ds.Extra["vorticity"]; len(v) != 1 || math.Abs(v[0][100]-wv[100]) > 1e-12 {
		t.Errorf("the saved vorticity is missing or wrong")
	}
	if ds.Attrs[data.AttrInputs] == "" {
		t.Error("the provenance names the inputs")
	}
	// An input is never overwritten, whatever name is typed.
	before, _ := os.ReadFile(truth)
	press(t, a, "w", "ctrl+u")
	for _, r := range truth {
		a.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	press(t, a, "enter")
	after, _ := os.ReadFile(truth)
	if !a.statusErr || !strings.Contains(a.status, "input") || string(before) != string(after) {
		t.Errorf("saving over an input: status %q", a.status)
	}
}

func TestAppSetFieldReplacesByName(t *testing.T) {
	truth, _, _ := testFiles(t, 16)
	a := loadedApp(t, 80, 24, FileRequest{Path: truth, Role: RoleTruth})
	f := taylorGreen(t, 16)
	for k := range f.U {
		f.U[k] *= 0.5
	}
	_, cmd := a.Update(SetFieldMsg{Entry: &Entry{Name: "reconstruction", Frames: []*piv.Field{f}, Units: f.Units}})
	drain(t, a, cmd)
	first := a.field.entry()
	if first.Name != "reconstruction" || len(a.ws.Entries) != 2 {
		t.Fatalf("showing %s of %d entries", first.Name, len(a.ws.Entries))
	}
	g := f.Clone()
	_, cmd = a.Update(SetFieldMsg{Entry: &Entry{Name: "reconstruction", Frames: []*piv.Field{g}, Units: f.Units}})
	drain(t, a, cmd)
	if len(a.ws.Entries) != 2 || a.field.entry() == first || a.field.entry().Frames[0] != g {
		t.Error("a newer snapshot replaces the shown one in place")
	}
	if rows := a.metrics.res.rows; len(rows) != 1 || rows[0].name != "reconstruction" || rows[0].err != nil {
		t.Errorf("the metrics score the new snapshot: %+v", rows)
	}
}

func TestAppLoadErrorIsShown(t *testing.T) {
	a := newTestApp(Options{Files: []FileRequest{{Path: filepath.Join(t.TempDir(), "missing.h5")}}}, 80, 24)
	drain(t, a, a.Init())
	if !a.statusErr || !strings.Contains(a.View(), "missing.h5: no such file") {
		t.Errorf("status %q", a.status)
	}
}

func TestRunRefusesANonTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = Run(t.Context(), Options{Input: f, Output: f})
	if err == nil || !strings.Contains(err.Error(), "needs a terminal") {
		t.Errorf("Run on a plain file: %v", err)
	}
}

// The tui test binary links Bubble Tea too: once every package is
// initialised, TERM holds what the process was started with again (package
// termquiet hides it only from Bubble Tea's init).
func TestTermIsRestored(t *testing.T) {
	if os.Getenv("PIVSR_PRINT_TERM") == "1" {
		fmt.Print("TERM=" + os.Getenv("TERM"))
		os.Exit(0)
	}
	for _, term := range []string{"xterm-256color", ""} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTermIsRestored$")
		cmd.Env = append(os.Environ(), "PIVSR_PRINT_TERM=1", "TERM="+term)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := string(out); got != "TERM="+term {
			t.Errorf("started with TERM=%q, the program sees %q", term, got)
		}
	}
}
