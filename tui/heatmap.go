package tui

import "unicode/utf8"

// Glyph sets: Unicode draws two pixels a cell with half blocks, plots with
// braille and arrows with arrow characters; ASCII uses one pixel a cell and
// plain characters, for terminals and fonts without those.
const (
	upperHalf = '▀'
	lowerHalf = '▄'
)

// Cell is one terminal cell of a heatmap: the palette levels of its top and
// bottom pixel (-1 where there is no data; Bottom is unused without half
// blocks) and an overlay glyph drawn over it (0: none). Reverse draws the
// cell in reverse video, as the cursor in colourless mode.
type Cell struct {
	Top, Bottom int16
	Glyph       rune
	Reverse     bool
}

// Cells turns a picture of pixel levels (row-major, w wide; -1 where there is
// no data) into terminal cells, two pixel rows a cell when halfBlock, one
// otherwise. The picture must hold 2h rows (halfBlock) or h rows.
func Cells(dst []Cell, levels []int16, w, h int, halfBlock bool) []Cell {
	if cap(dst) >= w*h {
		dst = dst[:w*h]
	} else {
		dst = make([]Cell, w*h)
	}
	for r := range h {
		for c := range w {
			cell := Cell{Bottom: -1}
			if halfBlock {
				cell.Top, cell.Bottom = levels[2*r*w+c], levels[(2*r+1)*w+c]
			} else {
				cell.Top = levels[r*w+c]
			}
			dst[r*w+c] = cell
		}
	}
	return dst
}

// AppendCells writes one row of cells to buf in p's colour mode and returns
// the extended buffer; the row is len(cells) columns wide and leaves the
// terminal's attributes reset. Colour sequences are emitted only where they
// change along the row.
func (p *Palette) AppendCells(buf []byte, cells []Cell, halfBlock bool) []byte {
	if p.Mode == ColorNone {
		return p.appendPlain(buf, cells)
	}
	var curFG, curBG string
	for _, c := range cells {
		fg, bg, glyph := p.cellStyle(c, halfBlock)
		if (fg == "" && curFG != "") || (bg == "" && curBG != "") {
			buf = append(buf, sgrReset...)
			curFG, curBG = "", ""
		}
		if fg != curFG {
			buf = append(buf, fg...)
			curFG = fg
		}
		if bg != curBG {
			buf = append(buf, bg...)
			curBG = bg
		}
		buf = utf8.AppendRune(buf, glyph)
	}
	if curFG != "" || curBG != "" {
		buf = append(buf, sgrReset...)
	}
	return buf
}

// cellStyle is the foreground, background and character a cell is drawn
// with in a colour mode.
func (p *Palette) cellStyle(c Cell, halfBlock bool) (fg, bg string, glyph rune) {
	top, bottom := int(c.Top), int(c.Bottom)
	if !halfBlock {
		bottom = -1
	}
	if c.Glyph != 0 {
		// An overlay glyph sits on the colour of the cell's top pixel (or
		// its bottom one), in black or white, whichever reads.
		under := top
		if under < 0 {
			under = bottom
		}
		if under < 0 {
			return "", "", c.Glyph
		}
		return p.Contrast[under], p.BG[under], c.Glyph
	}
	switch {
	case !halfBlock && top >= 0:
		return "", p.BG[top], ' '
	case top >= 0 && bottom >= 0:
		if top == bottom {
			return "", p.BG[top], ' '
		}
		return p.FG[top], p.BG[bottom], upperHalf
	case top >= 0:
		return p.FG[top], "", upperHalf
	case bottom >= 0:
		return p.FG[bottom], "", lowerHalf
	}
	return "", "", ' '
}

// appendPlain draws cells without colour: each value as its ramp glyph.
func (p *Palette) appendPlain(buf []byte, cells []Cell) []byte {
	for _, c := range cells {
		g := rune(' ')
		switch {
		case c.Glyph != 0:
			g = c.Glyph
		case c.Top >= 0:
			g = rune(p.Glyph[c.Top])
		}
		if c.Reverse {
			buf = append(buf, sgrReverse...)
			buf = utf8.AppendRune(buf, g)
			buf = append(buf, "\x1b[27m"...)
			continue
		}
		buf = utf8.AppendRune(buf, g)
	}
	return buf
}

// Levels maps pixel values to palette levels under scale s (-1 for NaN).
func Levels(dst []int16, pix []float64, s Scale) []int16 {
	if cap(dst) >= len(pix) {
		dst = dst[:len(pix)]
	} else {
		dst = make([]int16, len(pix))
	}
	for k, v := range pix {
		dst[k] = int16(s.Level(v))
	}
	return dst
}
