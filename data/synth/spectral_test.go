package synth

import (
	"math"
	"math/cmplx"

	"pivsr/internal/spectral"
	"pivsr/piv"
)

// spectralCalculus differentiates a field sampled on the periodic box
// [0, L)² spectrally. It returns max |i kx û + i ky v̂| (the spectral
// divergence), max |k| sqrt(|û|² + |v̂|²) (its natural scale), and the
// vorticity i kx v̂ - i ky û back in physical space. Nyquist modes, where the
// derivative of a real field is ambiguous, are left out.
func spectralCalculus(f *piv.Field, length float64) (divMax, scale float64, vort []float64) {
	nx, ny := f.NX(), f.NY()
	uh := make([]complex128, nx*ny)
	vh := make([]complex128, nx*ny)
	for k := range uh {
		uh[k] = complex(f.U[k], 0)
		vh[k] = complex(f.V[k], 0)
	}
	tr := spectral.NewFFT2(nx, ny)
	tr.Forward(uh)
	tr.Forward(vh)
	wh := make([]complex128, nx*ny)
	k0 := 2 * math.Pi / length
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			m := j*nx + i
			wx, wy := spectral.Wavenumber(i, nx), spectral.Wavenumber(j, ny)
			if 2*wx == nx || 2*wy == ny {
				continue
			}
			kx, ky := k0*float64(wx), k0*float64(wy)
			div := complex(0, kx)*uh[m] + complex(0, ky)*vh[m]
			divMax = math.Max(divMax, cmplx.Abs(div))
			scale = math.Max(scale, math.Hypot(kx, ky)*math.Hypot(cmplx.Abs(uh[m]), cmplx.Abs(vh[m])))
			wh[m] = complex(0, kx)*vh[m] - complex(0, ky)*uh[m]
		}
	}
	tr.Inverse(wh)
	vort = make([]float64, nx*ny)
	for k, w := range wh {
		vort[k] = real(w)
	}
	return divMax, scale, vort
}

// meanEnergy is mean(u² + v²)/2 over the grid.
func meanEnergy(f *piv.Field) float64 {
	s := 0.0
	for k := range f.U {
		s += f.U[k]*f.U[k] + f.V[k]*f.V[k]
	}
	return s / float64(2*len(f.U))
}
