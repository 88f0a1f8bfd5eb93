package transport

import (
	"fmt"
	"math"
	"sort"
)

// Points on the circle S^1 are coordinates in [0, 1) (an angle over 2 pi);
// the ground distance is the arc length min(|x - y|, 1 - |x - y|).

// CirclePow returns W_p^p, the p-th power of the p-Wasserstein distance on
// the circle S^1, between the weighted samples u (weights wu) and v (weights
// wv) with coordinates in [0, 1). Nil weights are uniform; otherwise they
// must be non-negative and sum to 1. The samples need not be sorted and are
// not modified. p must be >= 1.
//
// It minimises, over the shift theta, the cost
//
//	c(theta) = integral over [0, 1] of |F_u^-1(q) - (F_v - theta)^-1(q)|^p dq,
//
// which is convex and, for samples, piecewise linear (Delon, Salomon &
// Sobolevski 2010). The search brackets the minimiser with the one-sided
// derivatives of c and alternates a regula falsi step on c' with the
// intersection of the tangents at both ends of the bracket, which is exact
// once the bracket holds a single breakpoint. The tangents bound the minimum
// from below, so the search stops with a certified gap below 1e-13. Samples
// of equal size with uniform weights take a shortcut: the breakpoints are
// then the shifts k/n, and the search runs over the integer k.
func CirclePow(u, wu, v, wv []float64, p float64) (float64, error) {
	if err := checkExponent(p); err != nil {
		return 0, err
	}
	var a, b circleSample
	if err := a.set("u", u, wu); err != nil {
		return 0, err
	}
	if err := b.set("v", v, wv); err != nil {
		return 0, err
	}
	return circlePow(&a, &b, p), nil
}

// CircleW1 returns W_1 on the circle between the weighted samples u and v
// (as in CirclePow) by the level-median formula
//
//	W_1 = integral over [0, 1) of |F_u(t) - F_v(t) - m| dt,
//
// with m a median of F_u - F_v under the Lebesgue measure on [0, 1). The
// integral covers the whole circle, the arcs before the first atom and after
// the last included.
func CircleW1(u, wu, v, wv []float64) (float64, error) {
	var a, b circleSample
	if err := a.set("u", u, wu); err != nil {
		return 0, err
	}
	if err := b.set("v", v, wv); err != nil {
		return 0, err
	}
	return circleW1(&a, &b), nil
}

// CircleUniformPow2 returns W_2^2 between the weighted sample u (as in
// CirclePow) and the uniform law on the circle, in closed form: with the
// quantile function x(q) of u, W_2^2 = min over theta of the integral of
// (x(q) - q - theta)^2, the variance of x(q) - q. For uniform weights and
// sorted x_i this is
//
//	(1/n) sum x_i^2 - xbar^2 + (1/n^2) sum_i (n + 1 - 2i) x_i + 1/12.
func CircleUniformPow2(u, wu []float64) (float64, error) {
	var a circleSample
	if err := a.set("u", u, wu); err != nil {
		return 0, err
	}
	return circleUniformPow2(&a), nil
}

// circleSample is a sorted sample on the circle with its cumulative masses:
// x[i] in [0, 1) ascending, cum[i] the mass of x[0..i], cum[len-1] = 1.
type circleSample struct {
	x, w, cum []float64
	sorter    sortScratch[float64]
}

// set validates and copies a sample, sorts it and accumulates its masses.
func (s *circleSample) set(name string, x, w []float64) error {
	if err := checkSample(name, x, w); err != nil {
		return err
	}
	for i, v := range x {
		if v < 0 || v >= 1 {
			return fmt.Errorf("%w: %s[%d] = %v, want a circle coordinate in [0, 1)", ErrDomain, name, i, v)
		}
	}
	s.x = append(s.x[:0], x...)
	s.w = copyWeights(s.w, w)
	s.prepare()
	return nil
}

