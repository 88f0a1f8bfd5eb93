package piv

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Scattered returns the valid vectors of f as scattered points, in row-major
// order. Masked and non-finite vectors are left out, so the result is empty
// when f has no valid vector.
func (f *Field) Scattered() *Scattered {
	n := f.NumValid()
	s := &Scattered{
		X: make([]float64, 0, n), Y: make([]float64, 0, n),
		U: make([]float64, 0, n), V: make([]float64, 0, n),
		Units: f.Units,
	}
	nx := f.NX()
	for k := range f.U {
		if !f.Valid(k) {
			continue
		}
		s.X = append(s.X, f.X[k%nx])
		s.Y = append(s.Y, f.Y[k/nx])
		s.U = append(s.U, f.U[k])
		s.V = append(s.V, f.V[k])
	}
	return s
}

// ErrNotLattice is wrapped by the errors of FitLattice and GridFromScattered
// when the points do not sit on a rectilinear lattice; the wrapping error says why.
var ErrNotLattice = errors.New("points do not lie on a rectilinear lattice")

// DuplicatePointError reports two points that fall on the same lattice node.
type DuplicatePointError struct {
	First, Second int     // indices of the two points, First < Second
	X, Y          float64 // the node they share
}

func (e *DuplicatePointError) Error() string {
	return fmt.Sprintf("points %d and %d are both at lattice node (%v, %v)", e.First, e.Second, e.X, e.Y)
}

// latticeMinFill is the fraction of lattice nodes the points must exceed:
// otherwise n scattered points would pass as a mostly empty lattice, and
// staggered rows as a half-filled one.
const latticeMinFill = 0.5

// FitLattice finds the rectilinear lattice that the points (x[k], y[k]) sit
// on and returns it with node[k], the row-major grid offset of point k.
//
// Coordinates closer than relTol times the largest gap between neighbouring
// distinct values are taken as one lattice line (relTol = 0 asks for exact
// equality), and each line must be narrower than relTol times the smallest
// spacing between lines. The spacing need not be uniform. Each axis runs in
// the direction in which its first two distinct values appear, so a file
// listing the top row first gives a decreasing Y. Points may be missing, but
// they must fill more than half the nodes; two points on one node give a
// *DuplicatePointError. Other failures wrap ErrNotLattice.
func FitLattice(x, y []float64, relTol float64) (g Grid, node []int, err error) {
	n := len(x)
	if len(y) != n {
		return Grid{}, nil, fmt.Errorf("x has %d coordinates and y has %d", n, len(y))
	}
	if n == 0 {
		return Grid{}, nil, errors.New("no points to fit a lattice to")
	}
	if !(relTol >= 0 && relTol < 0.5) {
		return Grid{}, nil, fmt.Errorf("lattice tolerance %v is outside [0, 0.5)", relTol)
	}
	xs, col, err := latticeAxis("x", x, relTol)
	if err != nil {
		return Grid{}, nil, err
	}
	ys, row, err := latticeAxis("y", y, relTol)
	if err != nil {
		return Grid{}, nil, err
	}
	nx, ny := len(xs), len(ys)
	if float64(n) <= latticeMinFill*float64(nx)*float64(ny) {
		return Grid{}, nil, fmt.Errorf("%w: %d points would fill only %.2g%% of a %d x %d lattice",
			ErrNotLattice, n, 100*float64(n)/(float64(nx)*float64(ny)), nx, ny)
	}
	owner := make([]int, nx*ny)
	for k := range owner {
		owner[k] = -1
	}
	node = make([]int, n)
	for k := range node {
		at := row[k]*nx + col[k]
		if owner[at] >= 0 {
			return Grid{}, nil, &DuplicatePointError{First: owner[at], Second: k, X: xs[col[k]], Y: ys[row[k]]}
		}
		owner[at] = k
		node[k] = at
	}
	return Grid{X: xs, Y: ys}, node, nil
}

