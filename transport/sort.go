package transport

import (
	"math"
	"slices"
)

// radixMinLen is the length below which sorting falls back to pdqsort: for
// short slices the counting passes cost more than the comparisons.
const radixMinLen = 512

// sortScratch holds the buffers the LSD radix sort ping-pongs through, so
// that repeated sorts (one per slice) allocate nothing.
type sortScratch[P any] struct {
	keys, tmp []uint64
	payTmp    []P
}

// floatKey maps a float64 to a uint64 whose unsigned order is the float
// order (negative numbers have all bits flipped, positive ones the sign bit).
func floatKey(f float64) uint64 {
	b := math.Float64bits(f)
	return b ^ (uint64(int64(b)>>63) | 1<<63)
}

// keyFloat inverts floatKey.
func keyFloat(k uint64) float64 {
	return math.Float64frombits(k ^ (uint64(int64(k^(1<<63))>>63) | 1<<63))
}

// Radix sort geometry: six passes of 11 bits cover the 64-bit keys, with
// count tables small enough (6 x 2048 x 4 bytes) to stay in cache.
const (
	radixBits    = 11 // radixSort unrolls its counting loop for these six passes
	radixBuckets = 1 << radixBits
	radixPasses  = (64 + radixBits - 1) / radixBits
)

// sortFloats sorts x ascending in place and applies the same permutation to
// pay when pay is not nil (len(pay) == len(x)). x must hold no NaN.
//
// Large slices are radix sorted on the order-preserving bit pattern (see
// sortKeys and radixSort). On the 10^5-element projections that dominate
// sliced distances this is several times faster than pdqsort (slices.Sort);
// see BenchmarkSortFloats.
func sortFloats[P any](x []float64, pay []P, s *sortScratch[P]) {
	n := len(x)
	if n < radixMinLen || n > math.MaxInt32 {
		sortCompare(x, pay)
		return
	}
	s.keys = grow(s.keys, n)
	for i, f := range x {
		s.keys[i] = floatKey(f)
	}
	var keys []uint64
	if pay == nil {
		keys = s.sortKeys(s.keys)
	} else {
		keys = s.radixSort(s.keys, pay, 0)
	}
	for i, k := range keys {
		x[i] = keyFloat(k)
	}
}

// sortKeys sorts keys (which must be s.keys or another buffer of the same
// length) and returns the sorted slice, which is keys or s.tmp.
//
// It radix sorts on the top 31 bits only (three passes instead of six), then
// sorts each run of keys sharing those bits by comparison. For continuous
// data the runs are tiny (31 bits hold the sign, the exponent and 19 bits of
// mantissa), so this halves the cost; clustered data degrades gracefully to
// pdqsort on the runs.
func (s *sortScratch[P]) sortKeys(keys []uint64) []uint64 {
	const firstPass = 3
	keys = s.radixSort(keys, nil, firstPass)
	const shift = firstPass * radixBits
	for i := 1; i < len(keys); {
		if keys[i]>>shift != keys[i-1]>>shift {
			i++
			continue
		}
		start, top := i-1, keys[i]>>shift
		for i < len(keys) && keys[i]>>shift == top {
			i++
		}
		slices.Sort(keys[start:i])
	}
	return keys
}

// radixSort is an LSD radix sort of keys on the digits from firstPass on
// (bits [firstPass*radixBits, 64)); firstPass is 0 or 3. It permutes pay
// (when not nil) along, skipping the passes where every key shares the
// digit. It returns the sorted slice, keys or s.tmp; pay is sorted in place.
func (s *sortScratch[P]) radixSort(keys []uint64, pay []P, firstPass int) []uint64 {
	n := len(keys)
	s.tmp = grow(s.tmp, n)
	tmp := s.tmp
	var payTmp []P
	if pay != nil {
		s.payTmp = grow(s.payTmp, n)
		payTmp = s.payTmp
	}
	origPay := pay
	var counts [radixPasses][radixBuckets]int32
	// Unrolled counting: a loop over the passes here costs about 40%.
	if firstPass == 0 {
		for _, k := range keys {
			counts[0][k&(radixBuckets-1)]++
			counts[1][(k>>radixBits)&(radixBuckets-1)]++
			counts[2][(k>>(2*radixBits))&(radixBuckets-1)]++
			counts[3][(k>>(3*radixBits))&(radixBuckets-1)]++
			counts[4][(k>>(4*radixBits))&(radixBuckets-1)]++
			counts[5][(k>>(5*radixBits))&(radixBuckets-1)]++
		}
	} else {
		for _, k := range keys {
			counts[3][(k>>(3*radixBits))&(radixBuckets-1)]++
			counts[4][(k>>(4*radixBits))&(radixBuckets-1)]++
			counts[5][(k>>(5*radixBits))&(radixBuckets-1)]++
		}
	}
	for b := firstPass; b < radixPasses; b++ {
		shift := uint(radixBits * b)
		c := &counts[b]
		if int(c[(keys[0]>>shift)&(radixBuckets-1)]) == n {
			continue // every key has this digit: the pass would move nothing
		}
		var sum int32
		for d := range c {
			c[d], sum = sum, sum+c[d]
		}
		if pay == nil {
			for _, k := range keys {
				d := (k >> shift) & (radixBuckets - 1)
				tmp[c[d]] = k
				c[d]++
			}
		} else {
			for i, k := range keys {
				d := (k >> shift) & (radixBuckets - 1)
				tmp[c[d]] = k
				payTmp[c[d]] = pay[i]
				c[d]++
			}
			pay, payTmp = payTmp, pay
		}
		keys, tmp = tmp, keys
	}
	if origPay != nil && &pay[0] != &origPay[0] {
		// An odd number of passes left the payload in the scratch buffer.
		copy(origPay, pay)
	}
	return keys
}

// sortCompare sorts by comparison (short slices).
func sortCompare[P any](x []float64, pay []P) {
	if pay == nil {
		slices.Sort(x)
		return
	}
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int {
		switch {
		case x[i] < x[j]:
			return -1
		case x[i] > x[j]:
			return 1
		}
		return 0
	})
	xs := make([]float64, len(x))
	ps := make([]P, len(x))
	for k, i := range idx {
		xs[k], ps[k] = x[i], pay[i]
	}
	copy(x, xs)
	copy(pay, ps)
}

// grow returns buf resliced to length n, reallocating only when too short.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}
