package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/ml/model"
	"gonum.org/v1/gonum/stat/distuv"

	"pivsr/internal/floattensor"
)

// Network is a multiplicative filter network (Fathony et al., ICLR 2021)
// mapping normalised coordinates (x, y) to a velocity (u, v):
//
//	z_1 = g_1(p),  z_{i+1} = (W_i z_i + b_i) * g_{i+1}(p),  (u, v) = W_out z_k + b_out
//
// or, with Config.StreamFunction, psi = (W_out z_k + b_out) / InputScale and
// (u, v) = (dpsi/dy, -dpsi/dx).
//
// Its parameters live as variables in a [model.Store], so they can be
// trained by a [model.Exec] graph and saved with GoMLX's checkpoint package.
type Network struct {
	cfg   Config
	store *model.Store

	filters []filterVars
	hidden  []linearVars // k-1 hidden layers W_i: [h, h] (out, in), b_i: [h]
	output  linearVars   // W_out: [2, h], b_out: [2] ([1, h], [1] for a stream function)
}

// filterVars are one filter's parameters: omega [h, 2] (columns for x and y),
// phase [h]; Gabor filters add mu [h, 2] and gamma [h].
type filterVars struct {
	omega, phase, mu, gamma *model.Variable
}

type linearVars struct {
	weights, bias *model.Variable
}

// NewNetwork creates a network with freshly initialised parameters in a new store.
//
// Initialisation follows the reference implementation of multiplicative filter networks:
// each filter's Omega ~ U(-1/sqrt(2), 1/sqrt(2)) * InputScale/sqrt(k) (PyTorch's default
// bound for a 2-input linear layer, so the product of k filters reaches InputScale),
// phi ~ U(-pi, pi); Gabor filters draw mu ~ U(-1, 1)^2, gamma ~ Gamma(alpha/k, rate beta)
// and scale Omega by sqrt(gamma). Hidden weights W_i ~ U(-sqrt(1/h), sqrt(1/h)); hidden
// biases and the output layer use PyTorch's default U(-1/sqrt(h), 1/sqrt(h)).
func NewNetwork(cfg Config) (*Network, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	n := &Network{cfg: cfg, store: model.NewStore()}
	k, h := cfg.Filters, cfg.Hidden
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	uniform := func(size int, bound float64) []float64 {
		v := make([]float64, size)
		for i := range v {
			v[i] = (2*rng.Float64() - 1) * bound
		}
		return v
	}
	create := func(path string, value []float64, dims ...int) (*model.Variable, error) {
		v, err := n.store.CreateVariable(path, floattensor.New(cfg.DType, value, dims...))
		if err != nil {
			return nil, fmt.Errorf("models: creating variable %s: %w", path, err)
		}
		return v, nil
	}

	omegaBound := cfg.InputScale / math.Sqrt(float64(k)) / math.Sqrt2
	n.filters = make([]filterVars, k)
	for i := range k {
		scope := fmt.Sprintf("/filter_%d/", i)
		var fv filterVars
		omega := uniform(2*h, omegaBound)
		phase := uniform(h, math.Pi)
		var err error
		if cfg.Filter == Gabor {
			gammaDist := distuv.Gamma{Alpha: cfg.GaborAlpha / float64(k), Beta: cfg.GaborBeta, Src: rng}
			gamma := make([]float64, h)
			for j := range gamma {
				gamma[j] = gammaDist.Rand()
			}
			for j := range omega {
				omega[j] *= math.Sqrt(gamma[j/2])
			}
			if fv.mu, err = create(scope+"mu", uniform(2*h, 1), h, 2); err != nil {
				return nil, err
			}
			if fv.gamma, err = create(scope+"gamma", gamma, h); err != nil {
				return nil, err
			}
		}
		if fv.omega, err = create(scope+"omega", omega, h, 2); err != nil {
			return nil, err
		}
		if fv.phase, err = create(scope+"phase", phase, h); err != nil {
			return nil, err
		}
		n.filters[i] = fv
	}
	n.hidden = make([]linearVars, k-1)
	bound := 1 / math.Sqrt(float64(h))
	for i := range k - 1 {
		scope := fmt.Sprintf("/hidden_%d/", i)
		var err error
		if n.hidden[i].weights, err = create(scope+"weights", uniform(h*h, bound), h, h); err != nil {
			return nil, err
		}
		if n.hidden[i].bias, err = create(scope+"bias", uniform(h, bound), h); err != nil {
			return nil, err
		}
	}
	var err error
	outs := cfg.outputs()
	outW, outB := uniform(h*outs, bound), uniform(outs, bound)
	if cfg.ZeroOutput {
		clear(outW)
		clear(outB)
	}
	if n.output.weights, err = create("/output/weights", outW, outs, h); err != nil {
		return nil, err
	}
	if n.output.bias, err = create("/output/bias", outB, outs); err != nil {
		return nil, err
	}
	return n, nil
}

// Config returns the network's configuration (with defaults filled in).
func (n *Network) Config() Config { return n.cfg }

// Store returns the store holding the network's variables (and, once trained,
// the optimizer's state). Graphs using the network must be built by a
// [model.Exec] on this store.
func (n *Network) Store() *model.Store { return n.store }

// NumParameters returns the number of trainable scalars.
func (n *Network) NumParameters() int {
	total := 0
	for _, v := range n.variables() {
		total += v.Shape().Size()
	}
	return total
}

// variables lists the network's variables in a fixed order.
func (n *Network) variables() []*model.Variable {
	var vars []*model.Variable
	for _, f := range n.filters {
		vars = append(vars, f.omega, f.phase)
		if f.mu != nil {
			vars = append(vars, f.mu, f.gamma)
		}
	}
	for _, l := range n.hidden {
		vars = append(vars, l.weights, l.bias)
	}
	return append(vars, n.output.weights, n.output.bias)
}
