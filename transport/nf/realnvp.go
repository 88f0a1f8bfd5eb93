package nf

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// ErrConfig is wrapped by the errors for invalid settings or input shapes.
var ErrConfig = errors.New("nf: invalid configuration")

// Config sets the architecture of a [RealNVP] flow.
type Config struct {
	Dim    int    // dimension of the data, at least 2
	Layers int    // affine coupling layers (masks alternate even/odd coordinates); 0: 6
	Hidden int    // width of the two hidden tanh layers of each coupling network; 0: 32
	Seed   uint64 // seed of the initial weights
}

func (c Config) withDefaults() Config {
	if c.Layers == 0 {
		c.Layers = 6
	}
	if c.Hidden == 0 {
		c.Hidden = 32
	}
	return c
}

// coupling holds the variables of one affine coupling layer: a two-layer
// tanh network of the kept coordinates giving the log-scale s and shift t of
// the others.
type coupling struct {
	mask                   []float64 // 1 for the coordinates passed through unchanged
	w1, b1, w2, b2         *model.Variable
	ws, bs, wt, bt, sScale *model.Variable
}

// RealNVP is a normalising flow (Dinh, Sohl-Dickstein & Bengio 2017): a
// fixed standardisation followed by affine coupling layers,
// y = x * exp(s(x_m)) + t(x_m) on the coordinates the mask does not keep,
// so the log-determinant is exactly sum s. Forward maps data to the latent
// N(0, I); Inverse maps latent points to data. Its parameters live in a
// [model.Store] (float64), trained by [RealNVP.Fit].
type RealNVP struct {
	cfg       Config
	store     *model.Store
	mean, std []float64 // the standardisation, set by Fit from the data
	layers    []coupling
}

// New returns a flow with freshly initialised parameters: the output
// layers of the coupling networks are zero, so the flow starts as the
// identity.
func New(cfg Config) (*RealNVP, error) {
	cfg = cfg.withDefaults()
	if cfg.Dim < 2 || cfg.Layers < 1 || cfg.Hidden < 1 {
		return nil, fmt.Errorf("%w: Config %+v: want Dim >= 2, Layers >= 1, Hidden >= 1", ErrConfig, cfg)
	}
	f := &RealNVP{cfg: cfg, store: model.NewStore(), mean: make([]float64, cfg.Dim), std: make([]float64, cfg.Dim)}
	for i := range f.std {
		f.std[i] = 1
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6e66))
	d, h := cfg.Dim, cfg.Hidden
	glorot := func(fanIn, fanOut int) []float64 {
		bound := math.Sqrt(6 / float64(fanIn+fanOut))
		w := make([]float64, fanIn*fanOut)
		for i := range w {
			w[i] = bound * (2*rng.Float64() - 1)
		}
		return w
	}
	var err error
	create := func(path string, value []float64, dims ...int) *model.Variable {
		if err != nil {
			return nil
		}
		var v *model.Variable
		v, err = f.store.CreateVariable(path, tensors.FromFlatDataAndDimensions(value, dims...))
		return v
	}
	for k := range cfg.Layers {
		c := coupling{mask: make([]float64, d)}
		for i := range d {
			if (i+k)%2 == 0 {
				c.mask[i] = 1
			}
		}
		scope := fmt.Sprintf("/coupling_%d/", k)
		c.w1 = create(scope+"w1", glorot(d, h), d, h)
		c.b1 = create(scope+"b1", make([]float64, h), 1, h)
		c.w2 = create(scope+"w2", glorot(h, h), h, h)
		c.b2 = create(scope+"b2", make([]float64, h), 1, h)
		c.ws = create(scope+"ws", make([]float64, h*d), h, d)
		c.bs = create(scope+"bs", make([]float64, d), 1, d)
		c.wt = create(scope+"wt", make([]float64, h*d), h, d)
		c.bt = create(scope+"bt", make([]float64, d), 1, d)
		c.sScale = create(scope+"s_scale", ones(d), 1, d)
		f.layers = append(f.layers, c)
	}
	if err != nil {
		return nil, fmt.Errorf("nf: creating the flow's variables: %w", err)
	}
	return f, nil
}

func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

// Dim returns the dimension of the flow.
func (f *RealNVP) Dim() int { return f.cfg.Dim }

