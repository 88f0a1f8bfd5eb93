package piv

import (
	"errors"
	"math"
)

// FitPowerLaw fits y = c x^exponent by least squares on (ln x, ln y), using
// only the points whose x and y are positive and finite. Spectral slopes
// (E(k) ~ k^-3 in the 2D enstrophy range) and structure-function laws
// (S2(r) ~ r^2 or r^(2/3)) are both read this way.
func FitPowerLaw(x, y []float64) (exponent, c float64, err error) {
	if len(x) != len(y) {
		return 0, 0, errors.New("piv: FitPowerLaw needs x and y of one length")
	}
	var n, sx, sy, sxx, sxy float64
	for k := range x {
		if !(x[k] > 0) || !(y[k] > 0) || math.IsInf(x[k], 0) || math.IsInf(y[k], 0) {
			continue
		}
		lx, ly := math.Log(x[k]), math.Log(y[k])
		n++
		sx += lx
		sy += ly
		sxx += lx * lx
		sxy += lx * ly
	}
	den := n*sxx - sx*sx
	if n < 2 || den <= 1e-12*n*sxx {
		return 0, 0, errors.New("piv: a power-law fit needs at least two distinct positive points")
	}
	exponent = (n*sxy - sx*sy) / den
	return exponent, math.Exp((sy - exponent*sx) / n), nil
}

// SpectralSlope fits E(k) ~ k^slope over the shells kmin..kmax of a radial
// spectrum as EnergySpectrum returns it.
func SpectralSlope(spectrum []float64, kmin, kmax int) (float64, error) {
	if kmin < 1 || kmax >= len(spectrum) || kmax-kmin < 1 {
		return 0, errors.New("piv: spectral slope range must satisfy 1 <= kmin < kmax < len(spectrum)")
	}
	k := make([]float64, 0, kmax-kmin+1)
	for i := kmin; i <= kmax; i++ {
		k = append(k, float64(i))
	}
	slope, _, err := FitPowerLaw(k, spectrum[kmin:kmax+1])
	return slope, err
}
