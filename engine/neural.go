package engine

import (
	"context"
	"fmt"
	"math"

	"pivsr/models"
	"pivsr/models/baseline"
	"pivsr/piv"
)

// neural is the physics-informed neural field: a multiplicative filter
// network fitted, as a correction on top of a classical interpolant, to the
// measured vectors, with the divergence-free penalty at collocation points
// drawn afresh each step on the target grid.
//
// The classical base carries what interpolation does well; the network
// learns what the data and the physics ask beyond it. With a periodic
// boundary the base is the Wiener (kriging) estimate under a spectrum fitted
// on the samples through aliasing, divergence-free for the grid's finite
// differences, with a share of the small scales beyond the lattice's band
// (calibrated by subgridBudget) drawn at random and conditioned on the
// samples (see baseline.Wiener); the network's correction is projected onto
// the grid's divergence-free fields too (baseline.ProjectDiscrete). With an
// open boundary the base is the thin-plate spline.
//
// The training loop (training.go) checkpoints and resumes, rolls back
// diverging steps with the learning rate halved, keeps the parameters of the
// best held-out error and stops early; an optional structure-function prior
// (structure.go) constrains the sub-grid separations, and the optional
// stream-function network and smoothness term are set up in physics.go.
type neural struct {
	cfg      Config
	boundary string
}

// warmPatienceDivisor shortens the early-stopping patience of a warm start.
const warmPatienceDivisor = 4

// subgridBudget and subgridMaxFraction calibrate, field by field, the
// small-scale energy the periodic base draws beyond the lattice band's
// corners (baseline.Wiener): the shells there hold almost none of the
// posterior mean's energy, so without a draw the log-spectrum error is tens
// per shell, while drawing a share f of their fitted energy leaves about
// (ln f)^2 there and adds f times that energy to the pointwise error. Under
// the spectrum fitted on the samples the share is set so that the draw
// spends 40% of the pointwise error the posterior mean is expected to save
// over trigonometric interpolation: more where the small scales are cheap,
// less where they are costly (0.3 to 0.75 on the fields of
// BenchmarkOtherFields), and at most 0.4, since the fitted law overestimates
// the far shells of a steepening spectrum (Turb2D's), where more gains no
// spectrum and costs pointwise error. A fixed share of 0.3 lost the spectrum
// to the thin-plate spline on a forced field at low viscosity; half of the
// gain left the angular error within 3% of trigonometric interpolation's on
// another.
const (
	subgridBudget      = 0.4
	subgridMaxFraction = 0.4
)

func newNeural(cfg Config, boundary string) *neural { return &neural{cfg: cfg, boundary: boundary} }

func (n *neural) base() baseline.Method {
	if n.boundary == "periodic" {
		return baseline.Wiener{Discrete: true, Fraction: subgridMaxFraction, Budget: subgridBudget, Seed: n.cfg.Seed}
	}
	return baseline.ThinPlate{}
}

