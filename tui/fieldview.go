package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"pivsr/piv"
)

// FieldKeys are the field view's keys.
type FieldKeys struct {
	U, V, Speed, Vorticity, Divergence, NextQuantity, ErrorMap key.Binding
	NextField, Compare, PrevFrame, NextFrame                   key.Binding
	Up, Down, Left, Right                                      key.Binding
	PanUp, PanDown, PanLeft, PanRight                          key.Binding
	ZoomIn, ZoomOut, Reset, Arrows, Inputs                     key.Binding
}

// DefaultFieldKeys are the field view's default bindings.
func DefaultFieldKeys() FieldKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return FieldKeys{
		U:            b([]string{"1"}, "1", "u"),
		V:            b([]string{"2"}, "2", "v"),
		Speed:        b([]string{"3"}, "3", "speed"),
		Vorticity:    b([]string{"4"}, "4", "vorticity"),
		Divergence:   b([]string{"5"}, "5", "divergence"),
		NextQuantity: b([]string{"m"}, "m", "next quantity"),
		ErrorMap:     b([]string{"e"}, "e", "error map"),
		NextField:    b([]string{"f"}, "f", "next field"),
		Compare:      b([]string{"c"}, "c", "side by side"),
		PrevFrame:    b([]string{"["}, "[", "previous frame"),
		NextFrame:    b([]string{"]"}, "]", "next frame"),
		Up:           b([]string{"up", "k"}, "↑/k", "cursor up"),
		Down:         b([]string{"down", "j"}, "↓/j", "cursor down"),
		Left:         b([]string{"left", "h"}, "←/h", "cursor left"),
		Right:        b([]string{"right", "l"}, "→/l", "cursor right"),
		PanUp:        b([]string{"shift+up", "K"}, "K", "pan up"),
		PanDown:      b([]string{"shift+down", "J"}, "J", "pan down"),
		PanLeft:      b([]string{"shift+left", "H"}, "H", "pan left"),
		PanRight:     b([]string{"shift+right", "L"}, "L", "pan right"),
		ZoomIn:       b([]string{"+", "="}, "+", "zoom in"),
		ZoomOut:      b([]string{"-", "_"}, "-", "zoom out"),
		Reset:        b([]string{"0"}, "0", "reset view"),
		Arrows:       b([]string{"a"}, "a", "arrows"),
		Inputs:       b([]string{"i"}, "i", "input vectors"),
	}
}

func (k FieldKeys) help() [][]key.Binding {
	return [][]key.Binding{
		{k.NextQuantity, k.ErrorMap, k.NextField, k.Compare, k.ZoomIn, k.ZoomOut},
		{k.U, k.V, k.Speed, k.Vorticity, k.Divergence, k.NextQuantity, k.ErrorMap},
		{k.NextField, k.Compare, k.PrevFrame, k.NextFrame, k.Arrows, k.Inputs},
		{k.Up, k.Down, k.Left, k.Right, k.ZoomIn, k.ZoomOut, k.Reset},
		{k.PanUp, k.PanDown, k.PanLeft, k.PanRight},
	}
}

// maxZoom bounds zooming in: at 64x a 256-node side spans 4 nodes.
const maxZoom = 64

// FieldView draws the fields of a workspace as heatmaps: one, or two side by
// side on a shared colour scale, with axes, a colour bar, optional arrow and
// input-vector overlays, a cursor and its readout. Rendering is cached and
// redone only when something drawn changes (dirty); moving the cursor redraws
// one row.
type FieldView struct {
	ws    *Workspace
	theme *Theme
	Keys  FieldKeys

	width, height int

	shown    int // entry ID of the field on the left
	frame    int
	quantity Quantity
	errorMap bool
	compare  bool
	arrows   bool
	inputs   bool

	zoom   float64
	cx, cy float64 // window centre, display index space
	curA   float64 // cursor, display index space
	curD   float64

	dirty bool
	r     fieldRender

	// Kept across renders: the colour scale of the arrays last drawn.
	scaleKeys []valueKey
	scale     Scale
}

