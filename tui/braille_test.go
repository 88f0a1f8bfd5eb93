package tui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCanvasDots(t *testing.T) {
	c := NewCanvas(2, 1, false)
	if w, h := c.Size(); w != 4 || h != 4 {
		t.Fatalf("size in dots = %dx%d, want 4x4", w, h)
	}
	c.Set(0, 0, 0) // dot 1 of the first cell
	c.Set(1, 3, 0) // dot 8 of the first cell
	c.Set(2, 1, 1) // dot 2 of the second cell
	c.Set(9, 9, 0) // outside: ignored
	rows := c.Rows(func(int) string { return "" })
	if want := string([]rune{0x2800 + 0x01 + 0x80, 0x2800 + 0x02}); rows[0] != want {
		t.Errorf("row = %q, want %q", rows[0], want)
	}
}

func TestCanvasLine(t *testing.T) {
	c := NewCanvas(4, 2, false) // 8 x 8 dots
	c.Line(0, 7, 7, 0, 0)       // the anti-diagonal
	for k := range 8 {
		cell := c.dots[((7-k)/4)*4+k/2]
		if cell&brailleBit[k%2][(7-k)%4] == 0 {
			t.Fatalf("dot (%d, %d) of the line is missing", k, 7-k)
		}
	}
	n := 0
	for _, d := range c.dots {
		for ; d != 0; d &= d - 1 {
			n++
		}
	}
	if n != 8 {
		t.Errorf("a diagonal of 8 dots set %d", n)
	}
}

func TestCanvasASCIIAndColour(t *testing.T) {
	c := NewCanvas(3, 1, true)
	c.Set(0, 0, 0)
	c.Set(2, 0, 1)
	rows := c.Rows(func(s int) string { return []string{"<A>", "<B>"}[s] })
	if rows[0] != "<A>*"+sgrReset+" <B>o"+sgrReset {
		t.Errorf("ASCII row = %q", rows[0])
	}
	if !utf8.ValidString(rows[0]) || strings.ContainsRune(rows[0], 0x2800) {
		t.Error("ASCII canvas must not use braille")
	}
}
