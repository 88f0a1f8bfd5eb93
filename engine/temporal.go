package engine

import (
	"context"
	"errors"
	"fmt"
	"math"

	"pivsr/models/baseline"
	"pivsr/piv"
)

// Temporal super-resolution: the snapshots a series lacks (held out, or with
// no valid vector) are reconstructed from the kept ones around them.
//
// The "advect" method is physics-based: it takes the vorticity of the kept
// snapshot before a missing time forward in time, and the one after it
// backward, each by integrating the 2D Euler equations in vorticity form
// (dω/dt + u·∇ω = ν∇²ω, u from ω through the stream function) pseudo-
// spectrally on the periodic box, and blends the two with linear weights in
// time. Where linear interpolation in time fades one pattern into the other,
// advection moves the vortices, so it stays accurate over gaps in which they
// travel several grid spacings. "linear" is that linear interpolation, the
// reference every temporal method is measured against. "mfn" fits one
// space-time neural field to the series as a correction of either (see
// temporal_mfn.go).

// TemporalMethods lists the methods a TemporalConfig accepts.
var TemporalMethods = []string{"advect", "linear", "mfn"}

// TemporalConfig describes a temporal reconstruction.
type TemporalConfig struct {
	// Method is "advect" (periodic fields), "linear" or "mfn" (a
	// space-time neural field correcting Neural.Base).
	Method string
	// KeepEvery keeps snapshots 0, KeepEvery, 2 KeepEvery, ... and
	// reconstructs the others (2: every other snapshot held out); 1 keeps
	// every snapshot, and only those without a valid vector are rebuilt.
	KeepEvery int
	// Viscosity is ν of the advection's ν∇²ω (0: inviscid, the right choice
	// over short gaps; integrating backward, it sharpens instead of smooths)
	// and of the neural field's vorticity-transport residual.
	Viscosity float64
	// Dissipation holds the series' other dissipation and forcing terms
	// (hyperviscosity, drag, a steady Kolmogorov forcing), which only the
	// mfn residual uses: the advection is Euler by design.
	Dissipation FlowTerms
	// CFL is the advection's time step times max(|u|+|v|) over the spacing.
	CFL float64
	// Assimilate is the number of passes refining sparse kept snapshots with
	// their advected neighbours (advection only; 0: none). It pays where the
	// vectors are much sparser than the flow's scales (every 4th node of a
	// 64^2 DNS: rec about 40% lower after 2 passes); where the spatial fill
	// is already close (every other node), the prior's own errors make it
	// worse.
	Assimilate int
	// Spatial fills the kept snapshots' missing vectors first (sparse PIV),
	// as a spatial run would; the default is the solenoidal spectral method.
	Spatial Config
	// Neural holds the settings of the mfn method.
	Neural TemporalNeural
}

// DefaultTemporalConfig returns the defaults: advection, every other snapshot
// held out, inviscid, CFL 0.5, missing vectors filled spectrally.
func DefaultTemporalConfig() TemporalConfig {
	spatial := DefaultConfig()
	spatial.Method = "spectral"
	spatial.Boundary = "periodic"
	return TemporalConfig{Method: "advect", KeepEvery: 2, CFL: 0.5, Spatial: spatial, Neural: DefaultTemporalNeural()}
}

// Check validates the configuration.
func (c TemporalConfig) Check() error {
	switch {
	case c.Method != "advect" && c.Method != "linear" && c.Method != "mfn":
		return fmt.Errorf("unknown temporal method %q: want advect, linear or mfn", c.Method)
	case c.KeepEvery < 1:
		return fmt.Errorf("keep every %d: want 1 or more", c.KeepEvery)
	case !(c.Viscosity >= 0) || math.IsInf(c.Viscosity, 0):
		return fmt.Errorf("viscosity %v: want a finite number >= 0", c.Viscosity)
	case c.Dissipation.Check() != nil:
		return c.Dissipation.Check()
	case !(c.CFL > 0 && c.CFL <= 1):
		return fmt.Errorf("CFL number %v: want 0 < CFL <= 1", c.CFL)
	case c.Assimilate < 0:
		return fmt.Errorf("assimilation passes %d: want 0 or more", c.Assimilate)
	}
	if err := c.Spatial.Check(); err != nil {
		return fmt.Errorf("spatial method: %w", err)
	}
	if c.Method == "mfn" {
		return c.Neural.check()
	}
	return nil
}

