package tui

import (
	"math"
	"strconv"
	"strings"
)

// Series is one curve of a chart.
type Series struct {
	Name  string
	X, Y  []float64
	Color RGB
}

// seriesColors tell curves apart (the Tableau 10 qualitative colours).
var seriesColors = []RGB{
	{0x4e, 0x79, 0xa7}, {0xf2, 0x8e, 0x2b}, {0x59, 0xa1, 0x4f}, {0xe1, 0x57, 0x59},
	{0xb0, 0x7a, 0xa1}, {0x76, 0xb7, 0xb2}, {0xed, 0xc9, 0x48}, {0x9c, 0x75, 0x5f},
}

// SeriesColor is the colour of the k-th curve of a chart.
func SeriesColor(k int) RGB { return seriesColors[k%len(seriesColors)] }

// LogLogChart plots curves on logarithmic axes; points that are not positive
// and finite are left out, and a curve is broken there.
type LogLogChart struct {
	Title, XLabel string
	Series        []Series
}

// chartYLabelWidth is the width of the y tick labels, e.g. "1e-05".
const chartYLabelWidth = 6

// Render draws the chart in w by h cells: the title, the plot with y tick
// labels at the left, the x tick labels and a legend. Every line is exactly
// w columns wide. With mode ColorNone or ascii, curves are drawn with ASCII
// markers instead of braille dots.
func (ch LogLogChart) Render(w, h int, mode ColorMode, ascii bool) []string {
	lines := make([]string, 0, h)
	lines = append(lines, fit(ch.Title, w))
	plotH, plotW := h-3, w-chartYLabelWidth-1
	if plotH < 2 || plotW < 4 {
		for len(lines) < h {
			lines = append(lines, fit("", w))
		}
		return lines[:h]
	}
	ascii = ascii || mode == ColorNone
	xlo, xhi, ylo, yhi, ok := ch.bounds()
	if !ok {
		lines = append(lines, fit("  (no positive values to plot)", w))
		for len(lines) < h {
			lines = append(lines, fit("", w))
		}
		return lines
	}
	canvas := NewCanvas(plotW, plotH, ascii)
	dw, dh := canvas.Size()
	lx0, lx1, ly0, ly1 := math.Log10(xlo), math.Log10(xhi), math.Log10(ylo), math.Log10(yhi)
	toDot := func(x, y float64) (int, int) {
		px := int(math.Round((math.Log10(x) - lx0) / (lx1 - lx0) * float64(dw-1)))
		py := int(math.Round((ly1 - math.Log10(y)) / (ly1 - ly0) * float64(dh-1)))
		return px, py
	}
	for s, ser := range ch.Series {
		havePrev := false
		var px0, py0 int
		for k := range ser.X {
			x, y := ser.X[k], ser.Y[k]
			if !positive(x) || !positive(y) {
				havePrev = false
				continue
			}
			px, py := toDot(x, y)
			if havePrev {
				canvas.Line(px0, py0, px, py, s)
			} else {
				canvas.Set(px, py, s)
			}
			px0, py0, havePrev = px, py, true
		}
	}
	color := func(s int) string {
		if s < 0 || s >= len(ch.Series) {
			return ""
		}
		return sgr(ch.Series[s].Color, mode, false)
	}
	rows := canvas.Rows(color)

	// y tick labels at the rows of decades (or 1-2-5 steps within one).
	rowLog := make([]float64, plotH)
	for r := range rowLog {
		rowLog[r] = ly1 - (float64(r)+0.5)/float64(plotH)*(ly1-ly0)
	}
	ylabels := logLabels(rowLog)
	axis := "│"
	if ascii {
		axis = "|"
	}
	for r, row := range rows {
		lines = append(lines, padLeft(ylabels[r], chartYLabelWidth)+axis+row)
	}

	colLog := make([]float64, plotW)
	for c := range colLog {
		colLog[c] = lx0 + (float64(c)+0.5)/float64(plotW)*(lx1-lx0)
	}
	xl := logAxisLine(colLog)
	lines = append(lines, fit(strings.Repeat(" ", chartYLabelWidth+1)+xl+"  "+ch.XLabel, w))
	lines = append(lines, ch.legend(w, mode, ascii))
	return lines
}

