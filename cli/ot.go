package cli

import (
	"fmt"
	"text/tabwriter"

	"pivsr/data"
	"pivsr/piv"
	"pivsr/transport"
)

func init() {
	register(command{name: "ot", summary: "optimal-transport tools: 'ot compare A B' compares two fields' distributions", run: runOT})
}

func runOT(e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(e.stdout, "Usage: pivsr ot <subcommand> [flags] [args]\n\nSubcommands:\n"+
			"  compare    distances between the velocity, direction and speed distributions of two fields\n"+
			"  flow       sliced-Wasserstein gradient flows of particles (Fokker-Planck, aggregation, on the sphere)\n"+
			"  gpflow     a Gaussian-preserving flow lowering the transport cost of a RealNVP on 2D toy data\n"+
			"  blr        Bayesian logistic regression by a sliced-Wasserstein gradient flow of a RealNVP\n"+
			"  earth      density of Earth events on the sphere by a flow trained with spherical sliced Wasserstein\n")
		if len(args) == 0 {
			return usagef("missing subcommand")
		}
		return nil
	}
	switch args[0] {
	case "compare":
		return runOTCompare(e, args[1:])
	case "flow":
		return runOTFlow(e, args[1:])
	case "gpflow":
		return runOTGPFlow(e, args[1:])
	case "blr":
		return runOTBLR(e, args[1:])
	case "earth":
		return runOTEarth(e, args[1:])
	}
	return usagef("unknown subcommand %q of ot", args[0])
}

func runOTCompare(e *env, args []string) error {
	fs := newFlags(e, "ot compare", "A B", `
Compare the distributions of two fields' valid vectors (e.g. a reconstruction
and its truth, or two snapshots of a series), all distances as W_p (not
W_p^p), in the fields' velocity units:
  velocity   sliced W_2 between the (u, v) clouds (Monte-Carlo over -slices
             evenly spaced directions, with its standard error);
  direction  W_1 and W_2 on the circle between the flow directions
             atan2(v, u), in turns (1 = 360 degrees), unweighted and weighted
             by speed;
  speed      W_1 and W_2 between the speed distributions.
Snapshot 0 of each file is compared.`)
	var in inputFlags
	in.register(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per distance")
	slices := fs.Int("slices", 1000, "directions of the sliced distance")
	seed := fs.Uint64("seed", 1, "seed of the sliced directions")
	pos, err := parse(fs, args, 2, 2)
	if err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	if *slices < 1 {
		return usagef("-slices %d: want at least 1", *slices)
	}
	var samples [2]*piv.Scattered
	for i, path := range pos {
		ds, err := in.load(path)
		if err != nil {
			return err
		}
		samples[i] = firstSnapshot(ds)
	}
	rows, err := transport.CompareFields(samples[0], samples[1], *slices, *seed)
	if err != nil {
		return fmt.Errorf("%s against %s: %w", pos[0], pos[1], err)
	}
	if *asJSON {
		return printJSONLines(e.stdout, rows)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "quantity\tdistance\tvalue\t± std err")
	for _, r := range rows {
		se := ""
		if r.StdErr > 0 {
			se = num(r.StdErr)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Quantity, r.Distance, num(r.Value), se)
	}
	return tw.Flush()
}

func firstSnapshot(ds *data.Dataset) *piv.Scattered {
	if ds.IsGrid() {
		return ds.Fields[0].Scattered()
	}
	return ds.Points[0]
}