// TemporalResult is what a temporal reconstruction produces.
type TemporalResult struct {
	// Series holds every snapshot: the kept ones (missing vectors filled)
	// and the reconstructed ones.
	Series *piv.Series
	// Missing marks the snapshots reconstructed.
	Missing []bool
	// Metrics score each reconstructed snapshot against the truth, and
	// Linear linear interpolation in time of the same kept snapshots (nil
	// where kept or without a truth).
	Metrics, Linear []*piv.Metrics
	// MeanRec and LinearMeanRec average Rec over the reconstructed
	// snapshots (NaN without a truth).
	MeanRec, LinearMeanRec float64
	// Base scores the mfn method's base alone (nil for the other methods),
	// and BaseMeanRec averages it (NaN without it).
	Base        []*piv.Metrics
	BaseMeanRec float64
	// Advect scores the advection reconstruction beside the mfn method
	// whenever the periodic box was built (nil otherwise), and
	// AdvectMeanRec averages it (NaN without it).
	Advect        []*piv.Metrics
	AdvectMeanRec float64
	// Fit reports the mfn method's training (nil for the other methods).
	Fit *TemporalFit
}

// RunTemporal reconstructs the missing snapshots of series (times known and
// increasing, one grid) and scores them against truth when it is not nil (a
// series of the same times on the same grid). Progress (one step per
// reconstructed snapshot) goes to emit, which may be nil.
func RunTemporal(ctx context.Context, cfg TemporalConfig, series, truth *piv.Series, emit func(Event)) (*TemporalResult, error) {
	if emit == nil {
		emit = func(Event) {}
	}
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if err := checkTimeSeries(series); err != nil {
		return nil, err
	}
	n := len(series.Frames)
	if truth != nil {
		if err := checkTimeSeries(truth); err != nil {
			return nil, fmt.Errorf("truth: %w", err)
		}
		if len(truth.Frames) != n {
			return nil, fmt.Errorf("truth has %d snapshots, the series %d", len(truth.Frames), n)
		}
		for k := range truth.T {
			if math.Abs(truth.T[k]-series.T[k]) > 1e-9*(1+math.Abs(series.T[k])) {
				return nil, fmt.Errorf("truth snapshot %d is at t = %v, the series' at %v", k, truth.T[k], series.T[k])
			}
		}
		if err := sameGrid(truth.Frames[0].Grid, series.Frames[0].Grid); err != nil {
			return nil, fmt.Errorf("truth: %w", err)
		}
	}
	g := series.Frames[0].Grid
	missing := make([]bool, n)
	kept := 0
	for k, f := range series.Frames {
		missing[k] = k%cfg.KeepEvery != 0 || f.NumValid() == 0
		if !missing[k] {
			kept++
		}
	}
	if kept < 2 {
		return nil, fmt.Errorf("%d snapshot(s) kept: want at least 2 to reconstruct between", kept)
	}

	// Fill the kept snapshots' gaps in space first.
	filled := make([]*piv.Field, n)
	for k, f := range series.Frames {
		if missing[k] {
			continue
		}
		if f.NumValid() == f.Len() {
			filled[k] = f
			continue
		}
		res, err := Run(ctx, cfg.Spatial, f, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("snapshot %d (t = %v): %w", k, series.T[k], err)
		}
		filled[k] = res.Field
	}

	var box *vorticityBox
	if cfg.needsBox() {
		if err := checkPeriodic(filled[firstKeptSnapshot(missing)]); err != nil {
			return nil, err
		}
		box = newVorticityBox(g, cfg.Viscosity)
		if err := box.assimilate(ctx, cfg, series.T, series.Frames, filled, missing, cfg.Assimilate); err != nil {
			return nil, fmt.Errorf("assimilation: %w", err)
		}
	}

	res := &TemporalResult{
		Series:  &piv.Series{T: append([]float64(nil), series.T...), Frames: make([]*piv.Field, n)},
		Missing: missing, Metrics: make([]*piv.Metrics, n), Linear: make([]*piv.Metrics, n),
		MeanRec: math.NaN(), LinearMeanRec: math.NaN(), BaseMeanRec: math.NaN(), AdvectMeanRec: math.NaN(),
	}
	started := Started{Method: "temporal-" + cfg.Method, Vectors: kept, Train: kept, Holdout: n - kept, Target: g, Boundary: temporalBoundary(cfg), Note: fmt.Sprintf("%d of %d snapshots kept, %d reconstructed", kept, n, n-kept)}
	var corr *spaceTimeCorrection
	if cfg.Method == "mfn" {
		var err error
		if corr, err = fitSpaceTime(ctx, cfg, series, filled, missing, box, started, emit); err != nil {
			return nil, err
		}
		res.Fit = &corr.fit
		res.Base = make([]*piv.Metrics, n)
		if box != nil {
			res.Advect = make([]*piv.Metrics, n)
		}
	} else {
		emit(started)
	}
	done := 0
	var sum, sumLinear, sumBase, sumAdvect float64
	for k := range series.Frames {
		if !missing[k] {
			res.Series.Frames[k] = filled[k]
			continue
		}
		a, b := keptNeighbours(missing, k)
		t := series.T[k]
		lin := interpolateLinear(series.T, filled, a, b, t)
		est := lin
		if cfg.advects() {
			var err error
			if est, err = box.interpolate(ctx, series.T, filled, a, b, t, cfg.CFL); err != nil {
				return nil, fmt.Errorf("snapshot %d (t = %v): %w", k, t, err)
			}
		}
		base := est
		if corr != nil {
			est = corr.apply(base, k)
		}
		est.Units = series.Frames[k].Units
		res.Series.Frames[k] = est
		done++
		if corr == nil {
			emit(Progress{Step: done, Steps: n - kept, Validation: math.NaN()})
		}
		if truth == nil {
			continue
		}
		var err error
		if res.Metrics[k], err = piv.Evaluate(est, truth.Frames[k], piv.MetricOptions{}); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", k, err)
		}
		if res.Linear[k], err = piv.Evaluate(lin, truth.Frames[k], piv.MetricOptions{}); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", k, err)
		}
		sum += res.Metrics[k].Rec
		sumLinear += res.Linear[k].Rec
		if corr != nil {
			if res.Base[k], err = piv.Evaluate(base, truth.Frames[k], piv.MetricOptions{}); err != nil {
				return nil, fmt.Errorf("snapshot %d: %w", k, err)
			}
			sumBase += res.Base[k].Rec
		}
		if res.Advect != nil {
			adv := base
			if !cfg.advects() {
				if adv, err = box.interpolate(ctx, series.T, filled, a, b, t, cfg.CFL); err != nil {
					return nil, fmt.Errorf("snapshot %d (t = %v): %w", k, t, err)
				}
			}
			if res.Advect[k], err = piv.Evaluate(adv, truth.Frames[k], piv.MetricOptions{}); err != nil {
				return nil, fmt.Errorf("snapshot %d: %w", k, err)
			}
			sumAdvect += res.Advect[k].Rec
		}
	}
	if truth != nil {
		res.MeanRec, res.LinearMeanRec = sum/float64(done), sumLinear/float64(done)
		if corr != nil {
			res.BaseMeanRec = sumBase / float64(done)
		}
		if res.Advect != nil {
			res.AdvectMeanRec = sumAdvect / float64(done)
		}
	}
	return res, nil
}

