package tui

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// FlowKeys are the Flows panel's keys.
type FlowKeys struct {
	PrevKind, NextKind, Fewer, More, Start, Stop key.Binding
}

// DefaultFlowKeys are the Flows panel's default bindings.
func DefaultFlowKeys() FlowKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return FlowKeys{
		PrevKind: b([]string{"left", "h"}, "←/h", "previous flow"),
		NextKind: b([]string{"right", "l"}, "→/l", "next flow"),
		Fewer:    b([]string{"down", "j"}, "↓/j", "fewer particles"),
		More:     b([]string{"up", "k"}, "↑/k", "more particles"),
		Start:    b([]string{"s", "enter"}, "s", "start (restart)"),
		Stop:     b([]string{"x"}, "x", "stop"),
	}
}

// FlowStyles are the colours of the Flows panel's drawing.
type FlowStyles struct {
	Particles, Rim, Energy RGB
}

// DefaultFlowStyles draws the particles and the energy curve in the charts'
// first two colours and the rim of the sphere's view in grey.
func DefaultFlowStyles() FlowStyles {
	return FlowStyles{Particles: SeriesColor(0), Rim: RGB{0x8a, 0x8a, 0x8a}, Energy: SeriesColor(1)}
}

// flowCounts are the particle counts offered: the Euclidean flows cost
// O(N^2) a step (the kernel density estimate, the interaction), so a few
// hundred particles keep the animation live.
var flowCounts = []int{50, 100, 200, 400}

// flowSteps is the length of a run: enough for each kind to reach its
// steady state from its start.
const flowSteps = 60

// flowInterval is the shortest time between two steps on screen, so that
// the fast runs (the sphere's) can still be watched.
const flowInterval = 50 * time.Millisecond

// flowState is where the panel's run stands.
type flowState int

const (
	flowIdle flowState = iota
	flowRunning
	flowStopped
	flowFinished
	flowFailed
)

func (s flowState) String() string {
	return [...]string{"idle", "running", "stopped", "finished", "failed"}[s]
}

// FlowPanel animates the sliced-Wasserstein gradient flows of `pivsr ot
// flow` (package transport): the Fokker-Planck flow to N(0, I), the
// aggregation flow to a ring, and the spherical flow to the uniform law on
// S^2, drawn in the Lambert equal-area view from the north pole. The flow
// runs in its own goroutine (flowrun.go) and hands over one message per
// step; the panel draws the particles as a scatter with the step, time and
// energy (or distance), and the energy against the step.
type FlowPanel struct {
	theme  *Theme
	Keys   FlowKeys
	Styles FlowStyles

	width, height int

	kind     flowKind // the settings of the next run
	count    int      // index in flowCounts
	runSteps int
	interval time.Duration

	gen    int
	run    *flowRun
	state  flowState
	ran    flowSettings // the settings of the current (or last) run
	err    error
	last   *flowStepMsg
	steps  []float64
	values []float64

	dirty bool
	view  string
}

func newFlowPanel(theme *Theme) *FlowPanel {
	return &FlowPanel{theme: theme, Keys: DefaultFlowKeys(), Styles: DefaultFlowStyles(), count: 2, runSteps: flowSteps, interval: flowInterval, dirty: true}
}

// SetSize gives the panel its width and height in cells.
func (fp *FlowPanel) SetSize(w, h int) {
	if w != fp.width || h != fp.height {
		fp.width, fp.height, fp.dirty = w, h, true
	}
}

// active reports whether a flow is going on.
func (fp *FlowPanel) active() bool { return fp.state == flowRunning }

// stop halts the current run, if any; its goroutine ends at its next step.
func (fp *FlowPanel) stop() {
	if fp.run != nil {
		fp.run.halt()
	}
}

// shutdown stops the current run before the workstation quits, waiting a
// moment for its goroutine.
func (fp *FlowPanel) shutdown() {
	if fp.run != nil {
		fp.run.shutdown(2 * time.Second)
	}
}

