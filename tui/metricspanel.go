package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"pivsr/piv"
)

// MetricsKeys are the metrics panel's keys.
type MetricsKeys struct {
	Border key.Binding
}

// DefaultMetricsKeys are the metrics panel's default bindings.
func DefaultMetricsKeys() MetricsKeys {
	return MetricsKeys{Border: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "interior / full grid"))}
}

// interiorBorder is the border the interior figures drop, as `pivsr eval`
// does by default.
const interiorBorder = 8

// MetricsPanel shows every loaded field scored against the truth
// (piv.Evaluate) and the energy spectra and structure functions of all of
// them on log-log charts. The figures are computed in a command whenever the
// fields, the frame or the region change.
type MetricsPanel struct {
	ws    *Workspace
	theme *Theme
	Keys  MetricsKeys

	width, height int
	frame         int
	border        int

	gen     int // generation of the request in flight; older results are dropped
	pending bool
	res     *metricsResult

	dirty bool   // the cached drawing is out of date
	view  string // the cached drawing
}

func newMetricsPanel(ws *Workspace, theme *Theme) *MetricsPanel {
	return &MetricsPanel{ws: ws, theme: theme, Keys: DefaultMetricsKeys()}
}

// metricRow is one field's scores against the truth.
type metricRow struct {
	name, region string
	m            *piv.Metrics
	err          error
}

// metricsResult is what the panel shows.
type metricsResult struct {
	truth   string
	rows    []metricRow
	spectra []Series
	s2      []Series
	notes   []string
}

type metricsMsg struct {
	gen int
	res metricsResult
}

// SetSize gives the panel its width and height in cells.
func (mp *MetricsPanel) SetSize(w, h int) {
	if w != mp.width || h != mp.height {
		mp.width, mp.height, mp.dirty = w, h, true
	}
}

// refresh returns the command recomputing the figures for frame.
func (mp *MetricsPanel) refresh(frame int) tea.Cmd {
	mp.frame = frame
	mp.gen++
	mp.pending, mp.dirty = true, true
	gen, border := mp.gen, mp.border
	entries := append([]*Entry(nil), mp.ws.Entries...)
	return func() tea.Msg {
		return metricsMsg{gen: gen, res: computeMetrics(entries, frame, border)}
	}
}

// Update handles the panel's keys and its results.
func (mp *MetricsPanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case metricsMsg:
		if msg.gen == mp.gen {
			mp.res, mp.pending, mp.dirty = &msg.res, false, true
		}
	case tea.KeyMsg:
		if key.Matches(msg, mp.Keys.Border) {
			if mp.border == 0 {
				mp.border = interiorBorder
			} else {
				mp.border = 0
			}
			return mp.refresh(mp.frame)
		}
	}
	return nil
}

// computeMetrics scores each field of frame against the truth (sparse fields
// where they are valid, on the data terms), and takes every field's energy
// spectrum and second-order structure function.
func computeMetrics(entries []*Entry, frame, border int) metricsResult {
	var res metricsResult
	var truth *Entry
	for _, e := range entries {
		if e.Role == RoleTruth {
			truth = e
		}
	}
	if truth == nil {
		res.notes = append(res.notes, "no truth loaded: open one with --truth FILE (or t in the file picker) to score the fields")
	} else {
		res.truth = truth.Name
		tr := truth.Frame(frame)
		for _, e := range entries {
			if e == truth {
				continue
			}
			f := e.Frame(frame)
			row := metricRow{name: e.Name, region: "full"}
			opt := piv.MetricOptions{Border: border}
			if border > 0 {
				row.region = "interior"
			}
			if f.NumValid() < f.Len() {
				// A sparse field is scored where it has vectors, on the data terms.
				opt = piv.MetricOptions{Holdout: validMask(f)}
				row.region = "valid"
			}
			row.m, row.err = piv.Evaluate(f, tr, opt)
			res.rows = append(res.rows, row)
		}
	}
	for k, e := range entries {
		f := e.Frame(frame)
		color := SeriesColor(k)
		if spec, err := piv.EnergySpectrum(nil, f); err != nil {
			res.notes = append(res.notes, fmt.Sprintf("%s: spectrum: %v", e.Name, err))
		} else {
			ks := make([]float64, len(spec))
			for s := range ks {
				ks[s] = float64(s)
			}
			res.spectra = append(res.spectra, Series{Name: e.Name, X: ks[1:], Y: spec[1:], Color: color})
		}
		if sf, err := piv.SecondOrderStructure(f, max(1, min(f.NX(), f.NY())/2)); err != nil {
			res.notes = append(res.notes, fmt.Sprintf("%s: S2: %v", e.Name, err))
		} else {
			r, s2 := isotropicS2(sf)
			res.s2 = append(res.s2, Series{Name: e.Name, X: r, Y: s2, Color: color})
		}
	}
	return res
}

