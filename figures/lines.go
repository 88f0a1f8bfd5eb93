package figures

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Curve is one named line of a figure.
type Curve struct {
	Name string
	X, Y []float64
}

// Spectrum is the curve of a radial spectrum as piv.EnergySpectrum returns
// it, shells 1 and up (shell 0, the mean flow, has no place on a log axis).
func Spectrum(name string, e []float64) Curve {
	c := Curve{Name: name}
	for k := 1; k < len(e); k++ {
		c.X = append(c.X, float64(k))
		c.Y = append(c.Y, e[k])
	}
	return c
}

// palette is a colour-blind-safe qualitative set (Okabe & Ito).
var palette = []color.Color{
	color.RGBA{0x00, 0x72, 0xb2, 0xff}, color.RGBA{0xd5, 0x5e, 0x00, 0xff}, color.RGBA{0x00, 0x9e, 0x73, 0xff},
	color.RGBA{0xcc, 0x79, 0xa7, 0xff}, color.RGBA{0xe6, 0x9f, 0x00, 0xff}, color.RGBA{0x56, 0xb4, 0xe9, 0xff},
	color.RGBA{0x00, 0x00, 0x00, 0xff},
}

// floorDecades is how many decades below its largest value a figure shows.
const floorDecades = 14

// LogLog writes a figure of the curves on logarithmic axes to path (PNG);
// points that are not positive and finite are left out.
func LogLog(path, title, xlabel, ylabel string, curves ...Curve) error {
	return lines(path, title, xlabel, ylabel, true, curves)
}

// SemiLogY writes a figure of the curves with a logarithmic y axis, e.g.
// loss terms against training steps.
func SemiLogY(path, title, xlabel, ylabel string, curves ...Curve) error {
	return lines(path, title, xlabel, ylabel, false, curves)
}

func lines(path, title, xlabel, ylabel string, logX bool, curves []Curve) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: 1}
	if logX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: 1}
	}
	p.Legend.Top, p.Legend.Left = false, true
	// Values more than floorDecades below the largest are round-off (a
	// spectrum beyond a method's band): they would flatten everything else.
	var top float64
	for _, c := range curves {
		for _, y := range c.Y {
			if !math.IsInf(y, 0) {
				top = math.Max(top, y)
			}
		}
	}
	floor := top * math.Pow(10, -floorDecades)
	drawn := 0
	for i, c := range curves {
		pts := make(plotter.XYs, 0, len(c.X))
		for k := range c.X {
			x, y := c.X[k], c.Y[k]
			if y > floor && !math.IsInf(y, 0) && (!logX || x > 0) && !math.IsNaN(x) && !math.IsInf(x, 0) {
				pts = append(pts, plotter.XY{X: x, Y: y})
			}
		}
		if len(pts) == 0 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("figure %s: curve %s: %w", path, c.Name, err)
		}
		l.Color = palette[i%len(palette)]
		l.Width = vg.Points(1.2)
		p.Add(l)
		p.Legend.Add(c.Name, l)
		drawn++
	}
	if drawn == 0 {
		return fmt.Errorf("figure %s: no curve has a point to draw", path)
	}
	return save(p, path, 16*vg.Centimeter, 11*vg.Centimeter)
}

// save writes the plot to a temporary file beside path (its name ends in
// .png, which tells gonum/plot the format), then renames it.
func save(p *plot.Plot, path string, w, h vg.Length) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*.png")
	if err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	name := tmp.Name()
	tmp.Close()
	defer os.Remove(name) // a no-op once renamed
	if err := p.Save(w, h, name); err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	return nil
}
