package transport

import (
	"errors"
	"fmt"
	"math"

	"pivsr/piv"
)

// Comparison is one distance between the distributions of two fields, as a
// W_p (not W_p^p) in the fields' velocity units, or in turns of the circle
// for directions.
type Comparison struct {
	Quantity string  `json:"quantity"` // "velocity", "direction", "direction (by speed)", "speed"
	Distance string  `json:"distance"` // "SW_2", "W_1 (turns)", "W_2 (turns)", "W_1", "W_2"
	Value    float64 `json:"value"`
	StdErr   float64 `json:"std_err,omitempty"` // Monte-Carlo standard error (sliced distances only)
}

// CompareFields measures how far apart the distributions of the valid
// vectors of a and b are:
//
//   - velocity: the sliced W_2 between the (u, v) clouds over slices
//     quasi-Monte-Carlo directions (seeded), with its standard error;
//   - direction: W_1 and W_2 on the circle between the flow directions,
//     unweighted and weighted by speed;
//   - speed: W_1 and W_2 between the speed distributions.
//
// The rows come in that order.
func CompareFields(a, b *piv.Scattered, slices int, seed uint64) ([]Comparison, error) {
	if a == nil || b == nil {
		return nil, errors.New("compare fields: want two fields, got nil")
	}
	if slices < 1 {
		return nil, fmt.Errorf("compare fields: %d slices, want at least 1", slices)
	}
	ca, cb := VelocityCloud(a), VelocityCloud(b)
	if ca == nil || cb == nil {
		return nil, errors.New("a field has no valid vector to compare")
	}
	sw, err := NewSliced(slices).P(2).Seed(seed).Directions(QuasiMonteCarlo).Pow(ca, nil, cb, nil)
	if err != nil {
		return nil, fmt.Errorf("sliced distance: %w", err)
	}
	row := Comparison{Quantity: "velocity", Distance: "SW_2", Value: sw.Distance()}
	if row.Value > 0 && !math.IsNaN(sw.StdErr) {
		row.StdErr = sw.StdErr / (2 * row.Value) // from SW^2's by the delta method
	}
	rows := []Comparison{row}
	for _, bySpeed := range []bool{false, true} {
		aa, wa := Directions(a, bySpeed)
		ab, wb := Directions(b, bySpeed)
		if len(aa) == 0 || len(ab) == 0 {
			return nil, errors.New("a field has no non-zero vector: its directions are undefined")
		}
		name := "direction"
		if bySpeed {
			name = "direction (by speed)"
		}
		w1, err := CircleW1(aa, wa, ab, wb)
		if err != nil {
			return nil, fmt.Errorf("circle W_1: %w", err)
		}
		w2, err := CirclePow(aa, wa, ab, wb, 2)
		if err != nil {
			return nil, fmt.Errorf("circle W_2: %w", err)
		}
		rows = append(rows, Comparison{Quantity: name, Distance: "W_1 (turns)", Value: w1}, Comparison{Quantity: name, Distance: "W_2 (turns)", Value: math.Sqrt(w2)})
	}
	sa, sb := Speeds(a), Speeds(b)
	for _, p := range []float64{1, 2} {
		w, err := Wasserstein1D(sa, nil, sb, nil, p)
		if err != nil {
			return nil, fmt.Errorf("speed W_%g: %w", p, err)
		}
		rows = append(rows, Comparison{Quantity: "speed", Distance: fmt.Sprintf("W_%g", p), Value: w})
	}
	return rows, nil
}