// Store returns the store holding the flow's variables (and Adam's state).
func (f *RealNVP) Store() *model.Store { return f.store }

// SetStandardization sets the fixed affine map applied before the coupling
// layers, u = (x - mean) / std; Fit sets it from the training data.
func (f *RealNVP) SetStandardization(mean, std []float64) error {
	if len(mean) != f.cfg.Dim || len(std) != f.cfg.Dim {
		return fmt.Errorf("%w: standardisation of length %d and %d, want %d", ErrConfig, len(mean), len(std), f.cfg.Dim)
	}
	for _, s := range std {
		if !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("%w: standardisation std %v, want finite values > 0", ErrConfig, std)
		}
	}
	copy(f.mean, mean)
	copy(f.std, std)
	return nil
}

// net evaluates a coupling layer's log-scale s and shift t from the kept
// coordinates xm (the others zeroed); both are zero on the kept coordinates.
func (c *coupling) net(xm *Node) (s, t *Node) {
	g := xm.Graph()
	free := make([]float64, len(c.mask))
	for i, m := range c.mask {
		free[i] = 1 - m
	}
	freeNode := Const(g, [][]float64{free})
	h := Tanh(Add(MatMul(xm, c.w1.NodeValue(g)), c.b1.NodeValue(g)))
	h = Tanh(Add(MatMul(h, c.w2.NodeValue(g)), c.b2.NodeValue(g)))
	s = Mul(Mul(Tanh(Add(MatMul(h, c.ws.NodeValue(g)), c.bs.NodeValue(g))), c.sScale.NodeValue(g)), freeNode)
	t = Mul(Add(MatMul(h, c.wt.NodeValue(g)), c.bt.NodeValue(g)), freeNode)
	return s, t
}

// ForwardGraph maps data points x [N, Dim] to latent points z and the
// log-determinant of the Jacobian dz/dx [N].
func (f *RealNVP) ForwardGraph(x *Node) (z, logDet *Node) {
	g := x.Graph()
	invStd := make([]float64, f.cfg.Dim)
	logDetStd := 0.0
	for i, s := range f.std {
		invStd[i] = 1 / s
		logDetStd -= math.Log(s)
	}
	z = Mul(Sub(x, Const(g, [][]float64{f.mean})), Const(g, [][]float64{invStd}))
	logDet = AddScalar(ZerosLike(SliceAxis(z, 1, AxisElem(0))), logDetStd)
	logDet = Reshape(logDet, z.Shape().Dimensions[0])
	for k := range f.layers {
		c := &f.layers[k]
		s, t := c.net(Mul(z, Const(g, [][]float64{c.mask})))
		z = Add(Mul(z, Exp(s)), t)
		logDet = Add(logDet, ReduceSum(s, 1))
	}
	return z, logDet
}

// InverseGraph maps latent points z [N, Dim] to data points x and the
// log-determinant of dx/dz [N].
func (f *RealNVP) InverseGraph(z *Node) (x, logDet *Node) {
	g := z.Graph()
	logDet = Reshape(ZerosLike(SliceAxis(z, 1, AxisElem(0))), z.Shape().Dimensions[0])
	x = z
	for k := len(f.layers) - 1; k >= 0; k-- {
		c := &f.layers[k]
		s, t := c.net(Mul(x, Const(g, [][]float64{c.mask})))
		x = Mul(Sub(x, t), Exp(Neg(s)))
		logDet = Sub(logDet, ReduceSum(s, 1))
	}
	logDetStd := 0.0
	for _, s := range f.std {
		logDetStd += math.Log(s)
	}
	x = Add(Mul(x, Const(g, [][]float64{f.std})), Const(g, [][]float64{f.mean}))
	return x, AddScalar(logDet, logDetStd)
}

// NLLGraph returns the negative log-density of the flow at x [N, Dim], [N].
func (f *RealNVP) NLLGraph(x *Node) *Node {
	z, logDet := f.ForwardGraph(x)
	return Sub(GaussianNLLGraph(z), logDet)
}

// GaussianNLLGraph returns -log N(z; 0, I) for each row of z [N, d].
func GaussianNLLGraph(z *Node) *Node {
	d := z.Shape().Dimensions[1]
	return AddScalar(MulScalar(ReduceSum(Square(z), 1), 0.5), 0.5*float64(d)*math.Log(2*math.Pi))
}
