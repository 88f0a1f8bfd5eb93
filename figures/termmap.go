package figures

import (
	"bufio"
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"
)

// Grid is a picture of values on the equirectangular map of the sphere:
// W x H pixels, row-major from the north (latitude 90) down to the south,
// each row from longitude -180 eastwards to 180. NaN marks no data.
type Grid struct {
	Values []float64
	W, H   int
	// Lo and Hi bound the colour scale; when Hi <= Lo they are the extreme
	// finite values.
	Lo, Hi float64
	// Points (optional) are (longitude, latitude) pairs in degrees, drawn
	// over the picture.
	Points [][2]float64
}

// check validates the grid and returns its colour bounds.
func (g *Grid) check() (lo, hi float64, err error) {
	if g.W < 1 || g.H < 1 || len(g.Values) != g.W*g.H {
		return 0, 0, fmt.Errorf("figures: map grid %dx%d with %d values", g.W, g.H, len(g.Values))
	}
	lo, hi = g.Lo, g.Hi
	if hi <= lo {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range g.Values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if lo > hi {
			return 0, 0, fmt.Errorf("figures: map grid has no finite value")
		}
		if hi == lo {
			hi = lo + 1
		}
	}
	return lo, hi, nil
}

// level maps v to [0, 1] between lo and hi (NaN stays NaN).
func level(v, lo, hi float64) float64 {
	return math.Max(0, math.Min(1, (v-lo)/(hi-lo)))
}

// viridis is matplotlib's perceptually uniform map, dark blue to yellow.
var viridis = []color.RGBA{
	{0x44, 0x01, 0x54, 0xff}, {0x48, 0x24, 0x75, 0xff}, {0x41, 0x44, 0x87, 0xff}, {0x35, 0x5f, 0x8d, 0xff},
	{0x2a, 0x78, 0x8e, 0xff}, {0x21, 0x91, 0x8c, 0xff}, {0x22, 0xa8, 0x84, 0xff}, {0x44, 0xbf, 0x70, 0xff},
	{0x7a, 0xd1, 0x51, 0xff}, {0xbd, 0xdf, 0x26, 0xff}, {0xfd, 0xe7, 0x25, 0xff},
}

// viridisAt returns the colour at t in [0, 1] (NaN: black).
func viridisAt(t float64) color.RGBA {
	if math.IsNaN(t) {
		return color.RGBA{0, 0, 0, 0xff}
	}
	x := math.Max(0, math.Min(1, t)) * float64(len(viridis)-1)
	k := min(int(x), len(viridis)-2)
	f := x - float64(k)
	a, b := viridis[k], viridis[k+1]
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + f*(float64(q)-float64(p)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// asciiRamp stands for levels without colour, sparse to dense.
const asciiRamp = " .:-=+*#%@"

// TermMap writes the grid as text: with colour, each line holds two pixel
// rows drawn with the upper half block, the top pixel as the foreground and
// the bottom one as the background in 24-bit ANSI colour; without colour
// (NO_COLOR, or not a terminal: the caller decides), each character stands
// for the mean of two pixel rows by a shade of asciiRamp. Points are drawn
// as '•' (colour) or 'o' (plain). A left gutter holds latitudes, a bottom
// line longitudes, then a colour bar from Lo to Hi labelled with legend.
func TermMap(w io.Writer, g Grid, useColor bool, legend string) error {
	lo, hi, err := g.check()
	if err != nil {
		return err
	}
	rows := (g.H + 1) / 2
	marked := make([]bool, g.W*rows)
	for _, p := range g.Points {
		c := int(math.Floor((p[0] + 180) / 360 * float64(g.W)))
		r := int(math.Floor((90 - p[1]) / 180 * float64(g.H)))
		if c >= 0 && c < g.W && r >= 0 && r < g.H {
			marked[(r/2)*g.W+c] = true
		}
	}
	at := func(r, c int) float64 {
		if r >= g.H {
			return math.NaN()
		}
		return level(g.Values[r*g.W+c], lo, hi)
	}
	bw := bufio.NewWriter(w)
	for r := range rows {
		lat := 90 - 180*(float64(2*r)+1)/float64(g.H)
		label := "     "
		if r == 0 || r == rows-1 || r == rows/2 || r == rows/4 || r == 3*rows/4 {
			label = fmt.Sprintf("%4.0f ", lat)
		}
		bw.WriteString(label)
		for c := range g.W {
			top, bottom := at(2*r, c), at(2*r+1, c)
			if !useColor {
				v := top
				if !math.IsNaN(bottom) {
					v = (top + bottom) / 2
				}
				ch := byte(' ')
				if marked[r*g.W+c] {
					ch = 'o'
				} else if !math.IsNaN(v) {
					ch = asciiRamp[min(int(v*float64(len(asciiRamp))), len(asciiRamp)-1)]
				}
				bw.WriteByte(ch)
				continue
			}
			ct, cb := viridisAt(top), viridisAt(bottom)
			if marked[r*g.W+c] {
				fmt.Fprintf(bw, "\x1b[38;2;255;255;255;48;2;%d;%d;%dm•", (int(ct.R)+int(cb.R))/2, (int(ct.G)+int(cb.G))/2, (int(ct.B)+int(cb.B))/2)
				continue
			}
			fmt.Fprintf(bw, "\x1b[38;2;%d;%d;%d;48;2;%d;%d;%dm▀", ct.R, ct.G, ct.B, cb.R, cb.G, cb.B)
		}
		if useColor {
			bw.WriteString("\x1b[0m")
		}
		bw.WriteByte('\n')
	}
	// Longitude labels under -180, -90, 0, 90 and 180.
	axis := []byte(strings.Repeat(" ", g.W+10))
	for _, lon := range []int{-180, -90, 0, 90, 180} {
		s := fmt.Sprint(lon)
		c := int(math.Round(float64(lon+180)/360*float64(g.W))) - len(s)/2
		c = max(0, min(c, g.W-len(s)))
		copy(axis[5+c:], s)
	}
	bw.WriteString(strings.TrimRight(string(axis), " ") + "\n")
	// Colour bar.
	const barW = 40
	fmt.Fprintf(bw, "     %.3g ", lo)
	for k := range barW {
		t := (float64(k) + 0.5) / barW
		if useColor {
			c := viridisAt(t)
			fmt.Fprintf(bw, "\x1b[38;2;%d;%d;%dm█", c.R, c.G, c.B)
		} else {
			bw.WriteByte(asciiRamp[min(int(t*float64(len(asciiRamp))), len(asciiRamp)-1)])
		}
	}
	if useColor {
		bw.WriteString("\x1b[0m")
	}
	fmt.Fprintf(bw, " %.3g  %s\n", hi, legend)
	return bw.Flush()
}
