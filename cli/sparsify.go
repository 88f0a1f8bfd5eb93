package cli

import (
	"fmt"

	"pivsr/data"
	"pivsr/piv"
)

func init() {
	register(command{name: "sparsify", summary: "make a benchmark input from a truth: decimate, subsample, add noise and outliers", run: runSparsify})
}

func runSparsify(e *env, args []string) error {
	fs := newFlags(e, "sparsify", "TRUTH -o OUTPUT", `
Make a sparse, noisy benchmark input from a ground truth on a grid. The steps
run in this order and are all seeded: keep every k-th vector (-every), keep a
random subset (-density), add Gaussian noise (-noise or -noise-rel), replace a
fraction of the kept vectors by outliers (-outliers). Removed vectors are
masked (mask = 0, NaN) on the same grid, as sparse PIV arrives.`)
	var in inputFlags
	var out outputFlags
	in.register(fs)
	out.register(fs)
	every := fs.Int("every", 0, "keep every k-th vector in each direction (0: off)")
	offX := fs.Int("offset-x", 0, "column of the first kept vector with -every")
	offY := fs.Int("offset-y", 0, "row of the first kept vector with -every")
	density := fs.Float64("density", 0, "keep this fraction (0..1] of the vectors at random (0: off)")
	noise := fs.Float64("noise", 0, "Gaussian noise std, in velocity units")
	noiseRel := fs.Float64("noise-rel", 0, "Gaussian noise std relative to the rms speed")
	outliers := fs.Float64("outliers", 0, "fraction of kept vectors replaced by outliers")
	amp := fs.Float64("outlier-amp", 1, "outlier amplitude, in multiples of the max speed")
	seed := fs.Uint64("seed", 1, "random seed")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if err := firstErr(in.check(), out.check(), checkSparsify(*every, *offX, *offY, *density, *noise, *noiseRel, *outliers, *amp)); err != nil {
		return err
	}
	ds, fields, err := in.loadGrid(pos[0], "sparsify")
	if err != nil {
		return err
	}
	res := &data.Dataset{T: ds.T, Units: ds.Units, Attrs: map[string]string{}}
	for t, f := range fields {
		s := uint64(t) + *seed
		steps := []func(*piv.Field) (*piv.Field, error){}
		if *every > 0 {
			steps = append(steps, func(f *piv.Field) (*piv.Field, error) { return piv.KeepEvery(f, *every, *offX, *offY) })
		}
		if *density > 0 {
			steps = append(steps, func(f *piv.Field) (*piv.Field, error) { return piv.KeepRandom(f, *density, s) })
		}
		if *noise > 0 {
			steps = append(steps, func(f *piv.Field) (*piv.Field, error) { return piv.AddNoise(f, *noise, s) })
		}
		if *noiseRel > 0 {
			steps = append(steps, func(f *piv.Field) (*piv.Field, error) { return piv.AddRelativeNoise(f, *noiseRel, s) })
		}
		if *outliers > 0 {
			steps = append(steps, func(f *piv.Field) (*piv.Field, error) {
				g, _, err := piv.AddOutliers(f, *outliers, *amp, s)
				return g, err
			})
		}
		for _, step := range steps {
			if f, err = step(f); err != nil {
				return fmt.Errorf("%s: snapshot %d: %w", pos[0], t, err)
			}
		}
		res.Fields = append(res.Fields, f)
		fmt.Fprintf(e.stderr, "snapshot %d: kept %d of %d vectors (%.2f%%)\n", t, f.NumValid(), f.Len(), 100*float64(f.NumValid())/float64(f.Len()))
	}
	return e.save(out, res, pos[0])
}

func checkSparsify(every, offX, offY int, density, noise, noiseRel, outliers, amp float64) error {
	switch {
	case every < 0:
		return usagef("-every %d: want a positive step", every)
	case offX < 0 || offY < 0 || (every > 0 && (offX >= every || offY >= every)):
		return usagef("-offset-x %d, -offset-y %d: want offsets in 0..every-1", offX, offY)
	case density < 0 || density > 1:
		return usagef("-density %v: want a fraction in (0, 1]", density)
	case noise < 0 || noiseRel < 0:
		return usagef("-noise and -noise-rel must not be negative")
	case noise > 0 && noiseRel > 0:
		return usagef("give -noise or -noise-rel, not both")
	case outliers < 0 || outliers > 1:
		return usagef("-outliers %v: want a fraction in [0, 1]", outliers)
	case amp <= 0:
		return usagef("-outlier-amp %v: want a positive multiple of the max speed", amp)
	case every == 0 && density == 0 && noise == 0 && noiseRel == 0 && outliers == 0:
		return usagef("nothing to do: give at least one of -every, -density, -noise, -noise-rel, -outliers")
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
