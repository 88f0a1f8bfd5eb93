package piv

import (
	"errors"
	"math"
	"slices"
	"testing"
)

func TestFieldScatteredKeepsValidVectors(t *testing.T) {
	f := NewField(UniformGrid(3, 2, 0, 10, 1, -2))
	for k := range f.U {
		f.U[k], f.V[k] = float64(k), -float64(k)
	}
	f.Mask = []bool{true, false, true, true, true, true}
	f.U[4] = math.NaN() // non-finite: invalid even though the mask says valid
	f.Units = Units{Length: "mm", Velocity: "m/s"}

	s := f.Scattered()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	want := []int{0, 2, 3, 5}
	if s.Len() != len(want) {
		t.Fatalf("got %d points, want %d", s.Len(), len(want))
	}
	for p, k := range want {
		i, j := k%3, k/3
		if s.X[p] != f.X[i] || s.Y[p] != f.Y[j] || s.U[p] != f.U[k] || s.V[p] != f.V[k] {
			t.Errorf("point %d = (%v, %v, %v, %v), want node %d (%v, %v, %v, %v)",
				p, s.X[p], s.Y[p], s.U[p], s.V[p], k, f.X[i], f.Y[j], f.U[k], f.V[k])
		}
	}
	if s.Units != f.Units {
		t.Errorf("units %+v, want %+v", s.Units, f.Units)
	}
	if n := (&Field{Grid: f.Grid, U: f.U, V: f.V, Mask: make([]bool, 6)}).Scattered().Len(); n != 0 {
		t.Errorf("fully masked field gave %d points", n)
	}
}

// point is one scattered vector, for building test inputs.
type point struct{ x, y, u, v float64 }

func scatteredOf(pts []point) *Scattered {
	s := &Scattered{}
	for _, p := range pts {
		s.X, s.Y, s.U, s.V = append(s.X, p.x), append(s.Y, p.y), append(s.U, p.u), append(s.V, p.v)
	}
	return s
}

func TestGridFromScattered(t *testing.T) {
	tests := []struct {
		name    string
		pts     []point
		tol     float64
		wantX   []float64
		wantY   []float64
		missing []int // row-major nodes without a point
		wantErr error // nil: success; ErrNotLattice; or errDuplicate
	}{
		{
			name:  "x fastest, y increasing",
			pts:   []point{{0, 0, 1, 2}, {1, 0, 3, 4}, {2, 0, 5, 6}, {0, 1, 7, 8}, {1, 1, 9, 10}, {2, 1, 11, 12}},
			wantX: []float64{0, 1, 2}, wantY: []float64{0, 1},
		},
		{
			name:  "y fastest (column-major, as PIVlab lists)",
			pts:   []point{{0, 0, 1, 2}, {0, 1, 7, 8}, {1, 0, 3, 4}, {1, 1, 9, 10}, {2, 0, 5, 6}, {2, 1, 11, 12}},
			wantX: []float64{0, 1, 2}, wantY: []float64{0, 1},
		},
		{
			name:  "top row first: y decreasing",
			pts:   []point{{0, 5, 1, 2}, {1, 5, 3, 4}, {0, 3, 5, 6}, {1, 3, 7, 8}, {0, 1, 9, 10}, {1, 1, 11, 12}},
			wantX: []float64{0, 1}, wantY: []float64{5, 3, 1},
		},
		{
			name:  "x decreasing, shuffled",
			pts:   []point{{2, 0, 1, 1}, {0, 1, 2, 2}, {1, 0, 3, 3}, {2, 1, 4, 4}, {0, 0, 5, 5}, {1, 1, 6, 6}},
			wantX: []float64{2, 1, 0}, wantY: []float64{0, 1},
		},
		{
			name:    "missing nodes are masked",
			pts:     []point{{0, 0, 1, 1}, {1, 0, 2, 2}, {2, 0, 3, 3}, {0, 1, 4, 4}, {2, 1, 5, 5}},
			wantX:   []float64{0, 1, 2},
			wantY:   []float64{0, 1},
			missing: []int{4},
		},
		{
			name:  "jitter within tolerance averages to the line",
			pts:   []point{{0.001, 0, 1, 1}, {1, 0, 2, 2}, {-0.001, 2, 3, 3}, {1, 2.002, 4, 4}},
			tol:   0.01,
			wantX: []float64{0, 1}, wantY: []float64{0, 2.001},
		},
		{
			name:  "non-uniform spacing is still a lattice",
			pts:   []point{{0, 0, 1, 1}, {1, 0, 2, 2}, {3, 0, 3, 3}, {7, 0, 4, 4}, {0, 1, 5, 5}, {1, 1, 6, 6}, {3, 1, 7, 7}, {7, 1, 8, 8}},
			wantX: []float64{0, 1, 3, 7}, wantY: []float64{0, 1},
		},
		{
			name:  "a single point is a 1 x 1 grid",
			pts:   []point{{4, 2, 1, 1}},
			wantX: []float64{4}, wantY: []float64{2},
		},
		{
			name:    "duplicate node",
			pts:     []point{{0, 0, 1, 1}, {1, 0, 2, 2}, {0, 1, 3, 3}, {1, 1, 4, 4}, {1, 0, 5, 5}},
			wantErr: errDuplicate,
		},
		{
			name:    "random scatter",
			pts:     []point{{0.1, 0.7, 0, 0}, {0.4, 0.2, 0, 0}, {0.9, 0.5, 0, 0}, {0.3, 0.95, 0, 0}, {0.65, 0.05, 0, 0}},
			wantErr: ErrNotLattice,
		},
		{
			name:    "staggered rows fill only half a lattice",
			pts:     []point{{0, 0, 1, 1}, {1, 0, 2, 2}, {0.2, 1, 3, 3}, {1.2, 1, 4, 4}},
			tol:     0.01,
			wantErr: ErrNotLattice,
		},
		{
			name:    "a chain of close values blurs a line",
			pts:     []point{{0, 0, 1, 1}, {0.1, 1, 1, 1}, {0.2, 0, 1, 1}, {0.3, 1, 1, 1}, {1.3, 0, 1, 1}, {1.3, 1, 1, 1}},
			tol:     0.15,
			wantErr: ErrNotLattice,
		},
		{
			name:    "no points",
			wantErr: errAny,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := scatteredOf(tc.pts)
			s.Units = Units{Length: "mm", Velocity: "m/s"}
			f, err := GridFromScattered(s, tc.tol)
			if tc.wantErr != nil {
				checkLatticeErr(t, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Check(); err != nil {
				t.Fatalf("result fails Check: %v", err)
			}
			if !closeSlices(f.X, tc.wantX) || !closeSlices(f.Y, tc.wantY) {
				t.Fatalf("grid X %v Y %v, want X %v Y %v", f.X, f.Y, tc.wantX, tc.wantY)
			}
			if f.Units != s.Units {
				t.Errorf("units %+v, want %+v", f.Units, s.Units)
			}
			if (f.Mask == nil) != (len(tc.missing) == 0) {
				t.Errorf("mask nil = %v with %d missing nodes", f.Mask == nil, len(tc.missing))
			}
			for _, k := range tc.missing {
				if f.Valid(k) {
					t.Errorf("node %d has no point but is valid", k)
				}
			}
			// Every point must land on the node nearest to it, with its velocity.
			for p, pt := range tc.pts {
				i, j := nearest(f.X, pt.x), nearest(f.Y, pt.y)
				k := f.Index(i, j)
				if !f.Valid(k) || f.U[k] != pt.u || f.V[k] != pt.v {
					t.Errorf("point %d %+v: node (%d, %d) holds (%v, %v), valid %v", p, pt, i, j, f.U[k], f.V[k], f.Valid(k))
				}
			}
			if got, want := f.NumValid(), len(tc.pts); got != want {
				t.Errorf("%d valid nodes, want %d", got, want)
			}
		})
	}
}

var (
	errDuplicate = errors.New("duplicate")
	errAny       = errors.New("any error")
)

func checkLatticeErr(t *testing.T, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", want)
	}
	var dup *DuplicatePointError
	switch want {
	case errDuplicate:
		if !errors.As(err, &dup) {
			t.Fatalf("error %q is not a *DuplicatePointError", err)
		}
	case errAny:
	default:
		if !errors.Is(err, want) {
			t.Fatalf("error %q does not wrap %q", err, want)
		}
	}
}

