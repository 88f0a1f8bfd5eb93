package cli

import (
	"context"
	"flag"
	"os"

	"golang.org/x/term"

	"pivsr/tui"
)

func init() {
	register(command{name: "open", summary: "open velocity files in the terminal workstation (heatmaps, metrics, spectra)", run: runOpen})
	register(command{name: "tui", summary: "start the terminal workstation on a file picker", run: runTUI})
}

// displayFlags are the terminal workstation's drawing flags.
type displayFlags struct {
	color string
	ascii bool
}

func (d *displayFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.color, "color", "auto", "colours: auto (from NO_COLOR, COLORTERM, TERM; the terminal is never queried), truecolor, 256, 16 or none")
	fs.BoolVar(&d.ascii, "ascii", false, "draw with plain ASCII: no half blocks, braille or arrows")
}

func (d *displayFlags) options(e *env) (tui.Options, error) {
	mode, err := tui.ParseColorMode(d.color)
	if err != nil {
		return tui.Options{}, usagef("-color: %v", err)
	}
	return tui.Options{Color: mode, ASCII: d.ascii, Version: Version, Output: e.stdout}, nil
}

func runOpen(e *env, args []string) error {
	fs := newFlags(e, "open", "FILE...", `
Open velocity files in the terminal workstation: the field as a heatmap (u, v,
speed, vorticity, divergence, error against a truth), zoom, pan and a cursor
readout; the metrics of every field against the truth and their energy spectra
and structure functions; PNG and HDF5 export. Press ? inside for the keys.
Several FILEs are several fields to flip through (f); -compare shows one beside
the first on a shared colour scale; -truth is what metrics and error maps
refer to. The training panel (tab) reconstructs the shown field with the
settings of the flags below, which it lets you change before a run: method,
grid, boundary, steps, learning rate, divergence weight, stream function
(-stream-function), smoothness weight (-smooth-weight), hidden width and
backend; a flag's value off the panel's presets (e.g. -smooth-weight 3e-9)
takes its place among them.`)
	var in inputFlags
	var disp displayFlags
	var train trainFlags
	in.register(fs)
	disp.register(fs)
	train.register(fs)
	if fs.Lookup("patience") == nil {
		fs.IntVar(&train.cfg.Neural.Patience, "patience", train.cfg.Neural.Patience, "steps without a better held-out error before the neural fit stops early (0: never)")
	}
	compare := fs.String("compare", "", "a field to show beside the first, on a shared colour scale")
	truth := fs.String("truth", "", "the ground truth to score the fields against")
	files, err := parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	if err := train.check(); err != nil {
		return err
	}
	opt, err := disp.options(e)
	if err != nil {
		return err
	}
	opt.Train = &train.cfg
	for _, f := range files {
		opt.Files = append(opt.Files, tui.FileRequest{Path: f, Role: tui.RoleField})
	}
	if *compare != "" {
		opt.Files = append(opt.Files, tui.FileRequest{Path: *compare, Role: tui.RoleCompare})
	}
	if *truth != "" {
		opt.Files = append(opt.Files, tui.FileRequest{Path: *truth, Role: tui.RoleTruth})
	}
	opt.Load = in.opt
	return tui.Run(context.Background(), opt)
}

func runTUI(e *env, args []string) error {
	fs := newFlags(e, "tui", "[DIR]", `
Start the terminal workstation on a file picker listing the folders and the
velocity files (.h5 .hdf5 .vec .txt .dat .csv .flo) of DIR (default: the
current folder). Enter opens a file, c adds one to compare, t adds the truth.`)
	var in inputFlags
	var disp displayFlags
	in.register(fs)
	disp.register(fs)
	pos, err := parse(fs, args, 0, 1)
	if err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	opt, err := disp.options(e)
	if err != nil {
		return err
	}
	opt.Dir = "."
	if len(pos) == 1 {
		opt.Dir = pos[0]
	}
	if st, err := os.Stat(opt.Dir); err != nil || !st.IsDir() {
		return usagef("%s is not a folder", opt.Dir)
	}
	opt.Load = in.opt
	return tui.Run(context.Background(), opt)
}

// interactive reports whether pivsr talks to a person at a terminal (standard
// input and the command's output both terminals), where `pivsr` without
// arguments opens the workstation's file picker instead of printing usage.
func interactive(e *env) bool {
	out, ok := e.stdout.(*os.File)
	return ok && term.IsTerminal(int(out.Fd())) && term.IsTerminal(int(os.Stdin.Fd()))
}