// latticeAxis clusters the values v into lattice lines and returns the line
// coordinates, ordered as they first appear, and the line of each value.
func latticeAxis(name string, v []float64, relTol float64) (lines []float64, line []int, err error) {
	for k, c := range v {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return nil, nil, fmt.Errorf("%s[%d] = %v is not finite", name, k, c)
		}
	}
	order := make([]int, len(v))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return v[order[a]] < v[order[b]] })
	lo, hi := v[order[0]], v[order[len(order)-1]]
	if math.IsInf(hi-lo, 0) {
		return nil, nil, fmt.Errorf("%w: %s spans [%v, %v], too wide to difference", ErrNotLattice, name, lo, hi)
	}
	maxGap := 0.0
	for k := 1; k < len(order); k++ {
		maxGap = math.Max(maxGap, v[order[k]]-v[order[k-1]])
	}
	merge := relTol * maxGap

	// Walk the sorted values, opening a new line at every gap wider than merge.
	type cluster struct {
		lo, hi, offMean float64 // offMean: running mean of (value - lo), exact for equal values
		count, first    int     // first: smallest point index, i.e. first appearance
	}
	var cs []cluster
	sorted := make([]int, len(v)) // cluster of each point, in ascending cluster order
	for k, p := range order {
		c := v[p]
		if k == 0 || c-v[order[k-1]] > merge {
			cs = append(cs, cluster{lo: c, hi: c, first: p})
		}
		cl := &cs[len(cs)-1]
		cl.hi = c
		cl.count++
		cl.offMean += (c - cl.lo - cl.offMean) / float64(cl.count)
		cl.first = min(cl.first, p)
		sorted[p] = len(cs) - 1
	}
	minSep := math.Inf(1)
	for k := 1; k < len(cs); k++ {
		minSep = math.Min(minSep, cs[k].lo-cs[k-1].hi)
	}
	for _, cl := range cs {
		if len(cs) > 1 && cl.hi-cl.lo > relTol*minSep {
			return nil, nil, fmt.Errorf("%w: %s values %v to %v form one blurred line wider than %v of the spacing %v",
				ErrNotLattice, name, cl.lo, cl.hi, relTol, minSep)
		}
	}

	// Direction: that of the first two lines to appear.
	decreasing := false
	if len(cs) > 1 {
		firstTwo := [2]int{-1, -1}
		for k := range cs {
			switch {
			case firstTwo[0] < 0 || cs[k].first < cs[firstTwo[0]].first:
				firstTwo[1], firstTwo[0] = firstTwo[0], k
			case firstTwo[1] < 0 || cs[k].first < cs[firstTwo[1]].first:
				firstTwo[1] = k
			}
		}
		decreasing = firstTwo[1] < firstTwo[0]
	}
	lines = make([]float64, len(cs))
	for k, cl := range cs {
		at := k
		if decreasing {
			at = len(cs) - 1 - k
		}
		lines[at] = cl.lo + cl.offMean
	}
	line = sorted
	if decreasing {
		for p := range line {
			line[p] = len(cs) - 1 - line[p]
		}
	}
	return lines, line, nil
}

// GridFromScattered rebuilds a grid field from points that sit on a
// rectilinear lattice (see FitLattice for relTol and the axis order). Nodes
// without a point are masked out with NaN velocities; the mask is nil when
// every node has a point. Points off any lattice give an error wrapping
// ErrNotLattice, two points on one node a *DuplicatePointError.
func GridFromScattered(s *Scattered, relTol float64) (*Field, error) {
	if err := s.Check(); err != nil {
		return nil, err
	}
	g, node, err := FitLattice(s.X, s.Y, relTol)
	if err != nil {
		return nil, err
	}
	f := NewField(g)
	f.Units = s.Units
	if len(node) < g.Len() {
		f.Mask = make([]bool, g.Len())
		for k := range f.U {
			f.U[k], f.V[k] = math.NaN(), math.NaN()
		}
	}
	for k, at := range node {
		f.U[at], f.V[at] = s.U[k], s.V[k]
		if f.Mask != nil {
			f.Mask[at] = true
		}
	}
	return f, nil
}
