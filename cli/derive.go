package cli

import (
	"fmt"
	"io"
	"math"

	"pivsr/data"
	"pivsr/piv"
)

func init() {
	register(command{name: "derive", summary: "derive vorticity, divergence, speed and Q-criterion; summarise them", run: runDerive})
}

// derivedSummary is what `pivsr derive` prints for one snapshot.
type derivedSummary struct {
	Snapshot              int    `json:"snapshot"`
	Valid                 int    `json:"valid"`
	RMSVorticity          number `json:"rms_vorticity"`
	RMSDivergence         number `json:"rms_divergence"`
	DivergenceToVorticity number `json:"rms_div_over_rms_vort"`
	MeanEnergy            number `json:"mean_energy"`
	SpectralSlope         number `json:"spectral_slope,omitempty"`
	SlopeRange            [2]int `json:"slope_range,omitempty"`
}

func runDerive(e *env, args []string) error {
	fs := newFlags(e, "derive", "INPUT [-o OUTPUT]", `
Compute the velocity-gradient quantities of a grid field by second-order
differences (central inside, one-sided at edges and next to missing vectors):
vorticity dv/dx - du/dy, divergence du/dx + dv/dy, speed and the Q-criterion.
Print a summary per snapshot (rms vorticity and divergence, their ratio, mean
kinetic energy, the fitted slope of the energy spectrum) and, with -o, write
them beside u and v into an HDF5 file.`)
	var in inputFlags
	var out outputFlags
	in.register(fs)
	out.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per snapshot")
	kmin := fs.Int("kmin", 0, "first shell of the spectral-slope fit (default: nx/32, at least 3)")
	kmax := fs.Int("kmax", 0, "last shell of the spectral-slope fit (default: nx/6)")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	ds, fields, err := in.loadGrid(pos[0], "derive")
	if err != nil {
		return err
	}
	res := &data.Dataset{Fields: fields, T: ds.T, Units: ds.Units, Attrs: map[string]string{}, Extra: map[string][][]float64{}}
	for t, f := range fields {
		g, err := piv.Gradients(nil, f)
		if err != nil {
			return fmt.Errorf("%s: snapshot %d: %w", pos[0], t, err)
		}
		speed, err := piv.Speed(nil, f)
		if err != nil {
			return fmt.Errorf("%s: snapshot %d: %w", pos[0], t, err)
		}
		vort, div := g.Vorticity(nil), g.Divergence(nil)
		res.Extra["vorticity"] = append(res.Extra["vorticity"], vort)
		res.Extra["divergence"] = append(res.Extra["divergence"], div)
		res.Extra["speed"] = append(res.Extra["speed"], speed)
		res.Extra["q_criterion"] = append(res.Extra["q_criterion"], g.QCriterion(nil))
		s := summarize(f, vort, div, *kmin, *kmax)
		s.Snapshot = t
		if *asJSON {
			if err := printJSON(e.stdout, s); err != nil {
				return err
			}
		} else {
			printDerived(e.stdout, s, ds.Units)
		}
	}
	if out.path == "" {
		return nil
	}
	return e.save(out, res, pos[0])
}

// summarize gathers the figures derive prints for one field, given its
// vorticity and divergence.
func summarize(f *piv.Field, vort, div []float64, kmin, kmax int) derivedSummary {
	s := derivedSummary{Valid: f.NumValid(), RMSVorticity: number(rms(vort)), RMSDivergence: number(rms(div)), MeanEnergy: number(meanEnergy(f))}
	s.DivergenceToVorticity = s.RMSDivergence / s.RMSVorticity
	if f.IsUniform(1e-3) {
		slope, r := spectralSlope(f, kmin, kmax)
		s.SpectralSlope, s.SlopeRange = number(slope), r
	}
	return s
}

// spectralSlope fits E(k) ~ k^slope; NaN-free figures only (0 when the fit fails).
func spectralSlope(f *piv.Field, kmin, kmax int) (float64, [2]int) {
	n := min(f.NX(), f.NY())
	if kmin == 0 {
		kmin = max(3, n/32)
	}
	if kmax == 0 {
		kmax = n / 6
	}
	e, err := piv.EnergySpectrum(nil, f)
	if err != nil || kmax >= len(e) || kmax <= kmin {
		return 0, [2]int{}
	}
	slope, err := piv.SpectralSlope(e, kmin, kmax)
	if err != nil {
		return 0, [2]int{}
	}
	return slope, [2]int{kmin, kmax}
}

func printDerived(w io.Writer, s derivedSummary, u piv.Units) {
	fmt.Fprintf(w, "snapshot %d: %d valid vectors\n", s.Snapshot, s.Valid)
	fmt.Fprintf(w, "  rms vorticity            %.6g\n", float64(s.RMSVorticity))
	fmt.Fprintf(w, "  rms divergence           %.6g\n", float64(s.RMSDivergence))
	fmt.Fprintf(w, "  rms(div) / rms(vort)     %.4g\n", float64(s.DivergenceToVorticity))
	fmt.Fprintf(w, "  mean kinetic energy      %.6g%s\n", float64(s.MeanEnergy), squared(u.Velocity))
	if s.SlopeRange != [2]int{} {
		fmt.Fprintf(w, "  spectral slope E(k)~k^s  %.3f (shells %d..%d)\n", float64(s.SpectralSlope), s.SlopeRange[0], s.SlopeRange[1])
	}
}

// squared formats the unit of a squared velocity: " [(m/s)^2]", or nothing
// when the velocity is unitless or its unit unknown.
func squared(unit string) string {
	if unit == "" || unit == "1" {
		return ""
	}
	return " [(" + unit + ")^2]"
}

// rms is the root mean square of the finite values.
func rms(x []float64) float64 {
	var s float64
	n := 0
	for _, v := range x {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			s += v * v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return math.Sqrt(s / float64(n))
}

func meanEnergy(f *piv.Field) float64 {
	var s float64
	n := 0
	for k := range f.U {
		if f.Valid(k) {
			s += 0.5 * (f.U[k]*f.U[k] + f.V[k]*f.V[k])
			n++
		}
	}
	return s / float64(max(n, 1))
}
