package spacetime

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"pivsr/internal/floattensor"
)

// Config describes a space-time multiplicative filter network.
type Config struct {
	Filters int // number of filters k (k-1 hidden layers); 0: 4
	Hidden  int // hidden width h; 0: 64

	// SpaceScale and TimeScale are the highest angular frequencies
	// (radians per unit of normalised coordinate) the product of the
	// filters reaches along x and y, and along t; each filter's frequencies
	// are drawn within scale/sqrt(k). Both must be positive.
	SpaceScale, TimeScale float64

	// OutputScale multiplies the output (0: 1). A correction is small: a
	// scale of its expected size keeps Adam's first steps, which move every
	// weight by about the learning rate whatever the gradient, from adding
	// a correction much larger than the one sought.
	OutputScale float64

	// DType is dtypes.Float32 (default when invalid) or dtypes.Float64.
	DType dtypes.DType
	Seed  uint64 // makes the initialisation reproducible
}

// DefaultConfig returns 4 filters of width 64 reaching a spatial frequency
// for a 64-point axis and a temporal one for about 9 snapshots, float32,
// seed 1. Callers size the scales to their grid (see [Scales]).
func DefaultConfig() Config {
	return Config{Filters: 4, Hidden: 64, SpaceScale: 50, TimeScale: 8, DType: dtypes.Float32, Seed: 1}
}

func (c *Config) validate() error {
	if c.Filters == 0 {
		c.Filters = 4
	}
	if c.Hidden == 0 {
		c.Hidden = 64
	}
	if c.DType == dtypes.InvalidDType {
		c.DType = dtypes.Float32
	}
	if c.OutputScale == 0 {
		c.OutputScale = 1
	}
	switch {
	case !(c.OutputScale > 0) || math.IsInf(c.OutputScale, 0):
		return fmt.Errorf("spacetime: output scale %v: want a finite positive number", c.OutputScale)
	case c.Filters < 1 || c.Hidden < 1:
		return fmt.Errorf("spacetime: %d filters of width %d: want at least 1 of each", c.Filters, c.Hidden)
	case !(c.SpaceScale > 0) || !(c.TimeScale > 0) || math.IsInf(c.SpaceScale, 0) || math.IsInf(c.TimeScale, 0):
		return fmt.Errorf("spacetime: input scales %v (space) and %v (time): want finite positive numbers", c.SpaceScale, c.TimeScale)
	case c.DType != dtypes.Float32 && c.DType != dtypes.Float64:
		return fmt.Errorf("spacetime: dtype %s: want Float32 or Float64", c.DType)
	}
	return nil
}

// Network is a multiplicative filter network f(x, y, t) -> (u, v):
//
//	z_1 = g_1(p),  z_{i+1} = (W_i z_i + b_i) * g_{i+1}(p),  (u, v) = W_out z_k + b_out,
//
// with Fourier filters g_i(p) = sin(Ωx_i x + Ωy_i y + Ωt_i t + φ_i). Its
// output layer starts at zero: as a correction, the network starts from the
// field it corrects. Parameters live in a [model.Store] and are trained by
// graphs built on it.
type Network struct {
	cfg    Config
	store  *model.Store
	omega  []*model.Variable // per filter [h, 3]: columns for x, y, t
	phase  []*model.Variable // per filter [h]
	hidden []*model.Variable // per hidden layer [h, h] (out, in)
	bias   []*model.Variable // per hidden layer [h]
	outW   *model.Variable   // [2, h]
	outB   *model.Variable   // [2]
}

// NewNetwork creates a network with seeded parameters in a new store: Ω ~
// U(-1, 1) scale/sqrt(3k) per axis (PyTorch's bound for 3 inputs, split
// across the k filters so their product reaches the scale), φ ~ U(-π, π),
// hidden weights and biases ~ U(-1/sqrt(h), 1/sqrt(h)), output zero.
func NewNetwork(cfg Config) (*Network, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	n := &Network{cfg: cfg, store: model.NewStore()}
	k, h := cfg.Filters, cfg.Hidden
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5ace71e))
	uniform := func(size int, bound float64) []float64 {
		v := make([]float64, size)
		for i := range v {
			v[i] = (2*rng.Float64() - 1) * bound
		}
		return v
	}
	create := func(path string, value []float64, dims ...int) *model.Variable {
		v, err := n.store.CreateVariable(path, floattensor.New(cfg.DType, value, dims...))
		if err != nil {
			panic(fmt.Errorf("spacetime: creating variable %s: %w", path, err)) // fresh store: cannot clash
		}
		return v
	}
	split := 1 / math.Sqrt(3*float64(k))
	for i := range k {
		omega := uniform(3*h, 1)
		for j := range h {
			omega[3*j] *= cfg.SpaceScale * split
			omega[3*j+1] *= cfg.SpaceScale * split
			omega[3*j+2] *= cfg.TimeScale * split
		}
		n.omega = append(n.omega, create(fmt.Sprintf("/filter_%d/omega", i), omega, h, 3))
		n.phase = append(n.phase, create(fmt.Sprintf("/filter_%d/phase", i), uniform(h, math.Pi), h))
	}
	bound := 1 / math.Sqrt(float64(h))
	for i := range k - 1 {
		n.hidden = append(n.hidden, create(fmt.Sprintf("/hidden_%d/weights", i), uniform(h*h, bound), h, h))
		n.bias = append(n.bias, create(fmt.Sprintf("/hidden_%d/bias", i), uniform(h, bound), h))
	}
	n.outW = create("/output/weights", make([]float64, 2*h), 2, h)
	n.outB = create("/output/bias", make([]float64, 2), 2)
	return n, nil
}

// Config returns the configuration, defaults filled in.
func (n *Network) Config() Config { return n.cfg }

// Store returns the store holding the parameters (and, once trained, Adam's state).
func (n *Network) Store() *model.Store { return n.store }

// Field builds the network's output at the points (x, y, t), each a [1, N]
// row of normalised coordinates, as a [2, N] node (rows u, v). It must be
// called inside a graph built on n.Store(). Activations are laid out [h, N]
// so every product contracts its left operand's last axis.
func (n *Network) Field(x, y, t *Node) *Node {
	p := Concatenate([]*Node{x, y, t, OnesLike(x)}, 0) // [4, N]
	filter := func(i int) *Node {
		omegaPhi := Concatenate([]*Node{n.omega[i].NodeValue(x), InsertAxes(n.phase[i].NodeValue(x), -1)}, 1) // [h, 4]
		return Sin(Dot(omegaPhi, p).Product())
	}
	ones := OnesLike(x)
	z := filter(0)
	for i, w := range n.hidden {
		// The bias spread as an outer product with ones: the Go backend
		// multiplies faster than it broadcasts a column.
		b := Dot(InsertAxes(n.bias[i].NodeValue(x), -1), ones).Product()
		z = Mul(Add(Dot(w.NodeValue(x), z).Product(), b), filter(i+1))
	}
	out := Add(Dot(n.outW.NodeValue(x), z).Product(), InsertAxes(n.outB.NodeValue(x), -1))
	if n.cfg.OutputScale != 1 {
		out = MulScalar(out, n.cfg.OutputScale)
	}
	return out
}