func (n *neural) reconstruct(ctx context.Context, j *job) (*piv.Field, float64, error) {
	nc := n.cfg.Neural
	if nc.WarmStart != nil && !nc.Resume {
		// A network warm-started from a neighbouring snapshot begins near its
		// optimum: it needs no learning-rate warm-up, and a quarter of the
		// patience tells whether it still improves.
		nc.WarmupSteps, nc.Patience = 0, nc.Patience/warmPatienceDivisor
	}
	base, err := n.base().Reconstruct(ctx, j.samples, j.target)
	if err != nil {
		return nil, 0, fmt.Errorf("mfn base (%s): %w", n.base().Name(), err)
	}
	holdout := holdoutMask(j.input, n.cfg.Holdout, n.cfg.Seed)
	norm := newNormalizer(j.target, j.samples)
	train, val := n.points(j, base, holdout, norm)
	j.started.Method = "mfn (on " + n.base().Name() + ")"
	j.started.Train, j.started.Holdout = len(train.X), len(val.X)
	if nc.Steps == 0 {
		j.emit(j.started)
		return base, n.validation(nil, val, norm), nil
	}

	if nc.Resume && nc.CheckpointDir == "" {
		return nil, 0, fmt.Errorf("mfn: resuming needs a checkpoint directory")
	}
	if !nc.Resume && nc.CheckpointDir != "" {
		if found, err := checkpointDirs(nc.CheckpointDir); err != nil {
			return nil, 0, err
		} else if len(found) > 0 {
			return nil, 0, fmt.Errorf("mfn: %s holds a checkpoint of an earlier run (%s): resume it, or use an empty directory", nc.CheckpointDir, found[len(found)-1])
		}
	}
	mcfg := models.DefaultConfig()
	mcfg.Filters, mcfg.Hidden, mcfg.Seed = nc.Filters, nc.Hidden, n.cfg.Seed
	mcfg.ZeroOutput = true // the correction starts at zero: the run starts from the base
	mcfg.InputScale = norm.nyquist(j.target)
	tcfg := models.DefaultTrainConfig()
	tcfg.LearningRate, tcfg.DivergenceWeight, tcfg.StructureWeight = nc.LearningRate, nc.DivergenceWeight, nc.StructureWeight
	physicsVariant(nc, &mcfg, &tcfg, norm, j.target)
	warm := nc.WarmStart
	if nc.Resume {
		warm = nil
	}
	// A batch's session (session.go) keeps the backend and compiled graphs
	// from one snapshot to the next; a lone run (nil session) builds them.
	fit, err := j.session.fit(nc.Backend, mcfg, tcfg, len(train.X), warm)
	if err != nil {
		return nil, 0, err
	}
	net, trainer, predictor := fit.net, fit.trainer, fit.predictor
	j.started.Backend = fit.desc
	j.emit(j.started)
	baseDiv, err := n.baseDivergence(base, norm)
	if err != nil {
		return nil, 0, err
	}
	t := &training{n: n, j: j, nc: nc, norm: norm, base: base, baseDiv: baseDiv, train: train, val: val,
		net: net, trainer: trainer, predictor: predictor, st: runState{LRFactor: 1}}
	t.st.Identity = runIdentity(n.cfg, n.boundary, j.input)
	t.batch = &models.Batch{X: train.X, Y: train.Y, U: train.U, V: train.V, CX: make([]float64, nc.Collocation), CY: make([]float64, nc.Collocation)}
	if baseDiv != nil {
		t.batch.BaseDivergence = make([]float64, nc.Collocation)
	}
	if err := t.prepareSmoothness(); err != nil {
		return nil, 0, err
	}
	if nc.StructureWeight > 0 {
		if t.prior, err = newStructurePrior(nc, j.input, holdout, j.target, base, norm); err != nil {
			return nil, 0, fmt.Errorf("mfn: %w", err)
		}
	}
	if nc.Resume {
		if t.st, t.best, err = loadCheckpoint(nc.CheckpointDir, net, t.st.Identity); err != nil {
			return nil, 0, fmt.Errorf("mfn: %w", err)
		}
	}
	if err := t.run(ctx); err != nil {
		return nil, 0, err
	}
	f, err := n.field(predictor, base, j.target, norm)
	if err != nil {
		return nil, 0, err
	}
	if j.state, err = net.State(false); err != nil {
		return nil, 0, err
	}
	return f, n.validation(predictor, val, norm), nil
}

// baseDivergence is the base's divergence on the target grid in normalised
// units, for the penalty on base plus correction; nil for the periodic base,
// which is divergence-free spectrally (its finite-difference divergence is
// only truncation error, which the network should not chase).
func (n *neural) baseDivergence(base *piv.Field, norm normalizer) ([]float64, error) {
	if n.boundary == "periodic" {
		return nil, nil
	}
	div, err := piv.Divergence(nil, base)
	if err != nil {
		return nil, fmt.Errorf("mfn base divergence: %w", err)
	}
	for k := range div {
		div[k] *= norm.half / norm.vel
	}
	return div, nil
}

// schedule is a linear warm-up to the peak learning rate, then a cosine
// decay to a tenth of it.
func schedule(step int, nc NeuralConfig) float64 {
	if step <= nc.WarmupSteps {
		return nc.LearningRate * float64(step) / float64(nc.WarmupSteps+1)
	}
	t := float64(step-nc.WarmupSteps) / float64(max(1, nc.Steps-nc.WarmupSteps))
	return nc.LearningRate * (0.1 + 0.9*0.5*(1+math.Cos(math.Pi*t)))
}

// pointSet holds normalised positions and correction targets.
type pointSet struct{ X, Y, U, V []float64 }

// points returns the training and held-out vectors: positions normalised,
// targets the residual of the base, normalised.
func (n *neural) points(j *job, base *piv.Field, holdout []bool, norm normalizer) (train, val pointSet) {
	f := j.input
	for jy, y := range f.Y {
		for ix, x := range f.X {
			k := f.Index(ix, jy)
			if !f.Valid(k) {
				continue
			}
			bu, bv := bilinear(base, x, y)
			set := &train
			if holdout != nil && holdout[k] {
				set = &val
			}
			set.X = append(set.X, norm.x(x))
			set.Y = append(set.Y, norm.y(y))
			set.U = append(set.U, (f.U[k]-bu)/norm.vel)
			set.V = append(set.V, (f.V[k]-bv)/norm.vel)
		}
	}
	return train, val
}

