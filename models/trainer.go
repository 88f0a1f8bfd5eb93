package models

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// TrainConfig holds the optimisation settings of a [Trainer].
type TrainConfig struct {
	LearningRate float64 // Adam's step size; the publication used 5e-4 to 1e-3
	WeightDecay  float64 // decoupled (AdamW) weight decay, scaled by the learning rate; 0 disables it

	// DivergenceWeight is lambda_div, the weight of the soft divergence-free
	// term; the publication used 1e-3. It is fed to the compiled step, so
	// changing it between steps needs no recompilation.
	DivergenceWeight float64

	// StructureWeight is lambda_S2, the weight of the structure-function
	// prior (see [StructureLoss]); fed to the step like DivergenceWeight.
	// It applies to batches carrying structure-function points.
	StructureWeight float64
}

// DefaultTrainConfig returns the published settings: learning rate 1e-3,
// weight decay 1e-4, lambda_div 1e-3.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{LearningRate: 1e-3, WeightDecay: 1e-4, DivergenceWeight: 1e-3}
}

// Batch is the input of one training step, in normalised units.
type Batch struct {
	X, Y, U, V []float64 // measured vectors: positions and velocity components
	CX, CY     []float64 // collocation points of the physics terms; may be empty
	// BaseDivergence, when the network is a correction added to a known
	// field, is that field's divergence at the collocation points (nil:
	// zero); the penalty then applies to the sum, mean((div f + base)^2).
	BaseDivergence []float64

	// SX, SY are the points of the structure-function prior (may be
	// empty): G groups of P points, group 0 the origins and group g >= 1
	// the origins shifted by the g-th separation (see [StructureLoss]).
	// SBaseU, SBaseV hold a known field the network's output is added to at
	// those points (nil: zero); SLogTarget the G-1 targets log S2*(r_g).
	SX, SY         []float64
	SBaseU, SBaseV []float64
	SLogTarget     []float64
}

// Losses are the terms of one step's loss, evaluated before the update.
type Losses struct {
	Total      float64 // Data + DivergenceWeight * Divergence + StructureWeight * Structure
	Data       float64 // mean |f(p_i) - u_i|^2 over the measured vectors
	Divergence float64 // mean (du/dx + dv/dy)^2 over the collocation points; 0 without them
	Structure  float64 // the structure-function prior; 0 without its points
}

// gradientOptimizer is implemented by GoMLX's Adam: it applies gradients
// computed by the caller (here, including the chain rule through host phase tables).
type gradientOptimizer interface {
	UpdateGraphWithGradients(scope *model.Scope, grads []*Node, lossDType dtypes.DType)
}

// Trainer runs Adam steps on a [Network]: each step is one compiled graph
// (forward pass with forward-mode tangents, loss terms, one reverse pass and
// the Adam update), compiled once per batch shape and executed repeatedly.
// A Trainer is not safe for concurrent use.
type Trainer struct {
	net        *Network
	backend    compute.Backend
	cfg        TrainConfig
	exec       *model.Exec
	hostPhases bool

	// Phase tables of the measured vectors, the collocation points and the
	// structure-function points, reallocated only when the batch sizes change.
	dataTables, collocationTables, structureTables *phaseTables
}

// NewTrainer prepares training of net on backend. The optimizer's state
// (moments, step counters, learning rate) is kept in net.Store().
func NewTrainer(backend compute.Backend, net *Network, cfg TrainConfig) (*Trainer, error) {
	if backend == nil || net == nil {
		return nil, fmt.Errorf("models: NewTrainer needs a backend and a network")
	}
	if !(cfg.LearningRate > 0) || cfg.WeightDecay < 0 || !(cfg.DivergenceWeight >= 0) || !(cfg.StructureWeight >= 0) {
		return nil, fmt.Errorf("models: invalid TrainConfig %+v: expected LearningRate > 0, "+
			"WeightDecay >= 0, DivergenceWeight >= 0 and StructureWeight >= 0", cfg)
	}
	adam, ok := optimizer.Adam().LearningRate(cfg.LearningRate).WeightDecay(cfg.WeightDecay).Done().(gradientOptimizer)
	if !ok {
		return nil, fmt.Errorf("models: GoMLX's Adam does not accept precomputed gradients")
	}
	t := &Trainer{net: net, backend: backend, cfg: cfg, hostPhases: HostPhases(backend)}
	exec, err := model.NewExec(backend, net.store, func(scope *model.Scope, inputs []*Node) []*Node {
		total, data, div, structure, grads := t.lossAndGradients(inputs)
		adam.UpdateGraphWithGradients(scope, net.gradientsInOrder(scope, total.Graph(), grads), total.DType())
		return []*Node{total, data, div, structure}
	})
	if err != nil {
		return nil, err
	}
	t.exec = exec.WithName("models.TrainStep")
	return t, nil
}