// advects reports whether the method's (or its base's) snapshots come from
// advection.
func (c TemporalConfig) advects() bool {
	return c.Method == "advect" || (c.Method == "mfn" && c.Neural.Base == "advect")
}

// needsBox reports whether the run needs the periodic vorticity box: to
// advect, or for the spectral derivatives of the neural field's physics term.
func (c TemporalConfig) needsBox() bool {
	return c.advects() || (c.Method == "mfn" && c.Neural.PhysicsWeight > 0)
}

// checkPeriodic fails unless f is periodic, as the vorticity box needs.
func checkPeriodic(f *piv.Field) error {
	s, err := baseline.FromField(f)
	if err != nil {
		return err
	}
	p, err := baseline.DetectPeriodicity(s)
	if err != nil {
		return fmt.Errorf("advection: %w", err)
	}
	if !p.Periodic() {
		return fmt.Errorf("advection and the physics term need a periodic field (increments across the wrap are %.2f and %.2f times the neighbours'); use the linear method, or mfn with -base linear and no physics term", p.RatioX, p.RatioY)
	}
	return nil
}

func temporalBoundary(cfg TemporalConfig) string {
	if cfg.needsBox() {
		return "periodic"
	}
	return "open"
}

// checkTimeSeries verifies that s has known, increasing times and frames on one
// grid.
func checkTimeSeries(s *piv.Series) error {
	if s == nil || len(s.Frames) == 0 {
		return errors.New("empty series: want snapshots")
	}
	if len(s.T) != len(s.Frames) {
		return fmt.Errorf("series has %d times for %d snapshots: want the time of every snapshot", len(s.T), len(s.Frames))
	}
	for k, f := range s.Frames {
		if f == nil {
			return fmt.Errorf("snapshot %d is nil", k)
		}
		if err := f.Grid.Validate(); err != nil {
			return fmt.Errorf("snapshot %d: %w", k, err)
		}
		if len(f.U) != f.Len() || len(f.V) != f.Len() || (f.Mask != nil && len(f.Mask) != f.Len()) {
			return fmt.Errorf("snapshot %d: arrays do not match its %dx%d grid", k, f.NX(), f.NY())
		}
		if k > 0 {
			if err := sameGrid(f.Grid, s.Frames[0].Grid); err != nil {
				return fmt.Errorf("snapshot %d: %w", k, err)
			}
		}
		if t := s.T[k]; math.IsNaN(t) || math.IsInf(t, 0) || (k > 0 && !(t > s.T[k-1])) {
			return fmt.Errorf("snapshot %d is at t = %v: want finite, increasing times", k, t)
		}
	}
	return nil
}

