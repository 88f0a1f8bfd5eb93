package baseline

import (
	"context"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"pivsr/internal/spectral"
	"pivsr/piv"
)

// powerLawField is a random divergence-free field on the n x n grid of the
// box [0, 2 pi)^2 whose energy spectrum falls as k^-slope from shell 4 on
// (flat below): every shell holds energy, as in measured turbulence.
func powerLawField(n int, slope float64, seed uint64) *piv.Field {
	rng := rand.New(rand.NewPCG(seed, 1))
	uh, vh := make([]complex128, n*n), make([]complex128, n*n)
	for jy := 0; jy < n; jy++ {
		wy := float64(spectral.Wavenumber(jy, n))
		for jx := 0; jx < n; jx++ {
			wx := float64(spectral.Wavenumber(jx, n))
			k := math.Hypot(wx, wy)
			if k == 0 {
				continue
			}
			// Mode amplitude^2 ~ E(k)/k, E(k) ~ k^-slope.
			amp := math.Sqrt(math.Pow(math.Max(k, 4), -slope)/k) / k
			c := cmplx.Rect(amp, 2*math.Pi*rng.Float64())
			uh[jy*n+jx], vh[jy*n+jx] = c*complex(wy, 0), -c*complex(wx, 0)
		}
	}
	fft := spectral.NewFFT2(n, n)
	fft.Inverse(uh)
	fft.Inverse(vh)
	h := 2 * math.Pi / float64(n)
	f := piv.NewField(piv.UniformGrid(n, n, 0, 0, h, h))
	for k := range f.U {
		f.U[k], f.V[k] = real(uh[k]), real(vh[k])
	}
	return f
}

func rmsError(a, b *piv.Field) float64 {
	var s float64
	for k := range a.U {
		du, dv := a.U[k]-b.U[k], a.V[k]-b.V[k]
		s += du*du + dv*dv
	}
	return math.Sqrt(s / float64(len(a.U)))
}

