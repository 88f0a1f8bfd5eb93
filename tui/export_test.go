package tui

import (
	"image/color"
	"math"
	"testing"

	"pivsr/piv"
)

func TestPNGJobCropsTheWindow(t *testing.T) {
	// A 4x3 grid with y decreasing along j (drawn as is) and values 10 j + i.
	g := piv.Grid{X: []float64{0, 1, 2, 3}, Y: []float64{2, 1, 0}}
	job := PNGJob{Values: ramp(), Grid: g, Window: Window{X0: 1, X1: 3, D0: 0, D1: 2}}
	c, err := job.cropped()
	if err != nil {
		t.Fatal(err)
	}
	if cols, rows := c.Dims(); cols != 2 || rows != 2 {
		t.Fatalf("crop is %dx%d, want 2x2", cols, rows)
	}
	// Columns x = 1, 2; rows from the bottom: display row 1 (y = 1), then 0 (y = 2).
	if c.X(0) != 1 || c.X(1) != 2 || c.Y(0) != 1 || c.Y(1) != 2 {
		t.Errorf("coordinates x %v %v, y %v %v", c.X(0), c.X(1), c.Y(0), c.Y(1))
	}
	if c.Z(0, 0) != 11 || c.Z(1, 1) != 2 {
		t.Errorf("values %v %v, want 11 (i=1, j=1) and 2 (i=2, j=0)", c.Z(0, 0), c.Z(1, 1))
	}
	// Split into sub-cells for an image, each node repeats and sub-cells
	// tile its cell.
	c.up = 4
	if cols, _ := c.Dims(); cols != 8 || c.Z(3, 0) != 11 || c.Z(4, 0) != 12 {
		t.Errorf("sub-cells: %d columns, Z %v %v", cols, c.Z(3, 0), c.Z(4, 0))
	}
	if x := c.X(0); math.Abs(x-(1-0.5+0.125)) > 1e-12 {
		t.Errorf("first sub-cell centre %v, want 0.625", x)
	}
	if _, err := (PNGJob{Values: ramp(), Grid: g, Window: Window{X0: 5, X1: 6, D0: 0, D1: 1}}).cropped(); err == nil {
		t.Error("a window outside the field holds no node")
	}
}

func TestColormapRange(t *testing.T) {
	cm := &colormapRange{cm: RdBu, min: -2, max: 2, alpha: 1}
	mid, err := cm.At(0)
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := mid.RGBA(); r>>8 < 0xe0 || g>>8 < 0xe0 || b>>8 < 0xe0 {
		t.Errorf("zero maps to %v, want near white", mid)
	}
	if _, err := cm.At(3); err == nil {
		t.Error("values outside the range are an error, as palette.ColorMap requires")
	}
	p := cm.Palette(3).Colors()
	if len(p) != 3 || p[0] != (color.NRGBA{R: 0x05, G: 0x30, B: 0x61, A: 0xff}) {
		t.Errorf("palette %v", p)
	}
}
