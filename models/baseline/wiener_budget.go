package baseline

import (
	"pivsr/internal/spectral"
	"pivsr/piv"
)

// sym2 is a symmetric 2 x 2 matrix.
type sym2 struct{ xx, xy, yy float64 }

func (a sym2) add(b sym2, w float64) sym2 {
	return sym2{a.xx + w*b.xx, a.xy + w*b.xy, a.yy + w*b.yy}
}

func (a sym2) trace() float64 { return a.xx + a.yy }

// trProd is tr(a b).
func trProd(a, b sym2) float64 { return a.xx*b.xx + 2*a.xy*b.xy + a.yy*b.yy }

// sandwich returns a b a.
func sandwich(a, b sym2) sym2 {
	p := [2][2]float64{{a.xx*b.xx + a.xy*b.xy, a.xx*b.xy + a.xy*b.yy}, {a.xy*b.xx + a.yy*b.xy, a.xy*b.xy + a.yy*b.yy}}
	return sym2{p[0][0]*a.xx + p[0][1]*a.xy, p[0][0]*a.xy + p[0][1]*a.yy, p[1][0]*a.xy + p[1][1]*a.yy}
}

// apply returns a (u, v).
func (a sym2) apply(u, v complex128) (complex128, complex128) {
	return complex(a.xx, 0)*u + complex(a.xy, 0)*v, complex(a.xy, 0)*u + complex(a.yy, 0)*v
}

func (a sym2) inverse() (sym2, bool) {
	det := a.xx*a.yy - a.xy*a.xy
	if !(det > 0) {
		return sym2{}, false
	}
	return sym2{a.yy / det, -a.xy / det, a.xx / det}, true
}

// cov is mode q's prior covariance s (I - e e^T).
func (k *kriger) cov(q int) sym2 {
	s, ex, ey := k.s[q], k.ex[q], k.ey[q]
	return sym2{s * (1 - ex*ex), -s * ex * ey, s * (1 - ey*ey)}
}

// expectedErrors returns, under the prior, the expected squared error
// (summed over modes, EnergySpectrum units) that trigonometric interpolation
// with a solenoidal projection leaves beyond the posterior mean's (gain), and
// the squared error a draw of the full prior variance of the shells from
// k.start on adds once conditioned (drawCost; a fraction f of the variance
// adds f times it).
func (k *kriger) expectedErrors() (gain, drawCost float64) {
	n := (k.nx / k.mx) * (k.ny / k.my)
	qs, cs := make([]int, n), make([]sym2, n)
	for cy := 0; cy < k.my; cy++ {
		for cx := 0; cx < k.mx; cx++ {
			if cx == 0 && cy == 0 {
				continue // the mean's class: both estimates give the mean all of it
			}
			var total, drawn, sq sym2
			in := 0 // the alias trigonometric interpolation gives the class: the largest prior
			for i, q := range k.aliases(cx, cy) {
				qs[i], cs[i] = q, k.cov(q)
				total = total.add(cs[i], 1)
				sq = sq.add(sandwich(cs[i], sym2{1, 0, 1}), 1)
				if k.s[q] > k.s[qs[in]] {
					in = i
				}
				if k.drawn(q) {
					drawn = drawn.add(cs[i], 1)
				}
			}
			inv, ok := precision(total)
			if !ok {
				continue
			}
			// Posterior mean: error tr(total) - tr(inv sum C_m^2).
			mean := total.trace() - trProd(inv, sq)
			// Trigonometric: every other alias is missed, and its projection
			// onto the in-band alias's direction is added there.
			var trig float64
			p0 := k.cov(qs[in])
			if s0 := k.s[qs[in]]; s0 > 0 {
				p0 = sym2{p0.xx / s0, p0.xy / s0, p0.yy / s0}
			}
			for i := range cs {
				if i != in {
					trig += cs[i].trace() + trProd(p0, cs[i])
				}
			}
			gain += trig - mean
			// The draw d (covariance drawn) minus its posterior mean W d:
			// E|d|^2 - 2 E<d, W d> + E|W d|^2.
			var cross float64
			for i := range cs {
				if k.drawn(qs[i]) {
					cross += trProd(inv, sandwich(cs[i], sym2{1, 0, 1}))
				}
			}
			// E|W d|^2 = tr(inv drawn inv sum C_m^2).
			wd := trProd(sandwich(inv, drawn), sq)
			drawCost += drawn.trace() - 2*cross + wd
		}
	}
	return gain, drawCost
}

// drawn reports whether the posterior draw covers mode q.
func (k *kriger) drawn(q int) bool {
	jx, jy := q%k.nx, q/k.nx
	return q != 0 && piv.ShellOf(float64(spectral.Wavenumber(jx, k.nx)), float64(spectral.Wavenumber(jy, k.ny))) >= k.start
}