// prepare sorts x (with w); x must lie in [0, 1). The cumulative masses
// are filled on demand by fillCum: the shortcuts do without them.
func (s *circleSample) prepare() {
	sortFloats(s.x, s.w, &s.sorter)
	s.cum = s.cum[:0]
}

// fillCum fills cum for the sorted sample, once per prepare.
func (s *circleSample) fillCum() {
	n := len(s.x)
	if len(s.cum) == n {
		return
	}
	s.cum = grow(s.cum, n)
	c := 0.0
	for i := range s.cum {
		c = cumulative(i, n, s.w, c)
		s.cum[i] = c
	}
}

// circleSearchTol is the certified gap (upper minus lower bound on W_p^p) at
// which the shift search stops; W_p^p on the circle is at most 2^-p.
const circleSearchTol = 1e-13

// circleMaxIter caps the shift search; it typically needs 5 to 30 steps.
const circleMaxIter = 200

// circlePow returns W_p^p between two prepared samples (see CirclePow).
func circlePow(a, b *circleSample, p float64) float64 {
	if a.w == nil && b.w == nil && len(a.x) == len(b.x) {
		return circleEqualPow(a.x, b.x, p)
	}
	a.fillCum()
	b.fillCum()
	type point struct{ theta, c, dMinus, dPlus float64 }
	eval := func(theta float64) point {
		c, dm, dp := circleCost(a, b, theta, p)
		return point{theta, c, dm, dp}
	}
	optimal := func(q point) bool { return q.dMinus <= 0 && q.dPlus >= 0 }
	// The minimiser lies in [-1, 1]; widen the bracket in case rounding
	// says otherwise.
	lo, hi := eval(-1), eval(1)
	for k := 0; lo.dPlus > 0 && k < 4; k++ {
		lo = eval(lo.theta - 1)
	}
	for k := 0; hi.dMinus < 0 && k < 4; k++ {
		hi = eval(hi.theta + 1)
	}
	best := lo
	if hi.c < best.c {
		best = hi
	}
	if optimal(lo) || optimal(hi) {
		return best.c
	}
	// Alternate two steps: the Illinois variant of regula falsi on c'
	// (fast while c is close to quadratic, on scales above the spacing of
	// its breakpoints) and the tangents' kink (exact once a single
	// breakpoint is left in the bracket).
	secLo, secHi, side := lo.dPlus, hi.dMinus, 0
	for iter := 0; iter < circleMaxIter; iter++ {
		// The tangents at both ends meet at kink, below c: a lower bound.
		gl, gh := lo.dPlus, hi.dMinus
		kink := (hi.c - lo.c + gl*lo.theta - gh*hi.theta) / (gl - gh)
		lower := lo.c + gl*(kink-lo.theta)
		if best.c-lower <= circleSearchTol || !(kink > lo.theta && kink < hi.theta) {
			break
		}
		theta := kink
		if iter%2 == 0 {
			theta = lo.theta - secLo*(hi.theta-lo.theta)/(secHi-secLo)
		}
		if !(theta > lo.theta && theta < hi.theta) {
			theta = 0.5 * (lo.theta + hi.theta)
			if !(theta > lo.theta && theta < hi.theta) {
				break // the bracket is down to adjacent floats
			}
		}
		q := eval(theta)
		if q.c < best.c {
			best = q
		}
		if optimal(q) {
			break
		}
		if q.dPlus < 0 {
			lo, secLo = q, q.dPlus
			if side == -1 {
				secHi /= 2
			}
			side = -1
		} else {
			hi, secHi = q, q.dMinus
			if side == 1 {
				secLo /= 2
			}
			side = 1
		}
	}
	return best.c
}

