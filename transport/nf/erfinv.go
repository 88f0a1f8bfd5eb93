package nf

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph"
)

// ErfInvGraph returns erf^-1(y) for y in (-1, 1): Giles' single-precision
// approximation ("Approximating the erfinv function", GPU Computing Gems,
// 2011), refined by two Newton steps on Erf to float64 accuracy. GoMLX has
// no erfinv; this one is differentiable by the graph's autodiff.
func ErfInvGraph(y *Node) *Node {
	w := Neg(Log1p(Neg(Square(y))))
	central := []float64{2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
		-0.00125372503, -0.00417768164, 0.246640727, 1.50140941}
	tail := []float64{-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
		-0.0076224613, 0.00943887047, 1.00167406, 2.83297682}
	horner := func(c []float64, t *Node) *Node {
		p := AddScalar(ZerosLike(t), c[0])
		for _, ci := range c[1:] {
			p = AddScalar(Mul(p, t), ci)
		}
		return p
	}
	small := horner(central, AddScalar(w, -2.5))
	// The tail branch is used only for w >= 5; clamping keeps its unused
	// slope finite at w = 0 (y = 0), so no Inf enters the reverse pass.
	large := horner(tail, AddScalar(Sqrt(Max(w, AddScalar(ZerosLike(w), 5))), -3))
	x := Mul(Where(LessThan(w, AddScalar(ZerosLike(w), 5)), small, large), y)
	for range 2 {
		// Newton: x -= (erf(x) - y) / erf'(x), erf'(x) = 2/sqrt(pi) exp(-x^2).
		x = Sub(x, Div(Sub(Erf(x), y), MulScalar(Exp(Neg(Square(x))), 2/math.Sqrt(math.Pi))))
	}
	return x
}