// fieldRender is the cached drawing of the plots.
type fieldRender struct {
	lay     fieldLayout
	win     Window
	raster  Raster
	scale   Scale
	pal     *Palette
	plots   []plotRender
	msg     string // shown instead of the plots: computing, or an error
	cbar    []string
	ylabels []string
	xaxis   string
	title   string
}

type plotRender struct {
	entry *Entry
	cells []Cell
	rows  []string // serialised rows without the cursor
}

// fieldLayout places the parts of the view in its width and height.
type fieldLayout struct {
	ok           bool
	plots        int
	yw           int // y tick label column, including the space after it
	cols, rows   int // one plot's size in cells
	gap          int
	labelW       int // colour bar label width
	plotX, plotY int // top-left of the first plot inside the view
}

const (
	fieldYLabelWidth = 8
	fieldCBarLabel   = 8
	fieldPlotGap     = 2
)

func newFieldView(ws *Workspace, theme *Theme) *FieldView {
	return &FieldView{ws: ws, theme: theme, Keys: DefaultFieldKeys(), quantity: QuantitySpeed, zoom: 1, dirty: true}
}

// entry is the field on the left, or nil.
func (fv *FieldView) entry() *Entry { return fv.ws.byID(fv.shown) }

// reset points the view at the workspace's first field, whole and centred,
// after entries were loaded.
func (fv *FieldView) reset() {
	fv.shown = 0
	for _, e := range fv.ws.Entries {
		if e.Role == RoleField {
			fv.shown = e.ID
			break
		}
	}
	if fv.shown == 0 && len(fv.ws.Entries) > 0 {
		fv.shown = fv.ws.Entries[0].ID
	}
	fv.frame = 0
	fv.compare = false
	for _, e := range fv.ws.Entries {
		if e.Role == RoleCompare {
			fv.compare = true
		}
	}
	e := fv.entry()
	// Input markers default on when a dense field is shown and a sparse one is loaded.
	fv.inputs = e != nil && !e.Masked(0) && fv.maskedEntry() != nil
	fv.resetView()
}

func (fv *FieldView) resetView() {
	fv.zoom = 1
	if e := fv.entry(); e != nil {
		f := e.Frame(fv.frame)
		fv.cx, fv.cy = float64(f.NX())/2, float64(f.NY())/2
		fv.curA, fv.curD = fv.cx, fv.cy
	}
	fv.dirty = true
}

// SetSize gives the view its width and height in cells.
func (fv *FieldView) SetSize(w, h int) {
	if w != fv.width || h != fv.height {
		fv.width, fv.height = w, h
		fv.dirty = true
	}
}

// window is the part of the field on screen, for a field of nx by ny nodes.
// It first moves the centre, if need be, so that the window lies inside the
// field.
func (fv *FieldView) window(nx, ny int) Window {
	w, h := float64(nx)/fv.zoom, float64(ny)/fv.zoom
	cx := math.Max(w/2, math.Min(float64(nx)-w/2, fv.cx))
	cy := math.Max(h/2, math.Min(float64(ny)-h/2, fv.cy))
	fv.cx, fv.cy = cx, cy
	return Window{X0: cx - w/2, X1: cx + w/2, D0: cy - h/2, D1: cy + h/2}
}

// keysFor lists the arrays the view needs now: per plot the quantity drawn,
// then the shown field's vorticity for the readout, and u and v for arrows.
func (fv *FieldView) keysFor() (plots []valueKey, extra []valueKey) {
	e := fv.entry()
	if e == nil {
		return nil, nil
	}
	entries := []*Entry{e}
	if p := fv.ws.partner(e); fv.compare && p != nil {
		entries = append(entries, p)
	}
	for _, en := range entries {
		k := valueKey{entry: en.ID, frame: fv.frame, q: fv.quantity, minus: -1}
		if fv.errorMap {
			if ref := fv.ws.reference(en); ref != nil {
				k.minus = ref.ID
			}
		}
		plots = append(plots, k)
		if fv.arrows {
			extra = append(extra, valueKey{entry: en.ID, frame: fv.frame, q: QuantityU, minus: -1},
				valueKey{entry: en.ID, frame: fv.frame, q: QuantityV, minus: -1})
		}
	}
	extra = append(extra, valueKey{entry: e.ID, frame: fv.frame, q: QuantityVorticity, minus: -1})
	return plots, extra
}

