package transport

import (
	"math"
	"testing"

	"pivsr/piv"
)

func TestFieldAdapters(t *testing.T) {
	s := &piv.Scattered{
		X: []float64{0, 1, 2, 3, 4},
		Y: []float64{0, 0, 0, 0, 0},
		U: []float64{1, 0, -2, 0, math.NaN()},
		V: []float64{0, 3, 0, 0, 1},
	}
	cloud := VelocityCloud(s)
	if r, c := cloud.Dims(); r != 4 || c != 2 {
		t.Fatalf("cloud is %d x %d, want 4 x 2 (the NaN vector dropped)", r, c)
	}
	angles, w := Directions(s, true)
	wantA := []float64{0, 0.25, 0.5} // east, north, west; the zero vector has no direction
	wantW := []float64{1.0 / 6, 3.0 / 6, 2.0 / 6}
	if len(angles) != 3 || len(w) != 3 {
		t.Fatalf("got %d angles and %d weights, want 3", len(angles), len(w))
	}
	for k := range wantA {
		if math.Abs(angles[k]-wantA[k]) > 1e-15 || math.Abs(w[k]-wantW[k]) > 1e-15 {
			t.Errorf("direction %d: angle %v weight %v, want %v %v", k, angles[k], w[k], wantA[k], wantW[k])
		}
	}
	if _, w := Directions(s, false); w != nil {
		t.Error("unweighted directions returned weights")
	}
	if sp := Speeds(s); len(sp) != 4 || sp[1] != 3 {
		t.Errorf("speeds %v", sp)
	}
	// A field turned by a small angle (0.01 of a turn, well below the gaps
	// between its directions) has every direction moved by 0.01: that is the
	// circle W_1 between the two.
	c, sn := math.Cos(2*math.Pi*0.01), math.Sin(2*math.Pi*0.01)
	rot := &piv.Scattered{X: s.X, Y: s.Y, U: make([]float64, 5), V: make([]float64, 5)}
	for k := range s.U {
		rot.U[k], rot.V[k] = c*s.U[k]-sn*s.V[k], sn*s.U[k]+c*s.V[k]
	}
	a2, _ := Directions(rot, false)
	d, err := CirclePow(angles, nil, a2, nil, 1)
	if err != nil || math.Abs(d-0.01) > 1e-12 {
		t.Errorf("circle W_1 between a field and its turn by 0.01 = %v, %v; want 0.01", d, err)
	}
}
