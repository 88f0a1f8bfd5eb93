package tui

import (
	"math"
	"strings"
	"testing"
)

func TestViridisLightensMonotonically(t *testing.T) {
	prev := -1.0
	for k := 0; k <= 100; k++ {
		l := Viridis.At(float64(k) / 100).Luminance()
		if l < prev-1e-3 {
			t.Fatalf("viridis darkens at t=%.2f: %.4f after %.4f", float64(k)/100, l, prev)
		}
		prev = l
	}
	if Viridis.At(0) != Viridis.Stops[0] || Viridis.At(1) != Viridis.Stops[len(Viridis.Stops)-1] {
		t.Error("the ends of a map are its first and last stops")
	}
	if Viridis.At(math.NaN()) != Viridis.Stops[0] || Viridis.At(7) != Viridis.At(1) {
		t.Error("out-of-range t must clamp")
	}
}

func TestRdBuIsCentredOnWhite(t *testing.T) {
	mid := RdBu.At(0.5)
	if mid.Luminance() < 0.85 {
		t.Errorf("the centre of RdBu (%v) should be near white", mid)
	}
	lo, hi := RdBu.At(0), RdBu.At(1)
	if !(lo.B > lo.R) || !(hi.R > hi.B) {
		t.Errorf("negative values should be blue (%v) and positive red (%v)", lo, hi)
	}
	// Lightness rises to the centre and falls after it.
	for k := 1; k <= 50; k++ {
		a, b := RdBu.At(float64(k-1)/100).Luminance(), RdBu.At(float64(k)/100).Luminance()
		c, d := RdBu.At(float64(100-k+1)/100).Luminance(), RdBu.At(float64(100-k)/100).Luminance()
		if b < a-1e-3 || d < c-1e-3 {
			t.Fatalf("RdBu lightness is not monotonic towards the centre at k=%d", k)
		}
	}
}

func TestScale(t *testing.T) {
	s := ScaleOf(false, []float64{2, math.NaN(), -1, math.Inf(1)}, []float64{5})
	if s != (Scale{-1, 5}) {
		t.Fatalf("ScaleOf = %v, want {-1 5} (NaN and Inf ignored)", s)
	}
	if d := ScaleOf(true, []float64{-1, 3}); d != (Scale{-3, 3}) {
		t.Errorf("diverging ScaleOf = %v, want symmetric {-3 3}", d)
	}
	if d := ScaleOf(true, []float64{-1, 3}); d.Level(0) != PaletteSize/2 {
		t.Errorf("zero must sit on the centre level of a diverging scale, got %d", d.Level(0))
	}
	if c := ScaleOf(false, []float64{4, 4}); !(c.Hi > c.Lo) || c.Level(4) != PaletteSize/2 {
		t.Errorf("a constant field gets a small range around it, got %v level %d", c, c.Level(4))
	}
	if s.Level(math.NaN()) != -1 || s.Level(-10) != 0 || s.Level(10) != PaletteSize-1 {
		t.Error("NaN has no level and values outside the scale clamp")
	}
	for k := range PaletteSize {
		if got := s.Level(s.Value(k)); got != k {
			t.Fatalf("Level(Value(%d)) = %d", k, got)
		}
	}
}

func TestPaletteModes(t *testing.T) {
	none := NewPalette(Viridis, ColorNone)
	if none.FG[0] != "" || none.BG[100] != "" {
		t.Error("a colourless palette has no escape sequences")
	}
	if none.Glyph[0] != sequentialRamp[0] || none.Glyph[PaletteSize-1] != sequentialRamp[len(sequentialRamp)-1] {
		t.Errorf("sequential glyphs run from %q to %q", none.Glyph[0], none.Glyph[PaletteSize-1])
	}
	div := NewPalette(RdBu, ColorNone)
	if div.Glyph[PaletteSize/2] != '.' || div.Glyph[0] != '@' || div.Glyph[PaletteSize-1] != '#' {
		t.Errorf("diverging glyphs: centre %q, ends %q %q", div.Glyph[PaletteSize/2], div.Glyph[0], div.Glyph[PaletteSize-1])
	}
	tc := NewPalette(Viridis, ColorTrueColor)
	if !strings.HasPrefix(tc.FG[0], "\x1b[38;2;68;1;84") {
		t.Errorf("truecolor level 0 = %q, want viridis's first stop", tc.FG[0])
	}
	p16 := NewPalette(Viridis, Color16)
	for k := range PaletteSize {
		if p16.RGB[k] != ansi16[To16(Viridis.At(float64(k)/(PaletteSize-1)))] {
			t.Fatalf("16-colour level %d shows %v", k, p16.RGB[k])
		}
	}
	// Glyphs over dark levels are white, over light ones black.
	if tc.Contrast[0] != sgr(RGB{255, 255, 255}, ColorTrueColor, false) || tc.Contrast[PaletteSize-1] != sgr(RGB{}, ColorTrueColor, false) {
		t.Error("contrast glyph colours are wrong at the ends of viridis")
	}
}

func TestClippedScale(t *testing.T) {
	v := make([]float64, 1000)
	for k := range v {
		v[k] = float64(k%100) - 49.5 // -49.5 .. 49.5, evenly
	}
	v[3], v[700] = 1e6, -2e6 // outliers
	s := ClippedScaleOf(true, v)
	if s.Hi != -s.Lo || s.Hi < 49 || s.Hi > 50 {
		t.Errorf("clipped diverging scale %v: want about ±49.5, outliers ignored", s)
	}
	s = ClippedScaleOf(false, v, []float64{math.NaN()})
	if s.Lo < -50 || s.Lo > -49 || s.Hi < 49 || s.Hi > 50 {
		t.Errorf("clipped scale %v: want about [-49.5, 49.5]", s)
	}
	if s := ClippedScaleOf(false); s != ScaleOf(false) {
		t.Errorf("no values: %v", s)
	}
}
