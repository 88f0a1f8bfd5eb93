package baseline

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"pivsr/piv"
)

// Samples are the measured vectors a method reconstructs from: positions and
// velocities of the valid vectors only. When the positions form a complete
// rectilinear lattice (every combination of a set of x and a set of y
// positions present exactly once, as every k-th vector of a PIV grid is),
// Lattice holds them as a fully valid field with increasing axes, for the
// methods that need grid structure (Bicubic).
type Samples struct {
	X, Y, U, V []float64
	// Lattice is nil for scattered positions.
	Lattice *piv.Field
	Units   piv.Units
}

// Len is the number of vectors.
func (s *Samples) Len() int { return len(s.X) }

// FromField collects the valid vectors of f (a sparse field: masked or
// non-finite vectors are missing ones).
func FromField(f *piv.Field) (*Samples, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	n := f.NumValid()
	x, y := make([]float64, 0, n), make([]float64, 0, n)
	u, v := make([]float64, 0, n), make([]float64, 0, n)
	for j, yj := range f.Y {
		for i, xi := range f.X {
			if k := f.Index(i, j); f.Valid(k) {
				x, y = append(x, xi), append(y, yj)
				u, v = append(u, f.U[k]), append(v, f.V[k])
			}
		}
	}
	return NewSamples(x, y, u, v, f.Units)
}

// FromScattered collects the vectors of s whose velocity is finite.
func FromScattered(s *piv.Scattered) (*Samples, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	var x, y, u, v []float64
	for k := range s.X {
		if isFinite(s.U[k]) && isFinite(s.V[k]) {
			x, y = append(x, s.X[k]), append(y, s.Y[k])
			u, v = append(u, s.U[k]), append(v, s.V[k])
		}
	}
	if len(x) == 0 {
		return nil, piv.ErrNoValidVectors
	}
	return NewSamples(x, y, u, v, s.Units)
}

// NewSamples builds Samples from parallel slices, which it keeps (not copies).
// Every value must be finite and no two vectors may share a position. The
// lattice structure, if any, is detected.
func NewSamples(x, y, u, v []float64, units piv.Units) (*Samples, error) {
	n := len(x)
	if len(y) != n || len(u) != n || len(v) != n {
		return nil, fmt.Errorf("sample arrays differ in length: x %d, y %d, u %d, v %d", len(x), len(y), len(u), len(v))
	}
	if n == 0 {
		return nil, piv.ErrNoValidVectors
	}
	for k := 0; k < n; k++ {
		if !isFinite(x[k]) || !isFinite(y[k]) || !isFinite(u[k]) || !isFinite(v[k]) {
			return nil, fmt.Errorf("sample %d (x %v, y %v, u %v, v %v) is not finite", k, x[k], y[k], u[k], v[k])
		}
	}
	s := &Samples{X: x, Y: y, U: u, V: v, Units: units}
	if err := s.checkDistinct(); err != nil {
		return nil, err
	}
	s.Lattice = s.detectLattice()
	return s, nil
}

// checkDistinct reports two vectors at the same position, which make an
// interpolation problem ill-posed.
func (s *Samples) checkDistinct() error {
	order := make([]int, s.Len())
	for k := range order {
		order[k] = k
	}
	sort.Slice(order, func(a, b int) bool {
		p, q := order[a], order[b]
		if s.X[p] != s.X[q] {
			return s.X[p] < s.X[q]
		}
		return s.Y[p] < s.Y[q]
	})
	for m := 1; m < len(order); m++ {
		p, q := order[m-1], order[m]
		if s.X[p] == s.X[q] && s.Y[p] == s.Y[q] {
			return fmt.Errorf("samples %d and %d share the position (%v, %v): average or drop one", min(p, q), max(p, q), s.X[p], s.Y[p])
		}
	}
	return nil
}

