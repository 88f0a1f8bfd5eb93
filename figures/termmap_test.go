package figures

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rampGrid is a w x h map whose values rise from west to east, with one
// point at (lon 0, lat 0).
func rampGrid(w, h int) Grid {
	g := Grid{W: w, H: h, Values: make([]float64, w*h), Points: [][2]float64{{0, 0}}}
	for r := range h {
		for c := range w {
			g.Values[r*w+c] = float64(c)
		}
	}
	return g
}

// TestTermMapPlain: without colour the map is h/2 lines of w shades (no
// escape sequences), dark in the west and dense in the east, the point
// marked at the centre, then the longitude axis and the colour bar.
func TestTermMapPlain(t *testing.T) {
	var b bytes.Buffer
	if err := TermMap(&b, rampGrid(40, 20), false, "legend"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "\x1b") {
		t.Error("plain map holds escape sequences")
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 10+2 {
		t.Fatalf("%d lines, want 12:\n%s", len(lines), out)
	}
	row := lines[2][5:] // after the latitude gutter
	if len(row) != 40 || row[0] != ' ' || row[39] != '@' {
		t.Errorf("row %q: want 40 shades from ' ' to '@'", row)
	}
	if lines[5][5+20] != 'o' { // lat 0 is the boundary of rows 4 and 5 (pixel row 10)
		t.Errorf("point not marked at the centre:\n%s", out)
	}
	if !strings.Contains(lines[10], "-180") || !strings.Contains(lines[10], "180") || !strings.Contains(lines[11], "legend") {
		t.Errorf("axis %q, bar %q", lines[10], lines[11])
	}
}

// TestTermMapColor: with colour each cell is an upper half block with
// 24-bit foreground and background, and every line ends reset.
func TestTermMapColor(t *testing.T) {
	var b bytes.Buffer
	if err := TermMap(&b, rampGrid(30, 10), true, ""); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if n := strings.Count(lines[0], "▀"); n != 30 {
		t.Errorf("first line has %d half blocks, want 30", n)
	}
	if !strings.Contains(lines[0], "\x1b[38;2;68;1;84;48;2;68;1;84m") || !strings.HasSuffix(lines[0], "\x1b[0m") {
		t.Errorf("first line %q: want viridis' first colour and a final reset", lines[0])
	}
	if err := TermMap(&b, Grid{W: 3, H: 2, Values: []float64{1}}, true, ""); err == nil {
		t.Error("short grid: no error")
	}
}

// TestDensityMap writes a PNG.
func TestDensityMap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "map.png")
	if err := DensityMap(path, "ramp", rampGrid(36, 18)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("%s: not a PNG (%v)", path, err)
	}
}
