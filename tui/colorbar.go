package tui

import "strings"

// colorBarWidth is the width of the colour strip of a colour bar, in columns.
const colorBarWidth = 2

// ColorBar draws a vertical colour bar h rows tall for scale s, highest value
// at the top: a strip of colorBarWidth columns, a space, and tick labels
// padded or cut to labelWidth. Every line is colorBarWidth+1+labelWidth
// columns wide.
func (p *Palette) ColorBar(s Scale, h, labelWidth int, halfBlock bool) []string {
	if h <= 0 {
		return nil
	}
	pixRows := h
	if halfBlock {
		pixRows = 2 * h
	}
	// The value at the centre of each pixel row and of each text row.
	at := func(k, n int) float64 { return s.Hi - (float64(k)+0.5)/float64(n)*(s.Hi-s.Lo) }
	levels := make([]int16, pixRows*colorBarWidth)
	for k := range pixRows {
		l := int16(s.Level(at(k, pixRows)))
		for c := range colorBarWidth {
			levels[k*colorBarWidth+c] = l
		}
	}
	cells := Cells(nil, levels, colorBarWidth, h, halfBlock)
	rowValues := make([]float64, h)
	for r := range rowValues {
		rowValues[r] = at(r, h)
	}
	labels := RowLabels(rowValues, max(2, h/3))
	lines := make([]string, h)
	var buf []byte
	for r := range h {
		buf = p.AppendCells(buf[:0], cells[r*colorBarWidth:(r+1)*colorBarWidth], halfBlock)
		buf = append(buf, ' ')
		buf = append(buf, fit(labels[r], labelWidth)...)
		lines[r] = string(buf)
	}
	return lines
}

// fit pads plain (escape-free, single-width) text with spaces to width
// columns, or cuts it.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	n := len([]rune(s))
	if n > width {
		return string([]rune(s)[:width])
	}
	return s + strings.Repeat(" ", width-n)
}
