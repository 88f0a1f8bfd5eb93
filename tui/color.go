package tui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ColorMode is how many colours the terminal shows, and so how the heatmap,
// colour bars and styles are written.
type ColorMode int

// Colour modes, from none to 24-bit. ColorAuto is resolved from the
// environment by DetectColorMode before anything is drawn.
const (
	ColorAuto      ColorMode = iota
	ColorNone                // no colour: characters stand for values
	Color16                  // the 16 ANSI colours
	Color256                 // the xterm 256-colour palette
	ColorTrueColor           // 24-bit colour
)

func (m ColorMode) String() string {
	switch m {
	case ColorAuto:
		return "auto"
	case ColorNone:
		return "none"
	case Color16:
		return "16"
	case Color256:
		return "256"
	case ColorTrueColor:
		return "truecolor"
	}
	return fmt.Sprintf("ColorMode(%d)", int(m))
}

// ParseColorMode reads a --color value: auto, truecolor (or 24bit), 256, 16
// or none (or never, off).
func ParseColorMode(s string) (ColorMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return ColorAuto, nil
	case "truecolor", "24bit", "24-bit":
		return ColorTrueColor, nil
	case "256":
		return Color256, nil
	case "16":
		return Color16, nil
	case "none", "never", "off", "no":
		return ColorNone, nil
	}
	return ColorAuto, fmt.Errorf("colour mode %q: want auto, truecolor, 256, 16 or none", s)
}

// DetectColorMode resolves ColorAuto from environment variables alone (getenv
// is os.Getenv in use): the terminal is never queried, so start-up cannot
// block on a terminal that does not answer. NO_COLOR (any value) gives
// ColorNone; COLORTERM=truecolor or 24bit gives ColorTrueColor; a TERM naming
// 256 colours, or tmux and screen, gives Color256; TERM=dumb gives ColorNone;
// anything else Color16.
func DetectColorMode(getenv func(string) string) ColorMode {
	if _, set := lookup(getenv, "NO_COLOR"); set {
		return ColorNone
	}
	term := strings.ToLower(getenv("TERM"))
	switch ct := strings.ToLower(getenv("COLORTERM")); {
	case term == "dumb":
		return ColorNone
	case ct == "truecolor" || ct == "24bit":
		return ColorTrueColor
	case strings.Contains(term, "256color"), strings.HasPrefix(term, "tmux"), strings.HasPrefix(term, "screen"):
		return Color256
	}
	return Color16
}

// lookup treats a variable set to the empty string as unset, as the NO_COLOR
// convention (no-color.org) asks.
func lookup(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// Resolve returns m, or the mode found in the environment when m is ColorAuto.
func (m ColorMode) Resolve(getenv func(string) string) ColorMode {
	if m == ColorAuto {
		return DetectColorMode(getenv)
	}
	return m
}

// RGB is a 24-bit colour.
type RGB struct{ R, G, B uint8 }

// Luminance is the relative luminance in [0, 1] (Rec. 709 weights on
// linearised sRGB), used to pick a readable glyph colour over a cell.
func (c RGB) Luminance() float64 {
	return 0.2126*linear(c.R) + 0.7152*linear(c.G) + 0.0722*linear(c.B)
}

func linear(v uint8) float64 {
	x := float64(v) / 255
	if x <= 0.04045 {
		return x / 12.92
	}
	return math.Pow((x+0.055)/1.055, 2.4)
}

// cubeLevels are the six channel levels of the xterm 6x6x6 colour cube.
var cubeLevels = [6]uint8{0, 95, 135, 175, 215, 255}

// To256 returns the xterm-256 palette index (16-255: the colour cube and the
// grey ramp, whose values do not depend on the terminal's theme) nearest to
// c in the distance To16 uses too. Palettes are built once, so the search
// is exhaustive.
func To256(c RGB) uint8 {
	best, bd := 16, 1<<62
	for i := 16; i < 256; i++ {
		if d := distance(c, Palette256(uint8(i))); d < bd {
			best, bd = i, d
		}
	}
	return uint8(best)
}

// Palette256 is the colour an xterm shows for index i (16 and above; the
// first 16 follow ansi16).
func Palette256(i uint8) RGB {
	switch {
	case i < 16:
		return ansi16[i]
	case i >= 232:
		g := 8 + 10*(i-232)
		return RGB{g, g, g}
	}
	k := int(i) - 16
	return RGB{cubeLevels[k/36], cubeLevels[k/6%6], cubeLevels[k%6]}
}

// ansi16 are xterm's default values of the 16 ANSI colours.
var ansi16 = [16]RGB{
	{0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
	{127, 127, 127}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0}, {92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
}

// To16 returns the ANSI colour (0-15) nearest to c.
func To16(c RGB) uint8 {
	best, bd := 0, 1<<62
	for k, a := range ansi16 {
		if d := distance(c, a); d < bd {
			best, bd = k, d
		}
	}
	return uint8(best)
}

// distance is the "redmean" weighted squared distance, a cheap approximation
// of perceived colour difference that matches hues better than plain RGB.
func distance(a, b RGB) int {
	rm := (int(a.R) + int(b.R)) / 2
	dr, dg, db := int(a.R)-int(b.R), int(a.G)-int(b.G), int(a.B)-int(b.B)
	return ((512+rm)*dr*dr)>>8 + 4*dg*dg + ((767-rm)*db*db)>>8
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// sgr returns the SGR sequence that sets the foreground (or background) to c
// in mode m; "" for ColorNone.
func sgr(c RGB, m ColorMode, background bool) string {
	switch m {
	case ColorTrueColor:
		if background {
			return "\x1b[48;2;" + strconv.Itoa(int(c.R)) + ";" + strconv.Itoa(int(c.G)) + ";" + strconv.Itoa(int(c.B)) + "m"
		}
		return "\x1b[38;2;" + strconv.Itoa(int(c.R)) + ";" + strconv.Itoa(int(c.G)) + ";" + strconv.Itoa(int(c.B)) + "m"
	case Color256:
		if background {
			return "\x1b[48;5;" + strconv.Itoa(int(To256(c))) + "m"
		}
		return "\x1b[38;5;" + strconv.Itoa(int(To256(c))) + "m"
	case Color16:
		k := int(To16(c))
		base := 30
		if background {
			base = 40
		}
		if k >= 8 {
			base += 60
			k -= 8
		}
		return "\x1b[" + strconv.Itoa(base+k) + "m"
	}
	return ""
}

// Shown is the colour the terminal actually displays for c in mode m, after
// reduction to its palette.
func Shown(c RGB, m ColorMode) RGB {
	switch m {
	case Color256:
		return Palette256(To256(c))
	case Color16:
		return ansi16[To16(c)]
	}
	return c
}

const (
	sgrReset   = "\x1b[0m"
	sgrReverse = "\x1b[7m"
)