// bounds is the range of the positive finite points of all series, widened
// to at least a factor of ten on each axis.
func (ch LogLogChart) bounds() (xlo, xhi, ylo, yhi float64, ok bool) {
	xlo, ylo = math.Inf(1), math.Inf(1)
	xhi, yhi = math.Inf(-1), math.Inf(-1)
	for _, s := range ch.Series {
		for k := range s.X {
			if positive(s.X[k]) && positive(s.Y[k]) {
				xlo, xhi = math.Min(xlo, s.X[k]), math.Max(xhi, s.X[k])
				ylo, yhi = math.Min(ylo, s.Y[k]), math.Max(yhi, s.Y[k])
				ok = true
			}
		}
	}
	widen := func(lo, hi float64) (float64, float64) {
		if hi/lo < 10 {
			m := math.Sqrt(lo * hi)
			return m / math.Sqrt(10), m * math.Sqrt(10)
		}
		return lo, hi
	}
	xlo, xhi = widen(xlo, xhi)
	ylo, yhi = widen(ylo, yhi)
	return
}

func positive(v float64) bool { return v > 0 && !math.IsInf(v, 0) }

// logTicks are the exponents of the round values (decades, or 1-2-5 steps
// when fewer than two decades are in range) between log10 values a and b.
func logTicks(a, b float64) []float64 {
	if a > b {
		a, b = b, a
	}
	const eps = 1e-9 // a decade at the very edge, up to rounding, counts
	var t []float64
	for e := math.Ceil(a - eps); e <= b+eps; e++ {
		t = append(t, e)
	}
	if len(t) >= 2 {
		return t
	}
	t = t[:0]
	for e := math.Floor(a); e <= math.Ceil(b); e++ {
		for _, m := range []float64{1, 2, 5} {
			if l := e + math.Log10(m); l >= a-eps && l <= b+eps {
				t = append(t, l)
			}
		}
	}
	return t
}

// thin keeps at most n of the log ticks: when there are more, only the
// decades whose exponent is a multiple of a stride, so labels stay round.
func thin(ticks []float64, n int) []float64 {
	if len(ticks) <= n {
		return ticks
	}
	stride := (len(ticks) + n - 1) / n
	var kept []float64
	for _, l := range ticks {
		if e := math.Round(l); e == l && int(e)%stride == 0 {
			kept = append(kept, l)
		}
	}
	return kept
}

// FormatLog writes 10^l compactly: 0.01, 0.5, 20, 1000 between 10^-2 and
// 10^4, else 1e-05 or 2e+06.
func FormatLog(l float64) string {
	v := math.Pow(10, l)
	if l >= -2-1e-9 && l < 4 {
		return strconv.FormatFloat(v, 'g', 2, 64)
	}
	return strconv.FormatFloat(v, 'e', 0, 64)
}

// logLabels labels the rows (whose log10 values are at) nearest each tick.
func logLabels(at []float64) []string {
	labels := make([]string, len(at))
	if len(at) == 0 {
		return labels
	}
	lo, hi := outerEdges(at)
	for _, l := range thin(logTicks(lo, hi), max(2, len(at)/2)) {
		if r := nearestColumn(at, l); r >= 0 && labels[r] == "" {
			labels[r] = FormatLog(l)
		}
	}
	return labels
}

// logAxisLine writes tick labels under columns whose log10 values are at,
// each centred on its column, dropping those that would touch a neighbour.
func logAxisLine(at []float64) string {
	width := len(at)
	line := []byte(strings.Repeat(" ", width))
	if width == 0 {
		return ""
	}
	lo, hi := outerEdges(at)
	next := 0
	for _, l := range thin(logTicks(lo, hi), max(2, width/6)) {
		c := nearestColumn(at, l)
		lab := FormatLog(l)
		start := min(max(0, c-len(lab)/2), width-len(lab))
		if c < 0 || start < next || start < 0 {
			continue
		}
		copy(line[start:], lab)
		next = start + len(lab) + 1
	}
	return string(line)
}

// legend names each series after its marker, in its colour.
func (ch LogLogChart) legend(w int, mode ColorMode, ascii bool) string {
	var b strings.Builder
	width := 0
	for s, ser := range ch.Series {
		mark := "━"
		if ascii {
			mark = string(seriesMarks[s%len(seriesMarks)])
		}
		item := mark + " " + ser.Name
		n := len([]rune(item)) + 2
		if width+n > w {
			break
		}
		b.WriteString("  ")
		if c := sgr(ser.Color, mode, false); c != "" {
			b.WriteString(c + mark + sgrReset)
		} else {
			b.WriteString(mark)
		}
		b.WriteString(" " + ser.Name)
		width += n
	}
	b.WriteString(strings.Repeat(" ", w-width))
	return b.String()
}

// padLeft right-aligns plain text in width columns (cutting it if longer).
func padLeft(s string, width int) string {
	n := len([]rune(s))
	if n >= width {
		return string([]rune(s)[:width])
	}
	return strings.Repeat(" ", width-n) + s
}