// circleCost returns c(theta) (see CirclePow) and its left and right
// derivatives, in one O(n + m) merge.
//
// With k = floor(theta) and phi = theta - k, the quantile function of b
// shifted by theta is y(q) = F_b^-1(q + phi) + k for q in [0, 1), whose
// jumps sit at q = cum_j - phi (cum_j > phi) and then, past the wrap, at
// q = cum_j + 1 - phi. Raising theta moves each jump of y left, so the right
// derivative sums, over the jumps, |x - y_after|^p - |x - y_before|^p with x
// the quantile of a just left of the jump; the left derivative takes x just
// right of it. The integrand is 1-periodic in q, so there are no boundary
// terms.
func circleCost(a, b *circleSample, theta, p float64) (cost, dMinus, dPlus float64) {
	n, m := len(a.x), len(b.x)
	k := math.Floor(theta)
	phi := theta - k
	j0 := sort.Search(m, func(j int) bool { return b.cum[j] > phi })
	if j0 == m { // phi rounded to 1
		j0 = m - 1
	}
	i, prev := 0, 0.0
	y := b.x[j0] + k
	for r := range m {
		j, shift := j0+r, k
		var tau float64
		if j < m {
			tau = b.cum[j] - phi
		} else { // past the wrap: the next turn of b
			j -= m
			shift++
			tau = min(b.cum[j]+1-phi, 1)
		}
		yBefore := b.x[j] + shift
		yAfter := shift + 1 + b.x[0]
		if j+1 < m {
			yAfter = b.x[j+1] + shift
		}
		for i < n-1 && a.cum[i] < tau {
			cost += (a.cum[i] - prev) * powAbs(a.x[i]-y, p)
			prev = a.cum[i]
			i++
		}
		cost += (tau - prev) * powAbs(a.x[i]-y, p)
		prev = tau
		xLeft := a.x[i]
		g := powAbs(xLeft-yAfter, p) - powAbs(xLeft-yBefore, p)
		dPlus += g
		if a.cum[i] == tau { // a jumps here too: x differs on the right
			xRight := a.x[0] + 1
			if i+1 < n {
				xRight = a.x[i+1]
			}
			g = powAbs(xRight-yAfter, p) - powAbs(xRight-yBefore, p)
		}
		dMinus += g
		y = yAfter
	}
	for ; i < n; i++ {
		cost += (a.cum[i] - prev) * powAbs(a.x[i]-y, p)
		prev = a.cum[i]
	}
	return cost, dMinus, dPlus
}

// circleW1 returns W_1 between two prepared samples by the level median.
func circleW1(a, b *circleSample) float64 {
	// D = F_a - F_b is constant between consecutive atoms of a and b; its
	// pieces, including the arc [0, first atom) where D = 0.
	a.fillCum()
	b.fillCum()
	n, m := len(a.x), len(b.x)
	vals := make([]float64, 0, n+m+1)
	lens := make([]float64, 0, n+m+1)
	i, j, pos, fa, fb := 0, 0, 0.0, 0.0, 0.0
	for i < n || j < m {
		next := 1.0
		if i < n {
			next = a.x[i]
		}
		if j < m {
			next = min(next, b.x[j])
		}
		vals = append(vals, fa-fb)
		lens = append(lens, next-pos)
		pos = next
		for i < n && a.x[i] == pos {
			fa = a.cum[i]
			i++
		}
		for j < m && b.x[j] == pos {
			fb = b.cum[j]
			j++
		}
	}
	vals = append(vals, 0) // F_a = F_b = 1 after the last atom
	lens = append(lens, 1-pos)
	// Median of D under the Lebesgue measure.
	sorted := append([]float64(nil), vals...)
	weights := append([]float64(nil), lens...)
	var s sortScratch[float64]
	sortFloats(sorted, weights, &s)
	median, acc := sorted[len(sorted)-1], 0.0
	for k, w := range weights {
		acc += w
		if acc >= 0.5 {
			median = sorted[k]
			break
		}
	}
	w1 := 0.0
	for k, v := range vals {
		w1 += lens[k] * math.Abs(v-median)
	}
	return w1
}

