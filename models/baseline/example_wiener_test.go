package baseline_test

import (
	"context"
	"fmt"
	"math"

	"pivsr/models/baseline"
	"pivsr/piv"
)

// Keep every 4th vector of a periodic, divergence-free field with energy at
// every scale, up to beyond the kept lattice's band, and fill the grid back
// in: the Wiener estimate shares each lattice coefficient among its aliases
// by a spectrum fitted on the samples, where trigonometric interpolation
// gives it all to the one inside the band.
func ExampleWiener() {
	const n = 64
	h := 2 * math.Pi / n
	g := piv.UniformGrid(n, n, 0, 0, h, h)
	truth := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			k := g.Index(i, j)
			for m := 1; m <= 24; m++ { // psi = sum m^-2.5 sin(m x + (m%5) y + m)
				a, ph := math.Pow(float64(m), -2.5), float64(m)*x+float64(m%5)*y+float64(m)
				truth.U[k] += a * float64(m%5) * math.Cos(ph)
				truth.V[k] -= a * float64(m) * math.Cos(ph)
			}
		}
	}
	sparse, err := piv.KeepEvery(truth, 4, 0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := baseline.FromField(sparse)
	if err != nil {
		fmt.Println(err)
		return
	}
	rms := func(m baseline.Method) float64 {
		est, err := m.Reconstruct(context.Background(), s, g)
		if err != nil {
			fmt.Println(err)
			return math.NaN()
		}
		var e float64
		for k := range est.U {
			e += math.Pow(est.U[k]-truth.U[k], 2) + math.Pow(est.V[k]-truth.V[k], 2)
		}
		return math.Sqrt(e / float64(est.Len()))
	}
	trig, wiener := rms(baseline.Spectral{Solenoidal: true}), rms(baseline.Wiener{})
	fmt.Printf("%s below %s: %v\n", baseline.Wiener{}.Name(), baseline.Spectral{Solenoidal: true}.Name(), wiener < trig)
	// Output:
	// spectral-wiener below spectral-solenoidal: true
}
