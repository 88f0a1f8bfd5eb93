package tui

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"pivsr/data"
	"pivsr/piv"
)

// PNGJob is what a PNG export draws: the nodes of one quantity inside the
// window on screen, on the screen's colour scale.
type PNGJob struct {
	Title          string
	XLabel, YLabel string
	Values         []float64 // row-major on Grid, NaN where undefined
	Grid           piv.Grid
	Window         Window
	Scale          Scale
	Map            Colormap
	// Width and Height of the image; zero gives 16 cm by 13 cm.
	Width, Height vg.Length
}

// exportedMsg reports a finished (or failed) export.
type exportedMsg struct {
	what, path string
	err        error
}

// exportPNGCmd writes job to path in a command, atomically and never over an
// existing file or one of inputs.
func exportPNGCmd(path string, job PNGJob, inputs []string) tea.Cmd {
	return func() tea.Msg {
		err := data.WriteAtomic(path, false, inputs, func(tmp string) error { return job.WritePNG(tmp) })
		return exportedMsg{what: "PNG", path: path, err: err}
	}
}

// WritePNG draws the job as a heatmap with axes in the field's units and a
// colour bar, and writes it to path as PNG.
func (job PNGJob) WritePNG(path string) error {
	grid, err := job.cropped()
	if err != nil {
		return err
	}
	cm := &colormapRange{cm: job.Map, min: job.Scale.Lo, max: job.Scale.Hi, alpha: 1}
	hm := plotter.NewHeatMap(grid, cm.Palette(PaletteSize))
	hm.Min, hm.Max = job.Scale.Lo, job.Scale.Hi
	hm.NaN = color.Gray{Y: 0xdd}
	hm.Underflow, hm.Overflow = cm.colorAt(0), cm.colorAt(1)
	// A uniform grid is drawn as an image, each node repeated up times along
	// both axes so that the smoothing of image scaling leaves the cells
	// crisp. A non-uniform one is drawn cell by cell, each at its place.
	if job.Grid.IsUniform(1e-3) {
		c, r := grid.Dims()
		grid.up = max(1, min(16, 1024/max(c, r)))
		hm.Rasterized = true
	}

	p := plot.New()
	p.Title.Text = job.Title
	p.X.Label.Text, p.Y.Label.Text = job.XLabel, job.YLabel
	p.Add(hm)
	p.X.Min, p.X.Max = grid.edge(grid.xs, 0, -1), grid.edge(grid.xs, len(grid.xs)-1, 1)
	p.Y.Min, p.Y.Max = grid.edge(grid.ys, 0, -1), grid.edge(grid.ys, len(grid.ys)-1, 1)

	bar := plot.New()
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true, Colors: PaletteSize})
	// The bar's title and x axis are blank but take the heatmap's title and
	// axis height, so that the two plotting areas line up.
	bar.Title.Text = " "
	bar.X.Label.Text = p.X.Label.Text
	bar.X.Label.TextStyle.Color = color.Transparent
	bar.X.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0.5, Label: " "}})
	bar.X.LineStyle.Color, bar.X.Tick.LineStyle.Color = color.Transparent, color.Transparent
	bar.X.Padding, bar.Y.Padding = p.X.Padding, p.Y.Padding

	w, h := job.Width, job.Height
	if w == 0 || h == 0 {
		w, h = 16*vg.Centimeter, 13*vg.Centimeter
	}
	img := vgimg.New(w, h)
	dc := draw.New(img)
	barW := 2.5 * vg.Centimeter
	p.Draw(draw.Crop(dc, 0, -barW, 0, 0))
	bar.Draw(draw.Crop(dc, w-barW, 0, 0, 0))

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// croppedGrid is the window's nodes as gonum/plot's GridXYZ, x increasing
// along columns and y along rows, each node split into up by up equal
// sub-cells when up > 1 (a uniform grid drawn as an image).
type croppedGrid struct {
	xs, ys []float64
	z      []float64 // row-major, len(xs) wide
	up     int
}

func (g croppedGrid) factor() int { return max(1, g.up) }

func (g croppedGrid) Dims() (c, r int) { return len(g.xs) * g.factor(), len(g.ys) * g.factor() }

func (g croppedGrid) Z(c, r int) float64 {
	u := g.factor()
	return g.z[(r/u)*len(g.xs)+c/u]
}

func (g croppedGrid) X(c int) float64 { return g.sub(g.xs, c) }

func (g croppedGrid) Y(r int) float64 { return g.sub(g.ys, r) }

// sub is the centre of sub-cell k along an axis of node coordinates cs.
func (g croppedGrid) sub(cs []float64, k int) float64 {
	u := g.factor()
	node, s := k/u, k%u
	if u == 1 {
		return cs[node]
	}
	h := 1.0
	if len(cs) > 1 {
		h = (cs[len(cs)-1] - cs[0]) / float64(len(cs)-1)
	}
	return cs[node] + (float64(s)+0.5)/float64(u)*h - h/2
}

