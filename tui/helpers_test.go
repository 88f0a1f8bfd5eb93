package tui

import (
	"math"
	"path/filepath"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"pivsr/data"
	"pivsr/data/synth"
	"pivsr/piv"
)

// taylorGreen samples the Taylor-Green vortex on an n by n grid over
// [0, 2 pi)^2, in metres.
func taylorGreen(t testing.TB, n int) *piv.Field {
	t.Helper()
	h := 2 * math.Pi / float64(n)
	f, err := synth.Sample(piv.UniformGrid(n, n, 0, 0, h, h), synth.TaylorGreen{Amplitude: 1, K: 1})
	if err != nil {
		t.Fatal(err)
	}
	f.Units = piv.Units{Length: "m", Velocity: "m/s"}
	return f
}

// writeField saves f as a pivsr HDF5 file named name in dir and returns its path.
func writeField(t testing.TB, dir, name string, f *piv.Field) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := data.SaveHDF5(path, &data.Dataset{Fields: []*piv.Field{f}, Units: f.Units}, data.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

// testFiles writes a truth, a sparse input (every 4th vector) and a noisy
// "reconstruction" of a Taylor-Green vortex of n by n nodes.
func testFiles(t testing.TB, n int) (truth, sparse, recon string) {
	t.Helper()
	dir := t.TempDir()
	f := taylorGreen(t, n)
	sp, err := piv.KeepEvery(f, 4, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := piv.AddNoise(f, 0.05, 1)
	if err != nil {
		t.Fatal(err)
	}
	return writeField(t, dir, "truth.h5", f), writeField(t, dir, "sparse.h5", sp), writeField(t, dir, "recon.h5", rec)
}

// newTestApp builds the workstation for opt at a size, with the environment
// empty (so ColorAuto resolves to 16 colours).
func newTestApp(opt Options, w, h int) *App {
	if opt.Getenv == nil {
		opt.Getenv = func(string) string { return "" }
	}
	a := New(opt)
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return a
}

// drain runs cmd and every command its messages lead to, synchronously,
// feeding the messages to a: what the Bubble Tea runtime does, minus the
// terminal. Quit ends it.
func drain(t testing.TB, a *App, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("drain: commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch m := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			queue = append(queue, m...)
			continue
		case tea.QuitMsg:
			return
		}
		_, next := a.Update(msg)
		queue = append(queue, next)
	}
}

// press sends keys to a and runs what follows.
func press(t testing.TB, a *App, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, cmd := a.Update(keyMsg(k))
		drain(t, a, cmd)
	}
}

// keyMsg is the message Bubble Tea sends for a key name as key.Binding
// spells it.
func keyMsg(k string) tea.KeyMsg {
	special := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"shift+up": tea.KeyShiftUp, "shift+down": tea.KeyShiftDown, "shift+left": tea.KeyShiftLeft,
		"shift+right": tea.KeyShiftRight, "backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC,
		"ctrl+u": tea.KeyCtrlU, "home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
	}
	if kt, ok := special[k]; ok {
		return tea.KeyMsg{Type: kt}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func dataLoadOptions() data.LoadOptions { return data.LoadOptions{} }

// lipglossWidth is the width of a line as a terminal shows it.
func lipglossWidth(s string) int { return ansi.StringWidth(s) }
