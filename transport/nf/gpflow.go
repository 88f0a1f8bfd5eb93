package nf

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"gonum.org/v1/gonum/mat"
)

// GPConfig sets the architecture of a [GaussianPreserving] map.
type GPConfig struct {
	Dim      int    // dimension, at least 2
	Hidden   int    // width of the tanh layer of the network f; 0: 32
	RK4Steps int    // steps of the time-1 RK4 integration; 0: 15
	Seed     uint64 // seed of the initial weights
}

// GaussianPreserving is a map G of R^d that preserves N(0, I) (Morel et al.
// 2022): G(z) = sqrt(2) erfinv(Phi(erf(z / sqrt(2)))), where Phi is the
// time-1 flow of a divergence-free field of the box (-1, 1)^d tangent to
// its faces, v_i = sum_j d_j A_ij with A_ij = (y_i^2 - 1)(y_j^2 - 1)(f_i -
// f_j) and f a one-hidden-layer tanh network. erf(z/sqrt 2) maps N(0, I) to
// the uniform law of the box, which Phi preserves (div v = 0, no flux
// through the faces). Composed with a flow T (data -> N(0, I)), G o T still
// pushes the data to N(0, I), with the same density, and G is trained to
// lower the transport cost E|x - G(T(x))|^2.
type GaussianPreserving struct {
	cfg            GPConfig
	store          *model.Store
	w1, b1, w2, b2 *model.Variable
}

// NewGaussianPreserving returns a map whose network's output layer is zero:
// it starts as the identity.
func NewGaussianPreserving(cfg GPConfig) (*GaussianPreserving, error) {
	if cfg.Hidden == 0 {
		cfg.Hidden = 32
	}
	if cfg.RK4Steps == 0 {
		cfg.RK4Steps = 15
	}
	if cfg.Dim < 2 || cfg.Hidden < 1 || cfg.RK4Steps < 1 {
		return nil, fmt.Errorf("%w: GPConfig %+v: want Dim >= 2, Hidden >= 1, RK4Steps >= 1", ErrConfig, cfg)
	}
	d, h := cfg.Dim, cfg.Hidden
	gp := &GaussianPreserving{cfg: cfg, store: model.NewStore()}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6770))
	w1 := make([]float64, d*h)
	b1 := make([]float64, h)
	for i := range w1 {
		w1[i] = 2 * rng.NormFloat64() // O(1) features of the box coordinates
	}
	for i := range b1 {
		b1[i] = rng.NormFloat64()
	}
	var err error
	create := func(path string, value []float64, dims ...int) *model.Variable {
		if err != nil {
			return nil
		}
		var v *model.Variable
		v, err = gp.store.CreateVariable(path, tensors.FromFlatDataAndDimensions(value, dims...))
		return v
	}
	gp.w1 = create("/f/w1", w1, d, h)
	gp.b1 = create("/f/b1", b1, 1, h)
	gp.w2 = create("/f/w2", make([]float64, h*d), h, d)
	gp.b2 = create("/f/b2", make([]float64, d), 1, d)
	if err != nil {
		return nil, fmt.Errorf("nf: creating the map's variables: %w", err)
	}
	return gp, nil
}

// velocity returns v(y) [N, d] for box points y [N, d]:
// v_i = a_i (2 f_i sum_j y_j - 2 sum_j y_j f_j + (J a)_i - sum_j a_j J_jj),
// a_k = y_k^2 - 1 and J_ij = df_i/dy_j, which is sum_j d_j A_ij expanded.
// The Jacobian columns come from forward-mode tangents through f.
func (gp *GaussianPreserving) velocity(y *Node) *Node {
	g := y.Graph()
	d := gp.cfg.Dim
	w1, w2 := gp.w1.NodeValue(g), gp.w2.NodeValue(g)
	hid := Tanh(Add(MatMul(y, w1), gp.b1.NodeValue(g)))
	f := Add(MatMul(hid, w2), gp.b2.NodeValue(g))
	slope := OneMinus(Square(hid))
	a := AddScalar(Square(y), -1)
	ja := MatMul(Mul(slope, MatMul(a, w1)), w2) // J a, one tangent along a
	// sum_j a_j J_jj: the diagonal needs one tangent per coordinate.
	var diag *Node
	for j := range d {
		col := MatMul(Mul(slope, SliceAxis(w1, 0, AxisElem(j))), w2) // column j of J, [N, d]
		term := Mul(SliceAxis(a, 1, AxisElem(j)), SliceAxis(col, 1, AxisElem(j)))
		if diag == nil {
			diag = term
		} else {
			diag = Add(diag, term)
		}
	}
	sumY := ReduceAndKeep(y, ReduceSum, 1)
	sumYF := ReduceAndKeep(Mul(y, f), ReduceSum, 1)
	inner := Add(MulScalar(Sub(Mul(f, sumY), sumYF), 2), Sub(ja, diag))
	return Mul(a, inner)
}

