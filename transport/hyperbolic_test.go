package transport

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// lorentzLine returns the points (cosh r, sinh r) of H^1.
func lorentzLine(r []float64) *mat.Dense {
	x := mat.NewDense(len(r), 2, nil)
	for i, v := range r {
		x.Set(i, 0, math.Cosh(v))
		x.Set(i, 1, math.Sinh(v))
	}
	return x
}

// randomLorentz returns n points of H^d pushed from a Gaussian of the ball.
func randomLorentz(n, d int, spread float64, seed uint64) *mat.Dense {
	rng := newRand(seed)
	ball := mat.NewDense(n, d, nil)
	for i := range n {
		row := ball.RawRowView(i)
		randomUnit(row, rng)
		r := math.Tanh(spread * math.Abs(rng.NormFloat64()) / 2) // hyperbolic radius spread*|N|
		for k := range row {
			row[k] *= r
		}
	}
	x, err := PoincareToLorentz(nil, ball)
	if err != nil {
		panic(err)
	}
	return x
}

// On H^1 both projections are isometries to the line (t = r, B = -r), so
// HSW is the 1-D distance between the signed radii.
func TestHyperbolicSlicedLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	r, s := gaussianSample(200, 0, 1, rng), gaussianSample(150, 1, 0.5, rng)
	for _, proj := range []HyperbolicProjection{GeodesicProjection, HorosphericalProjection} {
		for _, p := range []float64{1, 2, 3} {
			want, err := Wasserstein1DPow(r, nil, s, nil, p)
			if err != nil {
				t.Fatal(err)
			}
			est, err := NewHyperbolicSliced(8).P(p).Projection(proj).Pow(lorentzLine(r), nil, lorentzLine(s), nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(est.Pow-want)/want > 1e-9 || est.StdErr > 1e-9*want {
				t.Errorf("%v p=%g: HSW %v, W_p^p of the radii %.12g", proj, p, est, want)
			}
		}
	}
}

// Along its own direction w, the point at distance r on the geodesic has
// geodesic coordinate r and Busemann value -r, to full precision even far
// from the origin.
func TestHyperbolicProjections(t *testing.T) {
	w := []float64{0.6, 0, 0.8}
	for _, r := range []float64{-20, -3, -0.5, 0, 0.1, 2, 10, 20} {
		x := mat.NewDense(1, 4, []float64{math.Cosh(r), math.Sinh(r) * w[0], math.Sinh(r) * w[1], math.Sinh(r) * w[2]})
		if err := CheckLorentz(x, 1e-9); err != nil {
			t.Fatal(err)
		}
		geo := projectHyperbolic(nil, x, w, GeodesicProjection)[0]
		horo := projectHyperbolic(nil, x, w, HorosphericalProjection)[0]
		if math.Abs(geo-r) > 1e-14*(1+math.Abs(r)) || math.Abs(horo+r) > 1e-14*(1+math.Abs(r)) {
			t.Errorf("r=%g: geodesic %g (want r), Busemann %g (want -r)", r, geo, horo)
		}
	}
	// The point at distance 1 along an orthogonal direction projects to the
	// origin: geodesic coordinate 0 and Busemann log(cosh 1).
	x := mat.NewDense(1, 4, []float64{math.Cosh(1), 0, math.Sinh(1), 0})
	if g := projectHyperbolic(nil, x, w, GeodesicProjection)[0]; math.Abs(g) > 1e-14 {
		t.Errorf("orthogonal point: geodesic coordinate %g, want 0", g)
	}
	if b := projectHyperbolic(nil, x, w, HorosphericalProjection)[0]; math.Abs(b-math.Log(math.Cosh(1))) > 1e-14 {
		t.Errorf("orthogonal point: Busemann %g, want log cosh 1", b)
	}
}