// detectLattice returns the samples as a complete lattice field, or nil.
// Positions closer than 1e-6 of the extent along an axis count as one line,
// so coordinates read back from float32 files still match.
func (s *Samples) detectLattice() *piv.Field {
	xs, ys := axisLines(s.X), axisLines(s.Y)
	nx, ny := len(xs), len(ys)
	if nx*ny != s.Len() {
		return nil
	}
	lat := piv.NewField(piv.Grid{X: xs, Y: ys})
	lat.Units = s.Units
	seen := make([]bool, nx*ny)
	for k := range s.X {
		i, j := nearestLine(xs, s.X[k]), nearestLine(ys, s.Y[k])
		q := lat.Index(i, j)
		if seen[q] {
			return nil
		}
		seen[q] = true
		lat.U[q], lat.V[q] = s.U[k], s.V[k]
	}
	return lat
}

// axisLines returns the distinct values of c, increasing. Values within
// 1e-6 of the extent of the first value of a run count as one line, placed at
// the run's mean (exactly the value when the run's members are equal).
func axisLines(c []float64) []float64 {
	sorted := append([]float64(nil), c...)
	sort.Float64s(sorted)
	tol := 1e-6 * (sorted[len(sorted)-1] - sorted[0])
	var lines []float64
	start, sum, cnt := sorted[0], 0.0, 0
	for _, v := range sorted {
		if v-start > tol {
			lines = append(lines, start+sum/float64(cnt))
			start, sum, cnt = v, 0, 0
		}
		sum += v - start
		cnt++
	}
	return append(lines, start+sum/float64(cnt))
}

// nearestLine returns the index of the value of increasing lines closest to v.
func nearestLine(lines []float64, v float64) int {
	i := sort.SearchFloat64s(lines, v)
	switch {
	case i == 0:
		return 0
	case i == len(lines):
		return len(lines) - 1
	case v-lines[i-1] < lines[i]-v:
		return i - 1
	}
	return i
}

// bounds returns the bounding box of the sample positions.
func (s *Samples) bounds() (box, error) {
	if s == nil || s.Len() == 0 {
		return box{}, piv.ErrNoValidVectors
	}
	b := box{xmin: s.X[0], xmax: s.X[0], ymin: s.Y[0], ymax: s.Y[0]}
	for k := range s.X {
		b.xmin, b.xmax = min(b.xmin, s.X[k]), max(b.xmax, s.X[k])
		b.ymin, b.ymax = min(b.ymin, s.Y[k]), max(b.ymax, s.Y[k])
	}
	return b, nil
}

// box is an axis-aligned rectangle.
type box struct{ xmin, xmax, ymin, ymax float64 }

func gridBox(g piv.Grid) box {
	return box{
		xmin: min(g.X[0], g.X[len(g.X)-1]), xmax: max(g.X[0], g.X[len(g.X)-1]),
		ymin: min(g.Y[0], g.Y[len(g.Y)-1]), ymax: max(g.Y[0], g.Y[len(g.Y)-1]),
	}
}

// errTargetOutside is wrapped by the error of a target grid that does not
// overlap the samples at all: every node would be an extrapolation.
var errTargetOutside = errors.New("the target grid lies outside the samples' extent")

// checkTarget validates the target grid against the samples.
func checkTarget(s *Samples, target piv.Grid) (box, error) {
	b, err := s.bounds()
	if err != nil {
		return box{}, err
	}
	if err := target.Validate(); err != nil {
		return box{}, fmt.Errorf("target grid: %w", err)
	}
	t := gridBox(target)
	if t.xmax < b.xmin || t.xmin > b.xmax || t.ymax < b.ymin || t.ymin > b.ymax {
		return box{}, fmt.Errorf("%w: target x [%v, %v], y [%v, %v]; samples x [%v, %v], y [%v, %v]",
			errTargetOutside, t.xmin, t.xmax, t.ymin, t.ymax, b.xmin, b.xmax, b.ymin, b.ymax)
	}
	return b, nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
