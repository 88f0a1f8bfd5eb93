package tui

import (
	"math"
	"strings"
	"testing"

	"pivsr/data/synth"
	"pivsr/piv"
)

func TestQuantityUnits(t *testing.T) {
	for _, tc := range []struct {
		u    piv.Units
		q    Quantity
		want string
	}{
		{piv.Units{Length: "m", Velocity: "m/s"}, QuantitySpeed, "m/s"},
		{piv.Units{Length: "m", Velocity: "m/s"}, QuantityVorticity, "1/s"},
		{piv.Units{Length: "px", Velocity: "px/frame"}, QuantityDivergence, "1/frame"},
		{piv.Units{Length: "mm", Velocity: "m/s"}, QuantityVorticity, "(m/s)/mm"},
		{piv.Units{Length: "1", Velocity: "1"}, QuantityVorticity, "1"},
		{piv.Units{}, QuantityVorticity, ""},
	} {
		if got := tc.q.Unit(tc.u); got != tc.want {
			t.Errorf("%s unit for %+v = %q, want %q", tc.q.Name(), tc.u, got, tc.want)
		}
	}
}

func TestQuantityCompute(t *testing.T) {
	f := taylorGreen(t, 16)
	f.EnsureMask()
	f.Mask[5] = false
	u, err := QuantityU.Compute(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(u[5]) || u[6] != f.U[6] {
		t.Errorf("u must be NaN at masked vectors and the field's u elsewhere")
	}
	speed, _ := QuantitySpeed.Compute(nil, f)
	if math.Abs(speed[7]-math.Hypot(f.U[7], f.V[7])) > 1e-15 {
		t.Error("speed is |(u, v)|")
	}
	// Second-order differences track the analytic vorticity to within
	// (pi/16)^2 / 6 of its peak on a 32-node grid.
	f32 := taylorGreen(t, 32)
	w, _ := QuantityVorticity.Compute(nil, f32)
	for _, n := range [][2]int{{8, 8}, {3, 20}, {17, 9}} {
		k := f32.Index(n[0], n[1])
		exact := synth.TaylorGreen{Amplitude: 1, K: 1}.Vorticity(f32.X[n[0]], f32.Y[n[1]])
		if math.Abs(w[k]-exact) > 2*math.Pow(math.Pi/16, 2)/6 {
			t.Errorf("vorticity at %v = %v, exact %v", n, w[k], exact)
		}
	}
	k := f.Index(4, 4)
	div, _ := QuantityDivergence.Compute(nil, f)
	if math.Abs(div[k]) > 1e-9 {
		t.Errorf("Taylor-Green is divergence-free, got %v", div[k])
	}
}

func TestQuantityDifference(t *testing.T) {
	f := taylorGreen(t, 16)
	g := f.Clone()
	for k := range g.U {
		g.U[k] += 0.5
	}
	d, err := QuantityU.Difference(g, f)
	if err != nil {
		t.Fatal(err)
	}
	for k := range d {
		if math.Abs(d[k]-0.5) > 1e-12 {
			t.Fatalf("u error at %d = %v, want 0.5", k, d[k])
		}
	}
	if _, err := QuantityU.Difference(taylorGreen(t, 8), f); err == nil || !strings.Contains(err.Error(), "grids differ") {
		t.Errorf("different grids: err = %v", err)
	}
}