// validationOf is the rms velocity error (input units) at the held-out
// vectors, whose targets are residuals of the base.
func (n *neural) validationOf(p *models.Predictor, val pointSet, norm normalizer) (float64, error) {
	pred, err := p.Predict(val.X, val.Y, false)
	if err != nil {
		return 0, err
	}
	var s float64
	for i := range val.X {
		du, dv := pred.U[i]-val.U[i], pred.V[i]-val.V[i]
		s += du*du + dv*dv
	}
	return norm.vel * math.Sqrt(s/float64(len(val.X))), nil
}

// validation is the final rms error at the held-out vectors (NaN without).
// val holds the held-out vectors as residuals of the base; p nil scores the
// base alone.
func (n *neural) validation(p *models.Predictor, val pointSet, norm normalizer) float64 {
	if len(val.X) == 0 {
		return math.NaN()
	}
	if p == nil {
		var s float64
		for i := range val.U {
			s += val.U[i]*val.U[i] + val.V[i]*val.V[i]
		}
		return norm.vel * math.Sqrt(s/float64(len(val.U)))
	}
	v, err := n.validationOf(p, val, norm)
	if err != nil {
		return math.NaN()
	}
	return v
}

// field is the base plus the network's correction on the target grid.
func (n *neural) field(p *models.Predictor, base *piv.Field, target piv.Grid, norm normalizer) (*piv.Field, error) {
	xs, ys := make([]float64, target.Len()), make([]float64, target.Len())
	for jy, y := range target.Y {
		for ix, x := range target.X {
			k := target.Index(ix, jy)
			xs[k], ys[k] = norm.x(x), norm.y(y)
		}
	}
	pred, err := p.Predict(xs, ys, false)
	if err != nil {
		return nil, err
	}
	c := piv.NewField(target)
	for k := range c.U {
		c.U[k], c.V[k] = norm.vel*pred.U[k], norm.vel*pred.V[k]
	}
	if n.boundary == "periodic" {
		// The periodic base is divergence-free for the grid's differences;
		// the correction's soft penalty leaves some divergence, which the
		// same discrete projection removes from the correction alone (a
		// target that is not a full uniform grid keeps it; one short of a
		// whole period, as -scale's, is taken as one: its divergence still
		// vanishes, by a change that is not the least near the edges).
		_, _ = baseline.ProjectDiscrete(c)
	}
	f := base.Clone()
	for k := range f.U {
		f.U[k] += c.U[k]
		f.V[k] += c.V[k]
	}
	return f, nil
}

// normalizer maps coordinates so the target's longer side spans [-1, 1]
// (aspect kept) and divides velocities by the samples' largest component.
type normalizer struct {
	cx, cy, half, vel float64
}

func newNormalizer(target piv.Grid, s *baseline.Samples) normalizer {
	x0, x1 := target.X[0], target.X[target.NX()-1]
	y0, y1 := target.Y[0], target.Y[target.NY()-1]
	n := normalizer{cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, half: math.Max(math.Abs(x1-x0), math.Abs(y1-y0)) / 2}
	if n.half == 0 {
		n.half = 1
	}
	for k := range s.U {
		n.vel = math.Max(n.vel, math.Max(math.Abs(s.U[k]), math.Abs(s.V[k])))
	}
	if n.vel == 0 {
		n.vel = 1
	}
	return n
}

func (n normalizer) x(v float64) float64 { return (v - n.cx) / n.half }
func (n normalizer) y(v float64) float64 { return (v - n.cy) / n.half }

// nyquist is the angular frequency, in normalised coordinates, of the target
// grid's Nyquist wavenumber: pi over the normalised spacing.
func (n normalizer) nyquist(target piv.Grid) float64 {
	h := math.Min(math.Abs(target.DX()), math.Abs(target.DY())) / n.half
	return math.Pi / h
}

// bilinear interpolates f at (x, y), clamped to the grid.
func bilinear(f *piv.Field, x, y float64) (u, v float64) {
	i, tx := locate(f.X, x)
	j, ty := locate(f.Y, y)
	k00, k10 := f.Index(i, j), f.Index(i+1, j)
	k01, k11 := f.Index(i, j+1), f.Index(i+1, j+1)
	w00, w10, w01, w11 := (1-tx)*(1-ty), tx*(1-ty), (1-tx)*ty, tx*ty
	return w00*f.U[k00] + w10*f.U[k10] + w01*f.U[k01] + w11*f.U[k11],
		w00*f.V[k00] + w10*f.V[k10] + w01*f.V[k01] + w11*f.V[k11]
}

// locate finds the cell [c[i], c[i+1]] of a monotonic axis holding v and the
// fraction along it, clamped to the axis.
func locate(c []float64, v float64) (int, float64) {
	n := len(c)
	if n < 2 {
		return 0, 0
	}
	h := (c[n-1] - c[0]) / float64(n-1)
	t := (v - c[0]) / h
	i := int(math.Floor(t))
	i = max(0, min(n-2, i))
	frac := (v - c[i]) / (c[i+1] - c[i])
	return i, max(0, min(1, frac))
}