// circleUniformPow2 returns W_2^2 between a prepared sample and the uniform
// law: the variance over q in [0, 1) of x(q) - q.
func circleUniformPow2(a *circleSample) float64 {
	// integral of (x(q) - q) and of (x(q) - q)^2, atom by atom: on
	// [c0, c1), x = x_i and the integrals of q and q^2 are closed forms.
	mean, second, c0 := 0.0, 0.0, 0.0
	for i, x := range a.x {
		c1 := cumulative(i, len(a.x), a.w, c0)
		w := c1 - c0
		q1 := w * (c1 + c0) / 2               // integral of q over [c0, c1)
		q2 := w * (c1*c1 + c1*c0 + c0*c0) / 3 // integral of q^2, without cancellation
		mean += x*w - q1
		second += x*x*w - 2*x*q1 + q2
		c0 = c1
	}
	return max(second-mean*mean, 0)
}

// circleEqualPow returns W_p^p between two sorted samples of equal size n
// with uniform weights. Their cumulative masses are both multiples of 1/n, so
// c(theta) is linear between the shifts theta = k/n, where it equals
//
//	S(k) = (1/n) sum_i |u_i - v_{i+k}|^p, v extended by v_{i+n} = v_i + 1:
//
// the minimum is the least S(k) over the integers k in [-n, n], found by a
// search on the sign of S(k+1) - S(k) with O(n) loops free of any merge.
func circleEqualPow(u, v []float64, p float64) float64 {
	n := len(u)
	// probe returns S(k) and the forward difference S(k+1) - S(k).
	probe := func(k int) (s, ds float64) {
		s = circleShiftPow(u, v, k, p)
		return s, circleShiftPow(u, v, k+1, p) - s
	}
	lo, hi := -n, n
	sLo, dLo := probe(lo)
	for tries := 0; dLo >= 0 && tries < 4; tries++ { // the minimiser is in [-n, n]; rounding aside
		lo -= n
		sLo, dLo = probe(lo)
	}
	sHi, dHi := probe(hi)
	for tries := 0; dHi < 0 && tries < 4; tries++ {
		hi += n
		sHi, dHi = probe(hi)
	}
	if dLo >= 0 {
		return sLo
	}
	// Invariant: S decreases at lo and not at hi, so the least S(k) is at
	// some k in (lo, hi]. Illinois regula falsi on the differences (S is
	// close to quadratic, so it lands within a few shifts), with a
	// bisection whenever three probes have not halved the bracket.
	secLo, secHi, side := dLo, dHi, 0
	widths := [3]int{math.MaxInt, math.MaxInt, math.MaxInt} // brackets three probes ago
	for iter := 0; hi-lo > 1; iter++ {
		k := lo + int(math.Round(-secLo*float64(hi-lo)/(secHi-secLo)))
		if hi-lo > widths[iter%3]/2 {
			k = lo + (hi-lo)/2
		}
		widths[iter%3] = hi - lo
		k = min(max(k, lo+1), hi-1)
		s, ds := probe(k)
		if ds < 0 {
			lo, secLo = k, ds
			if side == -1 {
				secHi /= 2
			}
			side = -1
		} else {
			hi, sHi, secHi = k, s, ds
			if side == 1 {
				secLo /= 2
			}
			side = 1
		}
	}
	return sHi
}

// circleShiftPow returns S(k) (see circleEqualPow) for sorted u and v of
// equal length.
func circleShiftPow(u, v []float64, k int, p float64) float64 {
	n := len(u)
	q := k / n
	if k%n < 0 {
		q--
	}
	r := k - q*n // v_{i+k} = v[i+r] + q for i < n-r, then v[i+r-n] + q + 1
	s := sumPowDiff(u[:n-r], v[r:], float64(q), p) + sumPowDiff(u[n-r:], v[:r], float64(q+1), p)
	return s / float64(n)
}
