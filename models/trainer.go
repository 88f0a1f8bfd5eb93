package models

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"

	"pivsr/internal/floattensor"
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

	// SmoothnessWeight is the weight of the vorticity-gradient smoothness
	// term mean |grad omega|^2 (see [SmoothnessLoss]; 0 disables it), at the
	// collocation points; SmoothnessSpacing (hx, hy, normalised units) is
	// the spacing of its differences, the target grid's (zero: 1/64 each).
	SmoothnessWeight  float64
	SmoothnessSpacing [2]float64
}

// defaultSmoothnessSpacing replaces a zero SmoothnessSpacing component.
const defaultSmoothnessSpacing = 1.0 / 64

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
	// BaseVorticityGradX, Y are, likewise, that field's vorticity gradient
	// at the collocation points, as the smoothness term's forward
	// differences (see [SmoothnessLoss]; nil: zero).
	BaseVorticityGradX, BaseVorticityGradY []float64

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
	Total      float64 // Data + the weighted terms below
	Data       float64 // mean |f(p_i) - u_i|^2 over the measured vectors
	Divergence float64 // mean (du/dx + dv/dy)^2 over the collocation points; 0 without them or for a stream function
	Structure  float64 // the structure-function prior; 0 without its points
	Smoothness float64 // mean |grad omega|^2 over the collocation points; 0 without them or without its weight
}

// gradientOptimizer is implemented by GoMLX's Adam: it applies gradients
// computed by the caller (here, including the chain rule through host phase tables).
type gradientOptimizer interface {
	UpdateGraphWithGradients(scope *model.Scope, grads []*Node, lossDType dtypes.DType)
}

// Trainer runs Adam steps on a [Network]: each step is one compiled graph
// (forward pass with forward-mode tangents, loss terms, one reverse pass and
// the Adam update), compiled once per batch layout (which optional terms
// it carries) and shape, and executed repeatedly.
// A Trainer is not safe for concurrent use.
type Trainer struct {
	net        *Network
	backend    compute.Backend
	cfg        TrainConfig
	adam       gradientOptimizer
	execs      map[stepLayout]*model.Exec
	hostPhases bool

	// Phase tables of the measured vectors, the collocation points, the
	// smoothness stencil (stream functions) and the structure-function
	// points, reallocated only when the batch sizes change.
	dataTables, collocationTables, stencilTables, structureTables *phaseTables
}

// stepLayout says which optional groups of inputs a step has; each layout
// is its own compiled step.
type stepLayout struct {
	// collocation: the divergence term's collocation points (never for a
	// stream function); with smoothness, followed by the (u, v) network's
	// stencil points.
	collocation bool
	smoothness  bool // the smoothness term: base gradients, spacing, and a stream function's stencil points
	structure   bool // the structure-function points
}

// NewTrainer prepares training of net on backend. The optimizer's state
// (moments, step counters, learning rate) is kept in net.Store().
func NewTrainer(backend compute.Backend, net *Network, cfg TrainConfig) (*Trainer, error) {
	if backend == nil || net == nil {
		return nil, fmt.Errorf("models: NewTrainer needs a backend and a network")
	}
	if !(cfg.LearningRate > 0) || cfg.WeightDecay < 0 || !(cfg.DivergenceWeight >= 0) || !(cfg.StructureWeight >= 0) ||
		!(cfg.SmoothnessWeight >= 0) || !(cfg.SmoothnessSpacing[0] >= 0) || !(cfg.SmoothnessSpacing[1] >= 0) {
		return nil, fmt.Errorf("models: invalid TrainConfig %+v: expected LearningRate > 0, "+
			"WeightDecay >= 0, DivergenceWeight, StructureWeight, SmoothnessWeight >= 0 and SmoothnessSpacing >= 0", cfg)
	}
	for i, h := range cfg.SmoothnessSpacing {
		if h == 0 {
			cfg.SmoothnessSpacing[i] = defaultSmoothnessSpacing
		}
	}
	adam, ok := optimizer.Adam().LearningRate(cfg.LearningRate).WeightDecay(cfg.WeightDecay).Done().(gradientOptimizer)
	if !ok {
		return nil, fmt.Errorf("models: GoMLX's Adam does not accept precomputed gradients")
	}
	t := &Trainer{net: net, backend: backend, cfg: cfg, adam: adam, execs: map[stepLayout]*model.Exec{}, hostPhases: HostPhases(backend)}
	return t, nil
}

