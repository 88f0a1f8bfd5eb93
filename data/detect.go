package data

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
)

// MaxElements is the largest number of values one dataset may hold before the
// reader refuses it: 2^28 values are 2 GiB as float64, already more than a
// workstation wants for one velocity component. Checked on declared shapes,
// before anything is allocated.
const MaxElements = 1 << 28

// TypeClass is the kind of an HDF5 element type, as far as loading cares.
type TypeClass int

const (
	ClassOther    TypeClass = iota // compound, reference, opaque, vlen, array, time
	ClassInteger                   // signed or unsigned integers
	ClassFloat                     // IEEE floating point
	ClassString                    // fixed or variable-length strings
	ClassEnum                      // enumerations (h5py stores bool as an int8 enum)
	ClassBitfield                  // bit fields
)

// ElemType describes the element type of an HDF5 dataset.
type ElemType struct {
	Class    TypeClass
	Size     int  // bytes per element
	Unsigned bool // integers only
}

// Numeric reports whether values can be read as float64 (integers and floats).
func (e ElemType) Numeric() bool { return e.Class == ClassInteger || e.Class == ClassFloat }

func (e ElemType) String() string {
	switch e.Class {
	case ClassFloat:
		return fmt.Sprintf("float%d", 8*e.Size)
	case ClassInteger:
		if e.Unsigned {
			return fmt.Sprintf("uint%d", 8*e.Size)
		}
		return fmt.Sprintf("int%d", 8*e.Size)
	case ClassString:
		return "string"
	case ClassEnum:
		return fmt.Sprintf("enum%d", 8*e.Size)
	case ClassBitfield:
		return fmt.Sprintf("bitfield%d", 8*e.Size)
	}
	return "non-numeric"
}

// DatasetInfo describes one dataset of an HDF5 file: all that layout detection
// looks at, so that detection needs no file.
type DatasetInfo struct {
	Path  string // absolute, e.g. "/u" or "/run1/ux"
	Type  ElemType
	Shape []int // nil for a scalar; a zero extent for an empty dataset
}

func (d DatasetInfo) String() string {
	return fmt.Sprintf("%s %v %s", d.Path, shapeString(d.Shape), d.Type)
}

// LayoutKind tells how velocities are stored.
type LayoutKind int

const (
	// LayoutNamed is one dataset per component (u and v, ux and uy, ...), the
	// project layout v1 included.
	LayoutNamed LayoutKind = iota
	// LayoutPacked is one array [T,ny,nx,4] (or [ny,nx,4]) whose last axis
	// holds (x, y, u, v).
	LayoutPacked
)

// CoordKind tells how the coordinates of a LayoutNamed file are stored.
type CoordKind int

const (
	CoordsNone   CoordKind = iota // a grid without coordinates: spacing DX, DY from LoadOptions
	CoordsAxes                    // x [nx] and y [ny]
	CoordsMesh                    // x and y shaped like one snapshot of u [a,b]: a meshgrid, or per-snapshot positions of a scattered series
	CoordsPoints                  // scattered: x and y [N]
)

// Layout is what DetectLayout found: which datasets hold what, and their shapes.
type Layout struct {
	Kind LayoutKind
	// U and V are the velocity datasets (LayoutNamed); Packed the packed array.
	U, V, Packed string
	// X, Y, Mask and T are the optional coordinate, mask and time datasets ("" when absent).
	X, Y, Mask, T string
	Coords        CoordKind
	// Shape is the shape of u (LayoutNamed) or of the packed array (LayoutPacked).
	Shape []int
	// Scattered is true for [N] and [T,N] velocities with [N] coordinates. With
	// CoordsMesh on a rank-2 u it is decided by the reader from the values.
	Scattered bool
	// Snapshots is the number of snapshots (T), 1 for a single field.
	Snapshots int
	// Extra lists other numeric datasets beside u shaped exactly like u
	// (vorticity, divergence, ...), sorted by path.
	Extra []string
	// Unused lists other velocity candidates that were found and not used, so
	// that a user can pick them with LoadOptions.UName and VName.
	Unused []string
}

