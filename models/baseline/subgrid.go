package baseline

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"

	"pivsr/internal/spectral"
	"pivsr/piv"
)

// SubgridSpectrum extends an interpolant's spectrum beyond the scales the
// lattice resolves. Every interpolant loses the energy above the lattice's
// Nyquist wavenumber; turbulence keeps a cascade there. The resolved part of
// the spectrum is fitted with ln E = a + b ln k + c (ln k)^2 (a power law
// that may steepen, as the enstrophy cascade does into its dissipation
// range), extrapolated, and the missing energy is added in random-phase,
// divergence-free Fourier modes. The added modes are then conditioned on the
// data: their own interpolant from the lattice points is subtracted, so the
// result still passes through every sample (up to what a solenoidal
// projection changes, see Spectral).
//
// Random phases do not know where the small eddies are, so the sub-grid
// energy adds to the pointwise error what it removes from the spectral
// error; it is kept to the shells the interpolant leaves empty (beyond the
// lattice band's corners), where the cascade holds little energy.
type SubgridSpectrum struct {
	// FitFrom is the first shell of the fit (default 4, above the
	// energy-containing scales).
	FitFrom int
	// Seed seeds the phases.
	Seed uint64
	// Fraction of the missing energy restored, in (0, 1]; 0 means 1. Less
	// than all trades spectral fidelity (a fraction f costs (ln f)^2 per
	// shell in log-spectrum error) for pointwise error (the added energy is
	// error energy).
	Fraction float64
}

// errTooFewShells is returned for a lattice too coarse to fit a spectrum on:
// Spectral then leaves the spectrum as interpolated.
var errTooFewShells = errors.New("sub-grid spectrum: the lattice resolves too few shells to fit")

// spectrumModel is a fitted ln E(k) = a + b ln k + c (ln k)^2.
type spectrumModel struct{ a, b, c float64 }

func (m spectrumModel) at(k float64) float64 {
	x := math.Log(k)
	return math.Exp(m.a + m.b*x + m.c*x*x)
}

// fitSpectrum fits the model over shells [from, to] of e; a fit that
// flattens (c > 0) or whose slope at the end of the range is shallower than
// -3 (a field smooth at small scales, S2 ~ r^2, needs steeper) is replaced
// by a power law steepened to -3 at least.
func fitSpectrum(e []float64, from, to int) (spectrumModel, error) {
	var ata [3][3]float64
	var atb [3]float64
	n := 0
	for k := from; k <= to && k < len(e); k++ {
		if !(e[k] > 0) {
			continue
		}
		x, y := math.Log(float64(k)), math.Log(e[k])
		p := [3]float64{1, x, x * x}
		for i := range p {
			for j := range p {
				ata[i][j] += p[i] * p[j]
			}
			atb[i] += p[i] * y
		}
		n++
	}
	if n < 4 {
		return spectrumModel{}, errors.New("sub-grid spectrum: fewer than 4 resolved shells hold energy")
	}
	coef, ok := solve3(ata, atb)
	m := spectrumModel{coef[0], coef[1], coef[2]}
	xEnd := math.Log(float64(to))
	if !ok || m.c > 0 || m.b+2*m.c*xEnd > -3 {
		// Fall back to a power law through the last resolved shell.
		ks, es := make([]float64, 0, n), make([]float64, 0, n)
		for k := from; k <= to && k < len(e); k++ {
			ks, es = append(ks, float64(k)), append(es, e[k])
		}
		slope, pre, err := piv.FitPowerLaw(ks, es)
		if err != nil {
			return spectrumModel{}, err
		}
		slope = math.Min(slope, -3)
		m = spectrumModel{a: math.Log(pre), b: slope}
		if e[to] > 0 { // pass through the last shell
			m.a = math.Log(e[to]) - slope*xEnd
		}
	}
	return m, nil
}

// solve3 solves a 3 x 3 system by Cramer's rule.
func solve3(a [3][3]float64, b [3]float64) ([3]float64, bool) {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(a)
	if math.Abs(d) < 1e-300 {
		return [3]float64{}, false
	}
	var x [3]float64
	for c := 0; c < 3; c++ {
		m := a
		for r := 0; r < 3; r++ {
			m[r][c] = b[r]
		}
		x[c] = det(m) / d
	}
	return x, true
}

// modes returns the sub-grid modes to add to the spectra uh, vh (nx x ny,
// interpolated from an mx x my lattice).
func (g SubgridSpectrum) modes(uh, vh []complex128, nx, ny, mx, my int) (addU, addV []complex128, err error) {
	from := g.FitFrom
	if from <= 0 {
		from = 4
	}
	kc := min(mx, my) / 2 // the lattice's Nyquist shell
	if from+3 > kc-1 {
		return nil, nil, errTooFewShells
	}
	e, count := shellEnergy(uh, vh, nx, ny)
	model, err := fitSpectrum(e, from, kc-1)
	if err != nil {
		return nil, nil, err
	}
	// The first shell beyond the corners of the lattice's band.
	start := int(math.Ceil(math.Hypot(float64(mx/2), float64(my/2))))
	fraction := g.Fraction
	if fraction <= 0 || fraction > 1 {
		fraction = 1
	}
	rng := rand.New(rand.NewPCG(g.Seed, 0x5eed))
	norm := float64(nx * ny)
	addU, addV = make([]complex128, nx*ny), make([]complex128, nx*ny)
	for jy := 0; jy < ny; jy++ {
		wy := float64(spectral.Wavenumber(jy, ny))
		for jx := 0; jx < nx; jx++ {
			wx := float64(spectral.Wavenumber(jx, nx))
			shell := piv.ShellOf(wx, wy)
			phase := rng.Float64() // drawn for every mode, so phases do not depend on the fit
			if shell < start || shell >= len(e) {
				continue
			}
			deficit := fraction*model.at(float64(shell)) - e[shell]
			if deficit <= 0 {
				continue
			}
			// A mode's energy in EnergySpectrum units is (|û|^2+|v̂|^2)/(2 (nx ny)^2).
			kmag := math.Hypot(wx, wy)
			c := cmplx.Exp(complex(0, 2*math.Pi*phase)) * complex(math.Sqrt(2*deficit/count[shell])*norm/kmag, 0)
			// Divergence-free: (u, v) along (wy, -wx).
			addU[jy*nx+jx] = c * complex(wy, 0)
			addV[jy*nx+jx] = -c * complex(wx, 0)
		}
	}
	return addU, addV, nil
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
