package piv

import (
	"math"
	"testing"
)

// For a linear field u = a x, v = a y every increment is a times the
// separation vector, so S2(r) = a^2 r^2 exactly in every direction, with or
// without missing vectors.
func TestStructureFunctionOfLinearField(t *testing.T) {
	const a = 1.7
	g := UniformGrid(20, 14, -1, 3, 0.5, -0.25) // decreasing y: separations are still positive
	for _, masked := range []bool{false, true} {
		f := analyticField(g, func(x, y float64) (float64, float64) { return a * x, a * y })
		if masked {
			f.Mask = make([]bool, g.Len())
			for k := range f.Mask {
				f.Mask[k] = (k*7)%5 != 0
				if !f.Mask[k] {
					f.U[k] = 1e6
				}
			}
		}
		s, err := SecondOrderStructure(f, 6)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			c    S2Curve
			step float64
		}{{"x", s.X, 0.5}, {"y", s.Y, 0.25}, {"diagonal", s.Diagonal, math.Hypot(0.5, 0.25)}} {
			for l := 1; l <= 6; l++ {
				r, s2 := c.c.R[l-1], c.c.S2[l-1]
				if math.Abs(r-float64(l)*c.step) > 1e-12 {
					t.Errorf("masked=%v %s lag %d: r = %v, want %v", masked, c.name, l, r, float64(l)*c.step)
				}
				if want := a * a * r * r; math.Abs(s2-want) > 1e-9*want {
					t.Errorf("masked=%v %s lag %d: S2 = %v, want a^2 r^2 = %v", masked, c.name, l, s2, want)
				}
			}
		}
		if !masked {
			// Pairs in a full 20 x 14 field: (20-l)14 along x, 20(14-l) along y,
			// 2(20-l)(14-l) over both diagonals.
			for l := 1; l <= 6; l++ {
				if got, want := s.X.Pairs[l-1], (20-l)*14; got != want {
					t.Errorf("x lag %d: %d pairs, want %d", l, got, want)
				}
				if got, want := s.Y.Pairs[l-1], 20*(14-l); got != want {
					t.Errorf("y lag %d: %d pairs, want %d", l, got, want)
				}
				if got, want := s.Diagonal.Pairs[l-1], 2*(20-l)*(14-l); got != want {
					t.Errorf("diagonal lag %d: %d pairs, want %d", l, got, want)
				}
			}
		}
	}
}

// A shear u = a x, v = 0 varies along x only.
func TestStructureFunctionDirections(t *testing.T) {
	const a, h = 2.0, 0.1
	f := analyticField(UniformGrid(16, 16, 0, 0, h, h), func(x, y float64) (float64, float64) { return a * x, 0 })
	s, err := SecondOrderStructure(f, 20)
	if err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= 15; l++ {
		dx := float64(l) * h
		if math.Abs(s.X.S2[l-1]-a*a*dx*dx) > 1e-12 {
			t.Errorf("x lag %d: S2 = %v, want %v", l, s.X.S2[l-1], a*a*dx*dx)
		}
		if s.Y.S2[l-1] != 0 {
			t.Errorf("y lag %d: S2 = %v, want 0", l, s.Y.S2[l-1])
		}
		// Along a diagonal the x increment is l h, half of r^2.
		if r := s.Diagonal.R[l-1]; math.Abs(s.Diagonal.S2[l-1]-a*a*r*r/2) > 1e-12 {
			t.Errorf("diagonal lag %d: S2 = %v, want %v", l, s.Diagonal.S2[l-1], a*a*r*r/2)
		}
	}
	for l := 16; l <= 20; l++ {
		if s.X.Pairs[l-1] != 0 || !math.IsNaN(s.X.S2[l-1]) {
			t.Errorf("lag %d beyond a 16-wide grid: %d pairs, S2 %v; want 0 and NaN", l, s.X.Pairs[l-1], s.X.S2[l-1])
		}
	}
}

func TestStructureFunctionRejectsBadInput(t *testing.T) {
	f := NewField(UniformGrid(8, 8, 0, 0, 1, 1))
	if _, err := SecondOrderStructure(f, 0); err == nil {
		t.Error("maximum lag 0 gave no error")
	}
	f.X[3] += 0.3
	if _, err := SecondOrderStructure(f, 2); err == nil {
		t.Error("a non-uniform grid gave no error")
	}
}
