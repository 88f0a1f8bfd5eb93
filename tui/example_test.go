package tui_test

import (
	"fmt"
	"math"

	"pivsr/piv"
	"pivsr/tui"
)

// A field drawn as text without a terminal: its speed resampled to a few
// cells and written with the colourless glyph ramp (with colour, each cell
// would be a half block carrying two pixels).
func Example() {
	g := piv.UniformGrid(16, 8, 0, 0, 1, 1)
	f := piv.NewField(g)
	for j := range 8 {
		for i := range 16 {
			f.U[g.Index(i, j)] = float64(i) // speed grows to the right
		}
	}
	speed, _ := piv.Speed(nil, f)
	const w, h = 8, 2
	pix := tui.RasterOf(g).Resample(nil, speed, tui.Window{X1: 16, D1: 8}, w, h)
	cells := tui.Cells(nil, tui.Levels(nil, pix, tui.ScaleOf(false, speed)), w, h, false)
	pal := tui.NewPalette(tui.Viridis, tui.ColorNone)
	for row := range h {
		fmt.Println(string(pal.AppendCells(nil, cells[row*w:(row+1)*w], false)))
	}
	// Output:
	// .:-=*#%@
	// .:-=*#%@
}

func ExampleNiceTicks() {
	ticks := tui.NiceTicks(0, 2*math.Pi, 5)
	for _, v := range ticks {
		fmt.Print(tui.FormatTick(v, ticks[1]-ticks[0]), " ")
	}
	fmt.Println()
	// Output: 0 2 4 6
}

func ExampleArrowGlyph() {
	fmt.Println(string(tui.ArrowGlyph(1, 1, false)), string(tui.ArrowGlyph(0, -1, true)))
	// Output: ↗ v
}