func firstKeptSnapshot(missing []bool) int {
	for k, m := range missing {
		if !m {
			return k
		}
	}
	return -1
}

// keptNeighbours returns the kept snapshots before and after k (-1 where none).
func keptNeighbours(missing []bool, k int) (a, b int) {
	a, b = -1, -1
	for i := k - 1; i >= 0 && a < 0; i-- {
		if !missing[i] {
			a = i
		}
	}
	for i := k + 1; i < len(missing) && b < 0; i++ {
		if !missing[i] {
			b = i
		}
	}
	return a, b
}

// timeWeights are the linear-in-time weights of snapshots a and b at t; outside
// [t_a, t_b] the nearest snapshot takes all.
func timeWeights(times []float64, a, b int, t float64) (wa, wb float64) {
	switch {
	case a < 0:
		return 0, 1
	case b < 0:
		return 1, 0
	}
	wb = (t - times[a]) / (times[b] - times[a])
	return 1 - wb, wb
}

// interpolateLinear blends the kept snapshots a and b linearly in time (the
// nearest one alone outside them).
func interpolateLinear(times []float64, frames []*piv.Field, a, b int, t float64) *piv.Field {
	wa, wb := timeWeights(times, a, b, t)
	ref := frames[max(a, b)]
	out := piv.NewField(ref.Grid)
	for _, s := range []struct {
		i int
		w float64
	}{{a, wa}, {b, wb}} {
		if s.i < 0 || s.w == 0 {
			continue
		}
		f := frames[s.i]
		for q := range out.U {
			out.U[q] += s.w * f.U[q]
			out.V[q] += s.w * f.V[q]
		}
	}
	return out
}
