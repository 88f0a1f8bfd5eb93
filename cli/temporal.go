package cli

import (
	"encoding/json"
	"fmt"

	"pivsr/data"
	"pivsr/engine"
	"pivsr/piv"
)

func init() {
	register(command{name: "temporal", summary: "reconstruct missing snapshots of a time series (advection or linear in time)", run: runTemporal})
}

func runTemporal(e *env, args []string) error {
	fs := newFlags(e, "temporal", "SERIES -o OUTPUT", `
Reconstruct the snapshots a time series lacks: all but every N-th one
(-holdout-every N; 2 holds out every other snapshot) and any without a valid
vector. The default method, advect, takes the kept snapshots' vorticity
forward and backward in time by the 2D Euler equations on the periodic box
and blends them; linear is linear interpolation in time. Kept snapshots with
missing vectors are first filled in space (-spatial). The reconstructed
snapshots are scored against -truth (a series of the same times and grid),
or, without it, against the input's own held-out snapshots when they hold
vectors, beside linear interpolation of the same kept snapshots.`)
	cfg := engine.DefaultTemporalConfig()
	var in inputFlags
	var out outputFlags
	in.register(fs)
	out.register(fs)
	fs.StringVar(&cfg.Method, "method", cfg.Method, "advect (periodic fields) or linear")
	fs.IntVar(&cfg.KeepEvery, "holdout-every", cfg.KeepEvery, "keep snapshots 0, N, 2N, ... and reconstruct the others (1: only empty ones)")
	fs.Float64Var(&cfg.Viscosity, "viscosity", cfg.Viscosity, "viscosity nu of the advection (0: inviscid)")
	fs.Float64Var(&cfg.CFL, "cfl", cfg.CFL, "CFL number of the advection's time steps")
	fs.IntVar(&cfg.Assimilate, "assimilate", cfg.Assimilate, "passes refining sparse kept snapshots with their advected neighbours (helps when vectors are much sparser than the flow's scales)")
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
		if s, ok := ev.(engine.Started); ok {
			e.logf("%s on %dx%d: %s", s.Method, s.Target.NX(), s.Target.NY(), s.Note)
		}
	})
	if sig, hit := stop(); hit {
		return interruptError{sig: sig, err: fmt.Errorf("%s: nothing written: %w", out.path, err)}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	scores := temporalScores(res)
	if truth != nil {
		if *asJSON {
			if err := printJSON(e.stdout, scores); err != nil {
				return err
			}
		} else {
			printTemporalScores(e, cfg.Method, scores)
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
// interpolation's.
type temporalScore struct {
	Index     int     `json:"index"`
	T         float64 `json:"t"`
	Rec       number  `json:"rec"`
	LinearRec number  `json:"linear_rec"`
	NRMSE     number  `json:"nrmse"`
	LinearNR  number  `json:"linear_nrmse"`
}

type temporalSummary struct {
	Snapshots     []temporalScore `json:"snapshots"`
	MeanRec       number          `json:"mean_rec"`
	LinearMeanRec number          `json:"linear_mean_rec"`
}

func temporalScores(res *engine.TemporalResult) temporalSummary {
	s := temporalSummary{MeanRec: number(res.MeanRec), LinearMeanRec: number(res.LinearMeanRec)}
	for k, m := range res.Metrics {
		if m == nil {
			continue
		}
		l := res.Linear[k]
		s.Snapshots = append(s.Snapshots, temporalScore{Index: k, T: res.Series.T[k], Rec: number(m.Rec), LinearRec: number(l.Rec), NRMSE: number(m.NRMSE), LinearNR: number(l.NRMSE)})
	}
	return s
}

func printTemporalScores(e *env, method string, s temporalSummary) {
	w := e.stdout
	fmt.Fprintf(w, "%6s %10s %12s %12s %8s\n", "index", "t", method+" rec", "linear rec", "ratio")
	for _, r := range s.Snapshots {
		fmt.Fprintf(w, "%6d %10.4g %12.4g %12.4g %8.1f\n", r.Index, r.T, float64(r.Rec), float64(r.LinearRec), float64(r.LinearRec)/float64(r.Rec))
	}
	fmt.Fprintf(w, "%6s %10s %12.4g %12.4g %8.1f\n", "mean", "", float64(s.MeanRec), float64(s.LinearMeanRec), float64(s.LinearMeanRec)/float64(s.MeanRec))
}
