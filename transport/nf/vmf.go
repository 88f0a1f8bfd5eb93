package nf

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// VMFLogNorm returns the log of the normalising constant of the von
// Mises-Fisher law on S^2 written as C exp(kappa (mu.x - 1)) (the form that
// does not overflow): log C = log kappa - log(2 pi (1 - exp(-2 kappa))).
func VMFLogNorm(kappa float64) float64 {
	return math.Log(kappa) - math.Log(2*math.Pi) - math.Log(-math.Expm1(-2*kappa))
}

// SampleVMF writes n draws of the von Mises-Fisher law on S^2 with mean
// direction mu (normalised here) and concentration kappa > 0 to the rows of
// dst starting at row off, by the exact inversion of its cosine's law
// w = 1 + log(xi + (1 - xi) exp(-2 kappa)) / kappa and a uniform angle
// about mu.
func SampleVMF(dst *mat.Dense, off, n int, mu [3]float64, kappa float64, rng *rand.Rand) {
	norm := math.Sqrt(mu[0]*mu[0] + mu[1]*mu[1] + mu[2]*mu[2])
	for i := range mu {
		mu[i] /= norm
	}
	frame := poleFrame(mu) // rows a, b, -mu: (a, b) spans the plane orthogonal to mu
	a, b := frame[0], frame[1]
	for i := range n {
		xi := rng.Float64()
		w := 1 + math.Log(xi+(1-xi)*math.Exp(-2*kappa))/kappa
		w = math.Max(-1, math.Min(1, w))
		r := math.Sqrt(1 - w*w)
		phi := 2 * math.Pi * rng.Float64()
		c, s := r*math.Cos(phi), r*math.Sin(phi)
		row := dst.RawRowView(off + i)
		for k := range 3 {
			row[k] = w*mu[k] + c*a[k] + s*b[k]
		}
	}
}

// VMFComponent is one component of a mixture of von Mises-Fisher laws.
type VMFComponent struct {
	Weight float64
	Mu     [3]float64 // a unit vector
	Kappa  float64
}

// VMFMixture returns n draws of the mixture (weights summing to 1).
func VMFMixture(n int, comps []VMFComponent, seed uint64) (*mat.Dense, error) {
	if n < 1 || len(comps) == 0 {
		return nil, fmt.Errorf("%w: VMFMixture of %d points and %d components", ErrConfig, n, len(comps))
	}
	for _, c := range comps {
		if !(c.Weight > 0) || !(c.Kappa > 0) || math.IsInf(c.Kappa, 0) {
			return nil, fmt.Errorf("%w: vMF component %+v, want weight > 0 and a finite kappa > 0", ErrConfig, c)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x766d66))
	x := mat.NewDense(n, 3, nil)
	for i := range n {
		u, k := rng.Float64(), 0
		for k < len(comps)-1 && u >= comps[k].Weight {
			u -= comps[k].Weight
			k++
		}
		SampleVMF(x, i, 1, comps[k].Mu, comps[k].Kappa, rng)
	}
	return x, nil
}

// VMFMixtureLogDensity returns the log-density of the mixture at the rows
// of x, with respect to the area measure of S^2.
func VMFMixtureLogDensity(x *mat.Dense, comps []VMFComponent) []float64 {
	n, _ := x.Dims()
	out := make([]float64, n)
	terms := make([]float64, len(comps))
	for i := range n {
		row := x.RawRowView(i)
		for k, c := range comps {
			dot := row[0]*c.Mu[0] + row[1]*c.Mu[1] + row[2]*c.Mu[2]
			terms[k] = math.Log(c.Weight) + VMFLogNorm(c.Kappa) + c.Kappa*(dot-1)
		}
		out[i] = logSumExp(terms)
	}
	return out
}

func logSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	if math.IsInf(m, -1) {
		return m
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}
