package baseline

import (
	"context"
	"math"
	"math/cmplx"
	"testing"

	"pivsr/internal/spectral"
	"pivsr/piv"
)

// periodicField samples, on an n x n grid of the box [0, 2 pi)^2, the
// divergence-free field of stream function sin(2x + y) + cos(x - 3y)/2 plus
// a uniform flow (u0, 0) and, when grad is set, the gradient of cos(x + 2y),
// which has divergence.
func periodicField(n int, u0 float64, grad bool) *piv.Field {
	h := 2 * math.Pi / float64(n)
	g := piv.UniformGrid(n, n, 0, 0, h, h)
	f := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			k := g.Index(i, j)
			// u = dpsi/dy, v = -dpsi/dx
			f.U[k] = u0 + math.Cos(2*x+y) + 1.5*math.Sin(x-3*y)
			f.V[k] = -2*math.Cos(2*x+y) + 0.5*math.Sin(x-3*y)
			if grad {
				f.U[k] += -math.Sin(x + 2*y)
				f.V[k] += -2 * math.Sin(x+2*y)
			}
		}
	}
	return f
}

func TestSpectralIsExactOnBandLimitedFields(t *testing.T) {
	truth := periodicField(64, 0.3, false)
	sparse, err := piv.KeepEvery(truth, 4, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Spectral{{}, {Solenoidal: true}} {
		got, err := m.Reconstruct(context.Background(), s, truth.Grid)
		if err != nil {
			t.Fatalf("%s: %v", m.Name(), err)
		}
		for k := range got.U {
			if math.Abs(got.U[k]-truth.U[k]) > 1e-10 || math.Abs(got.V[k]-truth.V[k]) > 1e-10 {
				t.Fatalf("%s: node %d: got (%v, %v), want (%v, %v)", m.Name(), k, got.U[k], got.V[k], truth.U[k], truth.V[k])
			}
		}
	}
}

func TestSpectralSolenoidalRemovesTheGradientPart(t *testing.T) {
	withGrad := periodicField(64, 0, true)
	solenoidal := periodicField(64, 0, false)
	sparse, _ := piv.KeepEvery(withGrad, 4, 0, 0)
	s, err := FromField(sparse)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Spectral{Solenoidal: true}.Reconstruct(context.Background(), s, withGrad.Grid)
	if err != nil {
		t.Fatal(err)
	}
	for k := range got.U {
		if math.Abs(got.U[k]-solenoidal.U[k]) > 1e-10 || math.Abs(got.V[k]-solenoidal.V[k]) > 1e-10 {
			t.Fatalf("node %d keeps a gradient part: got (%v, %v), want (%v, %v)", k, got.U[k], got.V[k], solenoidal.U[k], solenoidal.V[k])
		}
	}
}

func TestDetectPeriodicity(t *testing.T) {
	periodic := periodicField(64, 0.3, true)
	// The same kind of field on a box that is not its period: the edges of
	// the lattice are unrelated.
	h := 1.3 * 2 * math.Pi / 64
	g := piv.UniformGrid(64, 64, 0, 0, h, h)
	open := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			open.U[g.Index(i, j)] = math.Sin(x/2) + 0.2*y
			open.V[g.Index(i, j)] = math.Cos(y / 3)
		}
	}
	for _, tt := range []struct {
		name string
		f    *piv.Field
		want bool
	}{{"periodic", periodic, true}, {"open", open, false}} {
		sparse, _ := piv.KeepEvery(tt.f, 4, 0, 0)
		s, err := FromField(sparse)
		if err != nil {
			t.Fatal(err)
		}
		p, err := DetectPeriodicity(s)
		if err != nil {
			t.Fatal(err)
		}
		if p.Periodic() != tt.want {
			t.Errorf("%s: Periodic() = %v (ratios %.3g, %.3g), want %v", tt.name, p.Periodic(), p.RatioX, p.RatioY, tt.want)
		}
		if want := 2 * math.Pi; tt.want && (math.Abs(p.PeriodX-want) > 1e-12 || math.Abs(p.PeriodY-want) > 1e-12) {
			t.Errorf("%s: period (%v, %v), want 2 pi", tt.name, p.PeriodX, p.PeriodY)
		}
	}
}

func TestSpectralRejectsIncommensurateTargets(t *testing.T) {
	truth := periodicField(64, 0, false)
	sparse, _ := piv.KeepEvery(truth, 4, 0, 0)
	s, _ := FromField(sparse)
	h := 2 * math.Pi / 60 // 60 nodes per period: not a multiple of the 16-line lattice
	if _, err := (Spectral{}).Reconstruct(context.Background(), s, piv.UniformGrid(60, 60, 0, 0, h, h)); err == nil {
		t.Error("a 60-node period accepted for a 16-line lattice")
	}
	h = 2 * math.Pi / 64
	if _, err := (Spectral{}).Reconstruct(context.Background(), s, piv.UniformGrid(64, 64, h/3, 0, h, h)); err == nil {
		t.Error("a target shifted off the lattice's grid accepted")
	}
	scattered, _ := NewSamples([]float64{0, 1, 2}, []float64{0, 2, 1}, []float64{1, 1, 1}, []float64{0, 0, 0}, piv.Units{})
	if _, err := (Spectral{}).Reconstruct(context.Background(), scattered, truth.Grid); err == nil {
		t.Error("scattered samples accepted")
	}
}

// spectralDivergence is max |k . û| / max |k| |û| over the modes of a
// periodic field on its grid.
func spectralDivergence(f *piv.Field) float64 {
	nx, ny := f.NX(), f.NY()
	uh, vh := spectra(f.U, f.V, nx, ny)
	var div, scale float64
	for jy := 0; jy < ny; jy++ {
		ky := float64(spectral.Wavenumber(jy, ny))
		for jx := 0; jx < nx; jx++ {
			kx := float64(spectral.Wavenumber(jx, nx))
			q := jy*nx + jx
			if (nx%2 == 0 && jx == nx/2) || (ny%2 == 0 && jy == ny/2) {
				continue // a Nyquist mode has no sign: its derivative is not defined
			}
			div = math.Max(div, cmplx.Abs(complex(kx, 0)*uh[q]+complex(ky, 0)*vh[q]))
			scale = math.Max(scale, math.Hypot(kx, ky)*math.Hypot(cmplx.Abs(uh[q]), cmplx.Abs(vh[q])))
		}
	}
	return div / scale
}