// velocityPairs are the component names recognised, compared after
// normalizeName, in order of preference within one group.
var velocityPairs = [][2]string{
	{"u", "v"},
	{"ux", "uy"},
	{"vx", "vy"},
	{"velocityx", "velocityy"},
	{"velx", "vely"},
	{"xvelocity", "yvelocity"},
	{"velocityu", "velocityv"},
	{"velu", "velv"},
	{"uvel", "vvel"},
}

var (
	coordPairs = [][2]string{
		{"x", "y"}, {"xcoord", "ycoord"}, {"xcoords", "ycoords"}, {"xcoordinate", "ycoordinate"},
		{"xcoordinates", "ycoordinates"}, {"xgrid", "ygrid"}, {"xpos", "ypos"}, {"gridx", "gridy"},
	}
	maskNames   = []string{"mask", "valid", "validmask", "isvalid", "flags"}
	timeNames   = []string{"t", "time", "times"}
	packedNames = []string{"velocity", "velocities", "vel", "uv", "xyuv"}
)

// reservedName reports whether a dataset name is one detection recognises
// (velocity components, coordinates, mask, times, packed velocity), so that
// it can be neither an extra field on reading nor written as one.
func reservedName(p string) bool {
	n := normalizeName(p)
	for _, set := range [][]string{maskNames, timeNames, packedNames} {
		for _, r := range set {
			if n == r {
				return true
			}
		}
	}
	for _, pairs := range [][][2]string{velocityPairs, coordPairs} {
		for _, pair := range pairs {
			if n == pair[0] || n == pair[1] {
				return true
			}
		}
	}
	return false
}

