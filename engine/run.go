package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"pivsr/models"
	"pivsr/models/baseline"
	"pivsr/piv"
)

// Run reconstructs input (a sparse field on a grid) on the configured target
// grid, scores it against truth when truth is not nil (it must lie on the
// target grid), and reports every stage to emit (which may be nil). The
// context cancels it.
func Run(ctx context.Context, cfg Config, input, truth *piv.Field, emit func(Event)) (*Result, error) {
	return run(ctx, cfg, input, truth, emit, nil)
}

// run is Run with a session (nil: none) that a batch keeps across its
// snapshots.
func run(ctx context.Context, cfg Config, input, truth *piv.Field, emit func(Event), s *session) (*Result, error) {
	if emit == nil {
		emit = func(Event) {}
	}
	start := time.Now()
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if err := input.Check(); err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	target, err := cfg.targetGrid(input.Grid)
	if err != nil {
		return nil, err
	}
	if truth != nil {
		if err := sameGrid(truth.Grid, target); err != nil {
			return nil, fmt.Errorf("truth: %w", err)
		}
	}
	samples, err := baseline.FromField(input)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	boundary, note, err := decideBoundary(cfg.Boundary, samples)
	if err != nil {
		return nil, err
	}
	method, err := cfg.method(boundary)
	if err != nil {
		return nil, err
	}
	started := Started{Method: cfg.Method, Vectors: samples.Len(), Train: samples.Len(), Target: target, Boundary: boundary, Note: note}
	j := &job{cfg: cfg, input: input, samples: samples, target: target, truth: truth, started: started, emit: emit, session: s}
	field, validation, err := method.reconstruct(ctx, j)
	if errors.Is(err, baseline.ErrIncommensurate) && cfg.NX > 0 {
		return nil, fmt.Errorf("%w (-grid %dx%d: on a periodic field the target spacing must divide the period, as -scale's does; -boundary open lifts that)", err, cfg.NX, cfg.NY)
	}
	if err != nil {
		return nil, err
	}
	field.Units = input.Units
	res := &Result{Field: field, Method: cfg.Method, Boundary: boundary, Elapsed: time.Since(start), Validation: validation, InteriorBorder: cfg.Border, State: j.state}
	if truth != nil {
		if res.Metrics, res.Interior, err = score(field, truth, cfg.Border); err != nil {
			return nil, err
		}
		emit(Scored{Step: -1, Full: res.Metrics, Interior: res.Interior, InteriorBorder: cfg.Border, ValidationRMSErr: validation})
	}
	emit(Finished{Result: res})
	return res, nil
}

// job is what a method needs to run and report.
type job struct {
	cfg     Config
	input   *piv.Field
	samples *baseline.Samples
	target  piv.Grid
	truth   *piv.Field
	started Started
	emit    func(Event)
	// state is set by the neural method: the trained parameters.
	state *models.State
	// session, when not nil, keeps the neural method's backend and
	// compiled graphs for the next run (see session.go).
	session *session
}

// reconstructor is one way to fill the target grid: a classical method or
// the neural field.
type reconstructor interface {
	// reconstruct emits Started first and returns the field and the rms
	// error at held-out vectors (NaN without a holdout).
	reconstruct(ctx context.Context, j *job) (*piv.Field, float64, error)
}

// classical runs a baseline on all the samples.
type classical struct{ m baseline.Method }

func (c classical) reconstruct(ctx context.Context, j *job) (*piv.Field, float64, error) {
	j.started.Method = c.m.Name()
	j.emit(j.started)
	f, err := c.m.Reconstruct(ctx, j.samples, j.target)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", c.m.Name(), err)
	}
	return f, math.NaN(), nil
}

// method returns the reconstructor of the configured method for the
// boundary decided.
func (c Config) method(boundary string) (reconstructor, error) {
	switch c.Method {
	case "spectral":
		if boundary != "periodic" {
			return nil, fmt.Errorf("the spectral method needs a periodic field (use -boundary periodic to force it)")
		}
		return classical{baseline.Spectral{Solenoidal: true}}, nil
	case "tps":
		return classical{baseline.ThinPlate{}}, nil
	case "dfrbf":
		return classical{baseline.DivFreeRBF{}}, nil
	case "bicubic":
		return classical{baseline.Bicubic{}}, nil
	case "smoothn":
		return classical{baseline.Smoothn{}}, nil
	case "mfn":
		return newNeural(c, boundary), nil
	}
	return nil, fmt.Errorf("unknown method %q", c.Method)
}

// decideBoundary resolves "auto" from the data and checks a forced choice.
func decideBoundary(choice string, s *baseline.Samples) (boundary, note string, err error) {
	p, perr := baseline.DetectPeriodicity(s)
	switch choice {
	case "open":
		return "open", "open boundary (as asked)", nil
	case "periodic":
		if perr != nil {
			return "", "", fmt.Errorf("-boundary periodic: %w", perr)
		}
		return "periodic", fmt.Sprintf("periodic boundary (as asked; periods %.4g x %.4g)", p.PeriodX, p.PeriodY), nil
	}
	if perr != nil {
		return "open", "open boundary: " + perr.Error(), nil
	}
	if p.Periodic() {
		return "periodic", fmt.Sprintf("periodic boundary detected: increments across the wrap are %.2f and %.2f times the neighbours' (below %g); periods %.4g x %.4g",
			p.RatioX, p.RatioY, float64(baseline.PeriodicThreshold), p.PeriodX, p.PeriodY), nil
	}
	return "open", fmt.Sprintf("open boundary: increments across the wrap are %.2f and %.2f times the neighbours' (periodic below %g)", p.RatioX, p.RatioY, float64(baseline.PeriodicThreshold)), nil
}

func score(f, truth *piv.Field, border int) (full, interior *piv.Metrics, err error) {
	if full, err = piv.Evaluate(f, truth, piv.MetricOptions{}); err != nil {
		return nil, nil, err
	}
	if border > 0 && 2*border < truth.NX() && 2*border < truth.NY() {
		if interior, err = piv.Evaluate(f, truth, piv.MetricOptions{Border: border}); err != nil {
			return nil, nil, err
		}
	}
	return full, interior, nil
}

func sameGrid(a, b piv.Grid) error {
	if a.NX() != b.NX() || a.NY() != b.NY() {
		return fmt.Errorf("grid %dx%d differs from the target %dx%d", a.NX(), a.NY(), b.NX(), b.NY())
	}
	tol := 1e-6 * (math.Abs(b.DX()) + math.Abs(b.DY()))
	for i := range a.X {
		if math.Abs(a.X[i]-b.X[i]) > tol {
			return fmt.Errorf("x[%d] = %v differs from the target's %v", i, a.X[i], b.X[i])
		}
	}
	for j := range a.Y {
		if math.Abs(a.Y[j]-b.Y[j]) > tol {
			return fmt.Errorf("y[%d] = %v differs from the target's %v", j, a.Y[j], b.Y[j])
		}
	}
	return nil
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }
