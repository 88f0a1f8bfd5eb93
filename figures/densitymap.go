package figures

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// gridXYZ adapts a Grid to gonum/plot: column c at longitude
// -180 + 360 (c + 1/2) / W, row r (from the south) at latitude
// -90 + 180 (r + 1/2) / H.
type gridXYZ struct{ g *Grid }

func (a gridXYZ) Dims() (c, r int) { return a.g.W, a.g.H }
func (a gridXYZ) Z(c, r int) float64 {
	return a.g.Values[(a.g.H-1-r)*a.g.W+c]
}
func (a gridXYZ) X(c int) float64 { return -180 + 360*(float64(c)+0.5)/float64(a.g.W) }
func (a gridXYZ) Y(r int) float64 { return -90 + 180*(float64(r)+0.5)/float64(a.g.H) }

// viridisPalette is viridis sampled at 256 levels.
type viridisPalette struct{}

func (viridisPalette) Colors() []color.Color {
	c := make([]color.Color, 256)
	for i := range c {
		c[i] = viridisAt(float64(i) / 255)
	}
	return c
}

// DensityMap writes the grid as an equirectangular PNG map (longitude
// against latitude, viridis between Lo and Hi, values below Lo in the
// lowest colour) with its points as small white dots, atomically to path.
func DensityMap(path, title string, g Grid) error {
	lo, hi, err := g.check()
	if err != nil {
		return err
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text, p.Y.Label.Text = "longitude (degrees)", "latitude (degrees)"
	h := plotter.NewHeatMap(gridXYZ{&g}, viridisPalette{})
	h.Min, h.Max = lo, hi
	h.Underflow, h.Overflow = viridisAt(0), viridisAt(1)
	h.Rasterized = true
	p.Add(h)
	if len(g.Points) > 0 {
		xy := make(plotter.XYs, len(g.Points))
		for i, q := range g.Points {
			xy[i].X, xy[i].Y = q[0], q[1]
		}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: color.White, Radius: vg.Points(0.8), Shape: draw.CircleGlyph{}}
		p.Add(s)
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -180, 180, -90, 90
	return save(p, path, 24*vg.Centimeter, 13*vg.Centimeter)
}