// exec returns the compiled step of a layout, creating it on first use.
func (t *Trainer) exec(l stepLayout) (*model.Exec, error) {
	if e, ok := t.execs[l]; ok {
		return e, nil
	}
	e, err := model.NewExec(t.backend, t.net.store, func(scope *model.Scope, inputs []*Node) []*Node {
		terms, grads := t.lossAndGradients(l, inputs)
		t.adam.UpdateGraphWithGradients(scope, t.net.gradientsInOrder(scope, terms[0].Graph(), grads), terms[0].DType())
		return terms[:]
	})
	if err != nil {
		return nil, err
	}
	e = e.WithName("models.TrainStep")
	t.execs[l] = e
	return e, nil
}

// Indices of the loss terms lossAndGradients returns (the step's outputs, in
// the order of Losses).
const (
	termTotal = iota
	termData
	termDivergence
	termStructure
	termSmoothness
	numTerms
)

// lossAndGradients builds the loss terms (indexed termTotal...) and the
// gradients of the total with respect to the network's parameters.
func (t *Trainer) lossAndGradients(l stepLayout, inputs []*Node) (terms [numTerms]*Node, grads paramGrads) {
	net := t.net
	stream := net.cfg.StreamFunction
	in := t.parseInputs(l, inputs)
	weight := func(i int) *Node { return Reshape(Slice(in.weights, AxisElem(i))) }
	// The passes whose raw outputs the loss uses.
	var used []passOutputs
	values := net.forward(in.values, stream).velocity(net)
	data := DataLoss(values.vel, in.u, in.v)
	used = append(used, values)
	zero := ScalarZero(data.Graph(), data.DType())
	terms = [numTerms]*Node{data, data, zero, zero, zero}
	addTerm := func(i int, term *Node) {
		terms[i] = term
		terms[termTotal] = Add(terms[termTotal], Mul(weight(i-termDivergence), term))
	}
	var omega *Node // [3, M]: the vorticity at the smoothness stencil's p, p + hx e_x, p + hy e_y
	if in.tangents != nil {
		tp := net.forward(in.tangents, true).velocity(net)
		tp.values = nil // only the derivatives enter the physics terms
		dx, dy := tp.dx, tp.dy
		if l.smoothness {
			// The collocation points, then their shifts along x and along y.
			m := in.baseDiv.Shape().Dimensions[0]
			omega = Reshape(Vorticity(dx, dy), 3, m)
			dx, dy = Slice(dx, AxisRange(), AxisRange(0, m)), Slice(dy, AxisRange(), AxisRange(0, m))
		}
		addTerm(termDivergence, DivergenceLoss(dx, dy, in.baseDiv))
		used = append(used, tp)
	}
	if in.stencil != nil {
		sp := net.forward(in.stencil, true).velocity(net)
		omega = stencilVorticity(sp.vel, in.spacing)
		used = append(used, sp)
	}
	if omega != nil {
		addTerm(termSmoothness, SmoothnessLoss(omega, in.spacing, in.baseGradX, in.baseGradY))
	}
	if in.structure != nil {
		sp := net.forward(in.structure, stream).velocity(net)
		addTerm(termStructure, StructureLoss(sp.vel, in.structureBaseU, in.structureBaseV, in.logTarget))
		used = append(used, sp)
	}
	// The loss terms are differentiated automatically up to the network's
	// raw outputs; the network's own reverse pass is hand-written (backward.go).
	var outputs []*Node
	for _, u := range used {
		for _, o := range []*Node{u.values, u.dx, u.dy} {
			if o != nil {
				outputs = append(outputs, o)
			}
		}
	}
	adjoints := Gradient(terms[termTotal], outputs...)
	grads = paramGrads{}
	for _, u := range used {
		var adj [3]*Node
		for d, o := range []*Node{u.values, u.dx, u.dy} {
			if o != nil {
				adj[d], adjoints = adjoints[0], adjoints[1:]
			}
		}
		net.backward(u.p, adj[0], adj[1], adj[2], grads)
	}
	return terms, grads
}

// stepInputs are a step's graph inputs, parsed.
type stepInputs struct {
	weights                                   *Node // [3]: lambda_div, lambda_S2, lambda_smooth
	values, tangents, stencil, structure      *Points
	u, v, baseDiv                             *Node
	baseGradX, baseGradY, spacing             *Node
	structureBaseU, structureBaseV, logTarget *Node
}

