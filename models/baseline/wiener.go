package baseline

import (
	"context"
	"errors"
	"iter"
	"math"
	"math/rand/v2"

	"pivsr/internal/spectral"
	"pivsr/piv"
)

// Wiener is the best linear (kriging) estimate of a periodic, isotropic,
// divergence-free field from its lattice samples, given an energy spectrum
// fitted on the samples themselves. A lattice Fourier coefficient is the sum
// of the field's coefficients at all its aliases (wavenumbers that differ by
// multiples of the lattice's band); trigonometric interpolation (Spectral)
// gives all of it to the alias inside the band, which is the best guess only
// when the field has no energy beyond the lattice's Nyquist wavenumber.
// Wiener shares it among the aliases in proportion to their prior
// covariance E(|k|)/modes(|k|) P(k), P the projector onto divergence-free
// vectors: near the band's edge, where a mode and its alias outside hold
// comparable energy, that halves the error of either guess, and the
// estimate carries energy beyond the band while still passing through the
// samples and staying divergence-free.
//
// The spectrum is a law ln E = a + b ln k + c (ln k)^2 (c <= 0: a power
// law that may steepen into a dissipation range) fitted so that, folded
// onto the lattice by aliasing, it matches the samples' shell energies.
//
// The posterior mean still misses the energy it cannot place: the shells
// beyond the corners of the lattice's band hold almost none of it. Fraction
// restores a share of their prior energy as random-phase, divergence-free
// modes conditioned on the samples (their own posterior mean subtracted, so
// the result still passes through every sample): random phases there cost
// pointwise error what they gain in spectrum.
type Wiener struct {
	// Discrete, when set, makes the result divergence-free for the
	// second-order central differences of the period grid (piv.Gradients)
	// instead of exactly: the projector uses the difference operator's
	// wavenumber sin(k h)/h. Both agree at small k h. On a target that is
	// the whole period grid, ProjectDiscrete then zeroes the one-sided
	// stencils of the edges too, moving the samples on the first and last
	// rows and columns slightly.
	Discrete bool
	// Fraction of the prior variance of the shells beyond the band's
	// corners drawn, in [0, 1]: 0 returns the posterior mean.
	Fraction float64
	// Budget, when positive, caps the fraction (Fraction, or 1 when 0) so
	// that the draw's expected pointwise cost is at most Budget times the
	// expected gain of the posterior mean over trigonometric interpolation,
	// both under the fitted prior. Below 1 the expected error stays below
	// trigonometric interpolation's whatever the field: on one whose small
	// scales are costly to guess, the draw shrinks.
	Budget float64
	// Seed seeds the posterior draw.
	Seed uint64
	// FitFrom is the first shell of the spectrum fit (default 4).
	FitFrom int
}

// Name returns "spectral-wiener", with "-subgrid" for a posterior draw.
func (m Wiener) Name() string {
	if m.Fraction > 0 || m.Budget > 0 {
		return "spectral-wiener-subgrid"
	}
	return "spectral-wiener"
}

// Reconstruct estimates the field on target from s, one period of a
// periodic lattice. A lattice too coarse to fit a spectrum on (fewer than
// about 8 lines a side), or samples with energy in fewer than 4 of its
// shells, get the solenoidal trigonometric interpolant (with Discrete,
// projected likewise).
func (m Wiener) Reconstruct(ctx context.Context, s *Samples, target piv.Grid) (*piv.Field, error) {
	pt, err := newPeriodicTarget(ctx, s, target)
	if err != nil {
		return nil, err
	}
	if m.Fraction < 0 || m.Fraction > 1 || math.IsNaN(m.Fraction) || m.Budget < 0 || math.IsNaN(m.Budget) {
		return nil, errors.New("spectral-wiener: the posterior fraction must lie in [0, 1], the budget be >= 0")
	}
	out, err := m.posterior(ctx, s, target, pt)
	if err != nil {
		return nil, err
	}
	if m.Discrete && pt.wholePeriod() {
		// The spectral projector zeroes the central differences; the edges'
		// one-sided ones need the grid's own projection, which takes the
		// field as one period (and the fallback needs all of it).
		_, _ = ProjectDiscrete(out)
	}
	return out, nil
}

