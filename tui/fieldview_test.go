package tui

import (
	"math"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"pivsr/data"
	"pivsr/piv"
)

// loadedApp opens files in a workstation of w by h cells and runs every
// command until the screen is settled.
func loadedApp(t *testing.T, w, h int, files ...FileRequest) *App {
	t.Helper()
	a := newTestApp(Options{Files: files, Color: Color256}, w, h)
	drain(t, a, a.Init())
	if a.field.entry() == nil {
		t.Fatalf("nothing loaded; status %q", a.status)
	}
	return a
}

func TestFieldViewQuantityKeys(t *testing.T) {
	truth, _, recon := testFiles(t, 32)
	a := loadedApp(t, 80, 24, FileRequest{Path: recon}, FileRequest{Path: truth, Role: RoleTruth})
	fv := a.field
	if fv.quantity != QuantitySpeed {
		t.Fatalf("the view opens on speed, not %s", fv.quantity.Name())
	}
	for _, tc := range []struct {
		key  string
		want Quantity
	}{{"4", QuantityVorticity}, {"m", QuantityDivergence}, {"m", QuantityU}, {"2", QuantityV}, {"5", QuantityDivergence}} {
		press(t, a, tc.key)
		if fv.quantity != tc.want {
			t.Fatalf("after %q the quantity is %s, want %s", tc.key, fv.quantity.Name(), tc.want.Name())
		}
		// The array is computed (by a command) and drawn, not left pending.
		view := a.View()
		if !strings.Contains(view, tc.want.Name()) || strings.Contains(view, "computing") {
			t.Fatalf("after %q the screen does not show %s:\n%s", tc.key, tc.want.Name(), view)
		}
	}
	press(t, a, "e")
	if !fv.errorMap || !strings.Contains(a.View(), "divergence error") || !strings.Contains(a.View(), "recon.h5 − truth.h5") {
		t.Fatalf("e shows the error against the truth:\n%s", a.View())
	}
	// The error map is the difference of the two arrays.
	plots, _ := fv.keysFor()
	diff, _ := fv.ws.get(plots[0])
	mine, _ := fv.ws.get(valueKey{entry: fv.shown, frame: 0, q: QuantityDivergence, minus: -1})
	ref := fv.ws.reference(fv.entry())
	theirs, ok := fv.ws.get(valueKey{entry: ref.ID, frame: 0, q: QuantityDivergence, minus: -1})
	if !ok {
		theirs.values, _ = QuantityDivergence.Compute(nil, ref.Frame(0))
	}
	for k := range diff.values {
		if d := mine.values[k] - theirs.values[k]; math.Abs(diff.values[k]-d) > 1e-12 && !math.IsNaN(d) {
			t.Fatalf("error map at %d = %v, want %v", k, diff.values[k], d)
		}
	}
	press(t, a, "e")
	if fv.errorMap {
		t.Error("e toggles the error map off")
	}
}

func TestFieldViewNeedsAReferenceOrPartner(t *testing.T) {
	_, _, recon := testFiles(t, 16)
	a := loadedApp(t, 80, 24, FileRequest{Path: recon})
	press(t, a, "e", "c")
	if a.field.errorMap || a.field.compare {
		t.Error("with a single field there is nothing to take an error against or to compare with")
	}
}

func TestFieldViewCompare(t *testing.T) {
	truth, sparse, recon := testFiles(t, 32)
	a := loadedApp(t, 120, 30, FileRequest{Path: recon}, FileRequest{Path: sparse, Role: RoleCompare}, FileRequest{Path: truth, Role: RoleTruth})
	fv := a.field
	if !fv.compare || len(fv.r.plots) != 2 && a.View() != "" && len(fv.r.plots) != 2 {
		t.Fatalf("a comparison file opens side by side (%d plots)", len(fv.r.plots))
	}
	_ = a.View()
	if fv.r.plots[1].entry.Name != "sparse.h5" {
		t.Errorf("the right plot shows %s", fv.r.plots[1].entry.Name)
	}
	// One colour scale spans both fields.
	plots, _ := fv.keysFor()
	l, _ := fv.ws.get(plots[0])
	r, _ := fv.ws.get(plots[1])
	if want := ScaleOf(false, l.values, r.values); fv.r.scale != want || fv.quantity != QuantitySpeed {
		t.Errorf("scale %v, want the scale of both fields %v", fv.r.scale, want)
	}
	press(t, a, "c")
	_ = a.View()
	if fv.compare || len(fv.r.plots) != 1 {
		t.Error("c turns the comparison off")
	}
}

