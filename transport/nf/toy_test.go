package nf

import (
	"math"
	"testing"
)

// TestPinwheel checks the pinwheel's arms: undoing the curl
// (angle + 0.25 exp(radius)) puts nearly every point within 0.3 rad of one
// of the five arm directions, where angles without that structure would
// land there about half the time; and a seed repeats its points.
func TestPinwheel(t *testing.T) {
	x, err := Pinwheel(4000, 7)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Pinwheel(4000, 7)
	other, _ := Pinwheel(4000, 8)
	if x.At(123, 0) != again.At(123, 0) || x.At(123, 1) == other.At(123, 1) {
		t.Errorf("seeding: same seed %v vs %v, other seed %v", x.At(123, 0), again.At(123, 0), other.At(123, 1))
	}
	const arm = 2 * math.Pi / 5
	near, sumR := 0, 0.0
	n, _ := x.Dims()
	for i := range n {
		px, py := x.At(i, 0)/2, x.At(i, 1)/2
		r := math.Hypot(px, py)
		sumR += r
		res := math.Mod(math.Atan2(py, px)+0.25*math.Exp(r), arm)
		if res < 0 {
			res += arm
		}
		if math.Min(res, arm-res) < 0.3 {
			near++
		}
	}
	if frac := float64(near) / float64(n); frac < 0.9 {
		t.Errorf("%.3f of the points lie on an arm, want > 0.9", frac)
	}
	if m := sumR / float64(n); math.Abs(m-1) > 0.05 {
		t.Errorf("mean radius %v (unscaled), want about 1", m)
	}
	if _, err := Pinwheel(0, 1); err == nil {
		t.Error("Pinwheel(0) gave no error")
	}
}
