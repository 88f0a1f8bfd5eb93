package cli

import (
	"flag"
	"fmt"
	"strings"

	"pivsr/data"
	"pivsr/piv"
)

// inputFlags are the flags every command that reads a velocity file shares.
type inputFlags struct {
	opt data.LoadOptions
}

func (in *inputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&in.opt.UName, "u", "", "name of the x-velocity dataset in a foreign HDF5 file (default: auto-detect)")
	fs.StringVar(&in.opt.VName, "v", "", "name of the y-velocity dataset in a foreign HDF5 file (default: auto-detect)")
	fs.StringVar(&in.opt.XName, "x", "", "name of the x-coordinate dataset in a foreign HDF5 file")
	fs.StringVar(&in.opt.YName, "y", "", "name of the y-coordinate dataset in a foreign HDF5 file")
	fs.Float64Var(&in.opt.DX, "dx", 0, "grid spacing along x for files without coordinates (default 1)")
	fs.Float64Var(&in.opt.DY, "dy", 0, "grid spacing along y for files without coordinates (default 1)")
	fs.StringVar(&in.opt.Format, "format", "", "input format instead of detecting it: h5, vec, txt or flo")
}

func (in *inputFlags) check() error {
	if in.opt.DX < 0 || in.opt.DY < 0 {
		return usagef("-dx and -dy must be positive spacings, got %v and %v", in.opt.DX, in.opt.DY)
	}
	if (in.opt.UName == "") != (in.opt.VName == "") {
		return usagef("-u and -v name the two velocity datasets and go together (got -u %q, -v %q)", in.opt.UName, in.opt.VName)
	}
	switch strings.ToLower(in.opt.Format) {
	case "", "h5", "hdf5", "vec", "txt", "flo":
	default:
		return usagef("-format %q: want h5, vec, txt or flo", in.opt.Format)
	}
	return nil
}

func (in *inputFlags) load(path string) (*data.Dataset, error) {
	return data.Load(path, in.opt)
}

// loadGrid loads a file that must hold grid snapshots; what names the use in
// the error otherwise.
func (in *inputFlags) loadGrid(path, what string) (*data.Dataset, []*piv.Field, error) {
	ds, err := in.load(path)
	if err != nil {
		return nil, nil, err
	}
	fields, err := gridFields(path, ds, what)
	return ds, fields, err
}

// outputFlags are the flags of commands that write a file.
type outputFlags struct {
	path    string
	force   bool
	float32 bool
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.path, "o", "", "output HDF5 file (required)")
	fs.BoolVar(&o.force, "force", false, "replace the output file if it exists")
	fs.BoolVar(&o.float32, "float32", false, "store velocities as float32 instead of float64")
}

func (o *outputFlags) check() error {
	if o.path == "" {
		return usagef("-o OUTPUT is required")
	}
	return nil
}

// gridSize parses "256" or "256x128" (nx by ny).
func gridSize(s string) (nx, ny int, err error) {
	if s == "" {
		return 0, 0, fmt.Errorf("empty size")
	}
	a, b, found := strings.Cut(strings.ToLower(s), "x")
	if _, err := fmt.Sscanf(a, "%d", &nx); err != nil {
		return 0, 0, fmt.Errorf("%q is not NX or NXxNY", s)
	}
	ny = nx
	if found {
		if _, err := fmt.Sscanf(b, "%d", &ny); err != nil {
			return 0, 0, fmt.Errorf("%q is not NX or NXxNY", s)
		}
	}
	if nx < 2 || ny < 2 || nx > 1<<14 || ny > 1<<14 {
		return 0, 0, fmt.Errorf("%dx%d is outside 2..16384 in each direction", nx, ny)
	}
	return nx, ny, nil
}
