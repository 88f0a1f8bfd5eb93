package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"pivsr/piv"
)

func init() {
	register(command{name: "eval", summary: "score a field against a ground truth (rec, NRMSE, angular error, divergence, spectrum)", run: runEval})
}

// evalResult is one row of `pivsr eval`: the metrics over one region.
type evalResult struct {
	Snapshot int    `json:"snapshot"`
	Region   string `json:"region"` // "full", "interior" or "valid"
	Border   int    `json:"border"`
	metricsRow
}

// metricsRow is piv.Metrics as JSON (NaN as null).
type metricsRow struct {
	Scored   int    `json:"scored"`
	Scale    number `json:"scale"`
	Rec      number `json:"rec"`
	NRMSE    number `json:"nrmse"`
	AngleDeg number `json:"angular_error_deg"`
	MeanDiv  number `json:"mean_abs_div"`
	DivVort  number `json:"rms_div_over_rms_vort"`
	SpecErr  number `json:"spectrum_log_error"`
}

func metricsJSON(m *piv.Metrics) metricsRow {
	return metricsRow{Scored: m.Scored, Scale: number(m.Scale), Rec: number(m.Rec), NRMSE: number(m.NRMSE), AngleDeg: number(m.AngularErrorDeg),
		MeanDiv: number(m.MeanAbsDivergence), DivVort: number(m.DivergenceToVorticity), SpecErr: number(m.SpectrumLogError)}
}

func runEval(e *env, args []string) error {
	fs := newFlags(e, "eval", "ESTIMATE TRUTH", `
Compare an estimated field with a ground truth on the same grid. Velocities
of both are divided by the truth's largest |u| or |v| first. Reported:
rec (mean squared error per component), NRMSE, angular error (degrees),
mean |div| and rms(div)/rms(vorticity) of the estimate, and the spectrum log
error (mean over shells of (ln E_est - ln E_truth)^2). Figures are given on
the full grid and on the interior (a -border of nodes dropped on each side).
An estimate with missing vectors (a sparse input) is scored only where it is
valid, on the data terms alone, with -where-valid.`)
	var in inputFlags
	in.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per row")
	border := fs.Int("border", 8, "nodes dropped on each side for the interior figures (0: full grid only)")
	whereValid := fs.Bool("where-valid", false, "score only where the estimate is valid (data terms only)")
	pos, err := parse(fs, args, 2, 2)
	if err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	if *border < 0 {
		return usagef("-border %d: want 0 or more nodes", *border)
	}
	_, est, err := in.loadGrid(pos[0], "eval")
	if err != nil {
		return err
	}
	_, truth, err := in.loadGrid(pos[1], "eval")
	if err != nil {
		return err
	}
	if len(est) != len(truth) && len(truth) != 1 {
		return fmt.Errorf("%s holds %d snapshots but %s holds %d: want as many, or one truth for all", pos[0], len(est), pos[1], len(truth))
	}
	var rows []evalResult
	for t, f := range est {
		if n := f.Len() - f.NumValid(); n > 0 && !*whereValid {
			return fmt.Errorf("%s: snapshot %d misses %d of %d vectors, so it cannot be scored on the full grid; score a sparse field with -where-valid", pos[0], t, n, f.Len())
		}
		tr := truth[min(t, len(truth)-1)]
		regions := []region{{"full", piv.MetricOptions{}}}
		if *whereValid {
			regions = []region{{"valid", piv.MetricOptions{Holdout: validMask(f)}}}
		} else if *border > 0 {
			regions = append(regions, region{"interior", piv.MetricOptions{Border: *border}})
		}
		for _, r := range regions {
			m, err := piv.Evaluate(f, tr, r.opt)
			if err != nil {
				return fmt.Errorf("%s against %s, snapshot %d: %w", pos[0], pos[1], t, err)
			}
			rows = append(rows, evalResult{Snapshot: t, Region: r.name, Border: r.opt.Border, metricsRow: metricsJSON(m)})
		}
	}
	if *asJSON {
		return printJSONLines(e.stdout, rows)
	}
	printEval(e.stdout, rows)
	return nil
}

// region names a subset of the grid that eval scores.
type region struct {
	name string
	opt  piv.MetricOptions
}

func validMask(f *piv.Field) []bool {
	m := make([]bool, f.Len())
	for k := range m {
		m[k] = f.Valid(k)
	}
	return m
}

func printEval(w io.Writer, rows []evalResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "snapshot\tregion\tscored\trec\tNRMSE\tangle (deg)\tmean |div|\tdiv/vort\tspectrum err")
	for _, r := range rows {
		region := r.Region
		if r.Border > 0 {
			region = fmt.Sprintf("%s (border %d)", r.Region, r.Border)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Snapshot, region, r.Scored,
			num(r.Rec), num(r.NRMSE), num(r.AngleDeg), num(r.MeanDiv), num(r.DivVort), num(r.SpecErr))
	}
	tw.Flush()
}

// num formats a figure for a table: four significant digits, "n/a" when it
// could not be computed.
func num[F ~float64](v F) string {
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", float64(v))
}

// number is a float64 that JSON writes as null when it is NaN or infinite
// (a figure that could not be computed), which encoding/json refuses.
type number float64

func (n number) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
}

// printJSONLines writes each row as one line of JSON.
func printJSONLines[T any](w io.Writer, rows []T) error {
	for _, r := range rows {
		if err := printJSON(w, r); err != nil {
			return err
		}
	}
	return nil
}

// printJSON writes v as one line of JSON.
func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}