// ensure returns the commands computing what the view needs and lacks.
func (fv *FieldView) ensure() tea.Cmd {
	plots, extra := fv.keysFor()
	var cmds []tea.Cmd
	for _, k := range append(plots, extra...) {
		if c := fv.ws.request(k); c != nil {
			cmds = append(cmds, c)
		}
	}
	return tea.Batch(cmds...)
}

// Update handles a key or (translated to view coordinates) mouse message.
func (fv *FieldView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		fv.handleKey(msg)
	case tea.MouseMsg:
		fv.handleMouse(msg)
	case valuesMsg:
		fv.dirty = true
	}
	return fv.ensure()
}

func (fv *FieldView) handleKey(msg tea.KeyMsg) {
	k := fv.Keys
	quantities := map[*key.Binding]Quantity{&k.U: QuantityU, &k.V: QuantityV, &k.Speed: QuantitySpeed, &k.Vorticity: QuantityVorticity, &k.Divergence: QuantityDivergence}
	for b, q := range quantities {
		if key.Matches(msg, *b) {
			fv.setQuantity(q)
			return
		}
	}
	e := fv.entry()
	switch {
	case key.Matches(msg, k.NextQuantity):
		fv.setQuantity((fv.quantity + 1) % numQuantities)
	case key.Matches(msg, k.ErrorMap):
		if e != nil && fv.ws.reference(e) != nil {
			fv.errorMap = !fv.errorMap
			fv.dirty = true
		}
	case key.Matches(msg, k.NextField):
		fv.nextField()
	case key.Matches(msg, k.Compare):
		if e != nil && fv.ws.partner(e) != nil {
			fv.compare = !fv.compare
			fv.dirty = true
		}
	case key.Matches(msg, k.PrevFrame):
		fv.setFrame(fv.frame - 1)
	case key.Matches(msg, k.NextFrame):
		fv.setFrame(fv.frame + 1)
	case key.Matches(msg, k.Up):
		fv.moveCursor(0, -1)
	case key.Matches(msg, k.Down):
		fv.moveCursor(0, 1)
	case key.Matches(msg, k.Left):
		fv.moveCursor(-1, 0)
	case key.Matches(msg, k.Right):
		fv.moveCursor(1, 0)
	case key.Matches(msg, k.PanUp):
		fv.pan(0, -0.25)
	case key.Matches(msg, k.PanDown):
		fv.pan(0, 0.25)
	case key.Matches(msg, k.PanLeft):
		fv.pan(-0.25, 0)
	case key.Matches(msg, k.PanRight):
		fv.pan(0.25, 0)
	case key.Matches(msg, k.ZoomIn):
		fv.zoomBy(2)
	case key.Matches(msg, k.ZoomOut):
		fv.zoomBy(0.5)
	case key.Matches(msg, k.Reset):
		fv.resetView()
	case key.Matches(msg, k.Arrows):
		fv.arrows = !fv.arrows
		fv.dirty = true
	case key.Matches(msg, k.Inputs):
		fv.inputs = !fv.inputs
		fv.dirty = true
	}
}

func (fv *FieldView) setQuantity(q Quantity) {
	if q != fv.quantity {
		fv.quantity = q
		fv.dirty = true
	}
}

func (fv *FieldView) nextField() {
	es := fv.ws.Entries
	for k, e := range es {
		if e.ID == fv.shown {
			fv.shown = es[(k+1)%len(es)].ID
			fv.dirty = true
			if ne := fv.entry(); ne != nil && fv.ws.partner(ne) == nil {
				fv.compare = false
			}
			return
		}
	}
}

func (fv *FieldView) setFrame(t int) {
	e := fv.entry()
	if e == nil {
		return
	}
	t = max(0, min(len(e.Frames)-1, t))
	if t != fv.frame {
		fv.frame = t
		fv.dirty = true
	}
}