// parseInputs splits the step's inputs for a layout: the weights
// (lambda_div, lambda_S2, lambda_smooth), the measured x, y, u, v, the
// collocation x, y and base divergence, the smoothness term's base
// vorticity gradients, spacing and (stream function) stencil x, y, the
// structure-function x, y, base u, v and log targets, then with host phases
// the sine and cosine tables of the measured points, of the collocation
// points, of the stencil points and of the structure-function points.
func (t *Trainer) parseInputs(l stepLayout, inputs []*Node) stepInputs {
	in := stepInputs{weights: inputs[0], values: &Points{X: inputs[1], Y: inputs[2]}, u: inputs[3], v: inputs[4]}
	rest := inputs[5:]
	take := func(n int) []*Node {
		r := rest[:n]
		rest = rest[n:]
		return r
	}
	if l.collocation {
		r := take(3)
		in.tangents, in.baseDiv = &Points{X: r[0], Y: r[1]}, r[2]
	}
	if l.smoothness {
		r := take(3)
		in.baseGradX, in.baseGradY, in.spacing = r[0], r[1], r[2]
		if t.net.cfg.StreamFunction {
			r := take(2)
			in.stencil = &Points{X: r[0], Y: r[1]}
		}
	}
	if l.structure {
		r := take(5)
		in.structure = &Points{X: r[0], Y: r[1]}
		in.structureBaseU, in.structureBaseV, in.logTarget = r[2], r[3], r[4]
	}
	if t.hostPhases {
		k := t.net.cfg.Filters
		for _, pts := range []*Points{in.values, in.tangents, in.stencil, in.structure} {
			if pts != nil {
				r := take(2 * k)
				pts.Sin, pts.Cos = r[:k], r[k:]
			}
		}
	}
	if len(rest) != 0 {
		exceptions.Panicf("models: training step got %d inputs more than its layout %+v takes", len(rest), l)
	}
	return in
}

// Step runs one Adam step on the batch and returns the loss terms evaluated
// before the update.
func (t *Trainer) Step(b *Batch) (Losses, error) {
	layout, args, err := t.args(b)
	if err != nil {
		return Losses{}, err
	}
	exec, err := t.exec(layout)
	if err != nil {
		return Losses{}, err
	}
	outputs, err := exec.Call(args...)
	if err != nil {
		return Losses{}, fmt.Errorf("models: training step: %w", err)
	}
	var l Losses
	for i, dst := range []*float64{&l.Total, &l.Data, &l.Divergence, &l.Structure, &l.Smoothness} {
		*dst = scalarValue(outputs[i])
		outputs[i].FinalizeAll()
	}
	return l, nil
}