// edge is the outer edge of the cell of node k on side dir (-1 or 1).
func (g croppedGrid) edge(cs []float64, k, dir int) float64 {
	if len(cs) == 1 {
		return cs[0] + float64(dir)*0.5
	}
	if dir < 0 {
		return cs[0] - (cs[1]-cs[0])/2
	}
	return cs[k] + (cs[k]-cs[k-1])/2
}

// cropped picks the nodes whose display cell meets the window.
func (job PNGJob) cropped() (croppedGrid, error) {
	nx, ny := job.Grid.NX(), job.Grid.NY()
	if len(job.Values) != nx*ny {
		return croppedGrid{}, fmt.Errorf("export: %d values for a %dx%d grid", len(job.Values), nx, ny)
	}
	r := RasterOf(job.Grid)
	c0, c1 := max(0, int(math.Floor(job.Window.X0))), min(nx, int(math.Ceil(job.Window.X1)))
	d0, d1 := max(0, int(math.Floor(job.Window.D0))), min(ny, int(math.Ceil(job.Window.D1)))
	if c0 >= c1 || d0 >= d1 {
		return croppedGrid{}, fmt.Errorf("export: the window holds no node")
	}
	g := croppedGrid{}
	for c := c0; c < c1; c++ {
		g.xs = append(g.xs, job.Grid.X[r.Col(c)])
	}
	// Rows go bottom (largest display row) to top, so y increases.
	for d := d1 - 1; d >= d0; d-- {
		g.ys = append(g.ys, job.Grid.Y[r.Row(d)])
	}
	for d := d1 - 1; d >= d0; d-- {
		for c := c0; c < c1; c++ {
			g.z = append(g.z, job.Values[job.Grid.Index(r.Col(c), r.Row(d))])
		}
	}
	return g, nil
}

// colormapRange is a Colormap over [min, max] as gonum/plot's ColorMap.
type colormapRange struct {
	cm              Colormap
	min, max, alpha float64
}

func (c *colormapRange) At(v float64) (color.Color, error) {
	if math.IsNaN(v) || v < c.min || v > c.max {
		return nil, palette.ErrOverflow
	}
	t := 0.5
	if c.max > c.min {
		t = (v - c.min) / (c.max - c.min)
	}
	return c.colorAt(t), nil
}

func (c *colormapRange) colorAt(t float64) color.Color {
	rgb := c.cm.At(t)
	a := uint8(math.Round(255 * c.alpha))
	return color.NRGBA{R: rgb.R, G: rgb.G, B: rgb.B, A: a}
}

func (c *colormapRange) Max() float64       { return c.max }
func (c *colormapRange) SetMax(v float64)   { c.max = v }
func (c *colormapRange) Min() float64       { return c.min }
func (c *colormapRange) SetMin(v float64)   { c.min = v }
func (c *colormapRange) Alpha() float64     { return c.alpha }
func (c *colormapRange) SetAlpha(a float64) { c.alpha = a }

// Palette samples the map at n evenly spaced values.
func (c *colormapRange) Palette(n int) palette.Palette {
	cols := make([]color.Color, n)
	for k := range cols {
		cols[k] = c.colorAt(float64(k) / float64(max(1, n-1)))
	}
	return colorList(cols)
}

type colorList []color.Color

func (l colorList) Colors() []color.Color { return l }

// saveCmd writes a field, with its speed, vorticity and divergence, to path
// in the pivsr HDF5 layout, in a command. The file is written atomically,
// an existing file is kept and no input is ever overwritten: inputs are
// recorded as provenance, which SaveHDF5 protects.
func saveCmd(path string, e *Entry, frame int, version string, inputs []string) tea.Cmd {
	f := e.Frame(frame)
	var t []float64
	if frame < len(e.T) {
		t = []float64{e.T[frame]}
	}
	return func() tea.Msg {
		ds := &data.Dataset{Fields: []*piv.Field{f}, T: t, Units: e.Units, Extra: map[string][][]float64{}}
		for _, q := range []Quantity{QuantitySpeed, QuantityVorticity, QuantityDivergence} {
			v, err := q.Compute(nil, f)
			if err != nil {
				continue // e.g. too few nodes for derivatives: u and v are still worth saving
			}
			ds.Extra[q.Name()] = [][]float64{v}
		}
		prov := data.NewProvenance(version, inputs...)
		err := data.SaveHDF5(path, ds, data.SaveOptions{Provenance: prov})
		return exportedMsg{what: "HDF5", path: path, err: err}
	}
}

// defaultName proposes an output file name in the current folder: the
// field's name without its extension, a suffix and ext.
func defaultName(e *Entry, suffix, ext string) string {
	base := strings.TrimSuffix(e.Name, filepath.Ext(e.Name))
	return base + "-" + suffix + ext
}
