package spacetime

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"pivsr/internal/floattensor"
)

// Observations are the measured vectors the field fits, in physical units:
// positions, times, and the targets of the correction (measurement minus
// base).
type Observations struct {
	X, Y, T, U, V []float64
}

// Collocation are the candidate points of the physics terms, in physical
// units, with the base field's quantities there: its own residual R, its
// velocity (U, V) and its vorticity gradient (WX, WY). Each step draws a
// fresh random subset.
type Collocation struct {
	X, Y, T, R, U, V, WX, WY []float64
}

// FitConfig sets a fit.
type FitConfig struct {
	Steps            int     // Adam steps
	DataBatch        int     // observed vectors per step (all when fewer)
	CollocationBatch int     // collocation centres per step (all when fewer)
	LearningRate     float64 // Adam's step size
	PhysicsWeight    float64 // weight of the residual term (0: none)
	DivergenceWeight float64 // weight of the divergence term (0: none)
	Viscosity        float64 // ν of the residual, physical units (0: Euler)
	// Drag is μ of the residual's μω, physical units (0: none). The
	// caller's base residual holds every other term of its equation
	// (hyperviscosity, forcing); the correction's residual holds only
	// these: its hyperviscous term is left out.
	Drag     float64
	Spacing  float64 // spatial step of the stencil, physical units
	TimeStep float64 // time step of the stencil, physical units
	Seed     uint64  // seeds the batches
	// Envelope, when not nil, multiplies the network's output at time t
	// (physical): zero at the kept snapshots' times, it pins the field to
	// the base there exactly, so the data term cannot be traded against
	// the physics. Predict must be given the same envelope.
	Envelope Envelope
}

// Envelope is a factor of the network's output depending on time only.
type Envelope func(t float64) float64

// at returns the envelope at the physical times (nil: none).
func (e Envelope) at(t []float64) []float64 {
	if e == nil {
		return nil
	}
	out := make([]float64, len(t))
	for i := range t {
		out[i] = e(t[i])
	}
	return out
}

// DefaultFitConfig returns 300 steps of 2048 vectors and 256 collocation
// centres, learning rate 1e-3, physics weight 1e-3, divergence weight 1e-3,
// Euler; the caller sets the stencil steps.
func DefaultFitConfig() FitConfig {
	return FitConfig{Steps: 300, DataBatch: 2048, CollocationBatch: 256, LearningRate: 1e-3, PhysicsWeight: 1e-3, DivergenceWeight: 1e-3, Seed: 1}
}

func (c FitConfig) check(withCollocation bool) error {
	switch {
	case c.Steps < 0 || c.DataBatch < 1:
		return fmt.Errorf("spacetime: %d steps of %d vectors: want steps >= 0 and a batch >= 1", c.Steps, c.DataBatch)
	case !(c.LearningRate > 0) || !(c.PhysicsWeight >= 0) || !(c.DivergenceWeight >= 0) || !(c.Viscosity >= 0) || !(c.Drag >= 0):
		return fmt.Errorf("spacetime: learning rate %v, weights %v (physics) and %v (divergence), viscosity %v, drag %v: want a positive rate, the others >= 0",
			c.LearningRate, c.PhysicsWeight, c.DivergenceWeight, c.Viscosity, c.Drag)
	case withCollocation && (c.CollocationBatch < 1 || !(c.Spacing > 0) || !(c.TimeStep > 0)):
		return fmt.Errorf("spacetime: %d collocation centres, stencil steps %v and %v: want at least 1 centre and positive steps",
			c.CollocationBatch, c.Spacing, c.TimeStep)
	}
	return nil
}

// Losses are one step's loss terms, evaluated before its update: Total =
// Data + PhysicsWeight Physics + DivergenceWeight Divergence, Physics being
// the mean squared residual over the base's own (1: no better than the base).
type Losses struct {
	Total, Data, Physics, Divergence float64
}

