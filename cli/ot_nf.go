package cli

import (
	"fmt"
	"math"
	"path/filepath"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/mat"

	"pivsr/models"
	"pivsr/transport/nf"
)

// gpflowRow is the result of `pivsr ot gpflow`.
type gpflowRow struct {
	Target       string  `json:"target"`
	CostBefore   number  `json:"cost_before"`
	CostAfter    number  `json:"cost_after"`
	CostFall     number  `json:"cost_fall"` // 1 - after/before
	NLLBefore    number  `json:"nll_before"`
	NLLAfter     number  `json:"nll_after"`
	MaxNLLChange number  `json:"max_nll_change"`
	Seconds      float64 `json:"seconds"`
}

func runOTGPFlow(e *env, args []string) error {
	fs := newFlags(e, "ot gpflow", "", `
Train a RealNVP flow T (data -> N(0, I)) by maximum likelihood on a toy
target, then a Gaussian-preserving map G (Morel et al. 2022) lowering the
transport cost E|x - G(T(x))|^2, and print on held-out points the cost
before (E|x - T(x)|^2) and after, and the mean negative log-density under
T and under G o T (equal: G preserves N(0, I); max change = the largest
change at one point, the RK4 error).`)
	target := fs.String("target", "eight-gaussians", "toy target: eight-gaussians, two-moons or pinwheel")
	n := fs.Int("n", 4000, "training points")
	nTest := fs.Int("test", 2000, "held-out points")
	flowSteps := fs.Int("flow-steps", 1500, "Adam steps of the RealNVP fit")
	gpSteps := fs.Int("gp-steps", 400, "Adam steps of the Gaussian-preserving map")
	rk4 := fs.Int("rk4", 15, "RK4 steps of the map's time-1 flow")
	layers := fs.Int("layers", 8, "coupling layers of the RealNVP flow")
	hidden := fs.Int("hidden", 32, "hidden width of the coupling networks and of the map's network")
	seed := fs.Uint64("seed", 1, "seed of the data and the weights")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	gen := map[string]func(n int, seed uint64) (*mat.Dense, error){
		"eight-gaussians": nf.EightGaussians,
		"two-moons":       func(n int, seed uint64) (*mat.Dense, error) { return nf.TwoMoons(n, 0.05, seed) },
		"pinwheel":        nf.Pinwheel,
	}[*target]
	switch {
	case gen == nil:
		return usagef("-target %q: want eight-gaussians, two-moons or pinwheel", *target)
	case *n < 10 || *nTest < 1:
		return usagef("-n %d -test %d: want at least 10 training and 1 held-out point", *n, *nTest)
	case *layers < 1 || *hidden < 1:
		return usagef("-layers %d -hidden %d: want at least 1", *layers, *hidden)
	case *flowSteps < 0 || *gpSteps < 0 || *rk4 < 1:
		return usagef("-flow-steps %d -gp-steps %d -rk4 %d: want steps >= 0 and rk4 >= 1", *flowSteps, *gpSteps, *rk4)
	}
	start := time.Now()
	backend, desc, err := models.NewBackend("go")
	if err != nil {
		return err
	}
	e.logf("backend %s", desc)
	train, err := gen(*n, *seed)
	if err != nil {
		return err
	}
	test, err := gen(*nTest, *seed+1000)
	if err != nil {
		return err
	}
	flow, err := nf.New(nf.Config{Dim: 2, Layers: *layers, Hidden: *hidden, Seed: *seed})
	if err != nil {
		return err
	}
	if _, err := flow.Fit(backend, train, nf.TrainConfig{Steps: *flowSteps, Batch: 256, LearningRate: 5e-3, Seed: *seed}); err != nil {
		return fmt.Errorf("RealNVP: %w", err)
	}
	gp, err := nf.NewGaussianPreserving(nf.GPConfig{Dim: 2, Hidden: *hidden, RK4Steps: *rk4, Seed: *seed})
	if err != nil {
		return err
	}
	imp, err := nf.Improve(backend, flow, gp, train, test, nf.TrainConfig{Steps: *gpSteps, Batch: 256, LearningRate: 2e-2, Seed: *seed})
	if err != nil {
		return fmt.Errorf("Gaussian-preserving map: %w", err)
	}
	row := gpflowRow{Target: *target, CostBefore: number(imp.CostBefore), CostAfter: number(imp.CostAfter),
		CostFall: number(1 - imp.CostAfter/imp.CostBefore), NLLBefore: number(imp.NLLBefore), NLLAfter: number(imp.NLLAfter),
		MaxNLLChange: number(imp.MaxNLLChange), Seconds: time.Since(start).Seconds()}
	if *asJSON {
		return printJSON(e.stdout, row)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "target\t%s\n", row.Target)
	fmt.Fprintf(tw, "cost E|x - T(x)|^2\t%s\n", num(row.CostBefore))
	fmt.Fprintf(tw, "cost E|x - G(T(x))|^2\t%s\t(%.1f%% lower)\n", num(row.CostAfter), 100*float64(row.CostFall))
	fmt.Fprintf(tw, "NLL under T\t%s\n", num(row.NLLBefore))
	fmt.Fprintf(tw, "NLL under G o T\t%s\t(max change at a point %s)\n", num(row.NLLAfter), num(row.MaxNLLChange))
	fmt.Fprintf(tw, "time\t%.1f s\n", row.Seconds)
	return tw.Flush()
}

