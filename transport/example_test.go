package transport_test

import (
	"fmt"
	"log"
	"math"

	"gonum.org/v1/gonum/mat"

	"pivsr/transport"
)

func ExampleWasserstein1DPow() {
	a := []float64{0.3, -1.2, 2.0, 0.7}
	b := []float64{1.3, -0.2, 3.0, 1.7} // a shifted by 1
	w2sq, err := transport.Wasserstein1DPow(a, nil, b, nil, 2)
	if err != nil {
		log.Fatal(err)
	}
	// Weighted: a Dirac at 0 against 1 (mass 1/4) and -1 (mass 3/4).
	w1, err := transport.Wasserstein1D([]float64{0}, nil, []float64{1, -1}, []float64{0.25, 0.75}, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("W_2^2 = %.6f, W_1 = %.6f\n", w2sq, w1)
	// Output: W_2^2 = 1.000000, W_1 = 1.000000
}

func ExampleSliced() {
	// Two Diracs in R^3: SW_2^2 = |a - b|^2 / 3. Blocks of orthonormal
	// directions make the average exact when the count is a multiple of 3.
	a := mat.NewDense(1, 3, []float64{1, 2, -1})
	b := mat.NewDense(1, 3, []float64{0, -1, 1})
	est, err := transport.NewSliced(300).Seed(1).Directions(transport.OrthogonalDirections).Pow(a, nil, b, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("SW_2^2 = %.6f (|a-b|^2/3 = %.6f)\n", est.Pow, 14.0/3)
	// Output: SW_2^2 = 4.666667 (|a-b|^2/3 = 4.666667)
}

func ExampleMaxSliced() {
	// A cloud and its translate by m: the max-sliced W_2^2 is |m|^2 = 25,
	// reached along m/|m| = (0.6, 0.8) (up to sign).
	x := mat.NewDense(4, 2, []float64{0, 0, 1, 0, 0, 1, 2, 2})
	y := mat.NewDense(4, 2, []float64{3, 4, 4, 4, 3, 5, 5, 6})
	res, err := transport.NewMaxSliced().Seed(1).Pow(x, nil, y, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("max-SW_2^2 = %.6f along (%.4f, %.4f)\n", res.Pow, math.Abs(res.Direction[0]), math.Abs(res.Direction[1]))
	// Output: max-SW_2^2 = 25.000000 along (0.6000, 0.8000)
}

func ExampleCirclePow() {
	// Two Diracs on the circle [0, 1), 0.7 apart one way, 0.3 the other.
	w2sq, err := transport.CirclePow([]float64{0.1}, nil, []float64{0.8}, nil, 2)
	if err != nil {
		log.Fatal(err)
	}
	// A Dirac against the uniform law: 1/12.
	unif, err := transport.CircleUniformPow2([]float64{0.25}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("W_2^2 = %.6f, to uniform = %.6f\n", w2sq, unif)
	// Output: W_2^2 = 0.090000, to uniform = 0.083333
}

func ExampleSphericalSliced_PowToUniform() {
	// A Dirac at the north pole of S^2 against the uniform law: every great
	// circle sees a Dirac against the uniform law of the circle, 1/12.
	pole := mat.NewDense(1, 3, []float64{0, 0, 1})
	est, err := transport.NewSphericalSliced(100).Seed(1).PowToUniform(pole, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("SSW_2^2 = %.6f\n", est.Pow)
	// Output: SSW_2^2 = 0.083333
}

func ExampleHyperbolicSliced() {
	// Points of the Poincare disc, mapped to the Lorentz model: tanh(r/2) e1
	// lies at hyperbolic distance r from the origin.
	ball := mat.NewDense(3, 2, []float64{
		math.Tanh(0.5), 0, // distance 1
		0, -math.Tanh(1), // distance 2
		0.3, 0.4,
	})
	x, err := transport.PoincareToLorentz(nil, ball)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("first point (%.4f, %.4f, %.4f) = (cosh 1, sinh 1, 0)\n", x.At(0, 0), x.At(0, 1), x.At(0, 2))

	// On H^1 (one space coordinate) both projections are the signed
	// distance, so HSW is the 1-D distance of the radii: the points at
	// -1 and 2 against the origin give (1 + 4)/2.
	line := mat.NewDense(2, 2, []float64{math.Cosh(1), -math.Sinh(1), math.Cosh(2), math.Sinh(2)})
	origin := mat.NewDense(1, 2, []float64{1, 0})
	est, err := transport.NewHyperbolicSliced(10).Seed(1).Pow(line, nil, origin, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("HSW_2^2 = %.6f\n", est.Pow)
	// Output:
	// first point (1.5431, 1.1752, 0.0000) = (cosh 1, sinh 1, 0)
	// HSW_2^2 = 2.500000
}