// Fit trains net on the observations (and, with a positive physics or
// divergence weight, the collocation points) with Adam, one compiled step
// run cfg.Steps times, its learning rate decaying from cfg.LearningRate to
// a tenth along a cosine; progress, when not nil, sees every step's losses. It
// returns the first and last steps' losses.
func Fit(ctx context.Context, backend compute.Backend, net *Network, sc Scales, obs *Observations, col *Collocation, cfg FitConfig, progress func(step int, l Losses)) (first, last Losses, err error) {
	if backend == nil || net == nil || obs == nil {
		return first, last, fmt.Errorf("spacetime: Fit needs a backend, a network and observations")
	}
	nObs := len(obs.X)
	if nObs == 0 || len(obs.Y) != nObs || len(obs.T) != nObs || len(obs.U) != nObs || len(obs.V) != nObs {
		return first, last, fmt.Errorf("spacetime: observations have %d x, %d y, %d t, %d u, %d v values: want the same non-zero count",
			len(obs.X), len(obs.Y), len(obs.T), len(obs.U), len(obs.V))
	}
	withCol := col != nil && (cfg.PhysicsWeight > 0 || cfg.DivergenceWeight > 0)
	if err := cfg.check(withCol); err != nil {
		return first, last, err
	}
	var st *Stencil
	nCol, physNorm := 0, 1.0
	if withCol {
		nCol = len(col.X)
		for _, c := range [][]float64{col.Y, col.T, col.R, col.U, col.V, col.WX, col.WY} {
			if len(c) != nCol || nCol == 0 {
				return first, last, fmt.Errorf("spacetime: collocation arrays of %d and %d values: want the same non-zero count", nCol, len(c))
			}
		}
		if st, err = NewStencil(cfg.Spacing*sc.Space, cfg.TimeStep*sc.Time); err != nil {
			return first, last, err
		}
		// Scale the residual by the base's own, so the term starts near 1.
		sum := 0.0
		for _, r := range col.R {
			sum += r * r
		}
		if physNorm = sum / float64(nCol) / math.Pow(sc.Speed*sc.Space, 4); !(physNorm > 0) {
			physNorm = 1
		}
	}
	dtype := net.cfg.DType
	adam := optimizer.Adam().LearningRate(cfg.LearningRate).Done()
	withEnv := cfg.Envelope != nil
	exec, err := model.NewExec(backend, net.store, func(scope *model.Scope, in []*Node) []*Node {
		l := buildLoss(net, st, in, withEnv)
		adam.UpdateGraph(scope, l[0].Graph(), l[0])
		return l
	})
	if err != nil {
		return first, last, fmt.Errorf("spacetime: compiling the training step: %w", err)
	}
	defer exec.Finalize()

	// Normalised copies of everything the steps draw from.
	ox, oy, ot := sc.points(obs.X, obs.Y, obs.T)
	ou, ov := scaled(obs.U, 1/sc.Speed), scaled(obs.V, 1/sc.Speed)
	var cx, cy, ct, cr, cu, cv, cwx, cwy []float64
	if withCol {
		cx, cy, ct = sc.points(col.X, col.Y, col.T)
		s2 := sc.Speed * sc.Space
		cr = scaled(col.R, 1/(s2*s2))
		cu, cv = scaled(col.U, 1/sc.Speed), scaled(col.V, 1/sc.Speed)
		cwx, cwy = scaled(col.WX, 1/(s2*sc.Space)), scaled(col.WY, 1/(s2*sc.Space))
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x71e5))
	nd, nc := min(cfg.DataBatch, nObs), min(cfg.CollocationBatch, nCol)
	params := floattensor.New(dtype, []float64{cfg.PhysicsWeight, 1 / physNorm, cfg.DivergenceWeight, sc.TimeFactor(), sc.Viscosity(cfg.Viscosity), sc.Drag(cfg.Drag)}, 6)
	pick := func(idx []int, cols ...[]float64) []any {
		out := make([]any, len(cols))
		for c, src := range cols {
			v := make([]float64, len(idx))
			for i, q := range idx {
				v[i] = src[q]
			}
			out[c] = floattensor.New(dtype, v, len(idx))
		}
		return out
	}
	lrVar := optimizer.LearningRateVar(net.store.RootScope(), dtype, cfg.LearningRate)
	for step := range cfg.Steps {
		if err := ctx.Err(); err != nil {
			return first, last, err
		}
		// Cosine decay to a tenth: the batches are random, and a smaller
		// last step settles the field instead of leaving it at a noisy one.
		lr := cfg.LearningRate * (0.55 + 0.45*math.Cos(math.Pi*float64(step)/float64(max(cfg.Steps-1, 1))))
		if err := lrVar.SetValue(floattensor.New(dtype, []float64{lr})); err != nil {
			return first, last, fmt.Errorf("spacetime: setting the learning rate: %w", err)
		}
		args := []any{params}
		di := sample(rng, nObs, nd)
		args = append(args, pick(di, ox, oy, ot, ou, ov)...)
		var pts []float64 // normalised times of every point, for the envelope
		if cfg.Envelope != nil {
			for _, q := range di {
				pts = append(pts, ot[q])
			}
		}
		if withCol {
			idx := sample(rng, nCol, nc)
			x, y, t := make([]float64, nc), make([]float64, nc), make([]float64, nc)
			for i, q := range idx {
				x[i], y[i], t[i] = cx[q], cy[q], ct[q]
			}
			px, py, pt := st.Points(nil, nil, nil, x, y, t)
			n := len(px)
			args = append(args, floattensor.New(dtype, px, n), floattensor.New(dtype, py, n), floattensor.New(dtype, pt, n))
			args = append(args, pick(idx, cr, cu, cv, cwx, cwy)...)
			if cfg.Envelope != nil {
				pts = append(pts, pt...)
			}
		}
		if cfg.Envelope != nil {
			env := cfg.Envelope.at(physicalTimes(sc, pts))
			args = append(args, floattensor.New(dtype, env, len(env)))
		}
		out, err := exec.Call(args...)
		if err != nil {
			return first, last, fmt.Errorf("spacetime: training step %d: %w", step, err)
		}
		var l Losses
		for i, dst := range []*float64{&l.Total, &l.Data, &l.Physics, &l.Divergence} {
			v, err := floattensor.Values(out[i])
			out[i].FinalizeAll()
			if err != nil {
				return first, last, fmt.Errorf("spacetime: training step %d: %w", step, err)
			}
			*dst = v[0]
		}
		if math.IsNaN(l.Total) || math.IsInf(l.Total, 0) {
			return first, last, fmt.Errorf("spacetime: training diverged at step %d (loss %v)", step, l.Total)
		}
		if step == 0 {
			first = l
		}
		last = l
		if progress != nil {
			progress(step, l)
		}
	}
	return first, last, nil
}

