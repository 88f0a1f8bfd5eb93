package tui

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestLogTicksAndFormat(t *testing.T) {
	if got := logTicks(-0.5, 2.3); !slices.Equal(got, []float64{0, 1, 2}) {
		t.Errorf("decades in [10^-0.5, 10^2.3] = %v", got)
	}
	// Less than two decades: 1-2-5 steps.
	got := logTicks(math.Log10(1.5), math.Log10(30))
	var vals []string
	for _, l := range got {
		vals = append(vals, FormatLog(l))
	}
	if strings.Join(vals, " ") != "2 5 10 20" {
		t.Errorf("ticks in [1.5, 30] = %v", vals)
	}
	for _, tc := range []struct {
		l    float64
		want string
	}{{-2, "0.01"}, {0, "1"}, {3, "1e+03"}, {-5, "1e-05"}, {6, "1e+06"}, {math.Log10(0.5), "0.5"}} {
		if got := FormatLog(tc.l); got != tc.want {
			t.Errorf("FormatLog(%v) = %q, want %q", tc.l, got, tc.want)
		}
	}
	if got := thin([]float64{-6, -5, -4, -3, -2, -1, 0}, 3); !slices.Equal(got, []float64{-6, -3, 0}) {
		t.Errorf("thin = %v", got)
	}
}

func TestLogLogChart(t *testing.T) {
	// A power law k^-3 runs as a straight line from the top left to the
	// bottom right.
	k := []float64{1, 2, 4, 8, 16, 32, 64}
	e := make([]float64, len(k))
	for i := range k {
		e[i] = math.Pow(k[i], -3)
	}
	ch := LogLogChart{Title: "E(k)", XLabel: "k", Series: []Series{{Name: "field", X: k, Y: e, Color: SeriesColor(0)}}}
	const w, h = 40, 14
	lines := ch.Render(w, h, ColorNone, false)
	if len(lines) != h {
		t.Fatalf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) != w {
			t.Fatalf("line %d is %d columns, want %d: %q", i, ansi.StringWidth(l), w, l)
		}
	}
	plot := lines[1 : h-2]
	area := func(row string) []rune { return []rune(row)[chartYLabelWidth+1:] }
	top := slices.Index(area(plot[0]), '*')
	last := area(plot[len(plot)-1])
	bottom := strings.LastIndex(string(last), "*") // ASCII after the axis: bytes are columns
	if top != 0 || bottom != len(last)-1 {
		t.Errorf("the curve should start at the top left and end at the bottom right (got columns %d and %d):\n%s", top, bottom, strings.Join(lines, "\n"))
	}
	// Without colour the chart is ASCII: markers, no braille.
	for _, l := range lines {
		for _, r := range l {
			if r >= 0x2800 && r <= 0x28ff {
				t.Fatalf("braille in a colourless chart: %q", l)
			}
		}
	}
	if !strings.Contains(lines[h-1], "* field") {
		t.Errorf("legend = %q", lines[h-1])
	}
	// Decade labels on the axes.
	joined := strings.Join(lines, "\n")
	for _, lab := range []string{"1|", "0.01|", "1e-04|", " 10 "} {
		if !strings.Contains(joined, lab) {
			t.Errorf("axis label %q missing:\n%s", lab, joined)
		}
	}
	// In colour, the curve is braille in the series colour.
	colour := strings.Join(ch.Render(w, h, ColorTrueColor, false), "\n")
	if !strings.Contains(colour, sgr(SeriesColor(0), ColorTrueColor, false)) || !strings.ContainsRune(colour, 0x2801) && !strings.ContainsAny(colour, "⠁⠂⠄⡀⠈⠐⠠⢀") {
		t.Errorf("colour chart lacks the series colour or braille dots")
	}
}

func TestLogLogChartWithoutData(t *testing.T) {
	ch := LogLogChart{Title: "S2(r)", Series: []Series{{Name: "z", X: []float64{1, 2}, Y: []float64{0, math.NaN()}}}}
	lines := ch.Render(30, 8, Color16, false)
	if len(lines) != 8 || !strings.Contains(lines[1], "no positive values") {
		t.Errorf("empty chart = %q", lines)
	}
}
