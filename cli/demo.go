package cli

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"text/tabwriter"
	"time"

	"pivsr/data"
	"pivsr/engine"
	"pivsr/figures"
	"pivsr/piv"
	"pivsr/tui"
)

func init() {
	register(command{name: "demo", summary: "the whole story on a generated DNS field (the README's first command)", run: runDemo})
}

func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", "[-o DIR]", `
Run pivsr end to end on a built-in default: generate a 2D turbulence DNS
snapshot (with plain viscosity, on a grid twice as fine, every second node
kept: its spectrum holds energy up to the grid's Nyquist wavenumber, as a
measured field's does; -coarse does not apply), measure it as PIV would
(noise and spurious vectors), validate the measurement with the normalised
median test, decimate it to every 8th vector (the sparse input
super-resolution starts from), derive vorticity, divergence and spectra, and
score each stage against the truth. The fields are written to DIR, the
demo's own folder, whose files each run replaces.`)
	var g genFlags
	var tf trainFlags
	g.register(fs)
	tf.register(fs)
	dir := fs.String("o", "pivsr-demo", "folder for the demo's files")
	every := fs.Int("every", 8, "keep every k-th vector in each direction for the sparse input")
	noise := fs.Float64("noise-rel", 0.02, "measurement noise, relative to the rms speed")
	outliers := fs.Float64("outliers", 0.01, "fraction of spurious vectors in the measurement")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := firstErr(g.check(), tf.check(), checkSparsify(*every, 0, 0, 0, 0, *noise, *outliers, 1)); err != nil {
		return err
	}
	tf.cfg.Seed = g.seed
	if g.frames != 1 {
		return usagef("the demo works on one snapshot (-frames 1)")
	}
	if (g.flow == "turbulence" || g.flow == "forced") && g.n > 2048 {
		return usagef("-n %d: the demo runs its DNS on a grid twice as fine; want at most 2048", g.n)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fmt.Errorf("demo folder: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	w := e.stdout

	fmt.Fprintf(w, "1. Ground truth: %s, %d x %d\n", g.flow, g.n, g.n)
	start := time.Now()
	truthDS, note, err := demoTruth(ctx, g, e.logf)
	if err != nil {
		return err
	}
	truth := truthDS.Fields[0]
	fmt.Fprintf(w, "   generated in %.1f s%s\n", time.Since(start).Seconds(), note)
	if err := e.printSummary(truth); err != nil {
		return err
	}

	fmt.Fprintf(w, "\n2. PIV measurement: noise %.0f%% of the rms speed, %.1f%% spurious vectors, then the normalised median test\n", 100**noise, 100**outliers)
	measured, err := piv.AddRelativeNoise(truth, *noise, g.seed)
	if err != nil {
		return err
	}
	measured, spurious, err := piv.AddOutliers(measured, *outliers, 1, g.seed)
	if err != nil {
		return err
	}
	validated := measured.Clone()
	v := piv.DefaultValidator()
	v.Test.Epsilon = medianTestEpsilon(-1, validated)
	rep, err := v.Validate(validated)
	if err != nil {
		return err
	}
	caught, falseAlarms, planted := 0, 0, 0
	for k := range spurious {
		if spurious[k] {
			planted++
		}
		switch {
		case rep.Rejected[k] && spurious[k]:
			caught++
		case rep.Rejected[k]:
			falseAlarms++
		}
	}
	fmt.Fprintf(w, "   median test caught %d of %d spurious vectors, rejected %d good ones, replaced %d\n", caught, planted, falseAlarms, rep.NumFilled)

	fmt.Fprintf(w, "\n3. Sparse input: one vector in %d of the truth along each direction\n", *every)
	sparse, err := piv.KeepEvery(truth, *every, 0, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %d of %d vectors kept (%.2f%%)\n", sparse.NumValid(), sparse.Len(), 100*float64(sparse.NumValid())/float64(sparse.Len()))

	fmt.Fprintf(w, "\n4. Reconstructions of the full grid from the sparse input\n")
	recs, err := e.demoReconstructions(ctx, tf, sparse, truth)
	if err != nil {
		return err
	}
	pngs, err := demoFigures(*dir, truth, recs)
	if err != nil {
		return err
	}

	fmt.Fprintf(w, "\n5. Scores against the truth (velocities divided by the truth's max |component|)\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "   field\tscored\trec\tangle (deg)\tdiv/vort\tspectrum err")
	for _, row := range []struct {
		name string
		f    *piv.Field
		opt  piv.MetricOptions
	}{
		{"measured", measured, piv.MetricOptions{}},
		{"validated", validated, piv.MetricOptions{}},
		{"sparse (where valid)", sparse, piv.MetricOptions{Holdout: validMask(sparse)}},
	} {
		m, err := piv.Evaluate(row.f, truth, row.opt)
		if err != nil {
			return fmt.Errorf("scoring the %s field: %w", row.name, err)
		}
		fmt.Fprintf(tw, "   %s\t%d\t%s\t%s\t%s\t%s\n", row.name, m.Scored, num(m.Rec), num(m.AngularErrorDeg), num(m.DivergenceToVorticity), num(m.SpectrumLogError))
	}
	tw.Flush()

	fmt.Fprintf(w, "\n6. Files in %s\n", *dir)
	out := outputFlags{force: true, float32: false}
	for _, file := range []struct {
		name string
		f    *piv.Field
	}{{"truth.h5", truth}, {"measured.h5", measured}, {"validated.h5", validated}, {"sparse.h5", sparse}, {"mfn.h5", recs.mfn}} {
		out.path = filepath.Join(*dir, file.name)
		ds := &data.Dataset{Fields: []*piv.Field{file.f}, Units: truthDS.Units, Attrs: truthDS.Attrs}
		if err := e.save(out, ds); err != nil {
			return err
		}
		fmt.Fprintf(w, "   %s\n", out.path)
	}
	for _, p := range pngs {
		fmt.Fprintf(w, "   %s\n", p)
	}
	fmt.Fprintf(w, "\nNext: pivsr info %s; pivsr eval %s %s\n", filepath.Join(*dir, "sparse.h5"), filepath.Join(*dir, "validated.h5"), filepath.Join(*dir, "truth.h5"))
	return nil
}

// demoViscosity is the viscosity of the demo's DNS on an n^2 truth: 3e-4 for
// 256^2 (run on 512^2, a dissipation range resolved up to the truth's
// Nyquist wavenumber), scaled as n^-2 to keep the dissipation wavenumber,
// which goes as nu^(-1/2), at the same share of the grid's band.
func demoViscosity(n int) float64 { return 3e-4 * math.Pow(256/float64(n), 2) }

// demoTruth generates the demo's ground truth. A DNS flow runs with plain
// viscosity on a grid twice as fine (started on the truth's grid), and every
// second node is kept: the truth then holds energy in every shell of its
// spectrum, as measured turbulence does. The generator's default
// hyperviscosity leaves nothing beyond about two thirds of the band, which
// makes a spectrum error there meaningless (every method scores about 250).
// note says so, for the report.
func demoTruth(ctx context.Context, g genFlags, log func(string, ...any)) (ds *data.Dataset, note string, err error) {
	if g.flow != "turbulence" && g.flow != "forced" {
		ds, err = g.generate(ctx, log)
		return ds, "", err
	}
	fine := g
	// Started on the truth's grid where it resolves the initial spectrum.
	fine.n, fine.coarse, fine.viscosity = 2*g.n, g.n >= 64, demoViscosity(g.n)
	if ds, err = fine.generate(ctx, log); err != nil {
		return nil, "", err
	}
	for i, f := range ds.Fields {
		if ds.Fields[i], err = piv.Subsample(f, 2); err != nil {
			return nil, "", err
		}
	}
	ds.Attrs["dns"] += fmt.Sprintf(", viscosity %.3g, every second node kept", fine.viscosity)
	return ds, fmt.Sprintf(" (a %d^2 viscous DNS, every second node kept)", fine.n), nil
}

// printSummary prints a field's derived quantities as derive does.
func (e *env) printSummary(f *piv.Field) error {
	g, err := piv.Gradients(nil, f)
	if err != nil {
		return err
	}
	printDerived(e.stdout, summarize(f, g.Vorticity(nil), g.Divergence(nil), 0, 0), f.Units)
	return nil
}

// demoRun is what the demo keeps of the reconstructions: each method's
// field, and the neural field's loss terms by step.
type demoRun struct {
	names  []string
	fields []*piv.Field
	mfn    *piv.Field
	steps  []float64
	terms  map[string][]float64
}

// demoReconstructions runs the classical methods and the neural field on the
// sparse input and prints a table.
func (e *env) demoReconstructions(ctx context.Context, tf trainFlags, sparse, truth *piv.Field) (*demoRun, error) {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "   method\trec\tangle (deg)\tdiv/vort\tspectrum err\tinterior rec\ttime")
	run := &demoRun{terms: map[string][]float64{}}
	for _, method := range []string{"bicubic", "tps", "spectral", "mfn"} {
		cfg := tf.cfg
		cfg.Method = method
		var name string
		res, err := engine.Run(ctx, cfg, sparse, truth, func(ev engine.Event) {
			switch ev := ev.(type) {
			case engine.Started:
				name = ev.Method
				if method == "mfn" {
					e.logf("%s; %s", ev.Backend, ev.Note)
				}
			case engine.Progress:
				run.steps = append(run.steps, float64(ev.Step))
				for _, t := range ev.Terms {
					run.terms[t.Name] = append(run.terms[t.Name], t.Value)
				}
			}
		})
		if err != nil {
			if method == "spectral" && cfg.Boundary != "periodic" {
				continue // the field is not periodic: no spectral interpolation
			}
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		m, in := res.Metrics, res.Interior
		fmt.Fprintf(tw, "   %s\t%s\t%s\t%s\t%s\t%s\t%.2f s\n", name, num(m.Rec), num(m.AngularErrorDeg), num(m.DivergenceToVorticity),
			num(m.SpectrumLogError), num(in.Rec), res.Elapsed.Seconds())
		run.names = append(run.names, name)
		run.fields = append(run.fields, res.Field)
		if method == "mfn" {
			run.mfn = res.Field
		}
	}
	return run, tw.Flush()
}

// demoFigures writes the spectra of the truth and every reconstruction, and
// the neural field's loss curves, into dir.
func demoFigures(dir string, truth *piv.Field, run *demoRun) ([]string, error) {
	et, err := piv.EnergySpectrum(nil, truth)
	if err != nil {
		return nil, err
	}
	curves := []figures.Curve{figures.Spectrum("truth", et)}
	for i, f := range run.fields {
		e, err := piv.EnergySpectrum(nil, f)
		if err != nil {
			return nil, err
		}
		curves = append(curves, figures.Spectrum(run.names[i], e))
	}
	spectra := filepath.Join(dir, "spectra.png")
	if err := figures.LogLog(spectra, "Energy spectra", "shell k", "E(k)", curves...); err != nil {
		return nil, err
	}
	written := []string{spectra}
	maps, err := demoFieldMaps(dir, truth, run.mfn)
	if err != nil {
		return nil, err
	}
	written = append(written, maps...)
	if len(run.steps) > 0 {
		var loss []figures.Curve
		for _, name := range []string{"data", "divergence", "structure", "total"} {
			if v := run.terms[name]; len(v) == len(run.steps) {
				loss = append(loss, figures.Curve{Name: name, X: run.steps, Y: v})
			}
		}
		losses := filepath.Join(dir, "losses.png")
		if err := figures.SemiLogY(losses, "Neural field training", "step", "loss term", loss...); err != nil {
			return nil, err
		}
		written = append(written, losses)
	}
	return written, nil
}

// demoFieldMaps draws the vorticity of the truth and of the neural field on
// one colour scale, and the neural field's velocity error, as PNG heatmaps
// (the workstation's export).
func demoFieldMaps(dir string, truth, mfn *piv.Field) ([]string, error) {
	if mfn == nil {
		return nil, nil
	}
	vt, err := piv.Vorticity(nil, truth)
	if err != nil {
		return nil, err
	}
	vm, err := piv.Vorticity(nil, mfn)
	if err != nil {
		return nil, err
	}
	errMag := make([]float64, truth.Len())
	for k := range errMag {
		errMag[k] = math.Hypot(mfn.U[k]-truth.U[k], mfn.V[k]-truth.V[k])
	}
	g := truth.Grid
	full := tui.Window{X0: 0, X1: float64(g.NX()), D0: 0, D1: float64(g.NY())}
	xl, yl := "x"+unit(truth.Units.Length), "y"+unit(truth.Units.Length)
	vort := tui.ClippedScaleOf(true, vt)
	jobs := []struct {
		name string
		job  tui.PNGJob
	}{
		{"vorticity_truth.png", tui.PNGJob{Title: "vorticity, truth", Values: vt, Scale: vort, Map: tui.RdBu}},
		{"vorticity_mfn.png", tui.PNGJob{Title: "vorticity, mfn", Values: vm, Scale: vort, Map: tui.RdBu}},
		{"error_mfn.png", tui.PNGJob{Title: "|velocity error|, mfn", Values: errMag, Scale: tui.ScaleOf(false, errMag), Map: tui.Viridis}},
	}
	var written []string
	for _, j := range jobs {
		j.job.Grid, j.job.Window, j.job.XLabel, j.job.YLabel = g, full, xl, yl
		path := filepath.Join(dir, j.name)
		if err := data.WriteAtomic(path, true, nil, j.job.WritePNG); err != nil {
			return nil, err
		}
		written = append(written, path)
	}
	return written, nil
}
