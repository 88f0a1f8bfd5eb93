package pivfmt

import (
	"math"
	"strings"
	"testing"

	"pivsr/piv"
)

// vec is one vector a test expects to find on the grid.
type vec struct {
	x, y, u, v float64
	valid      bool
}

// gridWant describes the grid field a reader must return.
type gridWant struct {
	x, y  []float64 // axes, in order
	units piv.Units
	vecs  []vec // vectors checked by position; the valid ones must be all valid vectors
}

// checkGrid verifies a grid result against want.
func checkGrid(t *testing.T, res *Result, want gridWant, layout string) {
	t.Helper()
	checkConsistent(t, res)
	if res.Field == nil {
		t.Fatalf("got scattered points, want a %d x %d grid", len(want.x), len(want.y))
	}
	f := res.Field
	if !closeAll(f.X, want.x) || !closeAll(f.Y, want.y) {
		t.Fatalf("grid X %v Y %v, want X %v Y %v", f.X, f.Y, want.x, want.y)
	}
	if res.Units != want.units {
		t.Errorf("units %+v, want %+v", res.Units, want.units)
	}
	if res.Layout != layout {
		t.Errorf("layout %q, want %q", res.Layout, layout)
	}
	nValid := 0
	for _, w := range want.vecs {
		i, j := indexOf(f.X, w.x), indexOf(f.Y, w.y)
		if i < 0 || j < 0 {
			t.Errorf("no node at (%v, %v)", w.x, w.y)
			continue
		}
		k := f.Index(i, j)
		if f.Valid(k) != w.valid {
			t.Errorf("vector at (%v, %v): valid %v, want %v", w.x, w.y, f.Valid(k), w.valid)
		}
		if w.valid {
			nValid++
		}
		if !math.IsNaN(w.u) && (f.U[k] != w.u || f.V[k] != w.v) {
			t.Errorf("vector at (%v, %v) = (%v, %v), want (%v, %v)", w.x, w.y, f.U[k], f.V[k], w.u, w.v)
		}
	}
	if got := f.NumValid(); got != nValid {
		t.Errorf("%d valid vectors, want %d", got, nValid)
	}
}

// checkConsistent verifies the invariants every successful read must meet.
func checkConsistent(t *testing.T, res *Result) {
	t.Helper()
	if res == nil {
		t.Fatal("nil result without an error")
	}
	if (res.Field == nil) == (res.Points == nil) {
		t.Fatalf("want exactly one of Field and Points, got Field %v Points %v", res.Field != nil, res.Points != nil)
	}
	switch {
	case res.Field != nil:
		if err := res.Field.Check(); err != nil {
			t.Fatalf("Field.Check: %v", err)
		}
		if res.Field.Units != res.Units {
			t.Fatalf("field units %+v, result units %+v", res.Field.Units, res.Units)
		}
	default:
		p := res.Points
		if err := p.Check(); err != nil {
			t.Fatalf("Scattered.Check: %v", err)
		}
		for k := range p.U {
			if math.IsNaN(p.U[k]) || math.IsInf(p.U[k], 0) || math.IsNaN(p.V[k]) || math.IsInf(p.V[k], 0) {
				t.Fatalf("scattered vector %d = (%v, %v) is not valid", k, p.U[k], p.V[k])
			}
		}
		if p.Units != res.Units {
			t.Fatalf("points units %+v, result units %+v", p.Units, res.Units)
		}
	}
	switch res.Layout {
	case LayoutVec, LayoutColumns, LayoutFlo:
	default:
		t.Fatalf("unknown layout %q", res.Layout)
	}
}

// checkErr verifies that err is an error whose message contains each of want.
func checkErr(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func closeAll(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if math.Abs(a[k]-b[k]) > 1e-9*(1+math.Abs(b[k])) {
			return false
		}
	}
	return true
}

func indexOf(c []float64, v float64) int {
	for k := range c {
		if math.Abs(c[k]-v) <= 1e-9*(1+math.Abs(v)) {
			return k
		}
	}
	return -1
}

var nan = math.NaN()