func TestFieldViewZoomAndPan(t *testing.T) {
	_, _, recon := testFiles(t, 64)
	a := loadedApp(t, 80, 24, FileRequest{Path: recon})
	fv := a.field
	win := func() Window { return fv.window(64, 64) }
	press(t, a, "right", "right", "right", "up")
	a0, d0 := fv.curA, fv.curD
	w0 := win()
	fracA := (a0 - w0.X0) / (w0.X1 - w0.X0)
	press(t, a, "+")
	w1 := win()
	if fv.zoom != 2 || math.Abs((w1.X1-w1.X0)-32) > 1e-9 {
		t.Fatalf("zoom %v, window %v: want 2x, 32 nodes wide", fv.zoom, w1)
	}
	if got := (fv.curA - w1.X0) / (w1.X1 - w1.X0); math.Abs(got-fracA) > 1e-9 || fv.curA != a0 || fv.curD != d0 {
		t.Errorf("zooming keeps the cursor's point still on screen: fraction %v, was %v", got, fracA)
	}
	for range 10 {
		press(t, a, "+")
	}
	if fv.zoom != maxZoom {
		t.Errorf("zoom %v, want it capped at %d", fv.zoom, maxZoom)
	}
	press(t, a, "0")
	if fv.zoom != 1 || win() != (Window{0, 64, 0, 64}) {
		t.Errorf("0 resets to the whole field, got zoom %v window %v", fv.zoom, win())
	}
	press(t, a, "+", "+") // 16 nodes wide
	before := win()
	press(t, a, "H")
	after := win()
	if math.Abs((before.X0-after.X0)-4) > 1e-9 && after.X0 != 0 {
		t.Errorf("H pans a quarter window left: %v then %v", before, after)
	}
	for range 20 {
		press(t, a, "H", "K")
	}
	if w := win(); w.X0 != 0 || w.D0 != 0 {
		t.Errorf("panning stops at the field's edge: %v", w)
	}
	if c := fv.curA; c < win().X0 || c >= win().X1 {
		t.Errorf("the cursor stays in the window: %v in %v", c, win())
	}
}

func TestFieldViewCursorReadout(t *testing.T) {
	_, _, recon := testFiles(t, 32)
	a := loadedApp(t, 80, 24, FileRequest{Path: recon})
	fv := a.field
	for range 5 {
		press(t, a, "left", "down")
	}
	_ = a.View()
	e := fv.entry()
	f := e.Frame(0)
	i, j := fv.r.raster.Node(fv.curA, fv.curD)
	k := f.Index(i, j)
	ro := fv.readout()
	for _, want := range []string{"x " + FormatValue(f.X[i]), "y " + FormatValue(f.Y[j]), "u " + FormatValue(f.U[k]), "v " + FormatValue(f.V[k]), "ω "} {
		if !strings.Contains(ro, want) {
			t.Errorf("readout %q lacks %q", ro, want)
		}
	}
	// The cursor is below and left of the centre: in the lower-left quadrant.
	if f.X[i] >= math.Pi || f.Y[j] >= math.Pi {
		t.Errorf("cursor at (%v, %v) after moving down and left from the centre", f.X[i], f.Y[j])
	}
	// The cursor is drawn on screen.
	if !strings.Contains(a.View(), "┼") {
		t.Error("no cursor on screen")
	}
}

