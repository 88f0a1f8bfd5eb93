package tui

import (
	"math"
	"testing"

	"pivsr/piv"
)

// ramp is a 4x3 field whose node (i, j) holds 10 j + i.
func ramp() []float64 {
	v := make([]float64, 12)
	for j := range 3 {
		for i := range 4 {
			v[j*4+i] = float64(10*j + i)
		}
	}
	return v
}

func TestResampleIdentityAndOrientation(t *testing.T) {
	v := ramp()
	// y increasing with j is drawn upward: the top pixel row is j = 2.
	up := Raster{NX: 4, NY: 3, FlipY: true}
	pix := up.Resample(nil, v, Window{0, 4, 0, 3}, 4, 3)
	for d := range 3 {
		for c := range 4 {
			if want := float64(10*(2-d) + c); pix[d*4+c] != want {
				t.Fatalf("pixel (%d,%d) = %v, want %v", c, d, pix[d*4+c], want)
			}
		}
	}
	// x decreasing with i is drawn mirrored, so x still grows to the right.
	mirror := Raster{NX: 4, NY: 3, FlipX: true}
	pix = mirror.Resample(nil, v, Window{0, 4, 0, 3}, 4, 3)
	if pix[0] != 3 || pix[3] != 0 || pix[4] != 13 {
		t.Errorf("mirrored row 0 = %v", pix[:4])
	}
}

func TestRasterOf(t *testing.T) {
	g := piv.Grid{X: []float64{3, 2, 1}, Y: []float64{0, 1}}
	r := RasterOf(g)
	if !r.FlipX || !r.FlipY || r.NX != 3 || r.NY != 2 {
		t.Errorf("RasterOf = %+v", r)
	}
	// Cell centres map to node coordinates: the left column shows x = 1,
	// the top row y = 1.
	if x := r.X(g, 0.5); x != 1 {
		t.Errorf("x at the left column = %v, want 1", x)
	}
	if y := r.Y(g, 0.5); y != 1 {
		t.Errorf("y at the top row = %v, want 1", y)
	}
	if i, j := r.Node(0.2, 0.7); i != 2 || j != 1 {
		t.Errorf("node under the top-left corner = (%d, %d), want (2, 1)", i, j)
	}
	// Outside the nodes, coordinates extrapolate with the end spacing.
	if x := r.X(g, 0); math.Abs(x-0.5) > 1e-12 {
		t.Errorf("x at the left edge = %v, want 0.5", x)
	}
}

func TestResampleAveragesAndKeepsSparseVectors(t *testing.T) {
	v := ramp()
	r := Raster{NX: 4, NY: 3}
	// Two pixels across: each averages two columns, over all three rows.
	pix := r.Resample(nil, v, Window{0, 4, 0, 3}, 2, 1)
	if pix[0] != 10.5 || pix[1] != 12.5 {
		t.Errorf("2x1 resample = %v, want [10.5 12.5]", pix)
	}
	// A sparse field: NaN nodes are skipped, a pixel with none valid is NaN.
	sparse := []float64{math.NaN(), 1, math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}
	pix = r.Resample(nil, sparse, Window{0, 4, 0, 3}, 2, 1)
	if pix[0] != 1 || !math.IsNaN(pix[1]) {
		t.Errorf("sparse resample = %v, want [1 NaN]", pix)
	}
}

func TestResampleZoomedIn(t *testing.T) {
	v := ramp()
	r := Raster{NX: 4, NY: 3}
	// Window over node (1, 1) only, drawn 4x4: every pixel shows that node.
	pix := r.Resample(nil, v, Window{1, 2, 1, 2}, 4, 4)
	for k, p := range pix {
		if p != 11 {
			t.Fatalf("pixel %d = %v, want 11", k, p)
		}
	}
	// Half a node wide windows: pixels pick the node under their middle.
	pix = r.Resample(pix, v, Window{0.5, 2.5, 0, 1}, 4, 1)
	if pix[0] != 0 || pix[1] != 1 || pix[2] != 1 || pix[3] != 2 {
		t.Errorf("sub-node pixels = %v, want [0 1 1 2]", pix)
	}
}

func nan() float64 { return math.NaN() }
