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
}

// Losses are the terms of one step's loss, evaluated before the update.
type Losses struct {
	Total      float64 // Data + DivergenceWeight * Divergence
	Data       float64 // mean |f(p_i) - u_i|^2 over the measured vectors
	Divergence float64 // mean (du/dx + dv/dy)^2 over the collocation points; 0 without them
}

// Trainer runs Adam steps on a [Network]: each step is one compiled graph
// (forward pass with forward-mode tangents, loss terms, one reverse pass and
// the Adam update), compiled once per batch shape and executed repeatedly.
type Trainer struct {
	net     *Network
	backend compute.Backend
	cfg     TrainConfig
	exec    *model.Exec
}

// NewTrainer prepares training of net on backend. The optimizer's state
// (moments, step counters, learning rate) is kept in net.Store().
func NewTrainer(backend compute.Backend, net *Network, cfg TrainConfig) (*Trainer, error) {
	if backend == nil || net == nil {
		return nil, fmt.Errorf("models: NewTrainer needs a backend and a network")
	}
	if !(cfg.LearningRate > 0) || cfg.WeightDecay < 0 || cfg.DivergenceWeight < 0 {
		return nil, fmt.Errorf("models: invalid TrainConfig %+v: expected LearningRate > 0, "+
			"WeightDecay >= 0 and DivergenceWeight >= 0", cfg)
	}
	t := &Trainer{net: net, backend: backend, cfg: cfg}
	adam := optimizer.Adam().LearningRate(cfg.LearningRate).WeightDecay(cfg.WeightDecay).Done()
	exec, err := model.NewExec(backend, net.store, func(scope *model.Scope, inputs []*Node) []*Node {
		data, div := t.lossTerms(inputs)
		total := data
		if div != nil {
			total = Add(data, Mul(inputs[0], div))
		} else {
			div = ScalarZero(data.Graph(), data.DType())
		}
		adam.UpdateGraph(scope, data.Graph(), total)
		return []*Node{total, data, div}
	})
	if err != nil {
		return nil, err
	}
	t.exec = exec.WithName("models.TrainStep")
	return t, nil
}

// lossTerms builds the loss terms from the step's inputs: lambda_div, then
// x, y, u, v of the measured vectors, then optionally the collocation x, y.
// The divergence term is nil without collocation points.
func (t *Trainer) lossTerms(inputs []*Node) (data, div *Node) {
	var xt, yt *Node
	if len(inputs) == 7 {
		xt, yt = inputs[5], inputs[6]
	}
	ev := t.net.Evaluate(inputs[1], inputs[2], xt, yt)
	data = DataLoss(ev.Values, inputs[3], inputs[4])
	if xt != nil {
		div = DivergenceLoss(ev.DX, ev.DY)
	}
	return data, div
}

// Step runs one Adam step on the batch and returns the loss terms evaluated
// before the update.
func (t *Trainer) Step(b *Batch) (Losses, error) {
	n := len(b.X)
	if n == 0 || len(b.Y) != n || len(b.U) != n || len(b.V) != n {
		return Losses{}, fmt.Errorf("models: batch has %d x, %d y, %d u, %d v values, expected the same non-zero count",
			len(b.X), len(b.Y), len(b.U), len(b.V))
	}
	if len(b.CX) != len(b.CY) {
		return Losses{}, fmt.Errorf("models: batch has %d collocation x and %d y values, expected the same count",
			len(b.CX), len(b.CY))
	}
	dtype := t.net.cfg.DType
	args := []any{
		newTensor(dtype, []float64{t.cfg.DivergenceWeight}),
		newTensor(dtype, b.X, n), newTensor(dtype, b.Y, n),
		newTensor(dtype, b.U, n), newTensor(dtype, b.V, n),
	}
	if m := len(b.CX); m > 0 {
		args = append(args, newTensor(dtype, b.CX, m), newTensor(dtype, b.CY, m))
	}
	outputs, err := t.exec.Call(args...)
	if err != nil {
		return Losses{}, fmt.Errorf("models: training step: %w", err)
	}
	var l Losses
	for i, dst := range []*float64{&l.Total, &l.Data, &l.Divergence} {
		*dst = scalarValue(outputs[i])
		outputs[i].FinalizeAll()
	}
	return l, nil
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
