package tui

import (
	"math"
	"slices"
)

// Colormap maps t in [0, 1] to a colour by linear interpolation between
// evenly spaced stops. A diverging map has its neutral colour at t = 0.5,
// where a scale centred on zero puts the value 0.
type Colormap struct {
	Name      string
	Stops     []RGB
	Diverging bool
}

// Viridis is matplotlib's perceptually uniform sequential map (dark blue to
// yellow, lightness increasing throughout), for u, v and speed.
var Viridis = Colormap{Name: "viridis", Stops: []RGB{
	{0x44, 0x01, 0x54}, {0x48, 0x24, 0x75}, {0x41, 0x44, 0x87}, {0x35, 0x5f, 0x8d}, {0x2a, 0x78, 0x8e}, {0x21, 0x91, 0x8c},
	{0x22, 0xa8, 0x84}, {0x44, 0xbf, 0x70}, {0x7a, 0xd1, 0x51}, {0xbd, 0xdf, 0x26}, {0xfd, 0xe7, 0x25},
}}

// RdBu is ColorBrewer's 11-class red-blue diverging map, oriented as
// vorticity plots usually are: negative values blue, zero near white,
// positive values red. It serves vorticity, divergence and errors.
var RdBu = Colormap{Name: "RdBu", Diverging: true, Stops: []RGB{
	{0x05, 0x30, 0x61}, {0x21, 0x66, 0xac}, {0x43, 0x93, 0xc3}, {0x92, 0xc5, 0xde}, {0xd1, 0xe5, 0xf0}, {0xf7, 0xf7, 0xf7},
	{0xfd, 0xdb, 0xc7}, {0xf4, 0xa5, 0x82}, {0xd6, 0x60, 0x4d}, {0xb2, 0x18, 0x2b}, {0x67, 0x00, 0x1f},
}}

// At returns the colour at t, clamped to [0, 1].
func (c Colormap) At(t float64) RGB {
	if !(t > 0) { // also NaN
		return c.Stops[0]
	}
	if t >= 1 {
		return c.Stops[len(c.Stops)-1]
	}
	x := t * float64(len(c.Stops)-1)
	k := int(x)
	f := x - float64(k)
	a, b := c.Stops[k], c.Stops[k+1]
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + f*(float64(q)-float64(p)))) }
	return RGB{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B)}
}

// ASCII ramps stand for values when there is no colour: dense glyphs for the
// extremes. The diverging ramp uses '-' and '+' for the weak values on each
// side of zero ('.') and '@' and '#' for the strongest.
const (
	sequentialRamp = ".:-=+*#%@"
	divergingRamp  = "@Oo-.+*%#"
)

// PaletteSize is the number of colour levels a Palette holds.
const PaletteSize = 256

// Palette is a colour map quantised to PaletteSize levels in one colour mode,
// with every escape sequence written out once, so drawing a cell is a table
// look-up and a string append.
type Palette struct {
	Map  Colormap
	Mode ColorMode
	// RGB is each level's colour as the terminal shows it (after reduction
	// to 256 or 16 colours).
	RGB [PaletteSize]RGB
	// FG and BG are the SGR sequences selecting each level as foreground and
	// background; empty for ColorNone.
	FG, BG [PaletteSize]string
	// Glyph is each level's character in ColorNone.
	Glyph [PaletteSize]byte
	// Contrast is, per level, the SGR of a glyph colour (black or white)
	// readable over that level.
	Contrast [PaletteSize]string
}

// NewPalette quantises m for mode (which must not be ColorAuto).
func NewPalette(m Colormap, mode ColorMode) *Palette {
	p := &Palette{Map: m, Mode: mode}
	ramp := sequentialRamp
	if m.Diverging {
		ramp = divergingRamp
	}
	black, white := sgr(RGB{0, 0, 0}, mode, false), sgr(RGB{255, 255, 255}, mode, false)
	for i := range PaletteSize {
		c := m.At(float64(i) / (PaletteSize - 1))
		p.RGB[i] = Shown(c, mode)
		p.FG[i], p.BG[i] = sgr(c, mode, false), sgr(c, mode, true)
		p.Glyph[i] = ramp[min(len(ramp)-1, i*len(ramp)/PaletteSize)]
		if p.RGB[i].Luminance() > 0.3 {
			p.Contrast[i] = black
		} else {
			p.Contrast[i] = white
		}
	}
	return p
}

// Level maps a value to its palette level under scale s, -1 for NaN (no data).
func (s Scale) Level(v float64) int {
	if math.IsNaN(v) {
		return -1
	}
	if !(s.Hi > s.Lo) {
		return PaletteSize / 2
	}
	t := (v - s.Lo) / (s.Hi - s.Lo)
	k := int(t * PaletteSize)
	return max(0, min(PaletteSize-1, k))
}

// Value is the value at the centre of level k, the inverse of Level.
func (s Scale) Value(k int) float64 {
	return s.Lo + (float64(k)+0.5)/PaletteSize*(s.Hi-s.Lo)
}

// Scale is the value range a colour map spans.
type Scale struct{ Lo, Hi float64 }

// ScaleOf spans the finite values of every slice; a diverging scale is
// symmetric about zero (-m, m), m the largest magnitude, so zero sits on the
// neutral colour. A constant or empty input gives a small range around its
// value so that levels stay defined.
func ScaleOf(diverging bool, values ...[]float64) Scale {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, vs := range values {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if v < lo {
				lo = v
			}
			if v > hi {
				hi = v
			}
		}
	}
	if lo > hi {
		return Scale{-1, 1}
	}
	if diverging {
		m := math.Max(math.Abs(lo), math.Abs(hi))
		if m == 0 {
			m = 1
		}
		return Scale{-m, m}
	}
	if lo == hi {
		d := math.Max(math.Abs(lo)*1e-3, 1e-12)
		return Scale{lo - d, hi + d}
	}
	return Scale{lo, hi}
}

// clipFraction is the share of values a clipped scale leaves outside at each
// end (or above, for a diverging one): derivatives and errors of measured
// fields have a few large outliers, at edges and holes, that would
// otherwise wash out everything else.
const clipFraction = 0.005

// ClippedScaleOf is ScaleOf over the central 99% of the finite values: from
// the 0.5th to the 99.5th percentile, or for a diverging scale symmetric
// about zero up to the 99.5th percentile of the magnitudes. Values outside
// take the end colours.
func ClippedScaleOf(diverging bool, values ...[]float64) Scale {
	var v []float64
	for _, vs := range values {
		for _, x := range vs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				continue
			}
			if diverging {
				x = math.Abs(x)
			}
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return ScaleOf(diverging)
	}
	slices.Sort(v)
	at := func(q float64) float64 { return v[min(len(v)-1, int(q*float64(len(v))))] }
	if diverging {
		return ScaleOf(true, []float64{at(1 - clipFraction)})
	}
	return ScaleOf(false, []float64{at(clipFraction), at(1 - clipFraction)})
}
