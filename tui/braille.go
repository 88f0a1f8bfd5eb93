package tui

import (
	"strings"
	"unicode/utf8"
)

// brailleBit is the bit of dot (x, y) of a braille cell, x in 0..1, y in 0..3
// (Unicode's dot numbering: 1-2-3-7 down the left column, 4-5-6-8 down the
// right).
var brailleBit = [2][4]uint8{{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}}

// seriesMarks are the ASCII markers of plotted series, one per series.
const seriesMarks = "*o+x#@%&"

// Canvas is a dot canvas of w by h terminal cells: 2 by 4 dots a cell drawn
// with braille characters, or one dot a cell drawn with each series' ASCII
// marker. Each cell takes the series that drew in it last.
type Canvas struct {
	W, H   int
	ascii  bool
	dots   []uint8
	series []int8
}

// NewCanvas returns an empty canvas of w by h cells.
func NewCanvas(w, h int, ascii bool) *Canvas {
	w, h = max(0, w), max(0, h)
	c := &Canvas{W: w, H: h, ascii: ascii, dots: make([]uint8, w*h), series: make([]int8, w*h)}
	for k := range c.series {
		c.series[k] = -1
	}
	return c
}

// Size is the canvas size in dots.
func (c *Canvas) Size() (w, h int) {
	if c.ascii {
		return c.W, c.H
	}
	return 2 * c.W, 4 * c.H
}

// Set draws dot (x, y), y = 0 at the top, for series s; dots outside the
// canvas are ignored.
func (c *Canvas) Set(x, y, s int) {
	dw, dh := c.Size()
	if x < 0 || y < 0 || x >= dw || y >= dh {
		return
	}
	if c.ascii {
		c.dots[y*c.W+x] = 1
		c.series[y*c.W+x] = int8(s)
		return
	}
	k := (y/4)*c.W + x/2
	c.dots[k] |= brailleBit[x%2][y%4]
	c.series[k] = int8(s)
}

// Line draws the dots from (x0, y0) to (x1, y1) (Bresenham) for series s.
func (c *Canvas) Line(x0, y0, x1, y1, s int) {
	dx, dy := absInt(x1-x0), -absInt(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for {
		c.Set(x0, y0, s)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

// Rows renders the canvas, one string a row of exactly W columns; color(s)
// is the SGR sequence of series s ("" for none).
func (c *Canvas) Rows(color func(s int) string) []string {
	rows := make([]string, c.H)
	var b strings.Builder
	for r := range c.H {
		b.Reset()
		cur := ""
		for col := range c.W {
			k := r*c.W + col
			if c.dots[k] == 0 {
				if cur != "" {
					b.WriteString(sgrReset)
					cur = ""
				}
				b.WriteByte(' ')
				continue
			}
			if s := color(int(c.series[k])); s != cur {
				if cur != "" && s == "" {
					b.WriteString(sgrReset)
				}
				b.WriteString(s)
				cur = s
			}
			if c.ascii {
				b.WriteByte(seriesMarks[int(c.series[k])%len(seriesMarks)])
			} else {
				var tmp [4]byte
				b.Write(utf8.AppendRune(tmp[:0], rune(0x2800+int(c.dots[k]))))
			}
		}
		if cur != "" {
			b.WriteString(sgrReset)
		}
		rows[r] = b.String()
	}
	return rows
}
