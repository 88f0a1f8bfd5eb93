package nf

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"gonum.org/v1/gonum/mat"
)

// run evaluates fn on the rows of x and returns its two outputs: a matrix
// [N, d] and a vector [N].
func (f *RealNVP) run(backend compute.Backend, x *mat.Dense, fn func(*Node) (*Node, *Node)) (*mat.Dense, []float64, error) {
	n, d := x.Dims()
	if d != f.cfg.Dim || n < 1 {
		return nil, nil, fmt.Errorf("%w: got %d points of dimension %d, want dimension %d", ErrConfig, n, d, f.cfg.Dim)
	}
	out, err := model.CallOnceN(backend, f.store, func(_ *model.Scope, in *Node) []*Node {
		a, b := fn(in)
		return []*Node{a, b}
	}, tensors.FromFlatDataAndDimensions(denseData(x), n, d))
	if err != nil {
		return nil, nil, fmt.Errorf("nf: evaluating the flow: %w", err)
	}
	points := mat.NewDense(n, d, tensors.MustCopyFlatData[float64](out[0]))
	vec := tensors.MustCopyFlatData[float64](out[1])
	for _, o := range out {
		o.FinalizeAll()
	}
	return points, vec, nil
}

// denseData returns the row-major values of x (a copy).
func denseData(x *mat.Dense) []float64 {
	n, d := x.Dims()
	data := make([]float64, 0, n*d)
	for i := range n {
		data = append(data, x.RawRowView(i)...)
	}
	return data
}

// Forward maps the rows of x to the latent space: z = T(x) and
// log |det dT/dx| per row.
func (f *RealNVP) Forward(backend compute.Backend, x *mat.Dense) (*mat.Dense, []float64, error) {
	return f.run(backend, x, f.ForwardGraph)
}

// Inverse maps latent rows z to data: x = T^-1(z) and log |det dx/dz|.
func (f *RealNVP) Inverse(backend compute.Backend, z *mat.Dense) (*mat.Dense, []float64, error) {
	return f.run(backend, z, f.InverseGraph)
}

// NLL writes -log p(x) of each row of x to dst (nil allocates) and returns it.
func (f *RealNVP) NLL(backend compute.Backend, dst []float64, x *mat.Dense) ([]float64, error) {
	_, nll, err := f.run(backend, x, func(x *Node) (*Node, *Node) { return x, f.NLLGraph(x) })
	if err != nil {
		return nil, err
	}
	if dst == nil {
		return nll, nil
	}
	if len(dst) != len(nll) {
		return nil, fmt.Errorf("%w: dst of length %d for %d points", ErrConfig, len(dst), len(nll))
	}
	copy(dst, nll)
	return dst, nil
}

// Sample draws n points of the flow's distribution: T^-1 of standard
// normal draws from seed.
func (f *RealNVP) Sample(backend compute.Backend, n int, seed uint64) (*mat.Dense, error) {
	if n < 1 {
		return nil, fmt.Errorf("%w: Sample of %d points, want at least 1", ErrConfig, n)
	}
	x, _, err := f.Inverse(backend, StandardNormal(n, f.cfg.Dim, seed))
	return x, err
}

// StandardNormal returns n draws of N(0, I_d) from seed, one per row.
func StandardNormal(n, d int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 0x4e))
	z := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			z.Set(i, j, rng.NormFloat64())
		}
	}
	return z
}

// MeanNLL returns the mean of -log p over the rows of x.
func (f *RealNVP) MeanNLL(backend compute.Backend, x *mat.Dense) (float64, error) {
	nll, err := f.NLL(backend, nil, x)
	if err != nil {
		return 0, err
	}
	return mean(nll), nil
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
