package tui

import (
	"math"
	"testing"
)

func TestArrowGlyph(t *testing.T) {
	for _, tc := range []struct {
		u, v    float64
		unicode rune
		ascii   rune
	}{
		{1, 0, '→', '>'}, {1, 1, '↗', '/'}, {0, 2, '↑', '^'}, {-1, 1, '↖', '\\'},
		{-3, 0, '←', '<'}, {-1, -1, '↙', '/'}, {0, -1, '↓', 'v'}, {1, -1, '↘', '\\'},
		{1, 0.3, '→', '>'}, {0.3, 1, '↑', '^'},
		{0, 0, 0, 0}, {math.NaN(), 1, 0, 0},
	} {
		if got := ArrowGlyph(tc.u, tc.v, false); got != tc.unicode {
			t.Errorf("ArrowGlyph(%v, %v) = %q, want %q", tc.u, tc.v, got, tc.unicode)
		}
		if got := ArrowGlyph(tc.u, tc.v, true); got != tc.ascii {
			t.Errorf("ASCII ArrowGlyph(%v, %v) = %q, want %q", tc.u, tc.v, got, tc.ascii)
		}
	}
}