// Update takes the keys and the run's steps.
func (fp *FlowPanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case flowStepMsg:
		if msg.gen != fp.gen || fp.state != flowRunning {
			return nil
		}
		fp.last = &msg
		fp.steps = append(fp.steps, float64(msg.step))
		fp.values = append(fp.values, msg.value)
		fp.dirty = true
		return fp.run.wait
	case flowDoneMsg:
		if msg.gen != fp.gen || fp.state != flowRunning {
			return nil
		}
		fp.dirty = true
		if msg.err != nil && !errors.Is(msg.err, errFlowStopped) {
			fp.state, fp.err = flowFailed, msg.err
			return status(fp.ran.kind.String()+" flow failed: "+msg.err.Error(), true)
		}
		fp.state = flowFinished
		return status(fmt.Sprintf("%s flow finished: %d steps", fp.ran.kind, fp.ran.steps), false)
	case tea.KeyMsg:
		return fp.key(msg)
	}
	return nil
}

func (fp *FlowPanel) key(msg tea.KeyMsg) tea.Cmd {
	k := fp.Keys
	switch {
	case key.Matches(msg, k.PrevKind):
		fp.kind = (fp.kind + numFlowKinds - 1) % numFlowKinds
	case key.Matches(msg, k.NextKind):
		fp.kind = (fp.kind + 1) % numFlowKinds
	case key.Matches(msg, k.Fewer):
		fp.count = max(0, fp.count-1)
	case key.Matches(msg, k.More):
		fp.count = min(len(flowCounts)-1, fp.count+1)
	case key.Matches(msg, k.Start):
		return fp.start()
	case key.Matches(msg, k.Stop):
		if fp.state != flowRunning {
			return nil
		}
		fp.stop()
		fp.state = flowStopped
		step := 0
		if fp.last != nil {
			step = fp.last.step
		}
		fp.dirty = true
		return status(fmt.Sprintf("%s flow stopped at step %d", fp.ran.kind, step), false)
	default:
		return nil
	}
	fp.dirty = true
	return nil
}

// start stops the current run, if any, and starts a new one with the
// panel's settings.
func (fp *FlowPanel) start() tea.Cmd {
	fp.stop()
	fp.gen++
	fp.ran = flowSettings{kind: fp.kind, n: flowCounts[fp.count], steps: fp.runSteps, seed: 1}
	fp.state, fp.err, fp.last, fp.steps, fp.values, fp.dirty = flowRunning, nil, nil, nil, nil, true
	var cmd tea.Cmd
	fp.run, cmd = startFlow(fp.gen, fp.ran, fp.interval)
	return cmd
}

// help lists the panel's keys, the first group on the short help line.
func (fp *FlowPanel) help() [][]key.Binding {
	k := fp.Keys
	return [][]key.Binding{{k.Start, k.Stop, k.NextKind, k.More}, {k.PrevKind, k.NextKind, k.Fewer, k.More}}
}

// View draws the panel: exactly its height in lines of its width, cached
// until something shown changes.
func (fp *FlowPanel) View() string {
	if fp.dirty || fp.view == "" {
		fp.view, fp.dirty = fp.render(), false
	}
	return fp.view
}

func (fp *FlowPanel) render() string {
	w, h, t := fp.width, fp.height, fp.theme
	title := "particle flows · " + fp.state.String()
	if fp.state != flowIdle {
		title += fmt.Sprintf(" · %s · %d particles", fp.ran.kind, fp.ran.n)
	}
	if t.ASCII {
		title = strings.ReplaceAll(title, "·", "-")
	}
	lines := []string{fp.fit(t.Title.Render(title), w), fp.fit(fp.settingsLine(), w), fp.fit(fp.factsLine(), w)}
	rest := h - len(lines)
	if rest < 4 {
		return finish(lines, w, h)
	}
	if fp.last == nil {
		lines = append(lines, fp.fit(t.Dim.Render("s runs the chosen flow; its particles and energy are drawn here step by step"), w))
		return finish(lines, w, h)
	}
	// The scatter is square (a cell is two dots wide and four high, about
	// twice as high as wide): 2 columns a row. The energy chart goes beside
	// it when there is room, else below.
	if w >= 2*rest+30 {
		sc := fp.scatter(2*rest, rest)
		ch := fp.chart(w-2*rest-2, rest)
		return finish(append(lines, joinColumns("  ", []int{2 * rest, w - 2*rest - 2}, sc, ch)...), w, h)
	}
	chartH := min(max(rest/3, 5), 14)
	rows := rest - chartH - 1
	if rows < 3 {
		rows, chartH = rest, 0
	}
	cw := min(w, 2*rows)
	pad := strings.Repeat(" ", (w-cw)/2)
	for _, l := range fp.scatter(cw, cw/2) {
		lines = append(lines, fp.fit(pad+l, w))
	}
	if chartH > 0 {
		lines = append(lines, strings.Repeat(" ", w))
		lines = append(lines, fp.chart(w, chartH)...)
	}
	return finish(lines, w, h)
}