// MapGraph returns G(z) for latent points z [N, d].
func (gp *GaussianPreserving) MapGraph(z *Node) *Node {
	y := Erf(MulScalar(z, 1/math.Sqrt2))
	h := 1 / float64(gp.cfg.RK4Steps)
	for range gp.cfg.RK4Steps {
		k1 := gp.velocity(y)
		k2 := gp.velocity(Add(y, MulScalar(k1, h/2)))
		k3 := gp.velocity(Add(y, MulScalar(k2, h/2)))
		k4 := gp.velocity(Add(y, MulScalar(k3, h)))
		y = Add(y, MulScalar(Add(Add(k1, k4), MulScalar(Add(k2, k3), 2)), h/6))
	}
	// RK4 may step a hair outside the box near a face; keep erfinv finite.
	y = ClipScalar(y, -1+1e-15, 1-1e-15)
	return MulScalar(ErfInvGraph(y), math.Sqrt2)
}

// Fit trains G to lower the mean cost |x_i - G(z_i)|^2 over pairs of rows
// (x_i, z_i = T(x_i)) with Adam, and returns each step's batch cost.
func (gp *GaussianPreserving) Fit(backend compute.Backend, x, z *mat.Dense, cfg TrainConfig) ([]float64, error) {
	cfg = cfg.withDefaults()
	n, d := x.Dims()
	nz, dz := z.Dims()
	if d != gp.cfg.Dim || dz != d || nz != n || n < 1 {
		return nil, fmt.Errorf("%w: Fit got x %dx%d and z %dx%d, want equal shapes of dimension %d", ErrConfig, n, d, nz, dz, gp.cfg.Dim)
	}
	if cfg.Steps < 0 || cfg.Batch < 1 || !(cfg.LearningRate > 0) {
		return nil, fmt.Errorf("%w: TrainConfig %+v", ErrConfig, cfg)
	}
	adam := optimizer.Adam().LearningRate(cfg.LearningRate).Done()
	exec, err := model.NewExec(backend, gp.store, func(scope *model.Scope, xb, zb *Node) *Node {
		cost := ReduceAllMean(ReduceSum(Square(Sub(xb, gp.MapGraph(zb))), 1))
		adam.UpdateGraph(scope, cost.Graph(), cost)
		return cost
	})
	if err != nil {
		return nil, fmt.Errorf("nf: compiling the training step: %w", err)
	}
	defer exec.Finalize()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6770))
	costs := make([]float64, 0, cfg.Steps)
	for range cfg.Steps {
		xb, zb := make([]float64, cfg.Batch*d), make([]float64, cfg.Batch*d)
		for i := range cfg.Batch {
			r := rng.IntN(n)
			copy(xb[i*d:(i+1)*d], x.RawRowView(r))
			copy(zb[i*d:(i+1)*d], z.RawRowView(r))
		}
		c, err := scalarStep(exec, len(costs), tensors.FromFlatDataAndDimensions(xb, cfg.Batch, d), tensors.FromFlatDataAndDimensions(zb, cfg.Batch, d))
		if err != nil {
			return costs, err
		}
		costs = append(costs, c)
	}
	return costs, nil
}

// Apply returns G(z) for the rows of z.
func (gp *GaussianPreserving) Apply(backend compute.Backend, z *mat.Dense) (*mat.Dense, error) {
	n, d := z.Dims()
	if d != gp.cfg.Dim || n < 1 {
		return nil, fmt.Errorf("%w: Apply got %d points of dimension %d, want dimension %d", ErrConfig, n, d, gp.cfg.Dim)
	}
	out, err := model.CallOnce(backend, gp.store, func(_ *model.Scope, zb *Node) *Node { return gp.MapGraph(zb) },
		tensors.FromFlatDataAndDimensions(denseData(z), n, d))
	if err != nil {
		return nil, fmt.Errorf("nf: evaluating the map: %w", err)
	}
	defer out.FinalizeAll()
	return mat.NewDense(n, d, tensors.MustCopyFlatData[float64](out)), nil
}

// LogDet returns log |det dG/dz| at each row of z, by central differences
// of step h (the map is smooth; h = 1e-5 gives about 8 digits).
func (gp *GaussianPreserving) LogDet(backend compute.Backend, z *mat.Dense, h float64) ([]float64, error) {
	n, d := z.Dims()
	if !(h > 0) {
		return nil, fmt.Errorf("%w: LogDet step %v, want > 0", ErrConfig, h)
	}
	// One evaluation of 2 d n shifted points.
	shifted := mat.NewDense(2*d*n, d, nil)
	for k := range d {
		for s, sign := range []float64{1, -1} {
			for i := range n {
				row := shifted.RawRowView((2*k+s)*n + i)
				copy(row, z.RawRowView(i))
				row[k] += sign * h
			}
		}
	}
	g, err := gp.Apply(backend, shifted)
	if err != nil {
		return nil, err
	}
	logDet := make([]float64, n)
	jac := mat.NewDense(d, d, nil)
	var lu mat.LU
	for i := range n {
		for k := range d {
			plus, minus := g.RawRowView(2*k*n+i), g.RawRowView((2*k+1)*n+i)
			for r := range d {
				jac.Set(r, k, (plus[r]-minus[r])/(2*h))
			}
		}
		lu.Factorize(jac)
		logDet[i], _ = lu.LogDet()
	}
	return logDet, nil
}

// MeanSquaredDistance returns the mean over rows of |x_i - y_i|^2.
func MeanSquaredDistance(x, y *mat.Dense) float64 {
	n, d := x.Dims()
	s := 0.0
	for i := range n {
		for j := range d {
			e := x.At(i, j) - y.At(i, j)
			s += e * e
		}
	}
	return s / float64(n)
}
