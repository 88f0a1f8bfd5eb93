package transport

import (
	"math"
	"testing"

	"pivsr/piv"
)

// compareSample is four vectors at distinct directions and speeds.
func compareSample() *piv.Scattered {
	return &piv.Scattered{
		X: []float64{0, 1, 2, 3},
		Y: []float64{0, 0, 0, 0},
		U: []float64{1, 0, -2, 0},
		V: []float64{0, 3, 0, -1},
	}
}

func TestCompareFieldsScaled(t *testing.T) {
	a := compareSample()
	b := compareSample()
	for k := range b.U {
		b.U[k], b.V[k] = 2*b.U[k], 2*b.V[k]
	}
	rows, err := CompareFields(a, b, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 {
		t.Fatalf("%d rows, want 7: %+v", len(rows), rows)
	}
	// Speeds 1, 3, 2, 1 against twice them: W_1 is the mean speed, W_2 the
	// rms speed. Doubling every vector keeps the directions. Along every
	// slice the projections double, so SW_2^2 is the mean of <x, theta>^2
	// over directions: half the mean square speed.
	meanSq := (1.0 + 9 + 4 + 1) / 4
	want := map[string]float64{
		"velocity SW_2":                    math.Sqrt(meanSq / 2),
		"direction W_1 (turns)":            0,
		"direction W_2 (turns)":            0,
		"direction (by speed) W_1 (turns)": 0,
		"direction (by speed) W_2 (turns)": 0,
		"speed W_1":                        (1.0 + 3 + 2 + 1) / 4,
		"speed W_2":                        math.Sqrt(meanSq),
	}
	for _, r := range rows {
		w, ok := want[r.Quantity+" "+r.Distance]
		if !ok {
			t.Errorf("unexpected row %+v", r)
			continue
		}
		tol := 1e-12
		if r.Quantity == "velocity" {
			tol = 5e-3 // quasi-Monte-Carlo over 2000 directions
			if !(r.StdErr >= 0) {
				t.Errorf("velocity standard error %v", r.StdErr)
			}
		}
		if math.Abs(r.Value-w) > tol {
			t.Errorf("%s %s = %v, want %v", r.Quantity, r.Distance, r.Value, w)
		}
	}
}

func TestCompareFieldsRotated(t *testing.T) {
	a := compareSample()
	b := compareSample()
	const turn = 0.01
	s, c := math.Sincos(2 * math.Pi * turn)
	for k := range b.U {
		b.U[k], b.V[k] = c*a.U[k]-s*a.V[k], s*a.U[k]+c*a.V[k]
	}
	rows, err := CompareFields(a, b, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Every direction moves by 0.01 of a turn, far below the quarter turns
	// between them; the speeds do not change.
	for _, r := range rows {
		var want float64
		switch r.Quantity {
		case "velocity":
			if !(r.Value > 0) {
				t.Errorf("sliced W_2 of a rotated cloud is %v, want > 0", r.Value)
			}
			continue
		case "speed":
			want = 0
		default:
			want = turn
		}
		if math.Abs(r.Value-want) > 1e-9 {
			t.Errorf("%s %s = %v, want %v", r.Quantity, r.Distance, r.Value, want)
		}
	}
}

func TestCompareFieldsErrors(t *testing.T) {
	a := compareSample()
	zero := &piv.Scattered{X: []float64{0}, Y: []float64{0}, U: []float64{0}, V: []float64{0}}
	empty := &piv.Scattered{}
	for _, tc := range []struct {
		name   string
		a, b   *piv.Scattered
		slices int
	}{
		{"nil field", a, nil, 10},
		{"no slices", a, a, 0},
		{"no valid vector", a, empty, 10},
		{"only zero vectors", a, zero, 10},
	} {
		if _, err := CompareFields(tc.a, tc.b, tc.slices, 1); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
