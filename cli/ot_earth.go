package cli

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/gomlx/compute"
	"golang.org/x/term"
	"gonum.org/v1/gonum/mat"

	"pivsr/figures"
	"pivsr/models"
	"pivsr/transport/nf"
)

// earthRow is one dataset's result of `pivsr ot earth`; NLLs in nats with
// respect to the area measure of the unit sphere.
type earthRow struct {
	Dataset     string  `json:"dataset"`
	NTrain      int     `json:"n_train"`
	NTest       int     `json:"n_test"`
	FlowTrain   number  `json:"flow_train_nll"`
	FlowTest    number  `json:"flow_test_nll"`
	KDETrain    number  `json:"kde_train_nll_loo"`
	KDETest     number  `json:"kde_test_nll"`
	Kappa       number  `json:"kde_kappa"`
	Uniform     number  `json:"uniform_nll"`
	SSWInit     number  `json:"ssw2_test_init"`
	SSWTest     number  `json:"ssw2_test"`
	FlowSeconds float64 `json:"flow_seconds"`
	KDESeconds  float64 `json:"kde_seconds"`
}

func runOTEarth(e *env, args []string) error {
	fs := newFlags(e, "ot earth", "", `
Density estimation on the sphere for the Earth event sets (Mathieu & Nickel
2020; Bonet et al. 2023): a normalising flow S^2 -> S^2 with an exact
density, trained by the spherical sliced-Wasserstein distance SSW_2^2 to
the uniform law (-nll-weight adds a likelihood term), on a seeded 70/30
split. -flow exp (the default) composes exponential-map blocks of radial
bumps on the sphere (Rezende et al. 2020, the flow of Bonet et al.);
-flow chart is a RealNVP of the plane in a chart of the sphere less the
point farthest from the data, which maps the uniform law to N(0, I). Prints the
train and test negative log-likelihood (nats, area measure of the unit
sphere) of the flow, of a von Mises-Fisher kernel density estimate (kappa
chosen by likelihood on 20% of the train split; its train NLL leaves each
point out) and of the uniform law (log 4 pi = 2.531), SSW_2^2 of the test
events to the uniform law before (the data themselves) and after the flow
(1000 circles), and the times. -map draws the flow's log-density in the
terminal; -png writes it as an image.`)
	dataset := fs.String("dataset", "all", "fire, flood, quakes, volerup or all")
	dir := fs.String("data", "", "folder of the Earth files (default: ../shared/data/earth, or shared/data/earth in a parent folder)")
	seed := fs.Uint64("seed", 1, "seed of the split, the weights, the batches and the circles")
	arch := fs.String("flow", nf.ArchExp, "flow: exp (exponential-map blocks on the sphere) or chart (RealNVP in a chart)")
	steps := fs.Int("steps", 0, "Adam steps of the SSW training (0: 300 for exp, 2000 for chart)")
	batch := fs.Int("batch", 0, "points per step (0: 1024 for exp, 512 for chart)")
	circles := fs.Int("circles", 0, "great circles per step (0: 200 for exp, 100 for chart)")
	lr := fs.Float64("lr", 0, "Adam learning rate (0: 0.1 for exp, 3e-3 for chart)")
	finalLR := fs.Float64("final-lr", 0, "learning rate at the last step, by cosine decay (0: constant rate)")
	blocks := fs.Int("blocks", 48, "exp: exponential-map blocks")
	components := fs.Int("components", 6, "exp: radial components per block")
	layers := fs.Int("layers", 6, "chart: coupling layers of the plane RealNVP")
	hidden := fs.Int("hidden", 24, "chart: hidden width of the coupling networks")
	nllWeight := fs.Float64("nll-weight", 0, "weight of a maximum-likelihood term added to SSW_2^2 (0: SSW alone)")
	asJSON := fs.Bool("json", false, "print one JSON object per dataset")
	drawMap := fs.Bool("map", false, "draw the flow's log-density on a map in the terminal")
	points := fs.Bool("points", false, "with -map or -png, mark the test events")
	width := fs.Int("width", 100, "map width in characters")
	colorMode := fs.String("color", "auto", "map colours: auto (24-bit on a terminal unless NO_COLOR is set), always or never")
	pngPath := fs.String("png", "", "write the density map as a PNG image (with -dataset all, NAME-DATASET.png)")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	names := []string{*dataset}
	if *dataset == "all" {
		names = nf.EarthDatasets
	} else if nf.EarthFile(*dataset) == "" {
		return usagef("-dataset %q: want fire, flood, quakes, volerup or all", *dataset)
	}
	switch {
	case *arch != nf.ArchExp && *arch != nf.ArchChart:
		return usagef("-flow %q: want exp or chart", *arch)
	case *steps < 0 || *batch < 0 || *batch == 1 || *circles < 0 || *layers < 1 || *hidden < 1 || *blocks < 1 || *components < 1:
		return usagef("-steps %d -batch %d -circles %d -layers %d -hidden %d -blocks %d -components %d: want steps, circles >= 0 (0: default), batch 0 or >= 2, the others >= 1",
			*steps, *batch, *circles, *layers, *hidden, *blocks, *components)
	case !(*lr >= 0) || math.IsInf(*lr, 0) || !(*finalLR >= 0) || math.IsInf(*finalLR, 0) || !(*nllWeight >= 0) || math.IsInf(*nllWeight, 0):
		return usagef("-lr %v -final-lr %v -nll-weight %v: want finite rates >= 0 (0: default) and a finite weight >= 0", *lr, *finalLR, *nllWeight)
	case *width < 20:
		return usagef("-width %d: want at least 20", *width)
	case *colorMode != "auto" && *colorMode != "always" && *colorMode != "never":
		return usagef("-color %q: want auto, always or never", *colorMode)
	}
	folder, err := earthDir(*dir)
	if err != nil {
		return err
	}
	// Load every file first: a missing one fails before any training.
	data := make([]*nfData, len(names))
	for i, name := range names {
		path := filepath.Join(folder, nf.EarthFile(name))
		x, err := nf.LoadEarth(path)
		if err != nil {
			return err
		}
		data[i] = &nfData{name: name, x: x}
	}
	backend, desc, err := models.NewBackend("go")
	if err != nil {
		return err
	}
	e.logf("backend %s, data %s", desc, folder)
	cfg := nf.EarthConfig{
		Arch: *arch,
		Exp:  nf.ExpConfig{Blocks: *blocks, Components: *components, Seed: *seed},
		Flow: nf.Config{Layers: *layers, Hidden: *hidden, Seed: *seed},
		SSW:  nf.SSWConfig{Steps: *steps, Batch: *batch, Circles: *circles, LearningRate: *lr, FinalRate: *finalLR, Seed: *seed, NLLWeight: *nllWeight},
		Seed: *seed,
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := func() {
		fmt.Fprintln(tw, "dataset\tn train\tn test\tflow train\tflow test\tvMF-KDE train(LOO)\tvMF-KDE test\tkappa\tuniform\tSSW2 test init\tSSW2 test\tflow s\tKDE s\t")
	}
	if !*asJSON && !*drawMap {
		header()
	}
	for _, d := range data {
		res, err := nf.RunEarth(backend, d.x, cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		row := earthRow{Dataset: d.name, NTrain: res.NTrain, NTest: res.NTest,
			FlowTrain: number(res.FlowTrain), FlowTest: number(res.FlowTest),
			KDETrain: number(res.KDETrain), KDETest: number(res.KDETest), Kappa: number(res.Kappa),
			Uniform: number(res.Uniform), SSWInit: number(res.SSWInit), SSWTest: number(res.SSWTest),
			FlowSeconds: res.FlowSeconds, KDESeconds: res.KDESeconds}
		if *asJSON {
			if err := printJSON(e.stdout, row); err != nil {
				return err
			}
		} else {
			if *drawMap {
				header()
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.4g\t%.3f\t%.2e\t%.2e\t%.1f\t%.1f\t\n", row.Dataset, row.NTrain, row.NTest,
				row.FlowTrain, row.FlowTest, row.KDETrain, row.KDETest, row.Kappa, row.Uniform, row.SSWInit, row.SSWTest, row.FlowSeconds, row.KDESeconds)
			if err := tw.Flush(); err != nil {
				return err
			}
		}
		if !*drawMap && *pngPath == "" {
			continue
		}
		grid, err := earthGrid(backend, res, *width, *points)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		legend := fmt.Sprintf("log density (nats/sr) of the flow, %s", d.name)
		if *drawMap {
			fmt.Fprintln(e.stdout)
			if err := figures.TermMap(e.stdout, grid, useColor(e, *colorMode), legend); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout)
		}
		if *pngPath != "" {
			path := *pngPath
			if len(data) > 1 {
				ext := filepath.Ext(path)
				path = strings.TrimSuffix(path, ext) + "-" + d.name + ext
			}
			title := "SSW flow log-density: " + d.name
			if *nllWeight > 0 {
				title = fmt.Sprintf("SSW + %g NLL flow log-density: %s", *nllWeight, d.name)
			}
			if err := figures.DensityMap(path, title, grid); err != nil {
				return err
			}
			e.logf("wrote %s", path)
		}
	}
	return tw.Flush()
}

// nfData is one loaded Earth dataset.
type nfData struct {
	name string
	x    *mat.Dense
}

// earthGrid is the flow's log-density on a map width pixels wide and
// width/2 high (two pixels per character row: about square pixels), the
// colour scale spanning the top 8 nats, with the test events when points.
func earthGrid(backend compute.Backend, res *nf.EarthResult, width int, points bool) (figures.Grid, error) {
	g := figures.Grid{W: width, H: width / 2}
	var err error
	if g.Values, err = nf.DensityGrid(backend, res.Flow, g.W, g.H); err != nil {
		return g, err
	}
	g.Hi = math.Inf(-1)
	for _, v := range g.Values {
		g.Hi = math.Max(g.Hi, v)
	}
	g.Lo = g.Hi - 8
	if points {
		n, _ := res.Test.Dims()
		for i := range n {
			p := res.Test.RawRowView(i)
			g.Points = append(g.Points, [2]float64{math.Atan2(p[1], p[0]) * 180 / math.Pi, math.Asin(math.Max(-1, math.Min(1, p[2]))) * 180 / math.Pi})
		}
	}
	return g, nil
}

// earthDir resolves the folder of the Earth files: dir itself when given,
// otherwise ../shared/data/earth from the working folder, or shared/data/earth
// in the nearest parent folder that has one.
func earthDir(dir string) (string, error) {
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", fmt.Errorf("-data %s: not a folder of Earth files (fire.csv, flood.csv, quakes_all.csv, volerup.csv)", dir)
		}
		return dir, nil
	}
	candidates := []string{filepath.Join("..", "shared", "data", "earth")}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			candidates = append(candidates, filepath.Join(d, "shared", "data", "earth"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
	}
	return "", errors.New("no Earth data folder: ../shared/data/earth is missing and no parent folder has shared/data/earth; pass -data DIR")
}

// useColor decides the map's colours: never, always, or (auto) on a
// terminal unless NO_COLOR is set to a non-empty value.
func useColor(e *env, mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := e.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