// handleMouse zooms with the wheel around the pointer, and puts the cursor
// where the left button clicks.
func (fv *FieldView) handleMouse(msg tea.MouseMsg) {
	a, d, ok := fv.pointAt(msg.X, msg.Y)
	if !ok {
		return
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		fv.curA, fv.curD = a, d
		fv.zoomBy(2)
	case msg.Button == tea.MouseButtonWheelDown:
		fv.curA, fv.curD = a, d
		fv.zoomBy(0.5)
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionPress:
		fv.curA, fv.curD = a, d
	}
}

// pointAt maps a cell of the view to display index space, when it lies on a
// plot (either plot of a comparison).
func (fv *FieldView) pointAt(x, y int) (a, d float64, ok bool) {
	e := fv.entry()
	lay := fv.layout()
	if e == nil || !lay.ok {
		return 0, 0, false
	}
	f := e.Frame(fv.frame)
	win := fv.window(f.NX(), f.NY())
	cx := x - lay.plotX
	for p := 0; p < lay.plots; p++ {
		if cx >= 0 && cx < lay.cols {
			break
		}
		cx -= lay.cols + lay.gap
	}
	cy := y - lay.plotY
	if cx < 0 || cx >= lay.cols || cy < 0 || cy >= lay.rows {
		return 0, 0, false
	}
	a = win.X0 + (float64(cx)+0.5)*(win.X1-win.X0)/float64(lay.cols)
	d = win.D0 + (float64(cy)+0.5)*(win.D1-win.D0)/float64(lay.rows)
	return a, d, true
}

// moveCursor moves the cursor by whole cells, panning when it leaves the
// window.
func (fv *FieldView) moveCursor(dc, dr int) {
	e := fv.entry()
	lay := fv.layout()
	if e == nil || !lay.ok {
		return
	}
	f := e.Frame(fv.frame)
	win := fv.window(f.NX(), f.NY())
	cw, ch := (win.X1-win.X0)/float64(lay.cols), (win.D1-win.D0)/float64(lay.rows)
	fv.curA = math.Max(0, math.Min(float64(f.NX())-1e-9, fv.curA+float64(dc)*cw))
	fv.curD = math.Max(0, math.Min(float64(f.NY())-1e-9, fv.curD+float64(dr)*ch))
	if fv.curA < win.X0 || fv.curA >= win.X1 || fv.curD < win.D0 || fv.curD >= win.D1 {
		fv.cx += float64(dc) * cw
		fv.cy += float64(dr) * ch
		fv.dirty = true
	}
}

// pan shifts the window by fractions of its size.
func (fv *FieldView) pan(fx, fy float64) {
	e := fv.entry()
	if e == nil {
		return
	}
	f := e.Frame(fv.frame)
	win := fv.window(f.NX(), f.NY())
	fv.cx += fx * (win.X1 - win.X0)
	fv.cy += fy * (win.D1 - win.D0)
	win = fv.window(f.NX(), f.NY())
	fv.curA = math.Max(win.X0, math.Min(win.X1-1e-9, fv.curA))
	fv.curD = math.Max(win.D0, math.Min(win.D1-1e-9, fv.curD))
	fv.dirty = true
}

// zoomBy scales the zoom keeping the cursor's point where it is on screen.
func (fv *FieldView) zoomBy(factor float64) {
	e := fv.entry()
	if e == nil {
		return
	}
	z := math.Max(1, math.Min(maxZoom, fv.zoom*factor))
	if z == fv.zoom {
		return
	}
	f := e.Frame(fv.frame)
	win := fv.window(f.NX(), f.NY())
	// The cursor's fractional position in the window stays the same.
	fa := (fv.curA - win.X0) / (win.X1 - win.X0)
	fd := (fv.curD - win.D0) / (win.D1 - win.D0)
	fv.zoom = z
	w, h := float64(f.NX())/z, float64(f.NY())/z
	fv.cx = fv.curA - fa*w + w/2
	fv.cy = fv.curD - fd*h + h/2
	fv.window(f.NX(), f.NY())
	fv.dirty = true
}