// args checks a batch and returns the step's layout and arguments (see
// parseInputs), filling the phase tables with the current parameters.
func (t *Trainer) args(b *Batch) (l stepLayout, args []any, err error) {
	n, m := len(b.X), len(b.CX)
	if n == 0 || len(b.Y) != n || len(b.U) != n || len(b.V) != n {
		return l, nil, fmt.Errorf("models: batch has %d x, %d y, %d u, %d v values, expected the same non-zero count",
			len(b.X), len(b.Y), len(b.U), len(b.V))
	}
	if len(b.CY) != m || (b.BaseDivergence != nil && len(b.BaseDivergence) != m) ||
		(b.BaseVorticityGradX != nil && len(b.BaseVorticityGradX) != m) || (b.BaseVorticityGradY != nil && len(b.BaseVorticityGradY) != m) ||
		(b.BaseVorticityGradX == nil) != (b.BaseVorticityGradY == nil) {
		return l, nil, fmt.Errorf("models: batch has %d collocation x, %d y, %d base divergence and %d, %d base vorticity gradient values, "+
			"expected the same count (no base values are zero), with both gradient components or neither",
			m, len(b.CY), len(b.BaseDivergence), len(b.BaseVorticityGradX), len(b.BaseVorticityGradY))
	}
	s, groups := len(b.SX), len(b.SLogTarget)+1
	if len(b.SY) != s || (s > 0 && (groups < 2 || s%groups != 0)) ||
		(b.SBaseU != nil && len(b.SBaseU) != s) || (b.SBaseV != nil && len(b.SBaseV) != s) || (b.SBaseU == nil) != (b.SBaseV == nil) {
		return l, nil, fmt.Errorf("models: batch has %d structure-function x, %d y, %d base u, %d base v values and %d log targets, "+
			"expected the same count of points (or none), split into as many groups as targets plus one, with both base components or neither",
			s, len(b.SY), len(b.SBaseU), len(b.SBaseV), len(b.SLogTarget))
	}
	stream := t.net.cfg.StreamFunction
	l = stepLayout{collocation: m > 0 && !stream, smoothness: m > 0 && t.cfg.SmoothnessWeight > 0, structure: s > 0}
	dtype := t.net.cfg.DType
	zerosIfEmpty := func(v []float64, n int) []float64 {
		if v == nil {
			return make([]float64, n)
		}
		return v
	}
	args = []any{
		floattensor.New(dtype, []float64{t.cfg.DivergenceWeight, t.cfg.StructureWeight, t.cfg.SmoothnessWeight}, 3),
		floattensor.New(dtype, b.X, n), floattensor.New(dtype, b.Y, n),
		floattensor.New(dtype, b.U, n), floattensor.New(dtype, b.V, n),
	}
	// The collocation points; with the smoothness term, a (u, v) network's
	// stencil (the points and their shifts) takes their place, and a stream
	// function's has its own group.
	cx, cy := b.CX, b.CY
	var sx, sy []float64
	if l.smoothness {
		if stream {
			sx, sy = stencilPoints(b.CX, b.CY, t.cfg.SmoothnessSpacing, true)
		} else {
			cx, cy = stencilPoints(b.CX, b.CY, t.cfg.SmoothnessSpacing, false)
		}
	}
	if l.collocation {
		args = append(args, floattensor.New(dtype, cx, len(cx)), floattensor.New(dtype, cy, len(cy)), floattensor.New(dtype, zerosIfEmpty(b.BaseDivergence, m), m))
	}
	if l.smoothness {
		args = append(args, floattensor.New(dtype, zerosIfEmpty(b.BaseVorticityGradX, m), m), floattensor.New(dtype, zerosIfEmpty(b.BaseVorticityGradY, m), m),
			floattensor.New(dtype, t.cfg.SmoothnessSpacing[:], 2))
		if stream {
			args = append(args, floattensor.New(dtype, sx, len(sx)), floattensor.New(dtype, sy, len(sy)))
		}
	}
	if l.structure {
		bu, bv := b.SBaseU, b.SBaseV
		if bu == nil {
			bu, bv = make([]float64, s), make([]float64, s)
		}
		args = append(args, floattensor.New(dtype, b.SX, s), floattensor.New(dtype, b.SY, s), floattensor.New(dtype, bu, s), floattensor.New(dtype, bv, s),
			floattensor.New(dtype, b.SLogTarget, groups-1))
	}
	if !t.hostPhases {
		return l, args, nil
	}
	for _, group := range []struct {
		on     bool
		tables **phaseTables
		x, y   []float64
	}{
		{true, &t.dataTables, b.X, b.Y},
		{l.collocation, &t.collocationTables, cx, cy},
		{l.smoothness && stream, &t.stencilTables, sx, sy},
		{l.structure, &t.structureTables, b.SX, b.SY},
	} {
		if !group.on {
			continue
		}
		if *group.tables, err = t.refill(*group.tables, group.x, group.y); err != nil {
			return l, nil, err
		}
		args = append(args, (*group.tables).args()...)
	}
	return l, args, nil
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
	return v.SetValue(floattensor.New(t.net.cfg.DType, []float64{lr}))
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

// SetSmoothnessWeight changes the smoothness term's weight for the following
// steps; switching the term on or off compiles (once) the step with or
// without it.
func (t *Trainer) SetSmoothnessWeight(w float64) error {
	if !(w >= 0) {
		return fmt.Errorf("models: smoothness weight %g, expected a non-negative number", w)
	}
	t.cfg.SmoothnessWeight = w
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

// ResetOptimizer returns the optimizer's state (Adam's moments, the step
// counters) to zero and the learning rate to the configured one, as a new
// Trainer starts, keeping the compiled steps: a Trainer reused for another
// fit of its network (the next snapshot of a batch) then steps as a fresh
// one would, without compiling again. The network's parameters are kept.
func (t *Trainer) ResetOptimizer() error {
	params := make(map[string]bool)
	for _, v := range t.net.variables() {
		params[v.Path()] = true
	}
	for v := range t.net.store.IterVariables() {
		if params[v.Path()] || !v.HasValue() {
			continue
		}
		if err := v.SetValue(tensors.FromShape(v.Shape())); err != nil {
			return fmt.Errorf("models: resetting optimizer variable %s: %w", v.Path(), err)
		}
	}
	return t.SetLearningRate(t.cfg.LearningRate)
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
