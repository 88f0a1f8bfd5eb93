package data

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"pivsr/piv"
)

// SaveOptions steer SaveHDF5.
type SaveOptions struct {
	// Float32 stores u, v and the Extra fields as float32, half the size.
	// The default is float64: what was computed is what is stored, bit for
	// bit, and a round trip through a file changes nothing. Coordinates and
	// times are float64 either way.
	Float32 bool
	// Force replaces an existing output file (never one of the inputs).
	Force bool
	// Provenance, when set, is recorded as root attributes, and its inputs
	// are protected from being overwritten.
	Provenance *Provenance
}

// SaveHDF5 writes ds to path in the project layout v1 (docs/hdf5-layout.md):
// x, y, u, v, on a grid ([ny,nx], or [T,ny,nx] for a series) or scattered
// ([N] or [T,N]); mask (uint8, 1 = valid) only when some vector is invalid,
// u and v being NaN there; t when ds.T is set; ds.Extra beside u; root
// attributes format="pivsr", version=1, the units, ds.Attrs and the provenance.
// Of ds.Attrs, those SaveHDF5 writes itself are replaced, an earlier file's
// provenance included: it no longer describes this one.
//
// Scattered snapshots that share their positions store x and y as [N];
// otherwise (or when T equals N, which would read back as a grid) x and y are
// [T,N], padded with NaN and a 0 mask where snapshots have fewer points.
//
// The file is written atomically through WriteAtomic: an existing output is
// kept unless opt.Force, an input (ds.Source or a provenance input) is never
// overwritten, and a failed write leaves nothing. Errors name the file.
func SaveHDF5(path string, ds *Dataset, opt SaveOptions) error {
	plan, err := planV1(ds, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var inputs []string
	if ds.Source != "" {
		inputs = append(inputs, ds.Source)
	}
	if opt.Provenance != nil {
		inputs = append(inputs, opt.Provenance.Inputs...)
	}
	return WriteAtomic(path, opt.Force, inputs, func(tmp string) error {
		return withH5(func() error { return plan.write(tmp) })
	})
}

// h5Array is one dataset to write: float values (stored as float32 when
// single) or bytes.
type h5Array struct {
	name   string
	shape  []int
	values []float64
	bytes  []uint8
	single bool
}

// v1Plan is everything SaveHDF5 writes, prepared and checked before any file
// is touched.
type v1Plan struct {
	arrays []h5Array
	attrs  [][2]string // name, value; sorted by name
}

// Attributes SaveHDF5 writes itself, whatever ds.Attrs holds.
var ownAttrs = map[string]bool{
	"format": true, "version": true, "length_unit": true, "velocity_unit": true, "time_unit": true,
	AttrPivsrVersion: true, AttrCommandLine: true, AttrInputs: true, AttrCreated: true,
}

func planV1(ds *Dataset, opt SaveOptions) (*v1Plan, error) {
	if ds == nil || ds.Snapshots() == 0 {
		return nil, errors.New("nothing to write: the dataset holds no snapshot")
	}
	if len(ds.Fields) > 0 && len(ds.Points) > 0 {
		return nil, errors.New("the dataset holds both grid and scattered snapshots; write them to separate files")
	}
	T := ds.Snapshots()
	if ds.T != nil && len(ds.T) != T {
		return nil, fmt.Errorf("%d times for %d snapshots", len(ds.T), T)
	}
	p := &v1Plan{}
	var err error
	if ds.IsGrid() {
		err = p.grid(ds.Fields, opt.Float32)
	} else {
		err = p.scattered(ds.Points, opt.Float32)
	}
	if err != nil {
		return nil, err
	}
	if err := p.extra(ds, opt.Float32); err != nil {
		return nil, err
	}
	if ds.T != nil {
		p.arrays = append(p.arrays, h5Array{name: "t", shape: []int{T}, values: append([]float64(nil), ds.T...)})
	}

	units := ds.Units
	if units == (piv.Units{}) {
		if ds.IsGrid() {
			units = ds.Fields[0].Units
		} else {
			units = ds.Points[0].Units
		}
	}
	attrs := map[string]string{}
	for k, v := range ds.Attrs {
		if k == "" || strings.ContainsRune(k, 0) || strings.ContainsRune(v, 0) {
			return nil, fmt.Errorf("attribute %q = %q: names must be non-empty, and neither may contain a NUL byte", k, v)
		}
		if !ownAttrs[k] {
			attrs[k] = v
		}
	}
	attrs["format"] = "pivsr"
	attrs["length_unit"], attrs["velocity_unit"], attrs["time_unit"] = units.Length, units.Velocity, units.Time
	if opt.Provenance != nil {
		for k, v := range opt.Provenance.Attrs() {
			attrs[k] = v
		}
	}
	for k, v := range attrs {
		p.attrs = append(p.attrs, [2]string{k, v})
	}
	sort.Slice(p.attrs, func(i, j int) bool { return p.attrs[i][0] < p.attrs[j][0] })
	return p, nil
}

// grid plans a grid series; all fields must share one grid.
func (p *v1Plan) grid(fields []*piv.Field, single bool) error {
	g := fields[0].Grid
	if err := g.Validate(); err != nil {
		return err
	}
	T, n := len(fields), g.Len()
	for t, f := range fields {
		if !slices.Equal(f.X, g.X) || !slices.Equal(f.Y, g.Y) {
			return fmt.Errorf("snapshot %d is on another grid than snapshot 0; one file holds one grid", t)
		}
		if len(f.U) != n || len(f.V) != n || (f.Mask != nil && len(f.Mask) != n) {
			return fmt.Errorf("snapshot %d: u has %d values, v %d, mask %d, want %d (ny=%d x nx=%d)", t, len(f.U), len(f.V), len(f.Mask), n, g.NY(), g.NX())
		}
	}
	shape := []int{g.NY(), g.NX()}
	if T > 1 {
		shape = []int{T, g.NY(), g.NX()}
	}
	u, v, mask := make([]float64, T*n), make([]float64, T*n), make([]uint8, T*n)
	invalid := false
	for t, f := range fields {
		for k := 0; k < n; k++ {
			i := t*n + k
			if f.Valid(k) {
				u[i], v[i], mask[i] = f.U[k], f.V[k], 1
			} else {
				u[i], v[i], invalid = math.NaN(), math.NaN(), true
			}
		}
	}
	p.arrays = append(p.arrays,
		h5Array{name: "x", shape: []int{g.NX()}, values: g.X},
		h5Array{name: "y", shape: []int{g.NY()}, values: g.Y},
		h5Array{name: "u", shape: shape, values: u, single: single},
		h5Array{name: "v", shape: shape, values: v, single: single})
	if invalid {
		p.arrays = append(p.arrays, h5Array{name: "mask", shape: shape, bytes: mask})
	}
	return nil
}

// scattered plans a scattered series, snapshot t's point i at t*N+i.
func (p *v1Plan) scattered(points []*piv.Scattered, single bool) error {
	T := len(points)
	shared, N := true, 0
	for t, s := range points {
		if err := s.Check(); err != nil {
			return fmt.Errorf("snapshot %d: %w", t, err)
		}
		N = max(N, s.Len())
		shared = shared && slices.Equal(s.X, points[0].X) && slices.Equal(s.Y, points[0].Y)
	}
	// [N] positions with T == N would read back as a grid: write them [T,N].
	sharedXY := shared && (T == 1 || T != N)
	shape := []int{T, N}
	if T == 1 {
		shape = []int{N}
	}
	u, v, mask := make([]float64, T*N), make([]float64, T*N), make([]uint8, T*N)
	var xs, ys []float64
	if sharedXY {
		xs, ys = points[0].X, points[0].Y
	} else {
		xs, ys = make([]float64, T*N), make([]float64, T*N)
	}
	invalid := false
	for t, s := range points {
		for i := 0; i < N; i++ {
			k := t*N + i
			if i >= s.Len() {
				u[k], v[k], invalid = math.NaN(), math.NaN(), true
				if !sharedXY {
					xs[k], ys[k] = math.NaN(), math.NaN()
				}
				continue
			}
			if !sharedXY {
				xs[k], ys[k] = s.X[i], s.Y[i]
			}
			if finite(s.U[i]) && finite(s.V[i]) {
				u[k], v[k], mask[k] = s.U[i], s.V[i], 1
			} else {
				u[k], v[k], invalid = math.NaN(), math.NaN(), true
			}
		}
	}
	xyShape := shape
	if sharedXY {
		xyShape = []int{N}
	}
	p.arrays = append(p.arrays,
		h5Array{name: "x", shape: xyShape, values: xs},
		h5Array{name: "y", shape: xyShape, values: ys},
		h5Array{name: "u", shape: shape, values: u, single: single},
		h5Array{name: "v", shape: shape, values: v, single: single})
	if invalid {
		p.arrays = append(p.arrays, h5Array{name: "mask", shape: shape, bytes: mask})
	}
	return nil
}

// extra plans ds.Extra, laid out like u.
func (p *v1Plan) extra(ds *Dataset, single bool) error {
	names := make([]string, 0, len(ds.Extra))
	for name := range ds.Extra {
		names = append(names, name)
	}
	sort.Strings(names)
	var shape []int
	for _, a := range p.arrays {
		if a.name == "u" {
			shape = a.shape
		}
	}
	T := ds.Snapshots()
	per := shape[len(shape)-1] // values per snapshot in the file
	if ds.IsGrid() {
		per = ds.Fields[0].Grid.Len()
	}
	for _, name := range names {
		if err := checkExtraName(name); err != nil {
			return err
		}
		snaps := ds.Extra[name]
		if len(snaps) != T {
			return fmt.Errorf("extra field %q has %d snapshots, want %d", name, len(snaps), T)
		}
		vals := make([]float64, T*per)
		for t, s := range snaps {
			want := per
			if !ds.IsGrid() {
				want = ds.Points[t].Len()
			}
			if len(s) != want {
				return fmt.Errorf("extra field %q, snapshot %d: %d values, want %d like u", name, t, len(s), want)
			}
			copy(vals[t*per:], s)
			for i := len(s); i < per; i++ {
				vals[t*per+i] = math.NaN()
			}
		}
		p.arrays = append(p.arrays, h5Array{name: name, shape: shape, values: vals, single: single})
	}
	return nil
}

// checkExtraName refuses names that are not plain HDF5 names, or that a
// reader would take for velocities, coordinates, mask or times.
func checkExtraName(name string) error {
	if name == "" || name == "." || name == ".." {
		return fmt.Errorf("extra field name %q is not a dataset name", name)
	}
	for _, r := range name {
		if r == '/' || r == 0 {
			return fmt.Errorf("extra field name %q contains %q", name, r)
		}
	}
	if reservedName(name) {
		return fmt.Errorf("extra field name %q would be read back as velocity, coordinates, mask or time; rename it", name)
	}
	return nil
}

// write creates the file tmp and writes the plan to it.
func (p *v1Plan) write(tmp string) error {
	loc, err := h5CreateFile(tmp)
	if err != nil {
		return err
	}
	werr := func() error {
		for _, a := range p.arrays {
			var err error
			if a.bytes != nil {
				err = h5WriteUint8(loc, a.name, a.shape, a.bytes)
			} else {
				err = h5WriteFloat64(loc, a.name, a.shape, a.values, a.single)
			}
			if err != nil {
				return err
			}
		}
		if err := h5WriteIntAttr(loc, "version", 1); err != nil {
			return err
		}
		for _, kv := range p.attrs {
			if err := h5WriteStringAttr(loc, kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	}()
	if err := h5CloseFile(loc); err != nil && werr == nil {
		werr = err
	}
	return werr
}
