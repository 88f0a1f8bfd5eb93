package piv

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fourierMode is u = a cos(phase), v = b sin(phase) with phase
// 2 pi (kx i / nx + ky j / ny) on an nx by ny unit grid.
func fourierMode(nx, ny, kx, ky int, a, b float64) *Field {
	f := NewField(UniformGrid(nx, ny, 0, 0, 1, 1))
	for j := range ny {
		for i := range nx {
			p := 2 * math.Pi * (float64(kx*i)/float64(nx) + float64(ky*j)/float64(ny))
			f.U[f.Index(i, j)], f.V[f.Index(i, j)] = a*math.Cos(p), b*math.Sin(p)
		}
	}
	return f
}

func TestSpectrumOfSingleMode(t *testing.T) {
	for _, c := range []struct {
		name           string
		nx, ny, kx, ky int
		a, b           float64
		shell          int
		energy         float64 // mean(u^2 + v^2) / 2
	}{
		{"(3,4) square", 32, 32, 3, 4, 1, 0.5, 5, 0.5 * (0.5 + 0.125)},
		{"(3,-4) square", 32, 32, 3, -4, 2, 0, 5, 0.5 * 2},
		{"(0,7) non-square", 30, 24, 0, 7, 1, 1, 7, 0.5},
		{"(5,1) odd sizes", 27, 15, 5, 1, 0.3, 0.7, 5, 0.5 * (0.045 + 0.245)},
		{"x Nyquist", 16, 12, 8, 0, 1, 0, 8, 0.5}, // u = (-1)^i: cos^2 = 1 everywhere
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := EnergySpectrum(nil, fourierMode(c.nx, c.ny, c.kx, c.ky, c.a, c.b))
			if err != nil {
				t.Fatal(err)
			}
			if len(e) != NumShells(c.nx, c.ny) {
				t.Fatalf("got %d shells, want NumShells = %d", len(e), NumShells(c.nx, c.ny))
			}
			for k, ek := range e {
				want := 0.0
				if k == c.shell {
					want = c.energy
				}
				if math.Abs(ek-want) > 1e-12 {
					t.Errorf("E(%d) = %v, want %v", k, ek, want)
				}
			}
		})
	}
}

func TestSpectrumParseval(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	f := NewField(UniformGrid(40, 28, 0, 0, 0.1, 0.1))
	energy := 0.0
	for k := range f.U {
		f.U[k], f.V[k] = rng.NormFloat64()+0.3, 2*rng.NormFloat64()
		energy += 0.5 * (f.U[k]*f.U[k] + f.V[k]*f.V[k])
	}
	energy /= float64(len(f.U))
	e, err := EnergySpectrum(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, ek := range e {
		sum += ek
	}
	if math.Abs(sum-energy) > 1e-12*energy {
		t.Errorf("sum of E(k) = %v, want mean energy %v", sum, energy)
	}
	if math.Abs(e[0]-0.5*0.3*0.3) > 0.05 {
		t.Errorf("E(0) = %v, want about the mean flow's 0.045", e[0])
	}
}

// Invalid vectors are spectrally the same as the mean of the valid ones,
// whatever they hold.
func TestSpectrumFillsInvalidVectorsWithTheMean(t *testing.T) {
	f := fourierMode(24, 24, 2, 1, 1, 1)
	for k := range f.U {
		f.U[k] += 0.2
	}
	f.Mask = make([]bool, len(f.U))
	for k := range f.Mask {
		f.Mask[k] = k%7 != 3
	}
	f.U[10] = math.NaN() // unmasked but not finite
	var su, sv float64
	n := 0
	for k := range f.U {
		if f.Mask[k] && k != 10 {
			su += f.U[k]
			sv += f.V[k]
			n++
		}
	}
	filled := f.Clone()
	filled.Mask = nil
	for k := range f.U {
		if !f.Mask[k] || k == 10 {
			f.U[k], f.V[k] = 1e9, -1e9 // must not matter
			filled.U[k], filled.V[k] = su/float64(n), sv/float64(n)
		}
	}
	f.U[10] = math.Inf(1)
	got, err := EnergySpectrum(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := EnergySpectrum(nil, filled)
	if err != nil {
		t.Fatal(err)
	}
	for k := range want {
		if math.Abs(got[k]-want[k]) > 1e-12 {
			t.Errorf("E(%d) = %v with a mask, %v with the mean filled in", k, got[k], want[k])
		}
	}
}

func TestSpectrumRejectsBadInput(t *testing.T) {
	f := NewField(Grid{X: []float64{0, 1, 3, 4}, Y: []float64{0, 1, 2}})
	f.U[0] = 1
	if _, err := EnergySpectrum(nil, f); err == nil {
		t.Error("a non-uniform grid gave no error")
	}
	f = NewField(UniformGrid(4, 4, 0, 0, 1, 1))
	f.Mask = make([]bool, 16)
	if _, err := EnergySpectrum(nil, f); err == nil {
		t.Error("a field without valid vectors gave no error")
	}
}

func BenchmarkEnergySpectrum256(b *testing.B) {
	f := fourierMode(256, 256, 5, 3, 1, 1)
	dst := make([]float64, NumShells(256, 256))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EnergySpectrum(dst, f); err != nil {
			b.Fatal(err)
		}
	}
}
