package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestCellsPairsPixelRows(t *testing.T) {
	// 2 wide, 4 pixel rows: half blocks make 2 cell rows.
	levels := []int16{1, 2, 3, 4, 5, 6, 7, 8}
	cells := Cells(nil, levels, 2, 2, true)
	want := []Cell{{Top: 1, Bottom: 3}, {Top: 2, Bottom: 4}, {Top: 5, Bottom: 7}, {Top: 6, Bottom: 8}}
	for k := range want {
		if cells[k] != want[k] {
			t.Fatalf("cell %d = %+v, want %+v", k, cells[k], want[k])
		}
	}
	cells = Cells(cells, levels[:4], 2, 2, false)
	if cells[2].Top != 3 || cells[2].Bottom != -1 {
		t.Errorf("one pixel a cell: cell 2 = %+v", cells[2])
	}
}

func TestAppendCellsHalfBlocks(t *testing.T) {
	p := NewPalette(Viridis, ColorTrueColor)
	cells := []Cell{{Top: 0, Bottom: 255}, {Top: 0, Bottom: 255}, {Top: 7, Bottom: 7}, {Top: -1, Bottom: 9}, {Top: 9, Bottom: -1}, {Top: -1, Bottom: -1}}
	out := string(p.AppendCells(nil, cells, true))
	if w := ansi.StringWidth(out); w != len(cells) {
		t.Fatalf("row is %d columns wide, want %d: %q", w, len(cells), out)
	}
	first := p.FG[0] + p.BG[255] + "▀"
	if !strings.HasPrefix(out, first+"▀") {
		t.Errorf("two equal cells must share one colour change: %q", out)
	}
	if !strings.Contains(out, p.BG[7]+" ") {
		t.Errorf("a cell whose pixels agree is a coloured space: %q", out)
	}
	if !strings.Contains(out, sgrReset+p.FG[9]+"▄") {
		t.Errorf("a missing top pixel leaves the default background and draws the bottom with '▄': %q", out)
	}
	if !strings.Contains(out, "▀"+sgrReset+" ") || !strings.HasSuffix(out, " ") {
		t.Errorf("no data is a plain space, after a reset: %q", out)
	}
	if strings.Count(out, "\x1b[") != strings.Count(out, "m") {
		t.Errorf("malformed sequences: %q", out)
	}
}

func TestAppendCellsOverlay(t *testing.T) {
	p := NewPalette(Viridis, Color256)
	out := string(p.AppendCells(nil, []Cell{{Top: 0, Bottom: 0, Glyph: '•'}, {Top: 255, Bottom: 255, Glyph: '→'}}, true))
	if !strings.Contains(out, p.Contrast[0]+p.BG[0]+"•") || !strings.Contains(out, p.Contrast[255]+p.BG[255]+"→") {
		t.Errorf("overlay glyphs sit on their cell's colour in a readable colour: %q", out)
	}
	if !strings.HasSuffix(out, sgrReset) {
		t.Errorf("a row leaves attributes reset: %q", out)
	}
}

func TestAppendCellsWithoutColour(t *testing.T) {
	p := NewPalette(Viridis, ColorNone)
	out := string(p.AppendCells(nil, []Cell{{Top: 0}, {Top: 255}, {Top: -1}, {Top: 128, Glyph: 'x'}, {Top: 128, Reverse: true}}, false))
	want := fmt.Sprintf(".@ x%s%c\x1b[27m", sgrReverse, p.Glyph[128])
	if out != want {
		t.Errorf("plain row = %q, want %q", out, want)
	}
}

func TestLevels(t *testing.T) {
	s := Scale{0, 1}
	lv := Levels(nil, []float64{0, 0.5, 1, -3, nan()}, s)
	if lv[0] != 0 || lv[1] != 128 || lv[2] != 255 || lv[3] != 0 || lv[4] != -1 {
		t.Errorf("Levels = %v", lv)
	}
}

func TestColorBar(t *testing.T) {
	p := NewPalette(RdBu, Color256)
	s := Scale{-2, 2}
	lines := p.ColorBar(s, 9, 6, true)
	if len(lines) != 9 {
		t.Fatalf("%d lines, want 9", len(lines))
	}
	var labels []string
	for k, l := range lines {
		if w := ansi.StringWidth(l); w != colorBarWidth+1+6 {
			t.Fatalf("line %d is %d columns, want %d: %q", k, w, colorBarWidth+7, l)
		}
		labels = append(labels, strings.TrimSpace(string([]rune(ansi.Strip(l))[colorBarWidth+1:])))
	}
	// The top row shows the top of the scale, red (+2); the bottom blue.
	shown := func(line string) RGB {
		var idx int
		if _, err := fmt.Sscanf(line, "\x1b[38;5;%dm", &idx); err != nil {
			t.Fatalf("no 256-colour foreground in %q", line)
		}
		return Palette256(uint8(idx))
	}
	if top, bottom := shown(lines[0]), shown(lines[8]); !(top.R > top.B) || !(bottom.B > bottom.R) {
		t.Errorf("the bar must run from red at the top (%v) to blue at the bottom (%v)", top, bottom)
	}
	// Labels are round ticks, decreasing down the bar, zero in the middle.
	if labels[4] != "0" {
		t.Errorf("labels %q: want 0 in the middle row", labels)
	}
	prev := 1e300
	for _, l := range labels {
		if l == "" {
			continue
		}
		var v float64
		if _, err := fmt.Sscan(l, &v); err != nil || v >= prev {
			t.Fatalf("labels %q are not decreasing numbers", labels)
		}
		prev = v
	}
}