// blrRow is one run of `pivsr ot blr`, or (Seed 0) the summary.
type blrRow struct {
	Dataset  string  `json:"dataset"`
	Seed     uint64  `json:"seed,omitempty"`
	Split    int     `json:"split,omitempty"`
	Accuracy number  `json:"accuracy"`
	Std      number  `json:"std,omitempty"`
	Energy   number  `json:"energy,omitempty"`
	Seconds  float64 `json:"seconds"`
}

// blrTrainFraction is the published protocol's train share.
const blrTrainFraction = 0.8

func runOTBLR(e *env, args []string) error {
	fs := newFlags(e, "ot blr", "", `
Bayesian logistic regression by the sliced-Wasserstein JKO scheme with a
RealNVP flow (Bonet et al. 2022): prior alpha ~ Gamma(1, rate 100),
w | alpha ~ N(0, I/alpha), theta = (w, log alpha), no intercept (as in
the published evaluation; -intercept appends a constant-1 feature); each
JKO step trains the flow (warm-started) on SW_2^2(rho, rho_k)/(2 tau) +
E[V] - H(rho), the entropy exact through the log-determinant. Prints the
test accuracy of the posterior predictive over -samples draws for each
seed, then the mean, the standard deviation and the mean time. -split
random (the published protocol) pools the file's first split and draws a
seeded 80/20 split per seed; -split file runs seed k on the file's split k
(split 1 when the file has fewer). Published (Bonet et al.): german 0.680,
diabetis 0.778, banana 0.559, twonorm 0.981, ringnorm 0.741, waveform 0.776, image 0.821.`)
	dataset := fs.String("dataset", "german", "benchmark name: the file DIR/NAME.h5")
	dir := fs.String("data", filepath.Join("..", "shared", "data", "blr"), "folder of the benchmark files")
	seeds := fs.Int("seeds", 5, "number of runs (seeds 1..N)")
	jko := fs.Int("steps", 5, "JKO steps")
	inner := fs.Int("inner", 150, "Adam steps per JKO step")
	tau := fs.Float64("tau", 0.1, "JKO time step")
	samples := fs.Int("samples", 4096, "posterior draws for the accuracy")
	intercept := fs.Bool("intercept", false, "append a constant-1 feature (an intercept)")
	splitMode := fs.String("split", "random", "random (a seeded 80/20 split of the pooled data per seed) or file (the file's splits)")
	asJSON := fs.Bool("json", false, "print one JSON object per run, then the summary")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	switch {
	case *seeds < 1:
		return usagef("-seeds %d: want at least 1", *seeds)
	case *jko < 1 || *inner < 1 || *samples < 1:
		return usagef("-steps %d -inner %d -samples %d: want at least 1", *jko, *inner, *samples)
	case !(*tau > 0) || math.IsInf(*tau, 0):
		return usagef("-tau %v: want a finite time step > 0", *tau)
	case *splitMode != "random" && *splitMode != "file":
		return usagef("-split %q: want random or file", *splitMode)
	}
	path := filepath.Join(*dir, *dataset+".h5")
	first, err := nf.LoadBLR(path, 1)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	backend, desc, err := models.NewBackend("go")
	if err != nil {
		return err
	}
	e.logf("backend %s", desc)
	var rows []blrRow
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	if !*asJSON {
		fmt.Fprintf(tw, "dataset\tseed\tsplit\taccuracy\ttime (s)\n")
	}
	for k := 1; k <= *seeds; k++ {
		data, split := first, 1
		switch {
		case *splitMode == "random":
			if data, err = first.Resplit(blrTrainFraction, uint64(k)); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			split = 0 // drawn, not the file's
		case k > 1:
			if d, err := nf.LoadBLR(path, k); err == nil {
				data, split = d, k
			}
		}
		res, err := nf.RunBLR(backend, data, nf.BLRConfig{JKOSteps: *jko, InnerSteps: *inner, Tau: *tau, Samples: *samples, Seed: uint64(k), NoIntercept: !*intercept})
		if err != nil {
			return fmt.Errorf("%s, seed %d: %w", *dataset, k, err)
		}
		row := blrRow{Dataset: *dataset, Seed: uint64(k), Split: split, Accuracy: number(res.Accuracy),
			Energy: number(res.Energy[len(res.Energy)-1]), Seconds: res.Seconds}
		rows = append(rows, row)
		if *asJSON {
			if err := printJSON(e.stdout, row); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.4f\t%.1f\n", row.Dataset, row.Seed, row.Split, row.Accuracy, row.Seconds)
		}
	}
	sum := blrRow{Dataset: *dataset}
	for _, r := range rows {
		sum.Accuracy += r.Accuracy / number(len(rows))
		sum.Seconds += r.Seconds / float64(len(rows))
	}
	for _, r := range rows {
		sum.Std += (r.Accuracy - sum.Accuracy) * (r.Accuracy - sum.Accuracy)
	}
	if len(rows) > 1 {
		sum.Std = number(math.Sqrt(float64(sum.Std) / float64(len(rows)-1)))
	}
	if *asJSON {
		return printJSON(e.stdout, sum)
	}
	fmt.Fprintf(tw, "%s\tmean\t\t%.4f ± %.4f\t%.1f\n", sum.Dataset, sum.Accuracy, sum.Std, sum.Seconds)
	return tw.Flush()
}
