package synth

import (
	"math"
	"strings"
	"testing"

	"pivsr/piv"
)

func periodicGrid(n int, length float64) piv.Grid {
	h := length / float64(n)
	return piv.UniformGrid(n, n, 0, 0, h, h)
}

func TestTaylorGreenSpectralVorticity(t *testing.T) {
	for _, tg := range []TaylorGreen{
		{Amplitude: 1, K: 1},
		{Amplitude: 2.5, K: 2},
		{Amplitude: 1, K: 1, Viscosity: 0.1, Time: 3},
		{Amplitude: -0.5, K: 3, Viscosity: 0.01, Time: 1},
	} {
		g := periodicGrid(32, 2*math.Pi)
		f, err := Sample(g, tg)
		if err != nil {
			t.Fatal(err)
		}
		divMax, scale, vort := spectralCalculus(f, 2*math.Pi)
		if divMax > 1e-13*scale {
			t.Errorf("%+v: spectral divergence %g against a scale of %g", tg, divMax, scale)
		}
		decay := math.Exp(-2 * tg.Viscosity * tg.K * tg.K * tg.Time)
		for j, y := range g.Y {
			for i, x := range g.X {
				want := 2 * tg.Amplitude * tg.K * decay * math.Sin(tg.K*x) * math.Sin(tg.K*y)
				got := vort[g.Index(i, j)]
				if math.Abs(got-want) > 1e-12*math.Abs(tg.Amplitude*tg.K) {
					t.Fatalf("%+v: spectral vorticity at (%v, %v) = %v, want %v", tg, x, y, got, want)
				}
				if w := tg.Vorticity(x, y); math.Abs(w-want) > 1e-12 {
					t.Fatalf("%+v: Vorticity(%v, %v) = %v, want %v", tg, x, y, w, want)
				}
			}
		}
	}
}

func TestLambOseenProfile(t *testing.T) {
	const gamma, rc = 2.0, 0.4
	v := LambOseen{Circulation: gamma, CoreRadius: rc, X0: 0.3, Y0: -0.2}
	// The tangential velocity peaks at r = 1.12091 rc, where the enclosed
	// circulation is 1 - exp(-1.25643) = 0.71533 of the total (Lamb 1932).
	rPeak := 1.12091 * rc
	for _, c := range []struct {
		name string
		r    float64
		want float64
		tol  float64
	}{
		{"peak", rPeak, 0.71533 * gamma / (2 * math.Pi * rPeak), 1e-5},
		{"solid-body core", 1e-4 * rc, gamma * 1e-4 * rc / (2 * math.Pi * rc * rc), 1e-7},
		{"potential far field", 8 * rc, gamma / (2 * math.Pi * 8 * rc), 1e-12},
		{"centre", 0, 0, 0},
	} {
		// Sample the vortex at four points on the circle of radius r and
		// project onto the tangential and radial directions.
		for _, th := range []float64{0, 1, 2.5, 4} {
			x, y := v.X0+c.r*math.Cos(th), v.Y0+c.r*math.Sin(th)
			u, w := v.Velocity(x, y)
			tang := -u*math.Sin(th) + w*math.Cos(th)
			rad := u*math.Cos(th) + w*math.Sin(th)
			if math.Abs(tang-c.want) > c.tol*math.Max(1, math.Abs(c.want)) {
				t.Errorf("%s (r = %v, theta = %v): u_theta = %.8g, want %.8g", c.name, c.r, th, tang, c.want)
			}
			if math.Abs(rad) > 1e-14 {
				t.Errorf("%s (r = %v, theta = %v): radial velocity %g, want 0", c.name, c.r, th, rad)
			}
		}
	}
	// The peak is a maximum: the profile falls on both sides.
	if !(v.Tangential(rPeak) > v.Tangential(0.95*rPeak) && v.Tangential(rPeak) > v.Tangential(1.05*rPeak)) {
		t.Errorf("u_theta(%v) = %v is not a local maximum", rPeak, v.Tangential(rPeak))
	}
}

