package pivfmt

import (
	"errors"
	"fmt"
	"math"

	"pivsr/piv"
)

// Layout names reported in Result.Layout.
const (
	LayoutVec     = "TSI Insight .vec"
	LayoutColumns = "x y u v columns"
	LayoutFlo     = "Middlebury .flo"
)

// Result is one vector field read from a file: on a grid (Field) when the
// vector positions form a rectilinear lattice, otherwise as scattered points
// (Points, valid vectors only). Exactly one of Field and Points is set.
type Result struct {
	Field  *piv.Field
	Points *piv.Scattered
	Units  piv.Units // also set on Field or Points
	Layout string    // one of the Layout constants
}

// Limits that keep hostile input from exhausting memory. maxVectors is a
// variable so that tests can lower it.
var maxVectors = 1 << 24

const (
	maxLineBytes   = 1 << 20 // longest text line
	maxColumns     = 1024    // most values on one data line
	maxHeaderLines = 10000   // most non-data lines before the first vector
	maxFloPixels   = 1 << 28 // largest .flo width*height accepted
	// latticeTol is the relative tolerance, in grid spacings, within which
	// coordinates printed by an exporter count as one grid line.
	latticeTol = 0.01
)

// result turns the vectors read from a text table into a Result: a grid when
// their positions form a lattice (the one ZONE declares, if any), scattered
// valid vectors otherwise.
func (t *table) result(layout string) (*Result, error) {
	n := len(t.x)
	valid := t.validity()
	units := t.units()
	if z := t.zone; z != nil && n != z.i*z.j {
		msg := fmt.Errorf("ZONE I=%d, J=%d on line %d promises %d vectors, found %d", z.i, z.j, z.line, z.i*z.j, n)
		if n < z.i*z.j {
			return nil, fmt.Errorf("%w (truncated file?)", msg)
		}
		return nil, msg
	}

	g, node, err := piv.FitLattice(t.x, t.y, latticeTol)
	var dup *piv.DuplicatePointError
	switch {
	case errors.As(err, &dup):
		return nil, fmt.Errorf("lines %d and %d both hold a vector at (%v, %v): duplicate positions",
			t.lines[dup.First], t.lines[dup.Second], dup.X, dup.Y)
	case errors.Is(err, piv.ErrNotLattice) && t.zone == nil:
		return t.scattered(valid, units, layout)
	case err != nil && t.zone != nil:
		return nil, fmt.Errorf("ZONE I=%d, J=%d on line %d, but the positions do not form that grid: %v", t.zone.i, t.zone.j, t.zone.line, err)
	case err != nil:
		return nil, err
	}
	if z := t.zone; z != nil {
		nx, ny := g.NX(), g.NY()
		if !(nx == z.i && ny == z.j) && !(nx == z.j && ny == z.i) {
			return nil, fmt.Errorf("ZONE I=%d, J=%d on line %d, but the positions form a %d x %d grid", z.i, z.j, z.line, nx, ny)
		}
	}

	f := piv.NewField(g)
	f.Units = units
	f.Mask = make([]bool, g.Len())
	for k := range f.U {
		f.U[k], f.V[k] = math.NaN(), math.NaN()
	}
	allValid := len(node) == g.Len()
	for k, at := range node {
		f.U[at], f.V[at], f.Mask[at] = t.u[k], t.v[k], valid[k]
		allValid = allValid && valid[k]
	}
	if allValid {
		f.Mask = nil
	}
	if err := f.Check(); err != nil {
		if errors.Is(err, piv.ErrNoValidVectors) {
			return nil, noValidVectors(n)
		}
		return nil, err
	}
	return &Result{Field: f, Units: units, Layout: layout}, nil
}

func (t *table) scattered(valid []bool, units piv.Units, layout string) (*Result, error) {
	s := &piv.Scattered{Units: units}
	for k, ok := range valid {
		if ok {
			s.X, s.Y = append(s.X, t.x[k]), append(s.Y, t.y[k])
			s.U, s.V = append(s.U, t.u[k]), append(s.V, t.v[k])
		}
	}
	if s.Len() == 0 {
		return nil, noValidVectors(len(valid))
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	return &Result{Points: s, Units: units, Layout: layout}, nil
}

func noValidVectors(n int) error {
	return fmt.Errorf("no valid vectors: all %d are flagged, masked or not finite", n)
}
