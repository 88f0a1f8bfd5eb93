package tui

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// NiceTicks returns round tick values (1, 2 or 5 times a power of ten apart)
// inside [lo, hi], at most maxTicks of them and as many as that allows. The
// bounds may come in either order; an empty or non-finite range gives none.
func NiceTicks(lo, hi float64, maxTicks int) []float64 {
	if lo > hi {
		lo, hi = hi, lo
	}
	if maxTicks < 1 || !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil
	}
	step := niceStep((hi - lo) / float64(maxTicks))
	for int(math.Floor(hi/step)-math.Ceil(lo/step))+1 > maxTicks {
		step = niceStep(step * 1.01)
	}
	var ticks []float64
	for k := math.Ceil(lo / step); k*step <= hi*(1+1e-12)+1e-300; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0 // no "-0" or 1e-17 from rounding
		}
		ticks = append(ticks, v)
	}
	return ticks
}

// niceStep is the smallest of 1, 2, 5 times a power of ten that is >= raw.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}

// FormatTick writes a tick value with as few digits as its neighbours'
// spacing step needs: 0.25, 1.5, 300, and scientific notation (2e-05,
// 1.5e+06) for very small or large magnitudes.
func FormatTick(v, step float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Max(math.Abs(v), step)
	if a >= 1e5 || a < 1e-3 {
		digits := max(0, int(math.Floor(math.Log10(a)+1e-9)-math.Floor(math.Log10(step)+1e-9)))
		return strconv.FormatFloat(v, 'e', min(digits, 4), 64)
	}
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// FormatValue writes a readout value with four significant digits.
func FormatValue(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// tickStep is the spacing of ticks (0 when fewer than two).
func tickStep(ticks []float64) float64 {
	if len(ticks) < 2 {
		return 0
	}
	return ticks[1] - ticks[0]
}

// AxisLabels lays tick labels along a line of width columns whose column c
// shows the value at[c] (one value per column, monotonic either way). Each
// label is centred on the column nearest its tick, and labels that would
// touch a neighbour are dropped. It returns the line and the columns of the
// ticks kept.
func AxisLabels(at []float64, maxTicks int) (string, []int) {
	width := len(at)
	line := []byte(strings.Repeat(" ", width))
	if width == 0 {
		return "", nil
	}
	lo, hi := outerEdges(at)
	ticks := NiceTicks(lo, hi, maxTicks)
	step := tickStep(ticks)
	if step == 0 && len(ticks) == 1 {
		step = math.Abs(at[width-1] - at[0])
	}
	// Place labels left to right, whichever way the values run.
	type placed struct {
		col int
		v   float64
	}
	var order []placed
	for _, v := range ticks {
		if c := nearestColumn(at, v); c >= 0 {
			order = append(order, placed{c, v})
		}
	}
	slices.SortFunc(order, func(a, b placed) int { return a.col - b.col })
	var cols []int
	nextFree := 0
	for _, p := range order {
		c, v := p.col, p.v
		lab := FormatTick(v, step)
		start := min(max(0, c-len(lab)/2), width-len(lab))
		if start < nextFree || start < 0 {
			continue
		}
		copy(line[start:], lab)
		nextFree = start + len(lab) + 1
		cols = append(cols, c)
	}
	return string(line), cols
}

// outerEdges extends the span of column centres at by half a column on each
// side: the range the line of columns covers.
func outerEdges(at []float64) (lo, hi float64) {
	n := len(at)
	if n < 2 {
		return at[0], at[0]
	}
	half := (at[n-1] - at[0]) / float64(n-1) / 2
	return at[0] - half, at[n-1] + half
}

// nearestColumn is the column whose value is closest to v, or -1 when v lies
// more than a column outside the line.
func nearestColumn(at []float64, v float64) int {
	n := len(at)
	if n == 1 {
		return 0
	}
	// A tick up to one column beyond the outer column centres (the edge of
	// the picture lies half a column out) still labels the outer column.
	col := math.Abs(at[n-1]-at[0]) / float64(n-1)
	lo, hi := math.Min(at[0], at[n-1]), math.Max(at[0], at[n-1])
	if v < lo-col || v > hi+col {
		return -1
	}
	best, bd := 0, math.Inf(1)
	for c, a := range at {
		if d := math.Abs(a - v); d < bd {
			best, bd = c, d
		}
	}
	return best
}

// RowLabels places tick labels on rows whose row r shows the value at[r]:
// labels[r] is the label for that row or "". Ticks that would land on a row
// already labelled are dropped.
func RowLabels(at []float64, maxTicks int) []string {
	labels := make([]string, len(at))
	if len(at) == 0 {
		return labels
	}
	lo, hi := outerEdges(at)
	ticks := NiceTicks(lo, hi, maxTicks)
	step := tickStep(ticks)
	if step == 0 && len(ticks) == 1 {
		step = math.Abs(at[len(at)-1] - at[0])
	}
	for _, v := range ticks {
		r := nearestColumn(at, v)
		if r >= 0 && labels[r] == "" {
			labels[r] = FormatTick(v, step)
		}
	}
	return labels
}
