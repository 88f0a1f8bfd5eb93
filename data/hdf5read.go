package data

import (
	"errors"
	"fmt"
	"math"
	"path"
	"strings"

	"gonum.org/v1/hdf5"

	"pivsr/piv"
)

// LoadHDF5 reads a velocity field, or a time series of them, from an HDF5 file:
// the project layout v1 (docs/hdf5-layout.md), datasets with common foreign
// names (u/v, U/V, ux/uy, vx/vy, velocity_x/velocity_y, "Velocity u", ... at
// the root or one group down), datasets named in opt, or a packed velocity
// array [T,ny,nx,4] with last axis (x, y, u, v). See DetectLayout for the rules.
//
// NaN velocities and vectors whose mask is 0 are missing: on a grid they are
// marked invalid in Field.Mask, scattered ones are dropped. A grid without
// coordinates gets spacing opt.DX and opt.DY (1 when zero) from the origin.
// Errors name the file.
func LoadHDF5(path string, opt LoadOptions) (*Dataset, error) {
	ds, err := loadHDF5(path, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ds.Source = path
	return ds, nil
}

// loadHDF5 is LoadHDF5 with errors that do not name the file.
func loadHDF5(name string, opt LoadOptions) (*Dataset, error) {
	if err := checkReadable(name); err != nil {
		return nil, err
	}
	if ok, err := hasHDF5Signature(name); err != nil {
		return nil, err
	} else if !ok {
		return nil, errors.New("not an HDF5 file (no HDF5 signature)")
	}
	dx, dy, err := spacing(opt)
	if err != nil {
		return nil, err
	}
	var ds *Dataset
	err = withH5(func() error {
		f, err := hdf5.OpenFile(name, hdf5.F_ACC_RDONLY)
		if err != nil {
			return h5Err("cannot open as HDF5 (truncated or corrupted?)")
		}
		defer f.Close()
		r := &h5reader{f: f, dx: dx, dy: dy}
		objs, err := r.list(&f.CommonFG, "/", 0)
		if err != nil {
			return err
		}
		l, err := DetectLayout(objs, opt)
		if err != nil {
			return err
		}
		attrs := h5ReadAttrs(f.ID())
		if ds, err = r.read(l); err != nil {
			return err
		}
		ds.Attrs = attrs
		ds.Units = piv.Units{Length: attrs["length_unit"], Velocity: attrs["velocity_unit"], Time: attrs["time_unit"]}
		for _, fd := range ds.Fields {
			fd.Units = ds.Units
		}
		for _, p := range ds.Points {
			p.Units = ds.Units
		}
		ds.Layout = r.layoutName(l, ds, attrs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ds, nil
}

// spacing returns the grid spacing for files without coordinates.
func spacing(opt LoadOptions) (dx, dy float64, err error) {
	dx, dy = opt.DX, opt.DY
	if dx == 0 {
		dx = 1
	}
	if dy == 0 {
		dy = 1
	}
	if math.IsNaN(dx) || math.IsInf(dx, 0) || math.IsNaN(dy) || math.IsInf(dy, 0) {
		return 0, 0, fmt.Errorf("grid spacing dx=%v, dy=%v: expected finite non-zero numbers", opt.DX, opt.DY)
	}
	return dx, dy, nil
}

// maxObjects bounds how many objects of one group are looked at.
const maxObjects = 4096

type h5reader struct {
	f      *hdf5.File
	dx, dy float64

	transposed bool // arrays were stored [nx,ny] (x along the first axis)
	dropped    int  // scattered vectors dropped as missing
}

// list describes the datasets of group g (named prefix) and, to depth 1, of
// its subgroups. Objects that cannot be opened (dangling links) are skipped.
func (r *h5reader) list(g *hdf5.CommonFG, prefix string, depth int) ([]DatasetInfo, error) {
	n, err := g.NumObjects()
	if err != nil {
		return nil, h5Err("cannot list group " + prefix)
	}
	if n > maxObjects {
		n = maxObjects
	}
	var objs []DatasetInfo
	for i := uint(0); i < n; i++ {
		name, err := g.ObjectNameByIndex(i)
		if err != nil {
			continue
		}
		typ, err := g.ObjectTypeByIndex(i)
		if err != nil {
			continue
		}
		p := path.Join(prefix, name)
		switch typ {
		case hdf5.H5G_DATASET:
			d, err := g.OpenDataset(name)
			if err != nil {
				continue
			}
			info, err := h5DatasetInfo(d.ID(), p)
			d.Close()
			if err != nil {
				return nil, err
			}
			objs = append(objs, info)
		case hdf5.H5G_GROUP:
			if depth > 0 {
				continue
			}
			sub, err := g.OpenGroup(name)
			if err != nil {
				continue
			}
			more, err := r.list(&sub.CommonFG, p, depth+1)
			sub.Close()
			if err != nil {
				return nil, err
			}
			objs = append(objs, more...)
		}
	}
	return objs, nil
}

// floats reads dataset p, which must hold n values.
func (r *h5reader) floats(p string, n int) ([]float64, error) {
	d, err := r.f.OpenDataset(p)
	if err != nil {
		return nil, h5Err("cannot open dataset " + p)
	}
	defer d.Close()
	out := make([]float64, n)
	if err := h5ReadFloat64(d.ID(), p, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *h5reader) flags(p string, n int) ([]bool, error) {
	d, err := r.f.OpenDataset(p)
	if err != nil {
		return nil, h5Err("cannot open dataset " + p)
	}
	defer d.Close()
	out := make([]bool, n)
	if err := h5ReadFlags(d.ID(), p, out); err != nil {
		return nil, err
	}
	return out, nil
}

func (r *h5reader) read(l *Layout) (*Dataset, error) {
	if l.Kind == LayoutPacked {
		return r.readPacked(l)
	}
	return r.readNamed(l)
}

// readNamed reads a LayoutNamed file.
func (r *h5reader) readNamed(l *Layout) (*Dataset, error) {
	n, err := elements(l.Shape)
	if err != nil {
		return nil, err
	}
	u, err := r.floats(l.U, n)
	if err != nil {
		return nil, err
	}
	v, err := r.floats(l.V, n)
	if err != nil {
		return nil, err
	}
	var mask []bool
	if l.Mask != "" {
		if mask, err = r.flags(l.Mask, n); err != nil {
			return nil, err
		}
	}
	extra := map[string][]float64{}
	for _, p := range l.Extra {
		if extra[path.Base(p)], err = r.floats(p, n); err != nil {
			return nil, err
		}
	}
	var xs, ys []float64
	if l.Coords != CoordsNone {
		per := l.Shape[len(l.Shape)-1]
		switch l.Coords {
		case CoordsAxes:
			if xs, err = r.floats(l.X, l.Shape[len(l.Shape)-1]); err != nil {
				return nil, err
			}
			per = l.Shape[len(l.Shape)-2]
		case CoordsMesh:
			per = l.Shape[len(l.Shape)-2] * l.Shape[len(l.Shape)-1]
			if xs, err = r.floats(l.X, per); err != nil {
				return nil, err
			}
		default:
			if xs, err = r.floats(l.X, per); err != nil {
				return nil, err
			}
		}
		if ys, err = r.floats(l.Y, per); err != nil {
			return nil, err
		}
	}
	ds := &Dataset{}
	s := l.Shape
	switch {
	case l.Scattered:
		err = r.scattered(ds, l, xs, ys, u, v, mask, extra, len(xs) != len(u))
	case l.Coords == CoordsMesh:
		var g piv.Grid
		g, r.transposed, err = gridFromMesh(xs, ys, s[len(s)-2], s[len(s)-1])
		switch {
		case err != nil && len(s) == 2:
			// Not a rectilinear grid: per-snapshot positions of a scattered series.
			l.Scattered, l.Snapshots = true, s[0]
			err = r.scattered(ds, l, xs, ys, u, v, mask, extra, false)
		case err != nil:
			err = fmt.Errorf("coordinates %s and %s: %w", l.X, l.Y, err)
		default:
			err = r.grid(ds, l, g, u, v, mask, extra)
		}
	case l.Coords == CoordsAxes:
		g := piv.Grid{X: xs, Y: ys}
		err = g.Validate()
		switch {
		case err != nil && len(s) == 2 && s[0] == s[1]:
			// [T,N] with T == N and x, y [N] fit too: not axes, so positions.
			l.Scattered, l.Coords, l.Snapshots = true, CoordsPoints, s[0]
			err = r.scattered(ds, l, xs, ys, u, v, mask, extra, true)
		case err != nil:
			err = fmt.Errorf("coordinates %s and %s: %w", l.X, l.Y, err)
		default:
			err = r.grid(ds, l, g, u, v, mask, extra)
		}
	default:
		ny, nx := s[len(s)-2], s[len(s)-1]
		err = r.grid(ds, l, piv.UniformGrid(nx, ny, 0, 0, r.dx, r.dy), u, v, mask, extra)
	}
	if err != nil {
		return nil, err
	}
	if l.T != "" {
		// Read last: for some shapes only the values tell the number of snapshots.
		if ds.T, err = r.floats(l.T, ds.Snapshots()); err != nil {
			return nil, fmt.Errorf("times %s: %w (one per snapshot)", l.T, err)
		}
	}
	return ds, nil
}

// grid splits u, v, mask and extras into snapshots on g, transposing them
// when they were stored with x along the first axis.
func (r *h5reader) grid(ds *Dataset, l *Layout, g piv.Grid, u, v []float64, mask []bool, extra map[string][]float64) error {
	per := g.Len()
	T := len(u) / per
	for t := 0; t < T; t++ {
		f := &piv.Field{Grid: g, U: r.snapshot(u, t, g), V: r.snapshot(v, t, g)}
		if mask != nil {
			m := mask[t*per : (t+1)*per]
			if r.transposed {
				m = transposeBools(m, g.NX(), g.NY())
			}
			f.Mask = append([]bool(nil), m...)
		}
		f.MaskNonFinite()
		if f.NumValid() == 0 {
			return noValid(l.U, l.V, t, T)
		}
		ds.Fields = append(ds.Fields, f)
	}
	for name, vals := range extra {
		if ds.Extra == nil {
			ds.Extra = map[string][][]float64{}
		}
		for t := 0; t < T; t++ {
			ds.Extra[name] = append(ds.Extra[name], r.snapshot(vals, t, g))
		}
	}
	return nil
}

// snapshot returns snapshot t of a [T,ny,nx] array (or [T,nx,ny] when transposed).
func (r *h5reader) snapshot(a []float64, t int, g piv.Grid) []float64 {
	per := g.Len()
	s := a[t*per : (t+1)*per : (t+1)*per]
	if r.transposed {
		return transpose(s, g.NX(), g.NY())
	}
	return s
}

func noValid(u, v string, t, T int) error {
	if T == 1 {
		return fmt.Errorf("%s and %s hold no valid vectors (all NaN or masked out)", u, v)
	}
	return fmt.Errorf("%s and %s hold no valid vectors in snapshot %d of %d (all NaN or masked out)", u, v, t, T)
}

// scattered splits [N] or [T,N] arrays into snapshots, keeping the vectors with
// finite positions and velocities and a set mask. sharedXY says whether x and
// y are [N], shared by all snapshots, rather than [T,N].
func (r *h5reader) scattered(ds *Dataset, l *Layout, xs, ys, u, v []float64, mask []bool, extra map[string][]float64, sharedXY bool) error {
	N := l.Shape[len(l.Shape)-1]
	T := len(u) / N
	for t := 0; t < T; t++ {
		p := &piv.Scattered{}
		var keep []int
		for i := 0; i < N; i++ {
			k := t*N + i
			pk := k
			if sharedXY {
				pk = i
			}
			x, y := xs[pk], ys[pk]
			if (mask != nil && !mask[k]) || !finite(x) || !finite(y) || !finite(u[k]) || !finite(v[k]) {
				r.dropped++
				continue
			}
			keep = append(keep, k)
			p.X, p.Y = append(p.X, x), append(p.Y, y)
			p.U, p.V = append(p.U, u[k]), append(p.V, v[k])
		}
		if len(keep) == 0 {
			return noValid(l.U, l.V, t, T)
		}
		ds.Points = append(ds.Points, p)
		for name, vals := range extra {
			if ds.Extra == nil {
				ds.Extra = map[string][][]float64{}
			}
			e := make([]float64, len(keep))
			for i, k := range keep {
				e[i] = vals[k]
			}
			ds.Extra[name] = append(ds.Extra[name], e)
		}
	}
	return nil
}

// readPacked reads a packed [T,ny,nx,4] array whose last axis is (x, y, u, v).
func (r *h5reader) readPacked(l *Layout) (*Dataset, error) {
	n, err := elements(l.Shape)
	if err != nil {
		return nil, err
	}
	a, err := r.floats(l.Packed, n)
	if err != nil {
		return nil, err
	}
	s := l.Shape
	na, nb := s[len(s)-3], s[len(s)-2]
	per := na * nb
	T := n / (4 * per)
	component := func(t, c int) []float64 {
		out := make([]float64, per)
		for k := range out {
			out[k] = a[(t*per+k)*4+c]
		}
		return out
	}
	xm, ym := component(0, 0), component(0, 1)
	g, transposed, err := gridFromMesh(xm, ym, na, nb)
	if err != nil {
		return nil, fmt.Errorf("packed velocity %s: coordinates (last axis 0 and 1): %w", l.Packed, err)
	}
	r.transposed = transposed
	tolX, tolY := meshTolerance(xm), meshTolerance(ym)
	ds := &Dataset{}
	for t := 0; t < T; t++ {
		if t > 0 {
			for k := 0; k < per; k++ {
				x, y := a[(t*per+k)*4], a[(t*per+k)*4+1]
				if !(math.Abs(x-xm[k]) <= tolX) || !(math.Abs(y-ym[k]) <= tolY) {
					return nil, fmt.Errorf("packed velocity %s: position (%v, %v) at snapshot %d, point %d differs from (%v, %v) in snapshot 0; expected one grid for all snapshots",
						l.Packed, x, y, t, k, xm[k], ym[k])
				}
			}
		}
		u, v := component(t, 2), component(t, 3)
		if transposed {
			u, v = transpose(u, g.NX(), g.NY()), transpose(v, g.NX(), g.NY())
		}
		f := &piv.Field{Grid: g, U: u, V: v}
		f.MaskNonFinite()
		if f.NumValid() == 0 {
			return nil, noValid(l.Packed+"[...,2]", l.Packed+"[...,3]", t, T)
		}
		ds.Fields = append(ds.Fields, f)
	}
	return ds, nil
}

// meshTolerance is how far meshgrid coordinates may stray from their axis
// value: a millionth of their span (float32 copies of one axis agree exactly;
// this forgives rounding in files computed rather than copied).
func meshTolerance(c []float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range c {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if !(hi > lo) {
		return 0
	}
	return 1e-6 * (hi - lo)
}

// gridFromMesh recovers the axes of meshgrid coordinates xm, ym shaped
// [na, nb]. Usually x varies along the second axis and y along the first
// (xy order, [ny,nx]); if instead x varies along the first axis (MATLAB's
// ij order, arrays [nx,ny]) transposed is true and the arrays of values must
// be transposed to the project's [ny,nx].
func gridFromMesh(xm, ym []float64, na, nb int) (g piv.Grid, transposed bool, err error) {
	tolX, tolY := meshTolerance(xm), meshTolerance(ym)
	near := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
	// xy order: xm[a,b] = x[b], ym[a,b] = y[a].
	xy := true
	for a := 0; a < na && xy; a++ {
		for b := 0; b < nb; b++ {
			if !near(xm[a*nb+b], xm[b], tolX) || !near(ym[a*nb+b], ym[a*nb], tolY) {
				xy = false
				break
			}
		}
	}
	if xy {
		g = piv.Grid{X: make([]float64, nb), Y: make([]float64, na)}
		copy(g.X, xm[:nb])
		for a := range g.Y {
			g.Y[a] = ym[a*nb]
		}
		if err := g.Validate(); err == nil {
			return g, false, nil
		} else if na > 1 && nb > 1 {
			return piv.Grid{}, false, err
		}
	}
	// ij order: xm[a,b] = x[a], ym[a,b] = y[b].
	for a := 0; a < na; a++ {
		for b := 0; b < nb; b++ {
			if !near(xm[a*nb+b], xm[a*nb], tolX) || !near(ym[a*nb+b], ym[b], tolY) {
				return piv.Grid{}, false, fmt.Errorf("x and y %v are not a rectilinear grid: expected x to vary along one axis only and y along the other", shapeString([]int{na, nb}))
			}
		}
	}
	g = piv.Grid{X: make([]float64, na), Y: make([]float64, nb)}
	for a := range g.X {
		g.X[a] = xm[a*nb]
	}
	copy(g.Y, ym[:nb])
	if err := g.Validate(); err != nil {
		return piv.Grid{}, false, err
	}
	return g, true, nil
}

// transpose turns an [nx,ny] array (x along the first axis) into the
// project's row-major [ny,nx].
func transpose(a []float64, nx, ny int) []float64 {
	out := make([]float64, len(a))
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			out[j*nx+i] = a[i*ny+j]
		}
	}
	return out
}

func transposeBools(a []bool, nx, ny int) []bool {
	out := make([]bool, len(a))
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			out[j*nx+i] = a[i*ny+j]
		}
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// layoutName describes what was detected, for Dataset.Layout.
func (r *h5reader) layoutName(l *Layout, ds *Dataset, attrs map[string]string) string {
	var b strings.Builder
	switch {
	case l.Kind == LayoutPacked:
		fmt.Fprintf(&b, "packed velocity %s %v, last axis (x, y, u, v) (%s", l.Packed, shapeString(l.Shape), geometry(ds))
	case l.U == "/u" && l.V == "/v" && attrs["format"] == "pivsr":
		fmt.Fprintf(&b, "pivsr v%s (%s", orDefault(attrs["version"], "1"), geometry(ds))
	default:
		fmt.Fprintf(&b, "named datasets %s %s (%s", l.U, l.V, geometry(ds))
	}
	switch {
	case l.Kind == LayoutPacked:
	case l.Coords == CoordsNone:
		fmt.Fprintf(&b, ", no coordinates: spacing %g x %g", r.dx, r.dy)
	case l.X != path.Join(path.Dir(l.U), "x") || l.Y != path.Join(path.Dir(l.U), "y"):
		fmt.Fprintf(&b, ", coordinates %s %s", l.X, l.Y)
	}
	if l.Coords == CoordsMesh && !l.Scattered {
		b.WriteString(", meshgrid coordinates")
	}
	if r.transposed {
		b.WriteString(", stored with x along the first axis: transposed")
	}
	if r.dropped > 0 {
		fmt.Fprintf(&b, ", %d missing vectors dropped", r.dropped)
	}
	b.WriteString(")")
	if len(l.Unused) > 0 {
		fmt.Fprintf(&b, "; also found %s (choose with --u and --v)", strings.Join(l.Unused, ", "))
	}
	return b.String()
}

// geometry is a short summary of what was read.
func geometry(ds *Dataset) string {
	T := ds.Snapshots()
	if ds.IsGrid() {
		g := ds.Fields[0].Grid
		if T == 1 {
			return fmt.Sprintf("grid nx=%d ny=%d", g.NX(), g.NY())
		}
		return fmt.Sprintf("grid time series T=%d nx=%d ny=%d", T, g.NX(), g.NY())
	}
	n := 0
	for _, p := range ds.Points {
		n = max(n, p.Len())
	}
	if T == 1 {
		return fmt.Sprintf("scattered N=%d", n)
	}
	return fmt.Sprintf("scattered time series T=%d N<=%d", T, n)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