// posterior is the posterior mean with its share of the draw, or the
// solenoidal trigonometric interpolant where no spectrum can be fitted.
func (m Wiener) posterior(ctx context.Context, s *Samples, target piv.Grid, pt periodicTarget) (*piv.Field, error) {
	lat := s.Lattice
	k, err := m.newKriger(pt, lat)
	if errors.Is(err, errTooFewShells) {
		return Spectral{Solenoidal: true}.Reconstruct(ctx, s, target)
	}
	if err != nil {
		return nil, err
	}
	uh, vh := k.estimate(lat.U, lat.V)
	fft := spectral.NewFFT2(pt.nx, pt.ny)
	fraction := m.Fraction
	if m.Budget > 0 {
		if fraction == 0 {
			fraction = 1
		}
		gain, cost := k.expectedErrors()
		if cost > 0 {
			fraction = min(fraction, max(0, m.Budget*gain/cost))
		}
	}
	if fraction > 0 {
		du, dv := k.posteriorDraw(rand.New(rand.NewPCG(m.Seed, 0x3d1e)), fraction, fft)
		for q := range uh {
			uh[q] += du[q]
			vh[q] += dv[q]
		}
	}
	return pt.field(uh, vh, fft, target, s.Units), nil
}

// kriger holds the prior of every mode of the nx x ny period grid: its
// variance s (EnergySpectrum units) and the unit wavenumber (ex, ey) its
// divergence-free projector removes (zero where the mode is unconstrained).
type kriger struct {
	start          int // the first shell beyond the corners of the lattice's band
	nx, ny, mx, my int
	s, ex, ey      []float64
}

func (m Wiener) newKriger(pt periodicTarget, lat *piv.Field) (*kriger, error) {
	nx, ny, mx, my := pt.nx, pt.ny, lat.NX(), lat.NY()
	from := m.FitFrom
	if from <= 0 {
		from = 4
	}
	kc := min(mx, my) / 2
	if from+3 > kc-1 {
		return nil, errTooFewShells
	}
	e, count := shellEnergy(padSpectrum(lat.U, mx, my, nx, ny), padSpectrum(lat.V, mx, my, nx, ny), nx, ny)
	model, err := aliasedFit(lat, nx, ny, from, count)
	if err != nil {
		return nil, err
	}
	// Per-mode variance: the model from the fit's first shell on; below it
	// the observed energy (the aliases of those modes lie far out, where
	// any decreasing law makes them negligible). The mean mode takes all of
	// its class.
	shellVar := make([]float64, len(e))
	var peak float64
	for sh := 1; sh < len(e); sh++ {
		v := model.at(float64(sh))
		if sh < from {
			v = math.Max(v, e[sh])
		}
		if count[sh] > 0 {
			shellVar[sh] = v / count[sh]
		}
		peak = math.Max(peak, shellVar[sh])
	}
	shellVar[0] = 1e12 * peak
	k := &kriger{start: int(math.Ceil(math.Hypot(float64(mx/2), float64(my/2)))), nx: nx, ny: ny, mx: mx, my: my, s: make([]float64, nx*ny), ex: make([]float64, nx*ny), ey: make([]float64, nx*ny)}
	for jy := 0; jy < ny; jy++ {
		wy := spectral.Wavenumber(jy, ny)
		ky := m.wavenumber(wy, ny, pt.p.PeriodY)
		for jx := 0; jx < nx; jx++ {
			wx := spectral.Wavenumber(jx, nx)
			kx := m.wavenumber(wx, nx, pt.p.PeriodX)
			q := jy*nx + jx
			k.s[q] = shellVar[piv.ShellOf(float64(wx), float64(wy))]
			if n := math.Hypot(kx, ky); n > 0 {
				k.ex[q], k.ey[q] = kx/n, ky/n
			}
		}
	}
	return k, nil
}