// layout places the plots for the current size, field shape and comparison.
func (fv *FieldView) layout() fieldLayout {
	e := fv.entry()
	lay := fieldLayout{plots: 1, yw: fieldYLabelWidth, gap: fieldPlotGap, labelW: fieldCBarLabel, plotY: 1}
	if e == nil {
		return lay
	}
	if fv.compare && fv.ws.partner(e) != nil {
		lay.plots = 2
	}
	f := e.Frame(fv.frame)
	availW := fv.width - lay.yw - 1 - colorBarWidth - 1 - lay.labelW
	availW = (availW - (lay.plots-1)*lay.gap) / lay.plots
	availH := fv.height - 3 // title, x axis, readout
	if availW < 4 || availH < 2 {
		return lay
	}
	// Cells are about twice as tall as wide, so a square of the field is
	// twice as many columns as rows.
	lx := math.Abs(f.X[len(f.X)-1]-f.X[0]) + math.Abs(f.DX())
	ly := math.Abs(f.Y[len(f.Y)-1]-f.Y[0]) + math.Abs(f.DY())
	aspect := 1.0
	if lx > 0 && ly > 0 {
		aspect = lx / ly
	}
	cols := min(availW, int(math.Round(aspect*2*float64(availH))))
	rows := min(availH, max(1, int(math.Round(float64(cols)/aspect/2))))
	lay.cols, lay.rows = max(1, cols), rows
	lay.plotX = lay.yw
	lay.ok = true
	return lay
}

// View draws the view in its width and height: exactly height lines of width
// columns.
func (fv *FieldView) View() string {
	if fv.dirty {
		fv.render()
	}
	lines := make([]string, 0, fv.height)
	lines = append(lines, fitText(fv.theme.Title.Render(fv.r.title), fv.width))
	lay := fv.r.lay
	if fv.r.msg != "" || !lay.ok {
		msg := fv.r.msg
		if msg == "" {
			msg = "the terminal is too small for the field"
		}
		lines = append(lines, fitText(fv.theme.Dim.Render(msg), fv.width))
		return finish(lines, fv.width, fv.height)
	}
	curCol, curRow := fv.cursorCell()
	var b strings.Builder
	for r := range lay.rows {
		b.Reset()
		b.WriteString(padLeft(fv.r.ylabels[r], lay.yw-1))
		b.WriteByte(' ')
		for p, pr := range fv.r.plots {
			if p > 0 {
				b.WriteString(strings.Repeat(" ", lay.gap))
			}
			if r == curRow {
				b.WriteString(fv.rowWithCursor(pr, r, curCol))
			} else {
				b.WriteString(pr.rows[r])
			}
		}
		b.WriteByte(' ')
		b.WriteString(fv.r.cbar[r])
		used := lay.yw + lay.plots*lay.cols + (lay.plots-1)*lay.gap + 1 + colorBarWidth + 1 + lay.labelW
		b.WriteString(strings.Repeat(" ", max(0, fv.width-used)))
		lines = append(lines, b.String())
	}
	lines = append(lines, fit(fv.r.xaxis, fv.width))
	lines = append(lines, fitText(fv.readout(), fv.width))
	return finish(lines, fv.width, fv.height)
}

// cursorCell is the cursor's cell in a plot, (-1, -1) outside the window.
func (fv *FieldView) cursorCell() (col, row int) {
	lay, win := fv.r.lay, fv.r.win
	col = int(math.Floor((fv.curA - win.X0) / (win.X1 - win.X0) * float64(lay.cols)))
	row = int(math.Floor((fv.curD - win.D0) / (win.D1 - win.D0) * float64(lay.rows)))
	if col < 0 || col >= lay.cols || row < 0 || row >= lay.rows {
		return -1, -1
	}
	return col, row
}

// rowWithCursor serialises one plot row with the cursor drawn in it.
func (fv *FieldView) rowWithCursor(pr plotRender, r, col int) string {
	cols := fv.r.lay.cols
	row := append([]Cell(nil), pr.cells[r*cols:(r+1)*cols]...)
	row[col].Glyph = '┼'
	if fv.theme.ASCII {
		row[col].Glyph = '+'
	}
	if fv.theme.Mode == ColorNone {
		row[col].Glyph = 0
		row[col].Reverse = true
		if row[col].Top < 0 {
			row[col].Glyph = '+'
		}
	}
	return string(fv.r.pal.AppendCells(nil, row, fv.theme.halfBlock()))
}