// normalizeName reduces a dataset's base name to lower-case letters and digits,
// dropping bracketed units: "Velocity u", "velocity_u" and "Velocity-U [m s-1]"
// all become "velocityu".
func normalizeName(p string) string {
	base := path.Base(p)
	var b strings.Builder
	depth := 0
	for _, r := range strings.ToLower(base) {
		switch {
		case r == '[' || r == '(':
			depth++
		case r == ']' || r == ')':
			if depth > 0 {
				depth--
			}
		case depth > 0:
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// DetectLayout decides, from dataset descriptions alone, which datasets hold
// the velocity components, coordinates, mask and times. With opt.UName and
// opt.VName (and opt.XName, opt.YName) it uses the datasets named; otherwise it
// looks, at the root first and then in each group by path, for a pair of
// component names (u/v, ux/uy, vx/vy, velocity_x/velocity_y, "Velocity u"/
// "Velocity v", ..., case and punctuation ignored), and then for a packed
// velocity [T,ny,nx,4]. Shapes are checked against each other, and against
// MaxElements before anything is read.
func DetectLayout(objs []DatasetInfo, opt LoadOptions) (*Layout, error) {
	c := catalog{objs: objs}
	if opt.UName != "" || opt.VName != "" {
		return c.named(opt)
	}
	if l, err := c.autoNamed(opt); l != nil || err != nil {
		return l, err
	}
	if l, err := c.autoPacked(); l != nil || err != nil {
		return l, err
	}
	return nil, c.noVelocity()
}

type catalog struct{ objs []DatasetInfo }

// groups returns the distinct parent groups, root first, then by depth and path.
func (c catalog) groups() []string {
	seen := map[string]bool{}
	var gs []string
	for _, o := range c.objs {
		g := path.Dir(cleanPath(o.Path))
		if !seen[g] {
			seen[g] = true
			gs = append(gs, g)
		}
	}
	sort.Slice(gs, func(i, j int) bool {
		di, dj := strings.Count(gs[i], "/"), strings.Count(gs[j], "/")
		if gs[i] == "/" || gs[j] == "/" {
			return gs[i] == "/" && gs[j] != "/"
		}
		if di != dj {
			return di < dj
		}
		return gs[i] < gs[j]
	})
	return gs
}

// inGroup returns the first dataset (by path) of group g whose normalized name
// is name.
func (c catalog) inGroup(g, name string) (DatasetInfo, bool) {
	var best DatasetInfo
	found := false
	for _, o := range c.objs {
		p := cleanPath(o.Path)
		if path.Dir(p) != g || normalizeName(p) != name {
			continue
		}
		if !found || p < cleanPath(best.Path) {
			best, found = o, true
		}
	}
	return best, found
}

// lookup resolves a user-given dataset name: an exact path ("/grp/ux" or
// "grp/ux"), or a base name found in exactly one group.
func (c catalog) lookup(what, name string) (DatasetInfo, error) {
	want := cleanPath(name)
	for _, o := range c.objs {
		if cleanPath(o.Path) == want {
			return o, nil
		}
	}
	var hits []DatasetInfo
	if !strings.Contains(strings.Trim(name, "/"), "/") {
		for _, o := range c.objs {
			if path.Base(cleanPath(o.Path)) == strings.Trim(name, "/") {
				hits = append(hits, o)
			}
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return DatasetInfo{}, fmt.Errorf("no dataset %q for %s: found %s", name, what, c.listing())
	}
	var ps []string
	for _, h := range hits {
		ps = append(ps, cleanPath(h.Path))
	}
	sort.Strings(ps)
	return DatasetInfo{}, fmt.Errorf("dataset name %q for %s is ambiguous: %s; give the full path", name, what, strings.Join(ps, ", "))
}

func (c catalog) named(opt LoadOptions) (*Layout, error) {
	if opt.UName != "" && opt.VName == "" {
		u, err := c.lookup("u", opt.UName)
		if err != nil {
			return nil, err
		}
		if isPackedShape(u.Shape) {
			return packedLayout(u)
		}
		return nil, fmt.Errorf("--u %s given without --v: name both velocity components (or a packed [T,ny,nx,4] array alone)", opt.UName)
	}
	if opt.UName == "" {
		return nil, fmt.Errorf("--v %s given without --u: name both velocity components", opt.VName)
	}
	u, err := c.lookup("u", opt.UName)
	if err != nil {
		return nil, err
	}
	v, err := c.lookup("v", opt.VName)
	if err != nil {
		return nil, err
	}
	return c.namedLayout(u, v, opt)
}

func (c catalog) autoNamed(opt LoadOptions) (*Layout, error) {
	var l *Layout
	for _, g := range c.groups() {
		for _, pair := range velocityPairs {
			u, okU := c.inGroup(g, pair[0])
			v, okV := c.inGroup(g, pair[1])
			if !okU || !okV {
				continue
			}
			if l != nil {
				l.Unused = append(l.Unused, cleanPath(u.Path)+" "+cleanPath(v.Path))
				continue
			}
			var err error
			if l, err = c.namedLayout(u, v, opt); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

func (c catalog) autoPacked() (*Layout, error) {
	for _, g := range c.groups() {
		for _, name := range packedNames {
			o, ok := c.inGroup(g, name)
			if ok && isPackedShape(o.Shape) {
				return packedLayout(o)
			}
		}
	}
	return nil, nil
}

func isPackedShape(s []int) bool {
	return (len(s) == 3 || len(s) == 4) && s[len(s)-1] == 4
}

func packedLayout(o DatasetInfo) (*Layout, error) {
	if err := checkValues("packed velocity", o); err != nil {
		return nil, err
	}
	if !isPackedShape(o.Shape) {
		return nil, fmt.Errorf("packed velocity %s is %v, expected [T,ny,nx,4] or [ny,nx,4] with last axis (x, y, u, v)", cleanPath(o.Path), shapeString(o.Shape))
	}
	l := &Layout{Kind: LayoutPacked, Packed: cleanPath(o.Path), Shape: append([]int(nil), o.Shape...), Snapshots: 1}
	if len(o.Shape) == 4 {
		l.Snapshots = o.Shape[0]
	}
	return l, nil
}

// checkValues checks that a dataset holds numbers, is not empty and not too big.
func checkValues(what string, o DatasetInfo) error {
	p := cleanPath(o.Path)
	if !o.Type.Numeric() {
		return fmt.Errorf("%s %s holds %s values, expected numbers (float or integer)", what, p, o.Type)
	}
	n, err := elements(o.Shape)
	if err != nil {
		return fmt.Errorf("%s %s %v: %w", what, p, shapeString(o.Shape), err)
	}
	if n == 0 {
		return fmt.Errorf("%s %s is empty (shape %v)", what, p, shapeString(o.Shape))
	}
	return nil
}

var errTooBig = errors.New("too many values")

// elements is the product of a shape, refused above MaxElements without overflowing.
func elements(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative extent %d", d)
		}
		if d == 0 {
			return 0, nil
		}
		if n > MaxElements/d {
			return 0, fmt.Errorf("%w: more than the %d values (2^28) this reader accepts per dataset", errTooBig, MaxElements)
		}
		n *= d
	}
	return n, nil
}

func (c catalog) namedLayout(u, v DatasetInfo, opt LoadOptions) (*Layout, error) {
	if err := checkValues("u", u); err != nil {
		return nil, err
	}
	if err := checkValues("v", v); err != nil {
		return nil, err
	}
	up, vp := cleanPath(u.Path), cleanPath(v.Path)
	if up == vp {
		return nil, fmt.Errorf("u and v name the same dataset %s", up)
	}
	if !slices.Equal(u.Shape, v.Shape) {
		return nil, fmt.Errorf("u %s %v and v %s %v differ in shape", up, shapeString(u.Shape), vp, shapeString(v.Shape))
	}
	if len(u.Shape) == 0 || len(u.Shape) > 3 {
		return nil, fmt.Errorf("u %s is %v: expected [ny,nx] or [T,ny,nx] on a grid, [N] or [T,N] scattered", up, shapeString(u.Shape))
	}
	l := &Layout{Kind: LayoutNamed, U: up, V: vp, Shape: append([]int(nil), u.Shape...), Snapshots: 1}
	if len(u.Shape) == 3 {
		l.Snapshots = u.Shape[0]
	}
	g := path.Dir(up)

	x, y, err := c.coordinates(g, opt)
	if err != nil {
		return nil, err
	}
	if err := l.fitCoordinates(x, y); err != nil {
		return nil, err
	}
	if l.Scattered && len(u.Shape) == 2 {
		l.Snapshots = u.Shape[0]
	}
	if l.Coords == CoordsNone && opt.XName == "" {
		if _, ok := c.inGroup(g, "x"); ok {
			return nil, fmt.Errorf("found x in %s but no y", g)
		}
		if _, ok := c.inGroup(g, "y"); ok {
			return nil, fmt.Errorf("found y in %s but no x", g)
		}
	}

	used := map[string]bool{up: true, vp: true, l.X: true, l.Y: true}
	for _, name := range maskNames {
		m, ok := c.inGroup(g, name)
		if !ok {
			continue
		}
		mp := cleanPath(m.Path)
		if !slices.Equal(m.Shape, u.Shape) {
			return nil, fmt.Errorf("mask %s %v does not match u %v", mp, shapeString(m.Shape), shapeString(u.Shape))
		}
		if !m.Type.Numeric() && m.Type.Class != ClassEnum && m.Type.Class != ClassBitfield {
			return nil, fmt.Errorf("mask %s holds %s values, expected uint8 (1 = valid, 0 = missing)", mp, m.Type)
		}
		l.Mask, used[mp] = mp, true
		break
	}
	for _, name := range timeNames {
		t, ok := c.inGroup(g, name)
		if !ok {
			continue
		}
		tp := cleanPath(t.Path)
		n, _ := elements(t.Shape)
		// A square rank-2 u, or one with meshgrid coordinates, may still turn
		// out to be a scattered series [T,N]: the values will tell.
		maybeSeries := len(u.Shape) == 2 && n == u.Shape[0] && (l.Coords == CoordsMesh || (l.Coords == CoordsAxes && u.Shape[0] == u.Shape[1]))
		if len(t.Shape) > 1 || !t.Type.Numeric() || (n != l.Snapshots && !maybeSeries) {
			return nil, fmt.Errorf("times %s %v %s do not match the %d snapshot(s) of u %v: expected float64 [%d]", tp, shapeString(t.Shape), t.Type, l.Snapshots, shapeString(u.Shape), l.Snapshots)
		}
		l.T, used[tp] = tp, true
		break
	}
	for _, o := range c.objs {
		p := cleanPath(o.Path)
		if path.Dir(p) == g && !used[p] && !reservedName(p) && o.Type.Numeric() && slices.Equal(o.Shape, u.Shape) {
			l.Extra = append(l.Extra, p)
		}
	}
	sort.Strings(l.Extra)
	return l, nil
}

// coordinates finds the coordinate datasets: those named in opt, else the
// first recognised pair in group g.
func (c catalog) coordinates(g string, opt LoadOptions) (x, y *DatasetInfo, err error) {
	if opt.XName != "" || opt.YName != "" {
		if opt.XName == "" || opt.YName == "" {
			return nil, nil, errors.New("name both coordinate datasets (--x and --y), or neither")
		}
		xo, err := c.lookup("x", opt.XName)
		if err != nil {
			return nil, nil, err
		}
		yo, err := c.lookup("y", opt.YName)
		if err != nil {
			return nil, nil, err
		}
		return &xo, &yo, nil
	}
	for _, pair := range coordPairs {
		xo, okX := c.inGroup(g, pair[0])
		yo, okY := c.inGroup(g, pair[1])
		if okX && okY {
			return &xo, &yo, nil
		}
	}
	return nil, nil, nil
}

// fitCoordinates matches coordinate shapes against u's and sets Coords and Scattered.
func (l *Layout) fitCoordinates(x, y *DatasetInfo) error {
	s := l.Shape
	if x == nil {
		if len(s) == 1 {
			return fmt.Errorf("u %s %v looks scattered (one value per point) but there are no coordinates x and y [%d]", l.U, shapeString(s), s[0])
		}
		l.Coords = CoordsNone
		return nil
	}
	xp, yp := cleanPath(x.Path), cleanPath(y.Path)
	for _, o := range []*DatasetInfo{x, y} {
		if err := checkValues("coordinate", *o); err != nil {
			return err
		}
	}
	l.X, l.Y = xp, yp
	xs, ys := x.Shape, y.Shape
	last := s[len(s)-1]
	switch {
	case len(s) == 1 && slices.Equal(xs, s) && slices.Equal(ys, s):
		l.Coords, l.Scattered = CoordsPoints, true
	case len(s) >= 2 && slices.Equal(xs, []int{last}) && slices.Equal(ys, []int{s[len(s)-2]}):
		l.Coords = CoordsAxes // preferred over [T,N] when T == N
	case len(s) == 2 && slices.Equal(xs, []int{last}) && slices.Equal(ys, []int{last}):
		l.Coords, l.Scattered = CoordsPoints, true
	case len(s) >= 2 && slices.Equal(xs, s[len(s)-2:]) && slices.Equal(ys, s[len(s)-2:]):
		l.Coords = CoordsMesh
	default:
		return fmt.Errorf("coordinates x %s %v and y %s %v do not fit u %s %v: %s", xp, shapeString(xs), yp, shapeString(ys), l.U, shapeString(s), expectedCoords(s))
	}
	return nil
}

func expectedCoords(s []int) string {
	switch len(s) {
	case 1:
		return fmt.Sprintf("expected x and y [%d]", s[0])
	case 2:
		return fmt.Sprintf("expected x [%d] and y [%d] (grid), x and y [%d %d] (meshgrid), or x and y [%d] (scattered [T,N])", s[1], s[0], s[0], s[1], s[1])
	}
	return fmt.Sprintf("expected x [%d] and y [%d], or x and y [%d %d] (meshgrid)", s[2], s[1], s[1], s[2])
}

// noVelocity is the error for a file without recognisable velocity datasets.
func (c catalog) noVelocity() error {
	return fmt.Errorf("no velocity datasets: found %s; expected u and v (or ux/uy, vx/vy, velocity_x/velocity_y, U/V), "+
		"or a packed velocity [T,ny,nx,4] with last axis (x, y, u, v); name them with --u and --v", c.listing())
}

// listing describes the datasets found, at most 12 of them.
func (c catalog) listing() string {
	if len(c.objs) == 0 {
		return "no datasets"
	}
	objs := append([]DatasetInfo(nil), c.objs...)
	sort.Slice(objs, func(i, j int) bool { return cleanPath(objs[i].Path) < cleanPath(objs[j].Path) })
	const most = 12
	var parts []string
	for i, o := range objs {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(objs)-most))
			break
		}
		o.Path = cleanPath(o.Path)
		parts = append(parts, o.String())
	}
	return strings.Join(parts, ", ")
}

func cleanPath(p string) string { return path.Clean("/" + p) }

func shapeString(s []int) string {
	if len(s) == 0 {
		return "[]"
	}
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