// lossAndGradients builds the loss terms and the gradients of the total with
// respect to the network's parameters.
func (t *Trainer) lossAndGradients(inputs []*Node) (total, data, div, structure *Node, grads paramGrads) {
	net := t.net
	in := t.parseInputs(inputs)
	valuePass := net.forward(in.values, false)
	pred, _, _ := valuePass.outputs(net)
	data = DataLoss(pred, in.u, in.v)
	total = data
	div, structure = ScalarZero(data.Graph(), data.DType()), ScalarZero(data.Graph(), data.DType())
	outputs := []*Node{pred}
	var tangentPass, structurePass *pass
	if in.tangents != nil {
		tangentPass = net.forward(in.tangents, true)
		_, dx, dy := tangentPass.outputs(net)
		div = DivergenceLoss(dx, dy, in.baseDiv)
		total = Add(total, Mul(Reshape(Slice(in.weights, AxisElem(0))), div))
		outputs = append(outputs, dx, dy)
	}
	if in.structure != nil {
		structurePass = net.forward(in.structure, false)
		predS, _, _ := structurePass.outputs(net)
		structure = StructureLoss(predS, in.structureBaseU, in.structureBaseV, in.logTarget)
		total = Add(total, Mul(Reshape(Slice(in.weights, AxisElem(1))), structure))
		outputs = append(outputs, predS)
	}
	// The loss terms are differentiated automatically up to the network's
	// outputs; the network's own reverse pass is hand-written (backward.go).
	adjoints := Gradient(total, outputs...)
	grads = paramGrads{}
	net.backward(valuePass, adjoints[0], nil, nil, grads)
	if tangentPass != nil {
		net.backward(tangentPass, nil, adjoints[1], adjoints[2], grads)
	}
	if structurePass != nil {
		net.backward(structurePass, adjoints[len(adjoints)-1], nil, nil, grads)
	}
	return total, data, div, structure, grads
}

// stepInputs are a step's graph inputs, parsed.
type stepInputs struct {
	weights                                   *Node // [2]: lambda_div, lambda_S2
	values, tangents, structure               *Points
	u, v, baseDiv                             *Node
	structureBaseU, structureBaseV, logTarget *Node
}

// parseInputs splits the step's inputs: the weights (lambda_div,
// lambda_S2), the measured x, y, u, v, the collocation x, y and base
// divergence (optional), the structure-function x, y, base u, v and log
// targets (optional), then with host phases the sine and cosine tables of
// the measured points, of the collocation points and of the
// structure-function points. The optional groups are told apart by the
// number of inputs.
func (t *Trainer) parseInputs(inputs []*Node) stepInputs {
	in := stepInputs{weights: inputs[0], values: &Points{X: inputs[1], Y: inputs[2]}, u: inputs[3], v: inputs[4]}
	k := t.net.cfg.Filters
	tables := 0
	if t.hostPhases {
		tables = 2 * k
	}
	rest := inputs[5:]
	withCollocation, withStructure := false, false
	for _, c := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		n := tables
		if c[0] {
			n += 3 + tables
		}
		if c[1] {
			n += 5 + tables
		}
		if n == len(rest) {
			withCollocation, withStructure = c[0], c[1]
			break
		}
	}
	if withCollocation {
		in.tangents = &Points{X: rest[0], Y: rest[1]}
		in.baseDiv = rest[2]
		rest = rest[3:]
	}
	if withStructure {
		in.structure = &Points{X: rest[0], Y: rest[1]}
		in.structureBaseU, in.structureBaseV, in.logTarget = rest[2], rest[3], rest[4]
		rest = rest[5:]
	}
	if t.hostPhases {
		for _, pts := range []*Points{in.values, in.tangents, in.structure} {
			if pts != nil {
				pts.Sin, pts.Cos, rest = rest[:k], rest[k:2*k], rest[2*k:]
			}
		}
	}
	return in
}

// Step runs one Adam step on the batch and returns the loss terms evaluated
// before the update.
func (t *Trainer) Step(b *Batch) (Losses, error) {
	args, err := t.args(b)
	if err != nil {
		return Losses{}, err
	}
	outputs, err := t.exec.Call(args...)
	if err != nil {
		return Losses{}, fmt.Errorf("models: training step: %w", err)
	}
	var l Losses
	for i, dst := range []*float64{&l.Total, &l.Data, &l.Divergence, &l.Structure} {
		*dst = scalarValue(outputs[i])
		outputs[i].FinalizeAll()
	}
	return l, nil
}

