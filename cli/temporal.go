package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"pivsr/data"
	"pivsr/engine"
	"pivsr/piv"
)

func init() {
	register(command{name: "temporal", summary: "reconstruct missing snapshots of a time series (advection, linear in time or a space-time neural field)", run: runTemporal})
}

func runTemporal(e *env, args []string) error {
	fs := newFlags(e, "temporal", "SERIES -o OUTPUT", `
Reconstruct the snapshots a time series lacks: all but every N-th one
(-holdout-every N; 2 holds out every other snapshot) and any without a valid
vector. The default method, advect, takes the kept snapshots' vorticity
forward and backward in time by the 2D Euler equations on the periodic box
and blends them; linear is linear interpolation in time; mfn fits one
space-time multiplicative filter network f(x, y, t) to the whole series as a
correction of -base (advect or linear): data at the kept snapshots' vectors,
a soft divergence penalty, and the 2D vorticity-transport residual
(-physics-weight; viscosity -viscosity or the file's "viscosity" attribute,
and the hyperviscosity, drag and Kolmogorov forcing 'pivsr gen' records) at
random points inside the gaps. Kept snapshots with missing vectors are
first filled in space (-spatial). The reconstructed snapshots are scored
against -truth (a series of the same times and grid), or, without it,
against the input's own held-out snapshots when they hold vectors, beside
linear interpolation of the same kept snapshots (and, for mfn, its base).`)
	cfg := engine.DefaultTemporalConfig()
	var in inputFlags
	var out outputFlags
	in.register(fs)
	out.register(fs)
	fs.StringVar(&cfg.Method, "method", cfg.Method, "advect (periodic fields), linear or mfn (space-time neural field)")
	fs.IntVar(&cfg.KeepEvery, "holdout-every", cfg.KeepEvery, "keep snapshots 0, N, 2N, ... and reconstruct the others (1: only empty ones)")
	fs.Float64Var(&cfg.Viscosity, "viscosity", cfg.Viscosity, "viscosity nu of the advection and of the mfn residual (0: inviscid; unset: the file's \"viscosity\" attribute if any)")
	fs.Float64Var(&cfg.CFL, "cfl", cfg.CFL, "CFL number of the advection's time steps")
	fs.IntVar(&cfg.Assimilate, "assimilate", cfg.Assimilate, "passes refining sparse kept snapshots with their advected neighbours (helps when vectors are much sparser than the flow's scales)")
	nc := &cfg.Neural
	fs.StringVar(&nc.Base, "base", nc.Base, "mfn: the reconstruction the field corrects, advect (periodic fields) or linear")
	fs.Float64Var(&nc.PhysicsWeight, "physics-weight", nc.PhysicsWeight, "mfn: weight of the vorticity-transport residual (0: none)")
	fs.Float64Var(&nc.DivergenceWeight, "div-weight", nc.DivergenceWeight, "mfn: weight of the soft divergence penalty")
	fs.IntVar(&nc.Steps, "steps", nc.Steps, "mfn: training steps")
	fs.Float64Var(&nc.LearningRate, "lr", nc.LearningRate, "mfn: Adam's learning rate")
	fs.Float64Var(&nc.SpaceBand, "space-band", nc.SpaceBand, "mfn: the network's spatial input scale, as a fraction of the grid's Nyquist frequency")
	fs.Float64Var(&nc.TimeBand, "time-band", nc.TimeBand, "mfn: the network's temporal input scale, as a fraction of the series' Nyquist frequency")
	fs.IntVar(&nc.Collocation, "collocation", nc.Collocation, "mfn: collocation points per step")
	fs.BoolVar(&nc.Anchor, "anchor", nc.Anchor, "mfn: pin the field to the base at the kept snapshots (an envelope in time); false holds them by the data term")
	fs.IntVar(&nc.Hidden, "hidden", nc.Hidden, "mfn: hidden width of the network")
	fs.StringVar(&nc.Backend, "backend", nc.Backend, "mfn: compute backend, auto, go, xla:cuda or xla:/path/plugin.so")
	fs.Uint64Var(&nc.Seed, "seed", nc.Seed, "mfn: seed of the network and its batches")
	fs.StringVar(&cfg.Spatial.Method, "spatial", cfg.Spatial.Method, "method filling kept snapshots' missing vectors: spectral, tps, dfrbf, bicubic, smoothn or mfn")
	truthPath := fs.String("truth", "", "ground-truth series to score the reconstructed snapshots")
	asJSON := fs.Bool("json", false, "print the scores as one JSON object on stdout")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if cfg.Spatial.Method != "spectral" {
		cfg.Spatial.Boundary = "auto"
	}
	if err := firstErr(in.check(), out.check()); err != nil {
		return err
	}
	if err := cfg.Check(); err != nil {
		return usageError{err.Error()}
	}
	ds, fields, err := in.loadGrid(pos[0], "temporal")
	if err != nil {
		return err
	}
	series, err := seriesOf(pos[0], ds, fields)
	if err != nil {
		return err
	}
	if err := viscosityAttr(fs, ds, &cfg); err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	inputs := []string{pos[0]}
	var truth *piv.Series
	if *truthPath != "" {
		tds, tfields, err := in.loadGrid(*truthPath, "-truth")
		if err != nil {
			return err
		}
		if truth, err = seriesOf(*truthPath, tds, tfields); err != nil {
			return err
		}
		inputs = append(inputs, *truthPath)
	} else if selfScorable(series, cfg.KeepEvery) {
		truth = series
		e.logf("scoring against the input's own held-out snapshots")
	}
	ctx, stop := signalContext()
	res, err := engine.RunTemporal(ctx, cfg, series, truth, func(ev engine.Event) {
		switch s := ev.(type) {
		case engine.Started:
			e.logf("%s on %dx%d: %s", s.Method, s.Target.NX(), s.Target.NY(), s.Note)
			if s.Backend != "" {
				e.logf("backend: %s", s.Backend)
			}
		case engine.Progress:
			if cfg.Method == "mfn" && (s.Step == 1 || s.Step%100 == 0 || s.Step == s.Steps) {
				e.logf("step %d/%d: %s", s.Step, s.Steps, termsLine(s.Terms))
			}
		}
	})
	if sig, hit := stop(); hit {
		return interruptError{sig: sig, err: fmt.Errorf("%s: nothing written: %w", out.path, err)}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	scores := temporalScores(res, cfg.Neural.Base)
	if truth != nil {
		if *asJSON {
			if err := printJSON(e.stdout, scores); err != nil {
				return err
			}
		} else {
			printTemporalScores(e, cfg.Method, scores)
			if res.Fit != nil {
				e.logf("mfn trained %d steps in %.1f s on %s", res.Fit.Steps, res.Fit.Seconds, res.Fit.Backend)
			}
		}
	}
	outDS := &data.Dataset{Fields: res.Series.Frames, T: res.Series.T, Units: ds.Units, Attrs: map[string]string{"method": "temporal-" + cfg.Method}}
	b, _ := json.Marshal(cfg)
	outDS.Attrs["config"] = string(b)
	if b, err = json.Marshal(scores); err == nil {
		outDS.Attrs["temporal"] = string(b)
	}
	return e.save(out, outDS, inputs...)
}

// seriesOf makes the time series of a loaded file, which must give its
// snapshot times.
func seriesOf(path string, ds *data.Dataset, fields []*piv.Field) (*piv.Series, error) {
	if len(ds.T) != len(fields) {
		return nil, fmt.Errorf("%s: temporal reconstruction needs the snapshot times, and the file gives %d for %d snapshots", path, len(ds.T), len(fields))
	}
	return &piv.Series{T: ds.T, Frames: fields}, nil
}

// selfScorable reports whether every snapshot the holdout removes still holds
// vectors to score against.
func selfScorable(s *piv.Series, keepEvery int) bool {
	any := false
	for k, f := range s.Frames {
		if k%keepEvery != 0 {
			if f.NumValid() == 0 {
				return false
			}
			any = true
		}
	}
	return any
}

// temporalScore is one reconstructed snapshot's score, beside linear
// interpolation's (and, for mfn, its base's).
type temporalScore struct {
	Index     int     `json:"index"`
	T         float64 `json:"t"`
	Rec       number  `json:"rec"`
	LinearRec number  `json:"linear_rec"`
	NRMSE     number  `json:"nrmse"`
	LinearNR  number  `json:"linear_nrmse"`
	BaseRec   *number `json:"base_rec,omitempty"`
	AdvectRec *number `json:"advect_rec,omitempty"`
}

type temporalSummary struct {
	Snapshots     []temporalScore `json:"snapshots"`
	MeanRec       number          `json:"mean_rec"`
	LinearMeanRec number          `json:"linear_mean_rec"`
	Base          string          `json:"base,omitempty"`
	BaseMeanRec   *number         `json:"base_mean_rec,omitempty"`
	AdvectMeanRec *number         `json:"advect_mean_rec,omitempty"`
	Fit           *temporalFitRec `json:"fit,omitempty"`
}

// temporalFitRec is the mfn method's training, as reported.
type temporalFitRec struct {
	Backend        string  `json:"backend"`
	Steps          int     `json:"steps"`
	Seconds        float64 `json:"seconds"`
	FirstPhysics   number  `json:"first_physics"`
	LastPhysics    number  `json:"last_physics"`
	LastData       number  `json:"last_data"`
	LastDivergence number  `json:"last_divergence"`
}

func temporalScores(res *engine.TemporalResult, base string) temporalSummary {
	s := temporalSummary{MeanRec: number(res.MeanRec), LinearMeanRec: number(res.LinearMeanRec)}
	if res.Base != nil {
		b := number(res.BaseMeanRec)
		s.Base, s.BaseMeanRec = base, &b
	}
	if res.Advect != nil {
		a := number(res.AdvectMeanRec)
		s.AdvectMeanRec = &a
	}
	if f := res.Fit; f != nil {
		s.Fit = &temporalFitRec{Backend: f.Backend, Steps: f.Steps, Seconds: f.Seconds, FirstPhysics: number(f.First.Physics),
			LastPhysics: number(f.Last.Physics), LastData: number(f.Last.Data), LastDivergence: number(f.Last.Divergence)}
	}
	for k, m := range res.Metrics {
		if m == nil {
			continue
		}
		l := res.Linear[k]
		r := temporalScore{Index: k, T: res.Series.T[k], Rec: number(m.Rec), LinearRec: number(l.Rec), NRMSE: number(m.NRMSE), LinearNR: number(l.NRMSE)}
		if res.Base != nil && res.Base[k] != nil {
			b := number(res.Base[k].Rec)
			r.BaseRec = &b
		}
		if res.Advect != nil && res.Advect[k] != nil {
			a := number(res.Advect[k].Rec)
			r.AdvectRec = &a
		}
		s.Snapshots = append(s.Snapshots, r)
	}
	return s
}

func printTemporalScores(e *env, method string, s temporalSummary) {
	w := e.stdout
	baseCol := func(b *number) string {
		if b == nil {
			return ""
		}
		return fmt.Sprintf(" %12.4g", float64(*b))
	}
	// mfn shows its base (when not linear, the last column already) and
	// the advection reconstruction (when not its base).
	base, advect := s.BaseMeanRec != nil && s.Base != "linear", s.AdvectMeanRec != nil && s.Base != "advect"
	head := ""
	if base {
		head += fmt.Sprintf(" %12s", s.Base+" base")
	}
	if advect {
		head += fmt.Sprintf(" %12s", "advect rec")
	}
	extra := func(b, a *number) string {
		out := ""
		if base {
			out += baseCol(b)
		}
		if advect {
			out += baseCol(a)
		}
		return out
	}
	fmt.Fprintf(w, "%6s %10s %12s%s %12s %8s\n", "index", "t", method+" rec", head, "linear rec", "ratio")
	for _, r := range s.Snapshots {
		fmt.Fprintf(w, "%6d %10.4g %12.4g%s %12.4g %8.1f\n", r.Index, r.T, float64(r.Rec), extra(r.BaseRec, r.AdvectRec), float64(r.LinearRec), float64(r.LinearRec)/float64(r.Rec))
	}
	fmt.Fprintf(w, "%6s %10s %12.4g%s %12.4g %8.1f\n", "mean", "", float64(s.MeanRec), extra(s.BaseMeanRec, s.AdvectMeanRec), float64(s.LinearMeanRec), float64(s.LinearMeanRec)/float64(s.MeanRec))
}

// viscosityAttr takes the residual's viscosity from the file's "viscosity"
// attribute when -viscosity is not given, and its other dissipation and
// forcing terms from those `pivsr gen` writes (hyperviscosity,
// hyperviscosity_order, drag, forcing_amplitude, forcing_wavenumber). A
// forcing the file names but does not give as a Kolmogorov amplitude and
// wavenumber cannot enter the residual: an error, as a residual wrong by
// construction pulls the field wrong.
func viscosityAttr(fs *flag.FlagSet, ds *data.Dataset, cfg *engine.TemporalConfig) error {
	num := func(name string, dst *float64) error {
		a, ok := ds.Attrs[name]
		if !ok {
			return nil
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(a), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || (name != "forcing_amplitude" && v < 0) {
			return fmt.Errorf("attribute %s = %q: want a finite number >= 0", name, a)
		}
		*dst = v
		return nil
	}
	if !flagSet(fs, "viscosity") {
		if err := num("viscosity", &cfg.Viscosity); err != nil {
			return fmt.Errorf("%w (or give -viscosity)", err)
		}
	}
	d := &cfg.Dissipation
	var order, wavenumber float64
	if err := firstErr(num("hyperviscosity", &d.Hyperviscosity), num("hyperviscosity_order", &order), num("drag", &d.Drag),
		num("forcing_amplitude", &d.ForcingAmplitude), num("forcing_wavenumber", &wavenumber)); err != nil {
		return err
	}
	d.HyperOrder, d.ForcingWavenumber = int(order), int(wavenumber)
	if _, named := ds.Attrs["forcing"]; named && d.ForcingAmplitude == 0 && cfg.Method == "mfn" && cfg.Neural.PhysicsWeight > 0 {
		return fmt.Errorf("attribute forcing = %q has no forcing_amplitude and forcing_wavenumber: the mfn residual cannot hold it (use -physics-weight 0)", ds.Attrs["forcing"])
	}
	return d.Check()
}

// flagSet reports whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// termsLine formats a training step's loss terms.
func termsLine(terms []engine.Term) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %.4g", t.Name, t.Value)
	}
	return b.String()
}
