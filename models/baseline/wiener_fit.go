package baseline

import (
	"errors"
	"math"

	"pivsr/internal/spectral"
	"pivsr/piv"
)

// errTooFewShells is returned for a lattice too coarse, or a field too
// laminar, to fit a spectrum on: Wiener then falls back to Spectral.
var errTooFewShells = errors.New("spectral-wiener: the lattice resolves too few shells to fit a spectrum")

// spectrumModel is a fitted ln E(k) = a + b ln k + c (ln k)^2.
type spectrumModel struct{ a, b, c float64 }

func (m spectrumModel) at(k float64) float64 {
	x := math.Log(k)
	return math.Exp(m.a + m.b*x + m.c*x*x)
}

// spectra returns the DFTs of the nx x ny values u and v (row-major).
func spectra(u, v []float64, nx, ny int) (uh, vh []complex128) {
	uh, vh = make([]complex128, len(u)), make([]complex128, len(v))
	for i := range u {
		uh[i], vh[i] = complex(u[i], 0), complex(v[i], 0)
	}
	fft := spectral.NewFFT2(nx, ny)
	fft.Forward(uh)
	fft.Forward(vh)
	return uh, vh
}

// shellEnergy is the radial spectrum of the spectra uh, vh as
// piv.EnergySpectrum defines it, with the number of modes per shell.
func shellEnergy(uh, vh []complex128, nx, ny int) (e, count []float64) {
	n := piv.NumShells(nx, ny)
	e, count = make([]float64, n), make([]float64, n)
	norm := 2 * float64(nx*ny) * float64(nx*ny)
	for jy := 0; jy < ny; jy++ {
		wy := float64(spectral.Wavenumber(jy, ny))
		for jx := 0; jx < nx; jx++ {
			shell := piv.ShellOf(float64(spectral.Wavenumber(jx, nx)), wy)
			q := jy*nx + jx
			e[shell] += (sq(uh[q]) + sq(vh[q])) / norm
			count[shell]++
		}
	}
	return e, count
}

func sq(c complex128) float64 { return real(c)*real(c) + imag(c)*imag(c) }

// aliasedFit fits ln E(k) = a + b ln k + c (ln k)^2, c <= 0, to the
// lattice's shell energies from shell from on, as the lattice sees it: each
// shell of the model folded onto the lattice's shells by aliasing. Fitting
// the folded model rather than the lattice spectrum itself keeps the energy
// that aliasing piles up near the lattice's Nyquist wavenumber from flattening
// the law. count is the number of modes of each shell of the nx x ny grid.
func aliasedFit(lat *piv.Field, nx, ny, from int, count []float64) (spectrumModel, error) {
	mx, my := lat.NX(), lat.NY()
	nl := piv.NumShells(mx, my)
	latShell := func(cx, cy int) int {
		return piv.ShellOf(float64(spectral.Wavenumber(cx, mx)), float64(spectral.Wavenumber(cy, my)))
	}
	au, av := spectra(lat.U, lat.V, mx, my)
	observed, modes := shellEnergy(au, av, mx, my)
	// fold[ls][k]: the share of shell k's energy that lands in lattice
	// shell ls (an isotropic field's energy spread evenly over its modes).
	fold := make([][]float64, nl)
	for ls := range fold {
		fold[ls] = make([]float64, len(count))
	}
	for jy := 0; jy < ny; jy++ {
		wy := float64(spectral.Wavenumber(jy, ny))
		for jx := 0; jx < nx; jx++ {
			k := piv.ShellOf(float64(spectral.Wavenumber(jx, nx)), wy)
			fold[latShell(jx%mx, jy%my)][k] += 1 / count[k]
		}
	}
	var shells []int
	for ls := from; ls < nl; ls++ {
		if modes[ls] >= 8 && observed[ls] > 0 {
			shells = append(shells, ls)
		}
	}
	if len(shells) < 4 { // a laminar or uniform field: nothing to fit
		return spectrumModel{}, errTooFewShells
	}
	logK := make([]float64, len(count))
	for k := 1; k < len(count); k++ {
		logK[k] = math.Log(float64(k))
	}
	best, bestCost := spectrumModel{}, math.Inf(1)
	unit := make([]float64, len(count))
	resid := make([]float64, len(shells))
	for c := -1.5; c <= 1e-9; c += 0.05 {
		for b := -10.0; b <= -1+1e-9; b += 0.1 {
			for k := from; k < len(count); k++ {
				unit[k] = math.Exp(b*logK[k] + c*logK[k]*logK[k])
			}
			var mean float64
			for i, ls := range shells {
				var pred float64
				for k := from; k < len(count); k++ {
					pred += unit[k] * fold[ls][k]
				}
				resid[i] = math.Log(observed[ls]) - math.Log(pred)
				mean += resid[i]
			}
			mean /= float64(len(shells))
			var cost float64
			for _, r := range resid {
				cost += (r - mean) * (r - mean)
			}
			if cost < bestCost {
				best, bestCost = spectrumModel{a: mean, b: b, c: c}, cost
			}
		}
	}
	return best, nil
}
