package cli

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"pivsr/data"
	"pivsr/piv"
	"pivsr/transport"
)

// flowKind is one of the particle flows of `pivsr ot flow`.
type flowKind struct {
	name string
	dim  int     // the particles' dimension
	tau  float64 // the default time step
}

var flowKinds = map[string]flowKind{
	"fokker-planck": {"fokker-planck", 2, 0.2},
	"aggregation":   {"aggregation", 2, 0.5},
	"sphere":        {"sphere", 3, 0.5},
}

// flowRow is one step of `pivsr ot flow`: the energy F (Euclidean flows)
// or the SSW_2^2 to the uniform law (sphere), the RMS displacement of the
// step, and a size: the RMS distance to the centre of mass (fokker-planck,
// sqrt(2) for N(0, I)), the mean distance to it (aggregation, 1/sqrt(3) at
// the ring), or the length of the mean point (sphere, 0 when uniform).
type flowRow struct {
	Step   int     `json:"step"`
	Time   float64 `json:"time"`
	Energy number  `json:"energy,omitempty"`
	SSW2   number  `json:"ssw2,omitempty"`
	Moved  number  `json:"moved"`
	Size   number  `json:"size"`
}

func runOTFlow(e *env, args []string) error {
	fs := newFlags(e, "ot flow", "", `
Run a sliced-Wasserstein gradient flow of particles (Bonet et al.) and print
one row per step.
  fokker-planck  particles of N((2, 2), 0.25 I) in the plane follow the JKO
                 scheme of F = integral |x|^2/2 + entropy (kernel density
                 estimate) in SW_2: they tend to N(0, I), F to
                 1 - log(2 pi e) = -1.838; size = RMS distance to the
                 centre (sqrt 2 for N(0, I)).
  aggregation    particles of N(0, I) under the interaction
                 W(z) = |z|^4/4 - |z|^2/2: they gather on a ring of radius
                 1/sqrt(3) = 0.577 around their centre of mass (size = mean
                 distance to the centre), F tends to -1/12.
  sphere         particles of a cap around the north pole of S^2 descend
                 SSW_2^2 to the uniform law (Riemannian gradient steps of
                 length -tau); size = |mean point| (0 when uniform).
-o writes the trajectory as a scattered time series (one snapshot per step,
t = step * tau): x, y the positions and u, v the velocity
(x_k - x_(k-1)) / tau (0 at step 0); for the sphere, x, y, z are the unit
vectors' coordinates, z and its velocity w stored as extra datasets.
-png draws the particles at four times (the sphere in the Lambert
equal-area view from the north pole, where the uniform law fills the disc
of radius 2 uniformly).`)
	kindName := fs.String("kind", "fokker-planck", "flow: fokker-planck, aggregation or sphere")
	n := fs.Int("n", 300, "number of particles")
	steps := fs.Int("steps", 30, "number of steps")
	tau := fs.Float64("tau", 0, "time step (0: 0.2 for fokker-planck, 0.5 otherwise)")
	slices := fs.Int("slices", 0, "projections per step (0: 32 directions, 64 great circles)")
	seed := fs.Uint64("seed", 1, "seed of the initial particles and of the projections")
	outPath := fs.String("o", "", "write the trajectory to this HDF5 file")
	force := fs.Bool("force", false, "replace the -o file if it exists")
	pngPath := fs.String("png", "", "draw the particles at four times to this PNG file")
	asJSON := fs.Bool("json", false, "print one JSON object per step")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	kind, ok := flowKinds[*kindName]
	if !ok {
		return usagef("-kind %q: want fokker-planck, aggregation or sphere", *kindName)
	}
	switch {
	case *n < 2 || *n > 20000:
		return usagef("-n %d: want 2 to 20000 particles", *n)
	case *steps < 0:
		return usagef("-steps %d: want steps >= 0", *steps)
	case *tau < 0 || math.IsNaN(*tau) || math.IsInf(*tau, 0):
		return usagef("-tau %v: want a finite time step > 0 (0: the default)", *tau)
	case *slices < 0:
		return usagef("-slices %d: want at least 1 (0: the default)", *slices)
	}
	if *pngPath != "" && !strings.EqualFold(filepath.Ext(*pngPath), ".png") {
		return usagef("-png %q: want a .png file", *pngPath)
	}
	if *tau == 0 {
		*tau = kind.tau
	}
	traj, rows, err := runParticleFlow(kind, *n, *steps, *tau, *slices, *seed)
	if err != nil {
		return fmt.Errorf("%s flow: %w", kind.name, err)
	}
	if *outPath != "" {
		if err := e.save(outputFlags{path: *outPath, force: *force}, trajectoryDataset(kind, traj, *tau)); err != nil {
			return err
		}
	}
	if *pngPath != "" {
		if err := plotTrajectory(*pngPath, kind, traj, *tau); err != nil {
			return fmt.Errorf("%s: %w", *pngPath, err)
		}
		e.logf("wrote %s", *pngPath)
	}
	if *asJSON {
		return printJSONLines(e.stdout, rows)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	value, size := "energy", "rms radius"
	switch kind.name {
	case "aggregation":
		size = "mean radius"
	case "sphere":
		value, size = "SSW_2^2 to uniform", "|mean|"
	}
	fmt.Fprintf(tw, "step\ttime\t%s\tmoved\t%s\n", value, size)
	for _, r := range rows {
		v := r.Energy
		if kind.name == "sphere" {
			v = r.SSW2
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Step, num(r.Time), num(v), num(r.Moved), num(r.Size))
	}
	return tw.Flush()
}

// runParticleFlow runs the flow and returns the particles at every step
// (copies) and the per-step rows.
func runParticleFlow(kind flowKind, n, steps int, tau float64, slices int, seed uint64) ([]*mat.Dense, []flowRow, error) {
	var traj []*mat.Dense
	var rows []flowRow
	err := transport.RunShowcase(kind.name, n, steps, tau, slices, seed, func(s transport.ShowcaseStep) error {
		traj = append(traj, mat.DenseCopyOf(s.X))
		row := flowRow{Step: s.Step, Time: s.Time, Moved: number(s.Moved)}
		switch kind.name {
		case "sphere":
			row.SSW2, row.Size = number(s.Value), number(meanLength(s.X))
		case "aggregation":
			_, mean := centreDistances(s.X)
			row.Energy, row.Size = number(s.Value), number(mean)
		default:
			rms, _ := centreDistances(s.X)
			row.Energy, row.Size = number(s.Value), number(rms)
		}
		rows = append(rows, row)
		return nil
	})
	return traj, rows, err
}

// centreDistances returns the RMS and the mean distance of the rows of x to
// their mean.
func centreDistances(x *mat.Dense) (rms, mean float64) {
	n, d := x.Dims()
	c := make([]float64, d)
	for i := range n {
		for k, v := range x.RawRowView(i) {
			c[k] += v / float64(n)
		}
	}
	for i := range n {
		r2 := 0.0
		for k, v := range x.RawRowView(i) {
			r2 += (v - c[k]) * (v - c[k])
		}
		rms += r2
		mean += math.Sqrt(r2)
	}
	return math.Sqrt(rms / float64(n)), mean / float64(n)
}

// meanLength is the length of the mean of the rows of x.
func meanLength(x *mat.Dense) float64 {
	n, d := x.Dims()
	c := make([]float64, d)
	for i := range n {
		for k, v := range x.RawRowView(i) {
			c[k] += v / float64(n)
		}
	}
	return math.Sqrt(mat.Dot(mat.NewVecDense(d, c), mat.NewVecDense(d, c)))
}

// trajectoryDataset lays the trajectory out as a scattered time series (see
// the command's help).
func trajectoryDataset(kind flowKind, traj []*mat.Dense, tau float64) *data.Dataset {
	ds := &data.Dataset{}
	if kind.dim == 3 {
		ds.Extra = map[string][][]float64{"z": nil, "w": nil}
	}
	for k, x := range traj {
		n, d := x.Dims()
		s := &piv.Scattered{X: make([]float64, n), Y: make([]float64, n), U: make([]float64, n), V: make([]float64, n)}
		z, w := make([]float64, n), make([]float64, n)
		comps := [][]float64{s.X, s.Y, z}
		vels := [][]float64{s.U, s.V, w}
		for i := range n {
			for c := range d {
				comps[c][i] = x.At(i, c)
				if k > 0 {
					vels[c][i] = (x.At(i, c) - traj[k-1].At(i, c)) / tau
				}
			}
		}
		ds.Points = append(ds.Points, s)
		ds.T = append(ds.T, float64(k)*tau)
		if d == 3 {
			ds.Extra["z"] = append(ds.Extra["z"], z)
			ds.Extra["w"] = append(ds.Extra["w"], w)
		}
	}
	return ds
}

// plotTrajectory draws the particles at four times of the trajectory.
func plotTrajectory(path string, kind flowKind, traj []*mat.Dense, tau float64) error {
	p := plot.New()
	p.Title.Text = "ot flow: " + kind.name
	p.X.Label.Text, p.Y.Label.Text = "x", "y"
	if kind.dim == 3 {
		p.X.Label.Text, p.Y.Label.Text = "Lambert X (from the north pole)", "Lambert Y"
	}
	last := len(traj) - 1
	picks := []int{0, last / 3, 2 * last / 3, last}
	for c, k := range picks {
		if c > 0 && k == picks[c-1] {
			continue
		}
		x := traj[k]
		n, _ := x.Dims()
		pts := make(plotter.XYs, n)
		for i := range n {
			row := x.RawRowView(i)
			pts[i].X, pts[i].Y = row[0], row[1]
			if kind.dim == 3 {
				pts[i].X, pts[i].Y = transport.LambertNorthPole(row[0], row[1], row[2])
			}
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle.Color = plotutil.Color(c)
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		sc.GlyphStyle.Radius = vg.Points(1.5)
		p.Add(sc)
		p.Legend.Add(fmt.Sprintf("t = %.3g", float64(k)*tau), sc)
	}
	if kind.dim == 3 {
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -2.05, 2.05, -2.05, 2.05 // the image of the sphere
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p.Save(14*vg.Centimeter, 14*vg.Centimeter, path)
}