func TestPoincareLorentzRoundTrip(t *testing.T) {
	ball := mat.NewDense(3, 2, []float64{0, 0, math.Tanh(0.5), 0, -0.3, 0.9})
	x, err := PoincareToLorentz(nil, ball)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckLorentz(x, 1e-12); err != nil {
		t.Error(err)
	}
	// The origin maps to o, tanh(r/2) e1 to (cosh r, sinh r, 0).
	want := [][]float64{{1, 0, 0}, {math.Cosh(1), math.Sinh(1), 0}}
	for i, row := range want {
		for k, v := range row {
			if math.Abs(x.At(i, k)-v) > 1e-12 {
				t.Errorf("point %d coordinate %d: %g, want %g", i, k, x.At(i, k), v)
			}
		}
	}
	back, err := LorentzToPoincare(mat.NewDense(3, 2, nil), x)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(back, ball, 1e-12) {
		t.Errorf("round trip gives %v, want %v", mat.Formatted(back), mat.Formatted(ball))
	}
}

func TestHyperbolicSlicedInvariants(t *testing.T) {
	x := randomLorentz(300, 3, 1, 73)
	y := randomLorentz(200, 3, 2, 74)
	for _, proj := range []HyperbolicProjection{GeodesicProjection, HorosphericalProjection} {
		h := NewHyperbolicSliced(40).Seed(75).Projection(proj)
		self, err := h.Pow(x, nil, x, nil)
		if err != nil {
			t.Fatal(err)
		}
		if self.Pow != 0 {
			t.Errorf("%v: HSW(X, X) = %v, want 0", proj, self)
		}
		xy, _ := h.Pow(x, nil, y, nil)
		yx, _ := h.Pow(y, nil, x, nil)
		if xy.Pow <= 0 || math.Abs(xy.Pow-yx.Pow) > 1e-12 {
			t.Errorf("%v: HSW(x, y) = %v, HSW(y, x) = %v", proj, xy, yx)
		}
	}
}

func TestHyperbolicErrors(t *testing.T) {
	good := randomLorentz(4, 2, 1, 1)
	off := mat.NewDense(1, 3, []float64{2, 0, 0})
	lower := mat.NewDense(1, 3, []float64{-1, 0, 0})
	tests := []struct {
		name   string
		call   func() error
		target error
	}{
		{"off the hyperboloid", func() error { _, err := NewHyperbolicSliced(5).Pow(good, nil, off, nil); return err }, ErrDomain},
		{"lower sheet", func() error { return CheckLorentz(lower, LorentzTol) }, ErrDomain},
		{"one column", func() error { return CheckLorentz(mat.NewDense(1, 1, []float64{1}), LorentzTol) }, ErrDimension},
		{"dimension mismatch", func() error {
			_, err := NewHyperbolicSliced(5).Pow(good, nil, lorentzLine([]float64{1}), nil)
			return err
		}, ErrDimension},
		{"unknown projection", func() error {
			_, err := NewHyperbolicSliced(5).Projection(HyperbolicProjection(7)).Pow(good, nil, good, nil)
			return err
		}, ErrConfig},
		{"p < 1", func() error { _, err := NewHyperbolicSliced(5).P(0.2).Pow(good, nil, good, nil); return err }, ErrExponent},
		{"ball point outside", func() error { _, err := PoincareToLorentz(nil, mat.NewDense(1, 2, []float64{0.6, 0.8})); return err }, ErrDomain},
		{"empty ball", func() error { _, err := PoincareToLorentz(nil, nil); return err }, ErrEmpty},
		{"wrong destination", func() error {
			_, err := PoincareToLorentz(mat.NewDense(1, 2, nil), mat.NewDense(1, 2, nil))
			return err
		}, ErrDimension},
		{"LorentzToPoincare off", func() error { _, err := LorentzToPoincare(nil, off); return err }, ErrDomain},
	}
	for _, tc := range tests {
		if err := tc.call(); !errors.Is(err, tc.target) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.target)
		}
	}
}
