package cli

import (
	"fmt"
	"math"
	"sort"

	"pivsr/data"
	"pivsr/piv"
)

func init() {
	register(command{name: "info", summary: "say what a velocity file holds: layout, grid, mask coverage, NaNs", run: runInfo})
}

// fileInfo is what `pivsr info` reports, also as JSON.
type fileInfo struct {
	File      string            `json:"file"`
	Layout    string            `json:"layout"`
	Kind      string            `json:"kind"` // grid or scattered
	Snapshots int               `json:"snapshots"`
	NX        int               `json:"nx,omitempty"`
	NY        int               `json:"ny,omitempty"`
	Points    int               `json:"points,omitempty"`
	XRange    [2]float64        `json:"x_range"`
	YRange    [2]float64        `json:"y_range"`
	DX        float64           `json:"dx,omitempty"`
	DY        float64           `json:"dy,omitempty"`
	Uniform   bool              `json:"uniform,omitempty"`
	Vectors   int               `json:"vectors"`
	Valid     int               `json:"valid"`
	NaN       int               `json:"nan"`
	URange    [2]float64        `json:"u_range"`
	VRange    [2]float64        `json:"v_range"`
	MaxSpeed  float64           `json:"max_speed"`
	Units     piv.Units         `json:"units"`
	T         []float64         `json:"t,omitempty"`
	Attrs     map[string]string `json:"attributes,omitempty"`
}

func runInfo(e *env, args []string) error {
	fs := newFlags(e, "info", "FILE...", `
Print what each velocity file holds: the layout detected (pivsr layout v1, a
foreign HDF5 layout, TSI .vec, column text, Middlebury .flo), the grid or the
scattered points, how many vectors are valid, NaN counts and value ranges.`)
	var in inputFlags
	in.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per file")
	files, err := parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	for _, path := range files {
		ds, err := in.load(path)
		if err != nil {
			return err
		}
		fi := describe(path, ds)
		if *asJSON {
			if err := printJSON(e.stdout, fi); err != nil {
				return err
			}
			continue
		}
		printInfo(e, fi)
	}
	return nil
}

func describe(path string, ds *data.Dataset) fileInfo {
	fi := fileInfo{File: path, Layout: ds.Layout, Snapshots: ds.Snapshots(), Units: ds.Units, T: ds.T, Attrs: ds.Attrs}
	ur, vr := newRange(), newRange()
	var maxSpeed float64
	add := func(u, v float64, valid bool) {
		fi.Vectors++
		if math.IsNaN(u) || math.IsNaN(v) {
			fi.NaN++
		}
		if !valid {
			return
		}
		fi.Valid++
		ur.add(u)
		vr.add(v)
		maxSpeed = math.Max(maxSpeed, math.Hypot(u, v))
	}
	if ds.IsGrid() {
		f0 := ds.Fields[0]
		fi.Kind, fi.NX, fi.NY = "grid", f0.NX(), f0.NY()
		fi.XRange = [2]float64{f0.X[0], f0.X[len(f0.X)-1]}
		fi.YRange = [2]float64{f0.Y[0], f0.Y[len(f0.Y)-1]}
		fi.DX, fi.DY, fi.Uniform = f0.DX(), f0.DY(), f0.IsUniform(1e-3)
		for _, f := range ds.Fields {
			for k := range f.U {
				add(f.U[k], f.V[k], f.Valid(k))
			}
		}
	} else {
		p0 := ds.Points[0]
		fi.Kind, fi.Points = "scattered", p0.Len()
		xr, yr := newRange(), newRange()
		for _, p := range ds.Points {
			for k := range p.X {
				xr.add(p.X[k])
				yr.add(p.Y[k])
				finite := !math.IsNaN(p.U[k]) && !math.IsNaN(p.V[k]) && !math.IsInf(p.U[k], 0) && !math.IsInf(p.V[k], 0)
				add(p.U[k], p.V[k], finite)
			}
		}
		fi.XRange, fi.YRange = xr.span(), yr.span()
	}
	fi.URange, fi.VRange, fi.MaxSpeed = ur.span(), vr.span(), maxSpeed
	return fi
}

func printInfo(e *env, fi fileInfo) {
	w := e.stdout
	fmt.Fprintf(w, "file       %s\n", fi.File)
	fmt.Fprintf(w, "layout     %s\n", fi.Layout)
	if fi.Kind == "grid" {
		uni := "non-uniform"
		if fi.Uniform {
			uni = "uniform"
		}
		fmt.Fprintf(w, "grid       %d x %d (nx x ny), %s, dx %.6g, dy %.6g\n", fi.NX, fi.NY, uni, fi.DX, fi.DY)
	} else {
		fmt.Fprintf(w, "scattered  %d points\n", fi.Points)
	}
	fmt.Fprintf(w, "x          %.6g .. %.6g%s\n", fi.XRange[0], fi.XRange[1], unit(fi.Units.Length))
	fmt.Fprintf(w, "y          %.6g .. %.6g%s\n", fi.YRange[0], fi.YRange[1], unit(fi.Units.Length))
	fmt.Fprintf(w, "snapshots  %d\n", fi.Snapshots)
	pct := 0.0
	if fi.Vectors > 0 {
		pct = 100 * float64(fi.Valid) / float64(fi.Vectors)
	}
	fmt.Fprintf(w, "valid      %d of %d vectors (%.1f%%), %d NaN\n", fi.Valid, fi.Vectors, pct, fi.NaN)
	if fi.Valid > 0 {
		fmt.Fprintf(w, "u          %.6g .. %.6g%s\n", fi.URange[0], fi.URange[1], unit(fi.Units.Velocity))
		fmt.Fprintf(w, "v          %.6g .. %.6g%s\n", fi.VRange[0], fi.VRange[1], unit(fi.Units.Velocity))
		fmt.Fprintf(w, "max speed  %.6g%s\n", fi.MaxSpeed, unit(fi.Units.Velocity))
	}
	keys := make([]string, 0, len(fi.Attrs))
	for k := range fi.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "attr       %s = %s\n", k, fi.Attrs[k])
	}
	fmt.Fprintln(w)
}

type valueRange struct{ lo, hi float64 }

func newRange() *valueRange { return &valueRange{lo: math.Inf(1), hi: math.Inf(-1)} }

func (r *valueRange) add(v float64) {
	r.lo, r.hi = math.Min(r.lo, v), math.Max(r.hi, v)
}

func (r *valueRange) span() [2]float64 {
	if r.lo > r.hi {
		return [2]float64{}
	}
	return [2]float64{r.lo, r.hi}
}

// unit formats a unit for a figure: " [m/s]", or nothing when unknown.
func unit(u string) string {
	if u == "" {
		return ""
	}
	return " [" + u + "]"
}