func TestLambOseenCirculationAndSpreading(t *testing.T) {
	v := LambOseen{Circulation: -1.5, CoreRadius: 0.3, X0: 1, Y0: 2, Viscosity: 0.01, Time: 2}
	rc := math.Sqrt(0.3*0.3 + 4*0.01*2)
	if math.Abs(v.Radius()-rc) > 1e-15 {
		t.Fatalf("Radius() = %v, want %v", v.Radius(), rc)
	}
	// Circulation round a circle of radius R, by the trapezoid rule (exact
	// to round-off for a smooth periodic integrand).
	for _, R := range []float64{0.5 * rc, rc, 3 * rc} {
		const m = 64
		circ := 0.0
		for k := 0; k < m; k++ {
			th := 2 * math.Pi * float64(k) / m
			u, w := v.Velocity(v.X0+R*math.Cos(th), v.Y0+R*math.Sin(th))
			circ += (-u*math.Sin(th) + w*math.Cos(th)) * R * 2 * math.Pi / m
		}
		want := v.Circulation * (1 - math.Exp(-R*R/(rc*rc)))
		if math.Abs(circ-want) > 1e-12 {
			t.Errorf("circulation within r = %v: %v, want %v", R, circ, want)
		}
	}
	// Vorticity is the curl of the velocity (central differences).
	const h = 1e-4
	for _, p := range [][2]float64{{1, 2}, {1.2, 2.1}, {0.6, 1.7}} {
		x, y := p[0], p[1]
		_, vr := v.Velocity(x+h, y)
		_, vl := v.Velocity(x-h, y)
		uu, _ := v.Velocity(x, y+h)
		ud, _ := v.Velocity(x, y-h)
		curl := (vr-vl)/(2*h) - (uu-ud)/(2*h)
		if w := v.Vorticity(x, y); math.Abs(curl-w) > 1e-6*math.Abs(v.Circulation)/(rc*rc) {
			t.Errorf("at (%v, %v): curl of the velocity %v, Vorticity %v", x, y, curl, w)
		}
	}
}

func TestSampleSumAndGrids(t *testing.T) {
	// A decreasing y axis, as PIV exports often have.
	g := piv.Grid{X: []float64{0, 0.5, 1, 1.5}, Y: []float64{2, 1, 0}}
	tg := TaylorGreen{Amplitude: 1, K: 1}
	lo := LambOseen{Circulation: 1, CoreRadius: 0.5, X0: 0.7, Y0: 0.9}
	sum, err := Sample(g, Sum{Uniform{U: 0.25, V: -1}, tg, lo})
	if err != nil {
		t.Fatal(err)
	}
	for j, y := range g.Y {
		for i, x := range g.X {
			u1, v1 := tg.Velocity(x, y)
			u2, v2 := lo.Velocity(x, y)
			k := g.Index(i, j)
			if math.Abs(sum.U[k]-(0.25+u1+u2)) > 1e-15 || math.Abs(sum.V[k]-(-1+v1+v2)) > 1e-15 {
				t.Fatalf("node (%d, %d) at (%v, %v): got (%v, %v), want (%v, %v)", i, j, x, y, sum.U[k], sum.V[k], 0.25+u1+u2, -1+v1+v2)
			}
		}
	}
	if err := sum.Check(); err != nil {
		t.Errorf("sampled field fails its own check: %v", err)
	}
}

func TestSampleErrors(t *testing.T) {
	good := periodicGrid(8, 1)
	for _, c := range []struct {
		name string
		g    piv.Grid
		flow Flow
		want string
	}{
		{"no flow", good, nil, "no flow"},
		{"bad grid", piv.Grid{X: []float64{0, 0}, Y: []float64{0}}, Uniform{}, "monotonic"},
		{"zero core", good, LambOseen{Circulation: 1}, "core radius"},
		{"negative time", good, LambOseen{Circulation: 1, CoreRadius: 1, Time: -1}, "time"},
		{"zero K", good, TaylorGreen{Amplitude: 1}, "K"},
		{"NaN uniform", good, Uniform{U: math.NaN()}, "finite"},
		{"empty sum", good, Sum{}, "no flow"},
		{"bad term", good, Sum{Uniform{}, TaylorGreen{Amplitude: 1, K: -1}}, "flow 1"},
	} {
		_, err := Sample(c.g, c.flow)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}