// settingsLine shows the settings of the next run, the chosen ones in
// brackets.
func (fp *FlowPanel) settingsLine() string {
	t := fp.theme
	var b strings.Builder
	b.WriteString(t.Dim.Render("flow "))
	for k := range numFlowKinds {
		b.WriteString(" ")
		if k == fp.kind {
			b.WriteString(t.Accent.Render("[" + k.String() + "]"))
		} else {
			b.WriteString(" " + k.String() + " ")
		}
	}
	b.WriteString(t.Dim.Render("   particles "))
	for k, n := range flowCounts {
		b.WriteString(" ")
		if k == fp.count {
			b.WriteString(t.Accent.Render(fmt.Sprintf("[%d]", n)))
		} else {
			b.WriteString(fmt.Sprintf(" %d ", n))
		}
	}
	return b.String()
}

// valueName names what a kind's curve shows.
func valueName(k flowKind) string {
	if k == flowSphere {
		return "SSW_2^2 to uniform"
	}
	return "energy F"
}

// factsLine is the latest step, time and energy (or distance).
func (fp *FlowPanel) factsLine() string {
	if fp.last == nil {
		if fp.err != nil {
			return fp.theme.Error.Render(fp.err.Error())
		}
		return fp.theme.Dim.Render(fmt.Sprintf("%d steps a run; the next run: %s with %d particles", fp.runSteps, fp.kind, flowCounts[fp.count]))
	}
	m := fp.last
	s := fmt.Sprintf("step %d/%d · t = %s · %s = %s · moved %s", m.step, fp.ran.steps, num(m.time), valueName(fp.ran.kind), num(m.value), num(m.moved))
	if fp.theme.ASCII {
		s = strings.ReplaceAll(s, "·", "-")
	}
	if fp.err != nil {
		s += "  " + fp.theme.Error.Render(fp.err.Error())
	}
	return s
}

// scatter draws the latest particles in w by h cells, the last line a
// caption; the sphere's view is ringed by the image of the south pole.
func (fp *FlowPanel) scatter(w, h int) []string {
	t := fp.theme
	e := flowExtent(fp.ran.kind, fp.last.xy)
	caption := fmt.Sprintf("x, y in [-%g, %g]", e, e)
	if fp.ran.kind == flowSphere {
		caption = "Lambert view from the north pole"
	}
	if h < 2 || w < 2 {
		return finishLines(nil, w, h)
	}
	c := NewCanvas(w, h-1, t.ASCII)
	dw, dh := c.Size()
	// The canvas is about square on screen (2 columns a row), so a scale
	// for each axis keeps circles round, with square braille dots as with
	// ASCII cells twice as high as wide.
	sx, sy := float64(dw-1)/(2*e), float64(dh-1)/(2*e)
	cx, cy := float64(dw-1)/2, float64(dh-1)/2
	dot := func(x, y float64, s int) {
		c.Set(int(math.Round(cx+x*sx)), int(math.Round(cy-y*sy)), s)
	}
	if fp.ran.kind == flowSphere {
		for k := range 720 {
			a := 2 * math.Pi * float64(k) / 720
			dot(2*math.Cos(a), 2*math.Sin(a), 1)
		}
	}
	xy := fp.last.xy
	for i := 0; i+1 < len(xy); i += 2 {
		dot(xy[i], xy[i+1], 0)
	}
	colors := []string{sgr(fp.Styles.Particles, t.Mode, false), sgr(fp.Styles.Rim, t.Mode, false)}
	rows := c.Rows(func(s int) string {
		if s < 0 || s >= len(colors) {
			return ""
		}
		return colors[s]
	})
	return append(rows, fp.fit(t.Dim.Render(caption), w))
}

