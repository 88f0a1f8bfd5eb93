package piv

import (
	"errors"
	"fmt"
	"math"
)

// Units names the physical units of a field's coordinates, velocities and
// times, e.g. "m", "m/s", "s", or "px", "px/frame" for image units. Empty
// strings mean unknown.
type Units struct {
	Length, Velocity, Time string
}

// Grid is a regular, rectilinear 2D grid. X and Y are strictly monotonic
// (increasing or decreasing: PIV exports often list y from the top row down).
type Grid struct {
	X, Y []float64
}

// UniformGrid returns an nx by ny grid starting at (x0, y0) with spacings dx, dy.
func UniformGrid(nx, ny int, x0, y0, dx, dy float64) Grid {
	g := Grid{X: make([]float64, nx), Y: make([]float64, ny)}
	for i := range g.X {
		g.X[i] = x0 + float64(i)*dx
	}
	for j := range g.Y {
		g.Y[j] = y0 + float64(j)*dy
	}
	return g
}

// NX is the number of grid columns (x positions).
func (g Grid) NX() int { return len(g.X) }

// NY is the number of grid rows (y positions).
func (g Grid) NY() int { return len(g.Y) }

// Len is the number of grid nodes.
func (g Grid) Len() int { return len(g.X) * len(g.Y) }

// Index is the row-major offset of node (i, j): column i, row j.
func (g Grid) Index(i, j int) int { return j*len(g.X) + i }

// DX is the mean signed spacing along x; 0 for a grid with one column.
func (g Grid) DX() float64 { return meanStep(g.X) }

// DY is the mean signed spacing along y; 0 for a grid with one row.
func (g Grid) DY() float64 { return meanStep(g.Y) }

func meanStep(c []float64) float64 {
	if len(c) < 2 {
		return 0
	}
	return (c[len(c)-1] - c[0]) / float64(len(c)-1)
}

// IsUniform reports whether both axes are evenly spaced to within a relative
// tolerance tol of their mean step.
func (g Grid) IsUniform(tol float64) bool {
	return evenlySpaced(g.X, tol) && evenlySpaced(g.Y, tol)
}

func evenlySpaced(c []float64, tol float64) bool {
	h := meanStep(c)
	for k := 1; k < len(c); k++ {
		if math.Abs(c[k]-c[k-1]-h) > tol*math.Abs(h) {
			return false
		}
	}
	return true
}

// Validate checks that both axes are non-empty, finite and strictly monotonic.
func (g Grid) Validate() error {
	if err := checkAxis("x", g.X); err != nil {
		return err
	}
	return checkAxis("y", g.Y)
}

func checkAxis(name string, c []float64) error {
	if len(c) == 0 {
		return fmt.Errorf("%s axis is empty", name)
	}
	for k, v := range c {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s[%d] = %v is not finite", name, k, v)
		}
	}
	if len(c) < 2 {
		return nil
	}
	up := c[1] > c[0]
	for k := 1; k < len(c); k++ {
		if (up && c[k] <= c[k-1]) || (!up && c[k] >= c[k-1]) {
			return fmt.Errorf("%s coordinates are not strictly monotonic at index %d (%v then %v)", name, k, c[k-1], c[k])
		}
	}
	return nil
}

// Field is a 2D velocity field on a regular grid. U and V are row-major,
// U[g.Index(i, j)] being the x velocity at (X[i], Y[j]). Mask marks measured,
// valid vectors; a nil Mask means every vector is valid. Values of U and V
// where the mask is false are undefined (often NaN or 0).
type Field struct {
	Grid
	U, V  []float64
	Mask  []bool
	Units Units
}

// NewField returns a zero field on g with a nil (all valid) mask.
func NewField(g Grid) *Field {
	n := g.Len()
	return &Field{Grid: g, U: make([]float64, n), V: make([]float64, n)}
}

// Valid reports whether the vector at row-major offset k is a valid measurement.
func (f *Field) Valid(k int) bool {
	return (f.Mask == nil || f.Mask[k]) && isFinite(f.U[k]) && isFinite(f.V[k])
}

// NumValid counts the valid vectors.
func (f *Field) NumValid() int {
	n := 0
	for k := range f.U {
		if f.Valid(k) {
			n++
		}
	}
	return n
}

// Clone returns a deep copy of f.
func (f *Field) Clone() *Field {
	c := &Field{
		Grid:  Grid{X: append([]float64(nil), f.X...), Y: append([]float64(nil), f.Y...)},
		U:     append([]float64(nil), f.U...),
		V:     append([]float64(nil), f.V...),
		Units: f.Units,
	}
	if f.Mask != nil {
		c.Mask = append([]bool(nil), f.Mask...)
	}
	return c
}

// ErrNoValidVectors is returned where an operation needs at least one valid vector.
var ErrNoValidVectors = errors.New("piv: the field has no valid (finite, unmasked) vectors")

// Check verifies that the field's arrays agree with its grid and that it holds
// at least one valid vector.
func (f *Field) Check() error {
	if err := f.Grid.Validate(); err != nil {
		return err
	}
	n := f.Grid.Len()
	if len(f.U) != n || len(f.V) != n {
		return fmt.Errorf("u has %d values and v has %d, want %d (ny=%d x nx=%d)", len(f.U), len(f.V), n, f.NY(), f.NX())
	}
	if f.Mask != nil && len(f.Mask) != n {
		return fmt.Errorf("mask has %d values, want %d (ny=%d x nx=%d)", len(f.Mask), n, f.NY(), f.NX())
	}
	if f.NumValid() == 0 {
		return ErrNoValidVectors
	}
	return nil
}

// EnsureMask gives f an explicit mask, all valid, when it has none.
func (f *Field) EnsureMask() {
	if f.Mask != nil {
		return
	}
	f.Mask = make([]bool, len(f.U))
	for k := range f.Mask {
		f.Mask[k] = true
	}
}

// MaskNonFinite clears the mask wherever u or v is NaN or infinite, creating
// the mask if needed, and returns how many vectors it newly marked invalid.
func (f *Field) MaskNonFinite() int {
	marked := 0
	for k := range f.U {
		if isFinite(f.U[k]) && isFinite(f.V[k]) {
			continue
		}
		f.EnsureMask()
		if f.Mask[k] {
			f.Mask[k] = false
			marked++
		}
	}
	return marked
}

// Scattered holds velocity vectors at arbitrary positions, as PTV or random
// seeding deliver them. All four slices have the same length.
type Scattered struct {
	X, Y, U, V []float64
	Units      Units
}

// Len is the number of vectors.
func (s *Scattered) Len() int { return len(s.X) }

// Check verifies that the four arrays have one length, at least one entry,
// and finite positions.
func (s *Scattered) Check() error {
	n := len(s.X)
	if len(s.Y) != n || len(s.U) != n || len(s.V) != n {
		return fmt.Errorf("scattered arrays differ in length: x %d, y %d, u %d, v %d", len(s.X), len(s.Y), len(s.U), len(s.V))
	}
	if n == 0 {
		return errors.New("scattered field holds no vectors")
	}
	for k := 0; k < n; k++ {
		if !isFinite(s.X[k]) || !isFinite(s.Y[k]) {
			return fmt.Errorf("position %d (%v, %v) is not finite", k, s.X[k], s.Y[k])
		}
	}
	return nil
}

// Series is a time series of fields sharing one grid; T may be nil when the
// snapshot times are unknown.
type Series struct {
	T      []float64
	Frames []*Field
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
