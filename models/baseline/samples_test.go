package baseline

import (
	"errors"
	"math"
	"testing"

	"pivsr/piv"
)

// smoothField fills a field on g with a smooth non-polynomial flow.
func smoothField(g piv.Grid) *piv.Field {
	f := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			k := g.Index(i, j)
			f.U[k] = math.Sin(2*x) * math.Cos(y)
			f.V[k] = 0.5 * math.Cos(x+0.3*y)
		}
	}
	return f
}

func TestFromFieldLattice(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    piv.Grid
	}{
		{"increasing", piv.UniformGrid(17, 9, 0, 0, 0.1, 0.2)},
		{"y decreasing", piv.UniformGrid(17, 9, 0, 2, 0.1, -0.2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			truth := smoothField(tc.g)
			sparse, err := piv.KeepEvery(truth, 4, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			s, err := FromField(sparse)
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != 5*3 {
				t.Fatalf("got %d samples, want 15", s.Len())
			}
			lat := s.Lattice
			if lat == nil {
				t.Fatal("every 4th vector should form a lattice")
			}
			if lat.NX() != 5 || lat.NY() != 3 {
				t.Fatalf("lattice %d x %d, want 5 x 3", lat.NX(), lat.NY())
			}
			for j, y := range lat.Y {
				for i, x := range lat.X {
					k := lat.Index(i, j)
					if lat.U[k] != math.Sin(2*x)*math.Cos(y) || lat.V[k] != 0.5*math.Cos(x+0.3*y) {
						t.Fatalf("lattice node (%v, %v) holds (%v, %v), not the field's value", x, y, lat.U[k], lat.V[k])
					}
				}
			}
		})
	}
}

func TestNotALattice(t *testing.T) {
	truth := smoothField(piv.UniformGrid(16, 16, 0, 0, 0.1, 0.1))
	sparse, err := piv.KeepRandom(truth, 0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if s.Lattice != nil || s.Len() != sparse.NumValid() {
		t.Fatalf("random samples: lattice %v, %d samples (want nil, %d)", s.Lattice != nil, s.Len(), sparse.NumValid())
	}
}

func TestFromScattered(t *testing.T) {
	// A 3 x 2 lattice with float32-like jitter, shuffled, plus a vector
	// without a velocity.
	sc := &piv.Scattered{
		X: []float64{1, 0, 2.0000001, 0.9999999, 0, 2, 5},
		Y: []float64{0, 0, 0, 1, 1.0000001, 1, 5},
		U: []float64{1, 0, 2, 4, 3, 5, math.NaN()},
		V: []float64{0, 0, 0, 1, 1, 1, 0},
	}
	s, err := FromScattered(sc)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 6 {
		t.Fatalf("got %d samples, want 6 (the NaN vector dropped)", s.Len())
	}
	if s.Lattice == nil || s.Lattice.NX() != 3 || s.Lattice.NY() != 2 {
		t.Fatalf("want a 3 x 2 lattice, got %+v", s.Lattice)
	}
	for k, want := range []float64{0, 1, 2, 3, 4, 5} {
		if s.Lattice.U[k] != want {
			t.Fatalf("lattice u[%d] = %v, want %v", k, s.Lattice.U[k], want)
		}
	}
}

func TestSamplesErrors(t *testing.T) {
	empty := piv.NewField(piv.UniformGrid(4, 4, 0, 0, 1, 1))
	empty.EnsureMask()
	clear(empty.Mask)
	if _, err := FromField(empty); !errors.Is(err, piv.ErrNoValidVectors) {
		t.Errorf("no valid vectors: got %v", err)
	}
	if _, err := FromScattered(&piv.Scattered{X: []float64{0}, Y: []float64{0}, U: []float64{math.NaN()}, V: []float64{0}}); !errors.Is(err, piv.ErrNoValidVectors) {
		t.Errorf("no finite velocity: got %v", err)
	}
	for _, tc := range []struct {
		name       string
		x, y, u, v []float64
	}{
		{"lengths", []float64{0, 1}, []float64{0}, []float64{0, 1}, []float64{0, 1}},
		{"empty", nil, nil, nil, nil},
		{"non-finite", []float64{0, math.Inf(1)}, []float64{0, 1}, []float64{0, 1}, []float64{0, 1}},
		{"duplicate", []float64{0, 1, 0}, []float64{2, 1, 2}, []float64{0, 1, 2}, []float64{0, 1, 2}},
	} {
		if _, err := NewSamples(tc.x, tc.y, tc.u, tc.v, piv.Units{}); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// scatteredSamples draws n positions in [0, 1]^2 with a fixed low-discrepancy
// sequence and assigns the velocity field fn.
func scatteredSamples(t testing.TB, n int, fn func(x, y float64) (float64, float64)) *Samples {
	t.Helper()
	x, y, u, v := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for k := range x {
		// The R2 sequence (Roberts 2018): well spread, never repeating.
		x[k] = math.Mod(0.5+float64(k+1)*0.7548776662466927, 1)
		y[k] = math.Mod(0.5+float64(k+1)*0.5698402909980532, 1)
		u[k], v[k] = fn(x[k], y[k])
	}
	s, err := NewSamples(x, y, u, v, piv.Units{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
