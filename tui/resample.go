package tui

import (
	"math"

	"pivsr/piv"
)

// Window is the part of a field on screen, in index space: node column i
// spans [i, i+1) along X, display row d spans [d, d+1) along D, d = 0 being
// the top row of the picture. The whole field of nx by ny nodes is
// Window{0, nx, 0, ny}.
type Window struct{ X0, X1, D0, D1 float64 }

// Raster is how a field's nodes map to the picture, which always shows x
// increasing to the right and y increasing upward whatever the order of the
// grid's coordinates: display column c holds node column c, or nx-1-c when
// FlipX (x decreasing with i); display row d holds node row d, or ny-1-d when
// FlipY (y increasing with j).
type Raster struct {
	NX, NY       int
	FlipX, FlipY bool
}

// RasterOf orients a picture of grid g.
func RasterOf(g piv.Grid) Raster {
	r := Raster{NX: g.NX(), NY: g.NY()}
	r.FlipX = r.NX > 1 && g.X[r.NX-1] < g.X[0]
	r.FlipY = r.NY > 1 && g.Y[r.NY-1] > g.Y[0]
	return r
}

// Col is the node column drawn at display column c.
func (r Raster) Col(c int) int {
	if r.FlipX {
		return r.NX - 1 - c
	}
	return c
}

// Row is the node row drawn at display row d.
func (r Raster) Row(d int) int {
	if r.FlipY {
		return r.NY - 1 - d
	}
	return d
}

// span is the range [lo, hi) of nodes a pixel covering [a, b) in index space
// averages: those whose centre k+0.5 lies inside, or, when the pixel is
// smaller than a node and holds no centre, the node under its middle.
func span(a, b float64, n int) (lo, hi int) {
	lo = max(0, int(math.Ceil(a-0.5)))
	hi = min(n, int(math.Ceil(b-0.5)))
	if lo >= hi {
		k := max(0, min(n-1, int(math.Floor((a+b)/2))))
		return k, k + 1
	}
	return lo, hi
}

// Resample draws values (row-major, nx by ny, NaN where there is no data) into
// a w by h picture of window win, row 0 at the top, writing into dst (reused
// when large enough). Each pixel is the mean of the finite values of the nodes
// it covers, so a zoomed-out sparse field keeps its measured vectors instead
// of losing them to point sampling; it is NaN where it covers none.
func (r Raster) Resample(dst, values []float64, win Window, w, h int) []float64 {
	dst = grow(dst, w*h)
	if w <= 0 || h <= 0 {
		return dst
	}
	cols := make([][2]int, w)
	for px := range cols {
		a := win.X0 + float64(px)*(win.X1-win.X0)/float64(w)
		b := win.X0 + float64(px+1)*(win.X1-win.X0)/float64(w)
		cols[px][0], cols[px][1] = span(a, b, r.NX)
	}
	for py := range h {
		a := win.D0 + float64(py)*(win.D1-win.D0)/float64(h)
		b := win.D0 + float64(py+1)*(win.D1-win.D0)/float64(h)
		d0, d1 := span(a, b, r.NY)
		out := dst[py*w : (py+1)*w]
		for px, cr := range cols {
			sum, n := 0.0, 0
			for d := d0; d < d1; d++ {
				row := values[r.Row(d)*r.NX:]
				for c := cr[0]; c < cr[1]; c++ {
					if v := row[r.Col(c)]; !math.IsNaN(v) && !math.IsInf(v, 0) {
						sum += v
						n++
					}
				}
			}
			if n == 0 {
				out[px] = math.NaN()
			} else {
				out[px] = sum / float64(n)
			}
		}
	}
	return dst
}

// Node is the node (i, j) under display-space point (a, d), clamped to the
// grid.
func (r Raster) Node(a, d float64) (i, j int) {
	c := max(0, min(r.NX-1, int(math.Floor(a))))
	dd := max(0, min(r.NY-1, int(math.Floor(d))))
	return r.Col(c), r.Row(dd)
}

// X is the physical x at display-space position a (column c centred at
// a = c+0.5) on grid g, interpolated linearly between nodes and extrapolated
// with the end spacing.
func (r Raster) X(g piv.Grid, a float64) float64 {
	if r.FlipX {
		a = float64(r.NX) - a
	}
	return coordAt(g.X, a)
}

// Y is the physical y at display-space position d (row d centred at
// d+0.5) on grid g.
func (r Raster) Y(g piv.Grid, d float64) float64 {
	if r.FlipY {
		d = float64(r.NY) - d
	}
	return coordAt(g.Y, d)
}

// coordAt is the coordinate at index-space position a along an axis with node
// coordinates c, node k being centred at a = k+0.5.
func coordAt(c []float64, a float64) float64 {
	n := len(c)
	if n == 1 {
		return c[0]
	}
	x := a - 0.5
	k := max(0, min(n-2, int(math.Floor(x))))
	return c[k] + (x-float64(k))*(c[k+1]-c[k])
}

// grow returns dst with length n, reusing its storage when large enough.
func grow(dst []float64, n int) []float64 {
	if cap(dst) >= n {
		return dst[:n]
	}
	return make([]float64, n)
}