// render rebuilds the cached drawing.
func (fv *FieldView) render() {
	fv.dirty = false
	fv.r = fieldRender{}
	e := fv.entry()
	if e == nil {
		fv.r.title = "no field"
		fv.r.msg = errNoFields.Error()
		return
	}
	lay := fv.layout()
	fv.r.lay = lay
	f := e.Frame(fv.frame)
	fv.r.raster = RasterOf(f.Grid)
	fv.r.win = fv.window(f.NX(), f.NY())
	fv.r.title = fv.title(e, false)
	if !lay.ok {
		return
	}
	plotKeys, _ := fv.keysFor()
	var arrays [][]float64
	for _, k := range plotKeys {
		other := fv.ws.byID(k.entry)
		if g := other.Frame(fv.frame); g.NX() != f.NX() || g.NY() != f.NY() {
			fv.r.msg = fmt.Sprintf("cannot show %s beside %s: their grids differ (%dx%d and %dx%d)",
				other.Name, e.Name, g.NX(), g.NY(), f.NX(), f.NY())
			return
		}
		res, ok := fv.ws.get(k)
		switch {
		case !ok:
			fv.r.msg = "computing " + fv.quantityLabel() + " ..."
			return
		case res.err != nil:
			fv.r.msg = res.err.Error()
			return
		}
		arrays = append(arrays, res.values)
	}
	diverging := fv.quantity.Diverging() || fv.errorMap
	fv.r.pal = fv.theme.palette(diverging)
	if !slices.Equal(plotKeys, fv.scaleKeys) {
		fv.scaleKeys, fv.scale = plotKeys, fv.scaleOf(diverging, arrays...)
	}
	fv.r.scale = fv.scale
	half := fv.theme.halfBlock()
	pixRows := lay.rows
	if half {
		pixRows *= 2
	}
	var pix []float64
	var levels []int16
	for p, k := range plotKeys {
		en := fv.ws.byID(k.entry)
		r := RasterOf(en.Frame(fv.frame).Grid)
		pix = r.Resample(pix, arrays[p], fv.r.win, lay.cols, pixRows)
		levels = Levels(levels, pix, fv.r.scale)
		pr := plotRender{entry: en, cells: Cells(nil, levels, lay.cols, lay.rows, half)}
		fv.overlay(pr.cells, en, r)
		pr.rows = make([]string, lay.rows)
		var buf []byte
		for row := range lay.rows {
			buf = fv.r.pal.AppendCells(buf[:0], pr.cells[row*lay.cols:(row+1)*lay.cols], half)
			pr.rows[row] = string(buf)
		}
		fv.r.plots = append(fv.r.plots, pr)
	}
	fv.r.cbar = fv.r.pal.ColorBar(fv.r.scale, lay.rows, lay.labelW, half)
	fv.axes(f.Grid, lay)
}

// scaleOf is the colour scale of arrays: the full range of velocities, the
// clipped range (ClippedScaleOf) of derivatives and errors, whose outliers
// would wash the picture out.
func (fv *FieldView) scaleOf(diverging bool, arrays ...[]float64) Scale {
	if fv.errorMap || fv.quantity.Diverging() {
		return ClippedScaleOf(diverging, arrays...)
	}
	return ScaleOf(diverging, arrays...)
}