// wavenumber is the angular wavenumber of integer wavenumber w on an n-node
// period, or the central difference's sin(k h)/h with Discrete.
func (m Wiener) wavenumber(w, n int, period float64) float64 {
	if m.Discrete {
		return discreteWavenumber(w, n, period)
	}
	return 2 * math.Pi * float64(w) / period
}

// nugget is the variance, relative to a class's total, added to its
// covariance so that a sample component no alias can explain (a class
// whose aliases all but one hold no energy) is dropped rather than blown
// up.
const nugget = 1e-6

// precision inverts a class's covariance with the nugget added.
func precision(total sym2) (sym2, bool) {
	return total.add(sym2{1, 0, 1}, nugget*total.trace()/2).inverse()
}

// estimate returns the posterior-mean spectra of the field sampled as u, v
// on the lattice (mx x my values, row-major).
func (k *kriger) estimate(u, v []float64) (uh, vh []complex128) {
	au, av := spectra(u, v, k.mx, k.my)
	scale := complex(float64(k.nx*k.ny)/float64(k.mx*k.my), 0)
	uh, vh = make([]complex128, k.nx*k.ny), make([]complex128, k.nx*k.ny)
	for cy := 0; cy < k.my; cy++ {
		for cx := 0; cx < k.mx; cx++ {
			// The class's covariance: the sum of its aliases'.
			var total sym2
			for _, q := range k.aliases(cx, cy) {
				total = total.add(k.cov(q), 1)
			}
			inv, ok := precision(total)
			if !ok {
				continue
			}
			xu, xv := inv.apply(scale*au[cy*k.mx+cx], scale*av[cy*k.mx+cx])
			for _, q := range k.aliases(cx, cy) {
				uh[q], vh[q] = k.cov(q).apply(xu, xv)
			}
		}
	}
	return uh, vh
}

// aliases yields the modes of the period grid that the lattice sees as its
// mode (cx, cy), numbered from 0.
func (k *kriger) aliases(cx, cy int) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		rx, ry := k.nx/k.mx, k.ny/k.my
		for b := range ry {
			for a := range rx {
				if !yield(b*rx+a, (cy+b*k.my)*k.nx+cx+a*k.mx) {
					return
				}
			}
		}
	}
}

// posteriorDraw returns the spectra of a draw from the prior of the shells
// from k.start on, scaled to carry fraction of each mode's variance, minus
// its own posterior mean: a real, divergence-free field that vanishes at the
// lattice nodes.
func (k *kriger) posteriorDraw(rng *rand.Rand, fraction float64, fft *spectral.FFT2) (du, dv []complex128) {
	n := k.nx * k.ny
	du, dv = make([]complex128, n), make([]complex128, n)
	amp := 2 * float64(n) * math.Sqrt(fraction/2)
	for q := range du {
		g := complex(rng.NormFloat64(), rng.NormFloat64())
		if !k.drawn(q) {
			continue
		}
		c := g * complex(amp*math.Sqrt(k.s[q]), 0)
		ex, ey := k.ex[q], k.ey[q]
		if ex == 0 && ey == 0 { // unconstrained: any direction, here across x
			ex = 1
		}
		du[q], dv[q] = c*complex(-ey, 0), c*complex(ex, 0)
	}
	// The real part of the field (half of the energy of +k and -k each).
	fft.Inverse(du)
	fft.Inverse(dv)
	rx, ry := k.nx/k.mx, k.ny/k.my
	lu, lv := make([]float64, k.mx*k.my), make([]float64, k.mx*k.my)
	for q := range du {
		du[q], dv[q] = complex(real(du[q]), 0), complex(real(dv[q]), 0)
	}
	for j := 0; j < k.my; j++ {
		for i := 0; i < k.mx; i++ {
			q := j*ry*k.nx + i*rx
			lu[j*k.mx+i], lv[j*k.mx+i] = real(du[q]), real(dv[q])
		}
	}
	fft.Forward(du)
	fft.Forward(dv)
	mu, mv := k.estimate(lu, lv)
	for q := range du {
		du[q] -= mu[q]
		dv[q] -= mv[q]
	}
	return du, dv
}
