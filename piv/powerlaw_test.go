package piv

import (
	"math"
	"testing"
)

func TestFitPowerLaw(t *testing.T) {
	tests := []struct {
		name     string
		exponent float64
		c        float64
	}{
		{"enstrophy range", -3, 0.7},
		{"Kolmogorov S2", 2.0 / 3, 1.5},
		{"smooth S2", 2, 1e-3},
	}
	for _, tt := range tests {
		x := []float64{1, 2, 3, 5, 8, 13}
		y := make([]float64, len(x))
		for i := range x {
			y[i] = tt.c * math.Pow(x[i], tt.exponent)
		}
		x = append(x, -1, 4) // ignored: non-positive x, non-positive y
		y = append(y, 3, 0)
		e, c, err := FitPowerLaw(x, y)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if math.Abs(e-tt.exponent) > 1e-12 || math.Abs(c-tt.c) > 1e-12*tt.c {
			t.Errorf("%s: got exponent %v, c %v; want %v, %v", tt.name, e, c, tt.exponent, tt.c)
		}
	}
}

func TestFitPowerLawErrors(t *testing.T) {
	for _, tt := range []struct{ x, y []float64 }{
		{[]float64{1}, []float64{1}},
		{[]float64{2, 2, 2}, []float64{1, 2, 3}},
		{[]float64{1, 2}, []float64{1}},
		{[]float64{1, 2}, []float64{0, -1}},
	} {
		if _, _, err := FitPowerLaw(tt.x, tt.y); err == nil {
			t.Errorf("FitPowerLaw(%v, %v) gave no error", tt.x, tt.y)
		}
	}
}

func TestSpectralSlope(t *testing.T) {
	e := make([]float64, 64)
	for k := 1; k < len(e); k++ {
		e[k] = math.Pow(float64(k), -3)
	}
	e[2] = 100 // outside the fitted range
	s, err := SpectralSlope(e, 4, 40)
	if err != nil || math.Abs(s+3) > 1e-12 {
		t.Fatalf("SpectralSlope = %v, %v; want -3", s, err)
	}
	if _, err := SpectralSlope(e, 0, 10); err == nil {
		t.Fatal("kmin 0 accepted")
	}
}