// flowExtent is the half width of the square the particles xy are drawn
// in: the disc of radius 2 of the sphere's Lambert view, else the smallest
// round size that holds every particle, so that the cloud fills the view as
// it spreads or gathers.
func flowExtent(k flowKind, xy []float64) float64 {
	if k == flowSphere {
		return 2.05
	}
	m := 0.0
	for _, v := range xy {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			m = math.Max(m, math.Abs(v))
		}
	}
	m *= 1.05 // a margin, so that no particle sits on the frame
	for _, e := range []float64{0.5, 1, 1.5, 2, 3, 4, 5, 6, 8} {
		if m <= e {
			return e
		}
	}
	return 10 * math.Ceil(m/10)
}

// chartLabelWidth is the width of the chart's y labels, e.g. "-1.838".
const chartLabelWidth = 9

// chart plots the energy (or distance) against the step on linear axes in w
// by h cells: a title, the plot with the extreme values at its left, and
// the step axis.
func (fp *FlowPanel) chart(w, h int) []string {
	t := fp.theme
	lines := []string{fp.fit(t.Title.Render(valueName(fp.ran.kind)+" against the step"), w)}
	plotH, plotW := h-2, w-chartLabelWidth-1
	if plotH < 2 || plotW < 4 {
		return finishLines(lines, w, h)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range fp.values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi {
		lines = append(lines, fp.fit("  (no finite values to plot)", w))
		return finishLines(lines, w, h)
	}
	if hi-lo < 1e-12*math.Max(1, math.Abs(hi)) {
		lo, hi = lo-0.5, hi+0.5
	}
	c := NewCanvas(plotW, plotH, t.ASCII)
	dw, dh := c.Size()
	toDot := func(step, v float64) (int, int) {
		return int(math.Round(step / float64(fp.ran.steps) * float64(dw-1))), int(math.Round((hi - v) / (hi - lo) * float64(dh-1)))
	}
	have := false
	var x0, y0 int
	for k, v := range fp.values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			have = false
			continue
		}
		x, y := toDot(fp.steps[k], v)
		if have {
			c.Line(x0, y0, x, y, 0)
		} else {
			c.Set(x, y, 0)
		}
		x0, y0, have = x, y, true
	}
	color := sgr(fp.Styles.Energy, t.Mode, false)
	rows := c.Rows(func(int) string { return color })
	axis := "│"
	if t.ASCII {
		axis = "|"
	}
	for r, row := range rows {
		label := ""
		switch r {
		case 0:
			label = num(hi)
		case len(rows) - 1:
			label = num(lo)
		}
		lines = append(lines, padLeft(label, chartLabelWidth)+axis+row)
	}
	// The step axis: 0 and the last step under the plot's ends, "step"
	// between them.
	last := fmt.Sprint(fp.ran.steps)
	gap := plotW - 1 - len(last)
	mid := fit("", max(0, (gap-4)/2)) + "step"
	axisLine := strings.Repeat(" ", chartLabelWidth+1) + "0" + fit(mid, max(0, gap)) + last
	lines = append(lines, fp.fit(axisLine, w))
	return finishLines(lines, w, h)
}

// fit pads or cuts text to w columns, as fitText, ending a cut line with
// "..." in ASCII mode.
func (fp *FlowPanel) fit(s string, w int) string {
	if !fp.theme.ASCII || ansi.StringWidth(s) <= w {
		return fitText(s, w)
	}
	return fitText(ansi.Truncate(s, max(0, w-3), "")+"...", w)
}

// finishLines pads lines (each already w columns) with blank ones, or cuts
// them, to h lines.
func finishLines(lines []string, w, h int) []string {
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", max(0, w)))
	}
	return lines[:max(0, h)]
}
