package transport

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortFloats(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	gen := map[string]func(i int) float64{
		"gaussian":     func(int) float64 { return rng.NormFloat64() },
		"duplicates":   func(int) float64 { return float64(rng.IntN(7) - 3) },
		"signed zeros": func(i int) float64 { return math.Copysign(0, float64(i%2)-0.5) },
		"clustered":    func(int) float64 { return 1e6 + 1e-9*rng.Float64() }, // one long run of equal top bits
		"wide range":   func(int) float64 { return math.Ldexp(rng.NormFloat64(), rng.IntN(200)-100) },
		"descending":   func(i int) float64 { return -float64(i) },
		"unit":         func(int) float64 { return rng.Float64() },
	}
	for name, g := range gen {
		for _, n := range []int{1, 2, radixMinLen - 1, radixMinLen, 5000} {
			x := make([]float64, n)
			pay := make([]int, n)
			for i := range x {
				x[i] = g(i)
				pay[i] = i
			}
			orig := append([]float64(nil), x...)
			want := append([]float64(nil), x...)
			slices.Sort(want)
			var s sortScratch[int]
			sortFloats(x, pay, &s)
			for i := range x {
				if x[i] != want[i] { // -0 == +0: either order is sorted
					t.Fatalf("%s n=%d: x[%d] = %v, want %v", name, n, i, x[i], want[i])
				}
				if orig[pay[i]] != x[i] {
					t.Fatalf("%s n=%d: payload %d points at %v, value is %v", name, n, i, orig[pay[i]], x[i])
				}
			}
			seen := make([]bool, n)
			for _, k := range pay {
				if seen[k] {
					t.Fatalf("%s n=%d: payload is not a permutation", name, n)
				}
				seen[k] = true
			}
			// Without payload (the shortened radix path).
			y := append([]float64(nil), orig...)
			var s2 sortScratch[float64]
			sortFloats[float64](y, nil, &s2)
			if !slices.Equal(y, want) {
				t.Fatalf("%s n=%d: sort without payload differs from slices.Sort", name, n)
			}
		}
	}
}

func TestFloatKeyOrder(t *testing.T) {
	vals := []float64{math.Inf(-1), -math.MaxFloat64, -1, -math.SmallestNonzeroFloat64, 0, math.SmallestNonzeroFloat64, 1, math.MaxFloat64, math.Inf(1)}
	for i, v := range vals {
		if keyFloat(floatKey(v)) != v {
			t.Errorf("round trip of %v gives %v", v, keyFloat(floatKey(v)))
		}
		if i > 0 && floatKey(vals[i-1]) >= floatKey(v) {
			t.Errorf("key order broken between %v and %v", vals[i-1], v)
		}
	}
}