func TestFieldViewMouseWheel(t *testing.T) {
	_, _, recon := testFiles(t, 64)
	a := loadedApp(t, 80, 24, FileRequest{Path: recon})
	fv := a.field
	_ = a.View()
	lay := fv.r.lay
	// Over the plot's top-left cell (the view starts at screen row 1).
	x, y := lay.plotX+5, 1+lay.plotY+3
	a0, d0, ok := fv.pointAt(x, y-1)
	if !ok {
		t.Fatal("the pointer is not over the plot")
	}
	_, cmd := a.Update(tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	drain(t, a, cmd)
	if fv.zoom != 2 {
		t.Fatalf("wheel up zooms in, zoom = %v", fv.zoom)
	}
	// The point under the pointer stays under it (to within a cell, now
	// 32/36 of a node wide).
	a1, d1, _ := fv.pointAt(x, y-1)
	if math.Abs(a1-a0) > 1 || math.Abs(d1-d0) > 1 {
		t.Errorf("the point under the pointer moved from (%v, %v) to (%v, %v)", a0, d0, a1, d1)
	}
	a.Update(tea.MouseMsg{X: x, Y: y, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if fv.zoom != 1 {
		t.Errorf("wheel down zooms out, zoom = %v", fv.zoom)
	}
	a.Update(tea.MouseMsg{X: 0, Y: 0, Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	if fv.zoom != 1 {
		t.Error("the wheel outside the plot does nothing")
	}
}

func TestFieldViewOverlays(t *testing.T) {
	truth, sparse, _ := testFiles(t, 32)
	a := loadedApp(t, 80, 24, FileRequest{Path: truth}, FileRequest{Path: sparse})
	fv := a.field
	count := func(glyphs string) int {
		_ = a.View()
		n := 0
		for _, c := range fv.r.plots[0].cells {
			if c.Glyph != 0 && strings.ContainsRune(glyphs, c.Glyph) {
				n++
			}
		}
		return n
	}
	// A dense field with a sparse one loaded shows the sparse vectors: every
	// 4th of 32 per side, 64 vectors, in distinct cells at this size.
	if !fv.inputs || count("•") != 64 {
		t.Fatalf("inputs %v, %d markers; want 64", fv.inputs, count("•"))
	}
	press(t, a, "i")
	if count("•") != 0 {
		t.Error("i hides the markers")
	}
	press(t, a, "a")
	if n := count(string(unicodeArrows[:])); n == 0 {
		t.Error("a draws arrows")
	}
	press(t, a, "a")
	if n := count(string(unicodeArrows[:])); n != 0 {
		t.Error("a again hides them")
	}
}

func TestFieldViewFrames(t *testing.T) {
	f0, f1 := taylorGreen(t, 16), taylorGreen(t, 16)
	for k := range f1.U {
		f1.U[k] *= 2
	}
	a := newTestApp(Options{Color: ColorNone}, 80, 24)
	drain(t, a, a.Init())
	_, cmd := a.Update(SetFieldMsg{Entry: &Entry{Name: "series", Frames: []*piv.Field{f0, f1}}})
	drain(t, a, cmd)
	if a.panes.focus != paneField {
		t.Fatal("the first field sent in takes the focus")
	}
	press(t, a, "1", "]")
	if a.field.frame != 1 || !strings.Contains(a.View(), "frame 2/2") {
		t.Fatalf("] moves to the next frame:\n%s", a.View())
	}
	press(t, a, "]")
	if a.field.frame != 1 {
		t.Error("the last frame is the last")
	}
	if a.metrics.frame != 1 {
		t.Error("the metrics follow the frame")
	}
	press(t, a, "[", "[")
	if a.field.frame != 0 {
		t.Error("[ goes back to the first frame")
	}
}

func TestStaleResultsAreDropped(t *testing.T) {
	ws := newWorkspace(data.LoadOptions{})
	e := ws.add(&Entry{Name: "a", Frames: []*piv.Field{taylorGreen(t, 8)}})
	k := valueKey{entry: e.ID, q: QuantitySpeed, minus: -1}
	cmd := ws.request(k)
	if cmd == nil || ws.request(k) != nil {
		t.Fatal("a request is issued once")
	}
	msg := cmd().(valuesMsg)
	ws.replace(nil) // the entry is dropped while its array is computed
	if ws.store(msg) {
		t.Error("a result for a dropped entry must be discarded")
	}
}

func TestFieldViewCompareNeedsOneGrid(t *testing.T) {
	dir := t.TempDir()
	a := loadedApp(t, 100, 30,
		FileRequest{Path: writeField(t, dir, "fine.h5", taylorGreen(t, 32))},
		FileRequest{Path: writeField(t, dir, "coarse.h5", taylorGreen(t, 16)), Role: RoleCompare})
	if v := a.View(); !strings.Contains(v, "cannot show coarse.h5 beside fine.h5: their grids differ (16x16 and 32x32)") {
		t.Errorf("comparing different grids:\n%s", v)
	}
	press(t, a, "c")
	if v := a.View(); !strings.Contains(v, "x, y [m]") {
		t.Errorf("without the comparison the field is drawn:\n%s", v)
	}
}
