package tui

import "math"

// Arrow glyphs for the eight compass sectors, counter-clockwise from east.
var (
	unicodeArrows = [8]rune{'→', '↗', '↑', '↖', '←', '↙', '↓', '↘'}
	asciiArrows   = [8]rune{'>', '/', '^', '\\', '<', '/', 'v', '\\'}
)

// ArrowGlyph is the character pointing along (u, v) on screen, x to the right
// and y up, rounded to the nearest of eight directions; 0 for a zero or
// non-finite vector.
func ArrowGlyph(u, v float64, ascii bool) rune {
	if !(math.Hypot(u, v) > 0) || math.IsInf(u, 0) || math.IsInf(v, 0) {
		return 0
	}
	a := math.Atan2(v, u) // (-pi, pi]
	k := int(math.Floor(a/(math.Pi/4)+0.5)+8) % 8
	if ascii {
		return asciiArrows[k]
	}
	return unicodeArrows[k]
}
