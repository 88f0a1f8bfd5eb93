package tui

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseColorMode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ColorMode
		ok   bool
	}{
		{"", ColorAuto, true}, {"auto", ColorAuto, true}, {"truecolor", ColorTrueColor, true}, {"24bit", ColorTrueColor, true},
		{"256", Color256, true}, {"16", Color16, true}, {"none", ColorNone, true}, {"NEVER", ColorNone, true},
		{"8", ColorAuto, false}, {"rainbow", ColorAuto, false},
	} {
		got, err := ParseColorMode(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseColorMode(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok && tc.want != ColorAuto {
			if back, err := ParseColorMode(got.String()); err != nil || back != got {
				t.Errorf("%v does not round-trip through its name: %v, %v", got, back, err)
			}
		}
	}
}

func TestDetectColorMode(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want ColorMode
	}{
		{map[string]string{}, Color16},
		{map[string]string{"NO_COLOR": "1", "COLORTERM": "truecolor"}, ColorNone},
		{map[string]string{"NO_COLOR": "", "TERM": "xterm-256color"}, Color256}, // empty NO_COLOR is unset
		{map[string]string{"COLORTERM": "truecolor", "TERM": "xterm"}, ColorTrueColor},
		{map[string]string{"COLORTERM": "24bit"}, ColorTrueColor},
		{map[string]string{"TERM": "screen"}, Color256},
		{map[string]string{"TERM": "tmux-256color"}, Color256},
		{map[string]string{"TERM": "xterm"}, Color16},
		{map[string]string{"TERM": "dumb", "COLORTERM": "truecolor"}, ColorNone},
	} {
		getenv := func(k string) string { return tc.env[k] }
		if got := DetectColorMode(getenv); got != tc.want {
			t.Errorf("DetectColorMode(%v) = %v, want %v", tc.env, got, tc.want)
		}
		if got := ColorAuto.Resolve(getenv); got != tc.want {
			t.Errorf("ColorAuto.Resolve(%v) = %v, want %v", tc.env, got, tc.want)
		}
	}
	if got := Color16.Resolve(func(string) string { return "1" }); got != Color16 {
		t.Errorf("an explicit mode must not be overridden by the environment, got %v", got)
	}
}

// The 256-colour reduction picks the nearest palette entry (16-255) under the
// same distance it minimises, and maps palette colours to themselves.
func TestTo256Nearest(t *testing.T) {
	for i := 16; i < 256; i++ {
		c := Palette256(uint8(i))
		if got := Palette256(To256(c)); got != c {
			t.Errorf("palette colour %d %v maps to %d %v", i, c, To256(c), got)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		c := RGB{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))}
		got := distance(c, Palette256(To256(c)))
		for i := 16; i < 256; i++ {
			if d := distance(c, Palette256(uint8(i))); d < got {
				t.Fatalf("To256(%v) = %d at distance %d, but entry %d is at %d", c, To256(c), got, i, d)
			}
		}
	}
}

func TestTo16(t *testing.T) {
	for i, c := range ansi16 {
		if got := To16(c); got != uint8(i) {
			t.Errorf("ANSI colour %d %v maps to %d", i, c, got)
		}
	}
	if got := To16(RGB{250, 10, 10}); got != 9 {
		t.Errorf("bright red maps to %d, want 9", got)
	}
	if got := To16(RGB{10, 10, 10}); got != 0 {
		t.Errorf("near black maps to %d, want 0", got)
	}
}

func TestSGR(t *testing.T) {
	c := RGB{1, 2, 3}
	for _, tc := range []struct {
		mode ColorMode
		bg   bool
		want string
	}{
		{ColorTrueColor, false, "\x1b[38;2;1;2;3m"},
		{ColorTrueColor, true, "\x1b[48;2;1;2;3m"},
		{Color256, false, "\x1b[38;5;16m"},
		{Color256, true, "\x1b[48;5;16m"},
		{Color16, false, "\x1b[30m"},
		{Color16, true, "\x1b[40m"},
		{ColorNone, false, ""},
	} {
		if got := sgr(c, tc.mode, tc.bg); got != tc.want {
			t.Errorf("sgr(%v, %v, bg %v) = %q, want %q", c, tc.mode, tc.bg, got, tc.want)
		}
	}
	// Bright colours use the 90-97 and 100-107 ranges.
	if got := sgr(RGB{255, 255, 255}, Color16, true); got != "\x1b[107m" {
		t.Errorf("white background = %q, want ESC[107m", got)
	}
}

func TestLuminance(t *testing.T) {
	if l := (RGB{}).Luminance(); l != 0 {
		t.Errorf("black has luminance %v", l)
	}
	if l := (RGB{255, 255, 255}).Luminance(); l < 0.999 || l > 1.001 {
		t.Errorf("white has luminance %v", l)
	}
	if (RGB{0, 255, 0}).Luminance() <= (RGB{0, 0, 255}).Luminance() {
		t.Error("green must be brighter than blue")
	}
}

func TestShownIsWhatTheSequenceSelects(t *testing.T) {
	c := RGB{200, 100, 50}
	s := sgr(c, Color256, false)
	idx := strings.TrimSuffix(strings.TrimPrefix(s, "\x1b[38;5;"), "m")
	if want := Palette256(To256(c)); Shown(c, Color256) != want || idx == s {
		t.Errorf("Shown %v, sequence %q, palette %v", Shown(c, Color256), s, want)
	}
	if Shown(c, ColorTrueColor) != c {
		t.Error("truecolor shows the colour itself")
	}
}