// overlay draws input-vector markers and arrows over a plot's cells.
func (fv *FieldView) overlay(cells []Cell, e *Entry, r Raster) {
	lay, win := fv.r.lay, fv.r.win
	if fv.inputs {
		if m := fv.maskedEntry(); m != nil && m.Frame(fv.frame).Len() == e.Frame(fv.frame).Len() {
			mark := '•'
			if fv.theme.ASCII {
				mark = 'x'
			}
			fv.markVectors(cells, m, mark)
		}
	}
	if fv.arrows {
		ku := valueKey{entry: e.ID, frame: fv.frame, q: QuantityU, minus: -1}
		kv := ku
		kv.q = QuantityV
		ru, okU := fv.ws.get(ku)
		rv, okV := fv.ws.get(kv)
		if !okU || !okV || ru.err != nil || rv.err != nil {
			return
		}
		u := r.Resample(nil, ru.values, win, lay.cols, lay.rows)
		v := r.Resample(nil, rv.values, win, lay.cols, lay.rows)
		vmax := 0.0
		for k := range u {
			if s := math.Hypot(u[k], v[k]); s > vmax {
				vmax = s
			}
		}
		// One arrow every 4 columns and 2 rows: about square spacing.
		for row := 1; row < lay.rows; row += 2 {
			for col := 2; col < lay.cols; col += 4 {
				k := row*lay.cols + col
				if math.Hypot(u[k], v[k]) < 0.1*vmax {
					continue
				}
				if g := ArrowGlyph(u[k], v[k], fv.theme.ASCII); g != 0 {
					cells[k].Glyph = g
				}
			}
		}
	}
}

// markVectors puts mark on the cell under the centre of each valid vector
// of e: one mark a vector when cells are smaller than nodes, one a cell
// holding any when they are larger.
func (fv *FieldView) markVectors(cells []Cell, e *Entry, mark rune) {
	f := e.Frame(fv.frame)
	r, win, lay := RasterOf(f.Grid), fv.r.win, fv.r.lay
	sx := float64(lay.cols) / (win.X1 - win.X0)
	sy := float64(lay.rows) / (win.D1 - win.D0)
	for d := range r.NY {
		row := int(math.Floor((float64(d) + 0.5 - win.D0) * sy))
		if row < 0 || row >= lay.rows {
			continue
		}
		j := r.Row(d)
		for c := range r.NX {
			col := int(math.Floor((float64(c) + 0.5 - win.X0) * sx))
			if col >= 0 && col < lay.cols && f.Valid(f.Index(r.Col(c), j)) {
				cells[row*lay.cols+col].Glyph = mark
			}
		}
	}
}

// maskedEntry is the field whose valid vectors the input overlay marks: the
// shown field when it is masked, else the first masked entry.
func (fv *FieldView) maskedEntry() *Entry {
	if e := fv.entry(); e != nil && e.Masked(fv.frame) {
		return e
	}
	for _, e := range fv.ws.Entries {
		if e.Masked(fv.frame) {
			return e
		}
	}
	return nil
}

// axes lays out the tick labels of both axes for the window.
func (fv *FieldView) axes(g piv.Grid, lay fieldLayout) {
	win, r := fv.r.win, fv.r.raster
	rowY := make([]float64, lay.rows)
	for row := range rowY {
		rowY[row] = r.Y(g, win.D0+(float64(row)+0.5)*(win.D1-win.D0)/float64(lay.rows))
	}
	fv.r.ylabels = RowLabels(rowY, max(2, lay.rows/4))
	colX := make([]float64, lay.cols)
	for c := range colX {
		colX[c] = r.X(g, win.X0+(float64(c)+0.5)*(win.X1-win.X0)/float64(lay.cols))
	}
	xl, _ := AxisLabels(colX, max(2, lay.cols/6))
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", lay.yw))
	for p := 0; p < lay.plots; p++ {
		if p > 0 {
			b.WriteString(strings.Repeat(" ", lay.gap))
		}
		b.WriteString(xl)
	}
	if u := fv.entry().Units.Length; u != "" {
		b.WriteString("  x, y [" + u + "]")
	}
	fv.r.xaxis = b.String()
}

// quantityLabel names what is drawn, e.g. "vorticity" or "speed error".
func (fv *FieldView) quantityLabel() string {
	if fv.errorMap {
		return fv.quantity.Name() + " error"
	}
	return fv.quantity.Name()
}

