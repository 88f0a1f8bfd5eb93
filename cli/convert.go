package cli

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"pivsr/piv"
)

func init() {
	register(command{name: "convert", summary: "convert any supported input to the pivsr HDF5 layout (optionally validated)", run: runConvert})
}

func runConvert(e *env, args []string) error {
	fs := newFlags(e, "convert", "INPUT -o OUTPUT", `
Read any supported input (pivsr or foreign HDF5, TSI Insight .vec, OpenPIV /
PIVlab / DaVis column text, Middlebury .flo) and write it in the pivsr HDF5
layout v1 with provenance. With -validate, grid fields first go through the
normalised median test (Westerweel & Scarano 2005) and rejected vectors are
replaced by the median of their valid neighbours (-fill=false masks them).`)
	var in inputFlags
	var out outputFlags
	in.register(fs)
	out.register(fs)
	validate := fs.Bool("validate", false, "run the normalised median test on grid fields")
	threshold := fs.Float64("threshold", 2, "median-test threshold")
	eps := fs.Float64("eps", -1, "median-test noise level in velocity units (default: 0.1 for px units, else 2% of the median speed)")
	fill := fs.Bool("fill", true, "replace rejected vectors by the median of their valid neighbours")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if err := firstErr(in.check(), out.check()); err != nil {
		return err
	}
	if *threshold <= 0 {
		return usagef("-threshold %v: want a positive residual", *threshold)
	}
	ds, err := in.load(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%s: %s, %d snapshot(s)\n", pos[0], ds.Layout, ds.Snapshots())
	if *validate {
		fields, err := gridFields(pos[0], ds, "-validate")
		if err != nil {
			return err
		}
		for t, f := range fields {
			v := piv.DefaultValidator()
			v.Test.Threshold = *threshold
			v.Test.Epsilon = medianTestEpsilon(*eps, f)
			if !*fill {
				v.Fill = nil
			}
			rep, err := v.Validate(f)
			if err != nil {
				return fmt.Errorf("%s: snapshot %d: %w", pos[0], t, err)
			}
			fmt.Fprintf(e.stderr, "snapshot %d: median test (threshold %g, eps %.3g) rejected %d vectors, filled %d, %d non-finite masked\n",
				t, v.Test.Threshold, v.Test.Epsilon, rep.NumRejected, rep.NumFilled, rep.NonFinite)
		}
	}
	return e.save(out, ds, pos[0])
}

// medianTestEpsilon is the given eps, or the published 0.1 px for image
// units, or 2% of the median valid speed in physical units (about what
// 0.1 px is for a typical 5 px displacement).
func medianTestEpsilon(eps float64, f *piv.Field) float64 {
	if eps >= 0 {
		return eps
	}
	if strings.HasPrefix(strings.ToLower(f.Units.Velocity), "px") || strings.HasPrefix(strings.ToLower(f.Units.Velocity), "pix") {
		return 0.1
	}
	var speeds []float64
	for k := range f.U {
		if f.Valid(k) {
			speeds = append(speeds, math.Hypot(f.U[k], f.V[k]))
		}
	}
	if len(speeds) == 0 {
		return 0.1
	}
	slices.Sort(speeds)
	return 0.02 * speeds[len(speeds)/2]
}