// sample returns n distinct indices below total (all of them when n >= total).
func sample(rng *rand.Rand, total, n int) []int {
	if n >= total {
		idx := make([]int, total)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	seen := make(map[int]bool, n)
	idx := make([]int, 0, n)
	for len(idx) < n {
		if q := rng.IntN(total); !seen[q] {
			seen[q] = true
			idx = append(idx, q)
		}
	}
	return idx
}

// buildLoss builds the step's loss terms [total, data, physics, divergence]
// from its inputs: params [physics weight, 1 / the base's mean squared
// residual, divergence weight, time factor, viscosity, drag], the data x, y, t, u, v, then optionally
// the stencil points x, y, t and the base's R, U, V, WX, WY at the centres,
// and last, with an envelope, its value at every point.
func buildLoss(net *Network, st *Stencil, in []*Node, withEnv bool) []*Node {
	params := in[0]
	param := func(i int) *Node { return Reshape(Slice(params, AxisElem(i))) }
	row := func(n *Node) *Node { return InsertAxes(n, 0) }
	dx, dy, dt, du, dv := row(in[1]), row(in[2]), row(in[3]), row(in[4]), row(in[5])
	nd := dx.Shape().Dimensions[1]
	x, y, t := dx, dy, dt
	var env *Node
	if withEnv {
		env, in = InsertAxes(in[len(in)-1], 0), in[:len(in)-1]
	}
	withCol := len(in) > 6
	if withCol {
		x = Concatenate([]*Node{dx, row(in[6])}, 1)
		y = Concatenate([]*Node{dy, row(in[7])}, 1)
		t = Concatenate([]*Node{dt, row(in[8])}, 1)
	}
	f := net.Field(x, y, t) // [2, N]
	if env != nil {
		f = Mul(f, env)
	}
	fu, fv := Slice(f, AxisElem(0), AxisRange(0, nd)), Slice(f, AxisElem(1), AxisRange(0, nd))
	data := ReduceAllMean(Add(Square(Sub(fu, du)), Square(Sub(fv, dv))))
	zero := ScalarZero(data.Graph(), data.DType())
	if !withCol {
		return []*Node{data, data, zero, zero}
	}
	s := st.Size()
	n := x.Shape().Dimensions[1]
	nc := (n - nd) / s
	us := Reshape(Slice(f, AxisElem(0), AxisRange(nd, n)), s, nc)
	vs := Reshape(Slice(f, AxisElem(1), AxisRange(nd, n)), s, nc)
	base := &baseNodes{R: row(in[9]), U: row(in[10]), V: row(in[11]), WX: row(in[12]), WY: row(in[13])}
	r, div := st.residual(us, vs, base, param(3), param(4), param(5))
	// The physics term is relative to the base's own residual.
	physRel := Mul(ReduceAllMean(Square(r)), param(1))
	divergence := ReduceAllMean(Square(div))
	total := Add(data, Add(Mul(param(0), physRel), Mul(param(2), divergence)))
	return []*Node{total, data, physRel, divergence}
}

// Predict evaluates the network (times env, when not nil) at physical
// points and returns its velocity in physical units.
func (n *Network) Predict(backend compute.Backend, sc Scales, env Envelope, x, y, t []float64) (u, v []float64, err error) {
	if len(y) != len(x) || len(t) != len(x) {
		return nil, nil, fmt.Errorf("spacetime: %d x, %d y and %d t values: want the same count", len(x), len(y), len(t))
	}
	exec, err := model.NewExec(backend, n.store, func(_ *model.Scope, x, y, t *Node) *Node {
		return n.Field(InsertAxes(x, 0), InsertAxes(y, 0), InsertAxes(t, 0))
	})
	if err != nil {
		return nil, nil, err
	}
	defer exec.Finalize()
	px, py, pt := sc.points(x, y, t)
	const chunk = 4096 // one compiled shape: the last chunk is padded
	u, v = make([]float64, len(x)), make([]float64, len(x))
	scale := env.at(t)
	for lo := 0; lo < len(x); lo += chunk {
		hi := min(lo+chunk, len(x))
		pad := func(s []float64) *tensors.Tensor {
			b := make([]float64, chunk)
			copy(b, s[lo:hi])
			return floattensor.New(n.cfg.DType, b, chunk)
		}
		out, err := exec.Call(pad(px), pad(py), pad(pt))
		if err != nil {
			return nil, nil, fmt.Errorf("spacetime: evaluating the field: %w", err)
		}
		vals, err := floattensor.Values(out[0])
		out[0].FinalizeAll()
		if err != nil {
			return nil, nil, fmt.Errorf("spacetime: evaluating the field: %w", err)
		}
		for i := lo; i < hi; i++ {
			f := sc.Speed
			if scale != nil {
				f *= scale[i]
			}
			u[i], v[i] = vals[i-lo]*f, vals[chunk+i-lo]*f
		}
	}
	return u, v, nil
}