// title is the view's first line: quantity, unit, fields, frame and zoom
// (not for a file, whose axes show the window).
func (fv *FieldView) title(e *Entry, forFile bool) string {
	var b strings.Builder
	b.WriteString(fv.quantityLabel())
	if u := fv.quantity.Unit(e.Units); u != "" {
		b.WriteString(" [" + u + "]")
	}
	b.WriteString(" · " + e.Name)
	if fv.errorMap {
		if ref := fv.ws.reference(e); ref != nil {
			b.WriteString(" − " + ref.Name)
		}
	}
	if p := fv.ws.partner(e); fv.compare && p != nil {
		b.WriteString(" | " + p.Name)
	}
	if n := len(e.Frames); n > 1 {
		fmt.Fprintf(&b, " · frame %d/%d", fv.frame+1, n)
	}
	if fv.zoom > 1 && !forFile {
		fmt.Fprintf(&b, " · zoom %gx", fv.zoom)
	}
	s := b.String()
	if fv.theme.ASCII {
		s = strings.NewReplacer("·", "-", "−", "-").Replace(s)
	}
	return s
}

// readout describes the node under the cursor: position, velocity,
// vorticity, and the value drawn in each plot.
func (fv *FieldView) readout() string {
	e := fv.entry()
	if e == nil {
		return ""
	}
	f := e.Frame(fv.frame)
	r := fv.r.raster
	i, j := r.Node(fv.curA, fv.curD)
	k := f.Index(i, j)
	parts := []string{fmt.Sprintf("x %s  y %s", FormatValue(f.X[i]), FormatValue(f.Y[j]))}
	if f.Valid(k) {
		parts = append(parts, fmt.Sprintf("u %s  v %s", FormatValue(f.U[k]), FormatValue(f.V[k])))
	} else {
		parts = append(parts, "no vector")
	}
	if res, ok := fv.ws.get(valueKey{entry: e.ID, frame: fv.frame, q: QuantityVorticity, minus: -1}); ok && res.err == nil {
		parts = append(parts, "ω "+FormatValue(res.values[k]))
	}
	plotKeys, _ := fv.keysFor()
	var shown []string
	for _, pk := range plotKeys {
		if res, ok := fv.ws.get(pk); ok && res.err == nil && k < len(res.values) {
			shown = append(shown, FormatValue(res.values[k]))
		}
	}
	if len(shown) > 0 && (fv.errorMap || fv.quantity > QuantityV || len(shown) > 1) {
		parts = append(parts, fv.quantityLabel()+" "+strings.Join(shown, " | "))
	}
	s := strings.Join(parts, "  │  ")
	if fv.theme.ASCII {
		s = strings.NewReplacer("│", "|", "ω", "w", "—", "-").Replace(s)
	}
	return s
}

// help lists the view's keys in groups.
func (fv *FieldView) help() [][]key.Binding { return fv.Keys.help() }

// quantityLabelFile names what is drawn for a file name: "speed",
// "vorticity-error".
func (fv *FieldView) quantityLabelFile() string {
	return strings.ReplaceAll(fv.quantityLabel(), " ", "-")
}

// pngJob describes the left plot as drawn now (window, colour scale and
// map) for a PNG export.
func (fv *FieldView) pngJob() (PNGJob, error) {
	e := fv.entry()
	if e == nil {
		return PNGJob{}, errNoFields
	}
	if fv.dirty {
		fv.render()
	}
	plotKeys, _ := fv.keysFor()
	res, ok := fv.ws.get(plotKeys[0])
	switch {
	case !ok:
		return PNGJob{}, fmt.Errorf("the %s is still being computed", fv.quantityLabel())
	case res.err != nil:
		return PNGJob{}, res.err
	}
	f := e.Frame(fv.frame)
	diverging := fv.quantity.Diverging() || fv.errorMap
	cm := Viridis
	if diverging {
		cm = RdBu
	}
	scale := fv.r.scale
	if fv.r.pal == nil { // not drawn yet (no room on screen): scale this plot alone
		scale = fv.scaleOf(diverging, res.values)
	}
	unit := ""
	if e.Units.Length != "" {
		unit = " [" + e.Units.Length + "]"
	}
	return PNGJob{
		Title:  fv.title(e, true),
		XLabel: "x" + unit, YLabel: "y" + unit,
		Values: res.values, Grid: f.Grid, Window: fv.window(f.NX(), f.NY()),
		Scale: scale, Map: cm,
	}, nil
}
