package transport_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"pivsr/transport"
)

// Particles under the interaction W(z) = |z|^4/4 - |z|^2/2 gather on a
// ring of radius 1/sqrt(3) around their centre of mass.
func ExampleFlow() {
	const n = 150
	x0 := mat.NewDense(n, 2, nil)
	for i := range n { // a spiral of points
		r, a := 1.5*float64(i+1)/n, 2.4*float64(i)
		x0.Set(i, 0, r*math.Cos(a))
		x0.Set(i, 1, r*math.Sin(a))
	}
	flow := transport.NewFlow(0.5).Interaction(transport.AttractiveRepulsive(4, 2)).InnerSteps(5).Seed(1)
	var energy float64
	x, err := flow.Run(x0, 30, func(s transport.FlowStep) error { energy = s.Energy; return nil })
	if err != nil {
		fmt.Println(err)
		return
	}
	var cx, cy float64
	for i := range n {
		cx += x.At(i, 0) / n
		cy += x.At(i, 1) / n
	}
	lo, hi := math.Inf(1), 0.0
	for i := range n {
		r := math.Hypot(x.At(i, 0)-cx, x.At(i, 1)-cy)
		lo, hi = min(lo, r), max(hi, r)
	}
	fmt.Printf("radius between %.3f and %.3f (1/sqrt(3) = %.3f)\n", lo, hi, 1/math.Sqrt(3))
	fmt.Printf("energy %.4f (-1/12 = %.4f)\n", energy, -1.0/12)
	// Output:
	// radius between 0.577 and 0.577 (1/sqrt(3) = 0.577)
	// energy -0.0833 (-1/12 = -0.0833)
}
