package nf

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// EightGaussians returns n points of the mixture of eight Gaussians of
// standard deviation 0.5 centred at 4 * (cos k pi/4, sin k pi/4), the whole
// scaled by 1/1.414 (the usual toy target of flow papers).
func EightGaussians(n int, seed uint64) (*mat.Dense, error) {
	if n < 1 {
		return nil, fmt.Errorf("%w: EightGaussians of %d points", ErrConfig, n)
	}
	rng := rand.New(rand.NewPCG(seed, 8))
	x := mat.NewDense(n, 2, nil)
	for i := range n {
		a := float64(rng.IntN(8)) * math.Pi / 4
		x.Set(i, 0, (4*math.Cos(a)+0.5*rng.NormFloat64())/1.414)
		x.Set(i, 1, (4*math.Sin(a)+0.5*rng.NormFloat64())/1.414)
	}
	return x, nil
}

// TwoMoons returns n points of the two interleaved half circles of radius
// 1 (centres (0, 0) and (1, 0.5)), with Gaussian noise of standard
// deviation noise.
func TwoMoons(n int, noise float64, seed uint64) (*mat.Dense, error) {
	if n < 1 || noise < 0 {
		return nil, fmt.Errorf("%w: TwoMoons of %d points, noise %v", ErrConfig, n, noise)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	x := mat.NewDense(n, 2, nil)
	for i := range n {
		a := math.Pi * rng.Float64()
		px, py := math.Cos(a), math.Sin(a)
		if rng.IntN(2) == 1 {
			px, py = 1-px, 0.5-py
		}
		x.Set(i, 0, px+noise*rng.NormFloat64())
		x.Set(i, 1, py+noise*rng.NormFloat64())
	}
	return x, nil
}

// Pinwheel returns n points of the five-armed pinwheel of the flow
// literature (as in FFJORD's toy data): each point draws an arm k, a radial
// coordinate r ~ N(1, 0.3^2) and a tangential one ~ N(0, 0.1^2), and is
// rotated by the angle 2 pi k / 5 + 0.25 exp(r), so the arms curl more the
// farther out they reach; the whole is scaled by 2.
func Pinwheel(n int, seed uint64) (*mat.Dense, error) {
	if n < 1 {
		return nil, fmt.Errorf("%w: Pinwheel of %d points", ErrConfig, n)
	}
	const arms, radialStd, tangentialStd, rate = 5, 0.3, 0.1, 0.25
	rng := rand.New(rand.NewPCG(seed, 5))
	x := mat.NewDense(n, 2, nil)
	for i := range n {
		r := 1 + radialStd*rng.NormFloat64()
		s := tangentialStd * rng.NormFloat64()
		a := 2*math.Pi*float64(rng.IntN(arms))/arms + rate*math.Exp(r)
		c, sn := math.Cos(a), math.Sin(a)
		x.Set(i, 0, 2*(r*c+s*sn))
		x.Set(i, 1, 2*(-r*sn+s*c))
	}
	return x, nil
}