// divVort is rms(div) / rms(vorticity) by piv.Gradients.
func divVort(t *testing.T, f *piv.Field) float64 {
	t.Helper()
	g, err := piv.Gradients(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	div, vort := g.Divergence(nil), g.Vorticity(nil)
	var sd, sv float64
	for k := range div {
		sd += div[k] * div[k]
		sv += vort[k] * vort[k]
	}
	return math.Sqrt(sd / sv)
}

func TestWienerBeatsTrigonometricInterpolation(t *testing.T) {
	ctx := context.Background()
	for _, slope := range []float64{3.5, 5} {
		truth := powerLawField(128, slope, 3)
		sparse, err := piv.KeepEvery(truth, 8, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		s, err := FromField(sparse)
		if err != nil {
			t.Fatal(err)
		}
		trig, err := Spectral{Solenoidal: true}.Reconstruct(ctx, s, truth.Grid)
		if err != nil {
			t.Fatal(err)
		}
		mean, err := Wiener{}.Reconstruct(ctx, s, truth.Grid)
		if err != nil {
			t.Fatal(err)
		}
		eTrig, eMean := rmsError(trig, truth), rmsError(mean, truth)
		if !(eMean < 0.9*eTrig) {
			t.Errorf("slope %v: Wiener rms error %.4g, want well below trigonometric interpolation's %.4g", slope, eMean, eTrig)
		}
		// It passes through the samples and is divergence-free spectrally.
		var worst, scale float64
		for k := range sparse.U {
			if sparse.Valid(k) {
				worst = max(worst, math.Abs(mean.U[k]-truth.U[k]), math.Abs(mean.V[k]-truth.V[k]))
				scale = max(scale, math.Abs(truth.U[k]), math.Abs(truth.V[k]))
			}
		}
		if worst > 5e-3*scale { // the nugget trades exactness for stability
			t.Errorf("slope %v: the estimate misses a sample by %.3g (velocity scale %.3g)", slope, worst, scale)
		}
		if d := spectralDivergence(mean); d > 1e-8 {
			t.Errorf("slope %v: spectral divergence %.3g, want 0", slope, d)
		}
		// The draw restores small-scale energy the mean lacks.
		drawn, err := Wiener{Fraction: 0.5, Seed: 1}.Reconstruct(ctx, s, truth.Grid)
		if err != nil {
			t.Fatal(err)
		}
		em, _ := piv.EnergySpectrum(nil, mean)
		ed, _ := piv.EnergySpectrum(nil, drawn)
		et, _ := piv.EnergySpectrum(nil, truth)
		for _, k := range []int{20, 30, 40} {
			if !(ed[k] > 10*em[k]) || !(ed[k] > et[k]/10 && ed[k] < 10*et[k]) {
				t.Errorf("slope %v shell %d: energy %.3g with the draw, %.3g without, truth %.3g", slope, k, ed[k], em[k], et[k])
			}
		}
	}
}

func TestWienerBudgetCapsTheDraw(t *testing.T) {
	truth := powerLawField(128, 3.5, 5)
	sparse, _ := piv.KeepEvery(truth, 8, 0, 0)
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	shell40 := func(m Wiener) float64 {
		f, err := m.Reconstruct(context.Background(), s, truth.Grid)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := piv.EnergySpectrum(nil, f)
		return e[40]
	}
	free, loose, tight := shell40(Wiener{Fraction: 0.3, Seed: 2}), shell40(Wiener{Fraction: 0.3, Budget: 100, Seed: 2}), shell40(Wiener{Fraction: 0.3, Budget: 1e-3, Seed: 2})
	if loose != free || !(tight < free/10) {
		t.Errorf("shell 40 energy: %.3g without a budget, %.3g with a loose one (want equal), %.3g with a tight one (want far less)", free, loose, tight)
	}
	pt, err := newPeriodicTarget(context.Background(), s, truth.Grid)
	if err != nil {
		t.Fatal(err)
	}
	k, err := Wiener{}.newKriger(pt, s.Lattice)
	if err != nil {
		t.Fatal(err)
	}
	if gain, cost := k.expectedErrors(); !(gain > 0 && cost > 0) {
		t.Errorf("expected gain %.3g and draw cost %.3g, want both positive", gain, cost)
	}
}

// TestWienerFallsBackOnAUniformField: a uniform periodic field has no
// spectrum to fit; it gets the trigonometric interpolant, exact here.
func TestWienerFallsBackOnAUniformField(t *testing.T) {
	uniform := piv.NewField(piv.UniformGrid(64, 64, 0, 0, 0.1, 0.1))
	for k := range uniform.U {
		uniform.U[k] = 1
	}
	sparse, _ := piv.KeepEvery(uniform, 8, 0, 0)
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Wiener{Discrete: true, Fraction: 0.3}.Reconstruct(context.Background(), s, uniform.Grid)
	if err != nil {
		t.Fatal(err)
	}
	for k := range got.U {
		if math.Abs(got.U[k]-1) > 1e-9 || math.Abs(got.V[k]) > 1e-9 {
			t.Fatalf("node %d: (%v, %v), want (1, 0)", k, got.U[k], got.V[k])
		}
	}
}

func TestProjectDiscreteZeroesTheGridDivergence(t *testing.T) {
	f := periodicField(64, 0.2, true) // a gradient part with divergence
	want := periodicField(64, 0.2, false)
	if d := divVort(t, f); d < 0.3 {
		t.Fatalf("the test field's div/vort %.3g should be large", d)
	}
	left, err := ProjectDiscrete(f)
	if err != nil {
		t.Fatal(err)
	}
	if d := divVort(t, f); d > 1e-3 || left > 1e-2 {
		t.Errorf("after the projection div/vort %.3g (rms divergence left %.3g), want ~0", d, left)
	}
	if e := rmsError(f, want); e > 0.05 {
		t.Errorf("the projection left the solenoidal part %.3g rms away", e)
	}
	masked := periodicField(16, 0, false)
	masked.Mask = make([]bool, masked.Len())
	if _, err := ProjectDiscrete(masked); err == nil {
		t.Error("a masked field was accepted")
	}
}

// TestWienerDiscreteFallback: a lattice too coarse to fit a spectrum on
// gets the trigonometric interpolant, which with Discrete must still be
// divergence-free for the grid's finite differences, edges included.
func TestWienerDiscreteFallback(t *testing.T) {
	truth := periodicField(64, 0.2, false)
	sparse, _ := piv.KeepEvery(truth, 8, 0, 0) // 8 x 8: too few shells to fit
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Wiener{Discrete: true}.Reconstruct(context.Background(), s, truth.Grid)
	if err != nil {
		t.Fatal(err)
	}
	if d := divVort(t, got); d > 1e-3 {
		t.Errorf("div/vort %.3g, want ~0 for the grid's differences", d)
	}
}