// isotropicS2 pools the x and y structure functions lag by lag, weighting by
// their pair counts, when both axes have the same spacing; otherwise it keeps
// the x curve.
func isotropicS2(sf *piv.StructureFunctions) (r, s2 []float64) {
	x, y := sf.X, sf.Y
	r = append([]float64(nil), x.R...)
	s2 = make([]float64, len(x.S2))
	pooled := len(y.R) == len(x.R) && len(x.R) > 0 && math.Abs(y.R[0]-x.R[0]) <= 1e-6*x.R[0]
	for l := range s2 {
		if !pooled {
			s2[l] = x.S2[l]
			continue
		}
		n, sum := 0, 0.0
		if x.Pairs[l] > 0 {
			n += x.Pairs[l]
			sum += float64(x.Pairs[l]) * x.S2[l]
		}
		if y.Pairs[l] > 0 {
			n += y.Pairs[l]
			sum += float64(y.Pairs[l]) * y.S2[l]
		}
		if n == 0 {
			s2[l] = math.NaN()
		} else {
			s2[l] = sum / float64(n)
		}
	}
	return r, s2
}

// validMask marks the valid vectors of f.
func validMask(f *piv.Field) []bool {
	m := make([]bool, f.Len())
	for k := range m {
		m[k] = f.Valid(k)
	}
	return m
}

// metricColumn is one column of the table, in the order columns are dropped
// from the right when the panel is narrow.
type metricColumn struct {
	head  string
	width int
	value func(r metricRow) string
}

var metricColumns = []metricColumn{
	{"NRMSE", 9, func(r metricRow) string { return num(r.m.NRMSE) }},
	{"angle°", 8, func(r metricRow) string { return num(r.m.AngularErrorDeg) }},
	{"rec", 9, func(r metricRow) string { return num(r.m.Rec) }},
	{"|div|", 9, func(r metricRow) string { return num(r.m.MeanAbsDivergence) }},
	{"div/ω", 8, func(r metricRow) string { return num(r.m.DivergenceToVorticity) }},
	{"spec err", 9, func(r metricRow) string { return num(r.m.SpectrumLogError) }},
	{"scored", 7, func(r metricRow) string { return fmt.Sprint(r.m.Scored) }},
}

// num formats a figure with four significant digits, "n/a" when it could not
// be computed.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", v)
}

// View draws the panel: exactly its height in lines of its width. The
// drawing is cached until the figures or the size change.
func (mp *MetricsPanel) View() string {
	if mp.dirty || mp.view == "" {
		mp.view, mp.dirty = mp.render(), false
	}
	return mp.view
}

func (mp *MetricsPanel) render() string {
	w, h := mp.width, mp.height
	lines := []string{}
	title := "metrics"
	switch {
	case mp.res == nil && mp.pending:
		title += " · computing ..."
	case mp.res != nil && mp.res.truth != "":
		title += " against " + mp.res.truth
		if mp.border > 0 {
			title += fmt.Sprintf(" · interior (border %d)", mp.border)
		}
	}
	if mp.theme.ASCII {
		title = strings.ReplaceAll(title, "·", "-")
	}
	lines = append(lines, fitText(mp.theme.Title.Render(title), w))
	if mp.res == nil {
		return finish(lines, w, h)
	}
	lines = append(lines, mp.table(w)...)
	for _, n := range mp.res.notes {
		lines = append(lines, fitText(mp.theme.Dim.Render(n), w))
	}
	chartH := h - len(lines) - 1
	if chartH >= 6 {
		lines = append(lines, strings.Repeat(" ", w))
		lw := (w - 1) / 2
		rw := w - 1 - lw
		spec := LogLogChart{Title: "energy spectrum E(k)", XLabel: "k", Series: mp.res.spectra}
		s2 := LogLogChart{Title: "structure function S2(r)", XLabel: "r", Series: mp.res.s2}
		left := spec.Render(lw, chartH, mp.theme.Mode, mp.theme.ASCII)
		right := s2.Render(rw, chartH, mp.theme.Mode, mp.theme.ASCII)
		lines = append(lines, joinColumns(" ", []int{lw, rw}, left, right)...)
	}
	return finish(lines, w, h)
}

// table lays out the metrics rows with as many columns as fit.
func (mp *MetricsPanel) table(w int) []string {
	if len(mp.res.rows) == 0 {
		return nil
	}
	nameW := 6
	for _, r := range mp.res.rows {
		nameW = max(nameW, len([]rune(r.name)))
	}
	nameW = min(nameW, 18)
	const regionW = 9
	used := nameW + 1 + regionW
	var cols []metricColumn
	for _, c := range metricColumns {
		if used+c.width > w {
			break
		}
		cols = append(cols, c)
		used += c.width
	}
	var head strings.Builder
	head.WriteString(fit("field", nameW) + " " + fit("region", regionW))
	for _, c := range cols {
		h := c.head
		if mp.theme.ASCII {
			h = strings.NewReplacer("°", "", "ω", "w").Replace(h)
		}
		head.WriteString(padLeft(h, c.width))
	}
	lines := []string{fitText(mp.theme.Accent.Render(head.String()), w)}
	for _, r := range mp.res.rows {
		var b strings.Builder
		b.WriteString(fit(r.name, nameW) + " " + fit(r.region, regionW))
		if r.err != nil {
			b.WriteString(r.err.Error())
			lines = append(lines, fitText(b.String(), w))
			continue
		}
		for _, c := range cols {
			b.WriteString(padLeft(c.value(r), c.width))
		}
		lines = append(lines, fitText(b.String(), w))
	}
	return lines
}

// help lists the panel's keys.
func (mp *MetricsPanel) help() [][]key.Binding { return [][]key.Binding{{mp.Keys.Border}} }
