package transport

import "math"

// Wasserstein1DPow returns W_p^p, the p-th power of the p-Wasserstein
// distance between the weighted samples a (weights wa) and b (weights wb) on
// the real line. A nil weight slice means uniform weights; otherwise the
// weights must be non-negative and sum to 1. The samples need not be sorted
// and are not modified. p must be >= 1.
//
// It integrates |F_a^-1(q) - F_b^-1(q)|^p over q in [0, 1] exactly, by
// sorting both samples and merging their cumulative distribution functions.
// With uniform weights and equal sizes this is mean |sort(a)_i - sort(b)_i|^p.
func Wasserstein1DPow(a, wa, b, wb []float64, p float64) (float64, error) {
	if err := checkExponent(p); err != nil {
		return 0, err
	}
	if err := checkSample("a", a, wa); err != nil {
		return 0, err
	}
	if err := checkSample("b", b, wb); err != nil {
		return 0, err
	}
	var s sample1D
	s.setA(a, wa)
	s.setB(b, wb)
	return s.sortedPow(p), nil
}

// Wasserstein1D returns W_p, the p-Wasserstein distance on the real line:
// Wasserstein1DPow to the power 1/p.
func Wasserstein1D(a, wa, b, wb []float64, p float64) (float64, error) {
	v, err := Wasserstein1DPow(a, wa, b, wb, p)
	if err != nil {
		return 0, err
	}
	return math.Pow(v, 1/p), nil
}

// sample1D holds two 1-D samples being compared, with reusable buffers: one
// per worker in the sliced distances, refilled for every slice.
type sample1D struct {
	a, b   []float64 // values, sorted by sort()
	wa, wb []float64 // weights permuted along, nil when uniform
	sorter sortScratch[float64]
}

// setA copies a sample (and its weights, if any) into the buffers.
func (s *sample1D) setA(x, w []float64) {
	s.a = append(s.a[:0], x...)
	s.wa = copyWeights(s.wa, w)
}

// setB copies a sample (and its weights, if any) into the buffers.
func (s *sample1D) setB(x, w []float64) {
	s.b = append(s.b[:0], x...)
	s.wb = copyWeights(s.wb, w)
}

func copyWeights(dst, w []float64) []float64 {
	if w == nil {
		return nil
	}
	if dst == nil {
		dst = make([]float64, 0, len(w))
	}
	return append(dst[:0], w...)
}

// sortedPow sorts both samples and returns W_p^p between them.
func (s *sample1D) sortedPow(p float64) float64 {
	sortFloats(s.a, s.wa, &s.sorter)
	sortFloats(s.b, s.wb, &s.sorter)
	return sortedPow(s.a, s.wa, s.b, s.wb, p)
}

// sortedPow returns W_p^p between the sorted samples a and b (nil weights
// are uniform).
func sortedPow(a, wa, b, wb []float64, p float64) float64 {
	if wa == nil && wb == nil && len(a) == len(b) {
		return meanPowDiff(a, b, p)
	}
	q := newCoupling(len(a), wa, len(b), wb)
	total := 0.0
	for {
		i, j, mass, ok := q.next()
		if !ok {
			return total
		}
		total += mass * powAbs(a[i]-b[j], p)
	}
}

// meanPowDiff returns mean |a_i - b_i|^p.
func meanPowDiff(a, b []float64, p float64) float64 {
	return sumPowDiff(a, b, 0, p) / float64(len(a))
}

// sumPowDiff returns sum |a_i - b_i - off|^p, with the common exponents
// taken out of the loop.
func sumPowDiff(a, b []float64, off, p float64) float64 {
	b = b[:len(a)]
	total := 0.0
	switch p {
	case 1:
		for i, v := range a {
			total += math.Abs(v - b[i] - off)
		}
	case 2:
		for i, v := range a {
			d := v - b[i] - off
			total += d * d
		}
	default:
		for i, v := range a {
			total += math.Pow(math.Abs(v-b[i]-off), p)
		}
	}
	return total
}

// powAbs returns |d|^p. It is kept small enough to inline, so that the
// common p = 2 costs one multiplication in the merge loops.
func powAbs(d, p float64) float64 {
	if p == 2 {
		return d * d
	}
	return powAbsSlow(d, p)
}

func powAbsSlow(d, p float64) float64 {
	if p == 1 {
		return math.Abs(d)
	}
	return math.Pow(math.Abs(d), p)
}

// coupling walks the monotone (quantile) coupling of two sorted samples:
// each step is a pair (i, j) and the mass it carries, the length of the
// quantile interval on which F_a^-1 = a_i and F_b^-1 = b_j.
type coupling struct {
	na, nb       int
	wa, wb       []float64 // nil = uniform
	i, j         int
	ca, cb, prev float64 // cumulative masses through a_i and b_j, and the current quantile
}

func newCoupling(na int, wa []float64, nb int, wb []float64) coupling {
	q := coupling{na: na, nb: nb, wa: wa, wb: wb}
	q.ca = cumulative(0, na, wa, 0)
	q.cb = cumulative(0, nb, wb, 0)
	return q
}

// cumulative returns the cumulative mass through index i given the one
// through i-1. Uniform masses are computed as (i+1)/n, exactly rounded, so
// equal quantiles of two samples compare equal; the last one is exactly 1.
func cumulative(i, n int, w []float64, prev float64) float64 {
	if i == n-1 {
		return 1
	}
	if w == nil {
		return float64(i+1) / float64(n)
	}
	return min(prev+w[i], 1)
}

// next returns the next pair of the coupling and its mass; ok is false once
// both samples are exhausted.
func (q *coupling) next() (i, j int, mass float64, ok bool) {
	if q.i >= q.na || q.j >= q.nb {
		return 0, 0, 0, false
	}
	i, j = q.i, q.j
	upto := min(q.ca, q.cb)
	mass = upto - q.prev
	q.prev = upto
	advA, advB := q.ca <= q.cb, q.cb <= q.ca
	if advA {
		q.i++
		if q.i < q.na {
			q.ca = cumulative(q.i, q.na, q.wa, q.ca)
		}
	}
	if advB {
		q.j++
		if q.j < q.nb {
			q.cb = cumulative(q.j, q.nb, q.wb, q.cb)
		}
	}
	return i, j, mass, true
}
