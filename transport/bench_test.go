package transport

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// gaussianCloud returns n points of N(mean, s^2 I) in R^d, one per row.
func gaussianCloud(n, d int, mean []float64, s float64, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			m := 0.0
			if mean != nil {
				m = mean[j]
			}
			x.Set(i, j, m+s*rng.NormFloat64())
		}
	}
	return x
}

// BenchmarkSliced100k is the speed target: SW_2 between two clouds of
// 100,000 points in 2-D with 1,000 directions (POT 0.8.2: 141 s).
func BenchmarkSliced100k(b *testing.B) {
	x := gaussianCloud(100000, 2, nil, 1, 1)
	y := gaussianCloud(100000, 2, []float64{1, 0}, 2, 2)
	sw := NewSliced(1000).Seed(3)
	for b.Loop() {
		if _, err := sw.Pow(x, nil, y, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSortFloats compares the radix sort with pdqsort on 100,000
// Gaussian values.
func BenchmarkSortFloats(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]float64, 100000)
	for i := range src {
		src[i] = rng.NormFloat64()
	}
	x := make([]float64, len(src))
	b.Run("radix", func(b *testing.B) {
		var s sortScratch[float64]
		for b.Loop() {
			copy(x, src)
			sortFloats[float64](x, nil, &s)
		}
	})
	b.Run("pdqsort", func(b *testing.B) {
		for b.Loop() {
			copy(x, src)
			slices.Sort(x)
		}
	})
}

// BenchmarkCircle100k is the circle speed target (< 10 ms): W_2 between two
// samples of 100,000 points, and to the uniform law, sorting included.
func BenchmarkCircle100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	u, v := make([]float64, 100000), make([]float64, 100000)
	for i := range u {
		u[i] = rng.Float64()
		v[i] = math.Mod(0.3+0.2*rng.NormFloat64()+1, 1)
	}
	b.Run("two-samples", func(b *testing.B) {
		for b.Loop() {
			if _, err := CirclePow(u, nil, v, nil, 2); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("to-uniform", func(b *testing.B) {
		for b.Loop() {
			if _, err := CircleUniformPow2(v, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSphericalSliced: SSW_2 between two samples of 10,000 points of
// S^2 with 200 great circles.
func BenchmarkSphericalSliced(b *testing.B) {
	x, y := uniformSphere(10000, 3, 1), uniformSphere(10000, 3, 2)
	ssw := NewSphericalSliced(200).Seed(3)
	for b.Loop() {
		if _, err := ssw.Pow(x, nil, y, nil); err != nil {
			b.Fatal(err)
		}
	}
}