func TestFitLatticeDuplicateNamesBothPoints(t *testing.T) {
	_, _, err := FitLattice([]float64{0, 1, 0, 1, 0}, []float64{0, 0, 1, 1, 1}, 0)
	var dup *DuplicatePointError
	if !errors.As(err, &dup) {
		t.Fatalf("error %v, want a duplicate", err)
	}
	if dup.First != 2 || dup.Second != 4 || dup.X != 0 || dup.Y != 1 {
		t.Errorf("duplicate %+v, want points 2 and 4 at (0, 1)", dup)
	}
}

func TestFitLatticeRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		tol  float64
	}{
		{"length mismatch", []float64{0, 1}, []float64{0}, 0},
		{"NaN coordinate", []float64{0, math.NaN()}, []float64{0, 0}, 0},
		{"infinite coordinate", []float64{0, 1}, []float64{math.Inf(1), 0}, 0},
		{"negative tolerance", []float64{0, 1}, []float64{0, 0}, -1},
		{"tolerance too large", []float64{0, 1}, []float64{0, 0}, 0.5},
		{"range overflows", []float64{-math.MaxFloat64, math.MaxFloat64}, []float64{0, 0}, 0},
	}
	for _, tc := range tests {
		if _, _, err := FitLattice(tc.x, tc.y, tc.tol); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// TestGridScatteredRoundTrip thins a field, scatters its valid vectors and
// rebuilds the grid: the same grid and the same valid vectors must come back.
func TestGridScatteredRoundTrip(t *testing.T) {
	for _, dy := range []float64{0.5, -0.5} {
		f := NewField(UniformGrid(7, 5, -1, 2, 0.25, dy))
		f.Mask = make([]bool, f.Len())
		for k := range f.U {
			f.U[k], f.V[k] = math.Sin(float64(k)), math.Cos(float64(k))
			f.Mask[k] = k%3 != 1 // a third of the nodes missing, none of them whole rows or columns
		}
		g, err := GridFromScattered(f.Scattered(), 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		if !closeSlices(g.X, f.X) || !closeSlices(g.Y, f.Y) {
			t.Fatalf("dy=%v: grid X %v Y %v, want %v %v", dy, g.X, g.Y, f.X, f.Y)
		}
		for k := range f.U {
			if g.Valid(k) != f.Valid(k) || (f.Valid(k) && (g.U[k] != f.U[k] || g.V[k] != f.V[k])) {
				t.Fatalf("dy=%v node %d: got (%v, %v, %v), want (%v, %v, %v)",
					dy, k, g.U[k], g.V[k], g.Valid(k), f.U[k], f.V[k], f.Valid(k))
			}
		}
	}
}

func closeSlices(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(p, q float64) bool { return math.Abs(p-q) <= 1e-12*(1+math.Abs(q)) })
}

func nearest(c []float64, v float64) int {
	best := 0
	for k := range c {
		if math.Abs(c[k]-v) < math.Abs(c[best]-v) {
			best = k
		}
	}
	return best
}