// args checks a batch and returns the step's arguments (see parseInputs),
// filling the phase tables with the current parameters.
func (t *Trainer) args(b *Batch) ([]any, error) {
	n, m := len(b.X), len(b.CX)
	if n == 0 || len(b.Y) != n || len(b.U) != n || len(b.V) != n {
		return nil, fmt.Errorf("models: batch has %d x, %d y, %d u, %d v values, expected the same non-zero count",
			len(b.X), len(b.Y), len(b.U), len(b.V))
	}
	if len(b.CY) != m || (b.BaseDivergence != nil && len(b.BaseDivergence) != m) {
		return nil, fmt.Errorf("models: batch has %d collocation x, %d y and %d base divergence values, expected the same count (no base divergence is zero)",
			m, len(b.CY), len(b.BaseDivergence))
	}
	s, groups := len(b.SX), len(b.SLogTarget)+1
	if len(b.SY) != s || (s > 0 && (groups < 2 || s%groups != 0)) ||
		(b.SBaseU != nil && len(b.SBaseU) != s) || (b.SBaseV != nil && len(b.SBaseV) != s) || (b.SBaseU == nil) != (b.SBaseV == nil) {
		return nil, fmt.Errorf("models: batch has %d structure-function x, %d y, %d base u, %d base v values and %d log targets, "+
			"expected the same count of points (or none), split into as many groups as targets plus one, with both base components or neither",
			s, len(b.SY), len(b.SBaseU), len(b.SBaseV), len(b.SLogTarget))
	}
	dtype := t.net.cfg.DType
	args := []any{
		newTensor(dtype, []float64{t.cfg.DivergenceWeight, t.cfg.StructureWeight}, 2),
		newTensor(dtype, b.X, n), newTensor(dtype, b.Y, n),
		newTensor(dtype, b.U, n), newTensor(dtype, b.V, n),
	}
	if m > 0 {
		baseDiv := b.BaseDivergence
		if baseDiv == nil {
			baseDiv = make([]float64, m)
		}
		args = append(args, newTensor(dtype, b.CX, m), newTensor(dtype, b.CY, m), newTensor(dtype, baseDiv, m))
	}
	if s > 0 {
		bu, bv := b.SBaseU, b.SBaseV
		if bu == nil {
			bu, bv = make([]float64, s), make([]float64, s)
		}
		args = append(args, newTensor(dtype, b.SX, s), newTensor(dtype, b.SY, s), newTensor(dtype, bu, s), newTensor(dtype, bv, s),
			newTensor(dtype, b.SLogTarget, groups-1))
	}
	if !t.hostPhases {
		return args, nil
	}
	var err error
	if t.dataTables, err = t.refill(t.dataTables, b.X, b.Y); err != nil {
		return nil, err
	}
	args = append(args, t.dataTables.args()...)
	if m > 0 {
		if t.collocationTables, err = t.refill(t.collocationTables, b.CX, b.CY); err != nil {
			return nil, err
		}
		args = append(args, t.collocationTables.args()...)
	}
	if s > 0 {
		if t.structureTables, err = t.refill(t.structureTables, b.SX, b.SY); err != nil {
			return nil, err
		}
		args = append(args, t.structureTables.args()...)
	}
	return args, nil
}

// refill returns tables for the points filled with the current parameters,
// reusing pt when it has the right size.
func (t *Trainer) refill(pt *phaseTables, x, y []float64) (*phaseTables, error) {
	if pt == nil || pt.n != len(x) {
		var err error
		if pt, err = newPhaseTables(t.backend, t.net.cfg, len(x), true); err != nil {
			return nil, err
		}
	}
	return pt, pt.fill(t.net, x, y)
}

// SetLearningRate changes Adam's step size for the following steps (e.g. for
// a schedule); it needs no recompilation.
func (t *Trainer) SetLearningRate(lr float64) error {
	if !(lr > 0) {
		return fmt.Errorf("models: learning rate %g, expected a positive number", lr)
	}
	v := optimizer.LearningRateVar(t.net.store.RootScope(), t.net.cfg.DType, lr)
	return v.SetValue(newTensor(t.net.cfg.DType, []float64{lr}))
}

// SetDivergenceWeight changes lambda_div for the following steps (e.g. for a
// warm-up schedule); it needs no recompilation.
func (t *Trainer) SetDivergenceWeight(w float64) error {
	if !(w >= 0) {
		return fmt.Errorf("models: divergence weight %g, expected a non-negative number", w)
	}
	t.cfg.DivergenceWeight = w
	return nil
}

// SetStructureWeight changes lambda_S2 for the following steps; it needs no
// recompilation.
func (t *Trainer) SetStructureWeight(w float64) error {
	if !(w >= 0) {
		return fmt.Errorf("models: structure-function weight %g, expected a non-negative number", w)
	}
	t.cfg.StructureWeight = w
	return nil
}

// scalarValue reads a float32 or float64 scalar tensor.
func scalarValue(t *tensors.Tensor) float64 {
	switch t.DType() {
	case dtypes.Float32:
		return float64(tensors.ToScalar[float32](t))
	case dtypes.Float64:
		return tensors.ToScalar[float64](t)
	}
	panic(fmt.Sprintf("models: unexpected dtype %s for a loss", t.DType()))
}
