package cli

import (
	"fmt"

	"pivsr/data"
	"pivsr/piv"
)

// save writes ds to the -o path with the command's provenance: its command
// line and inputs (which are never overwritten).
func (e *env) save(out outputFlags, ds *data.Dataset, inputs ...string) error {
	prov := data.NewProvenance(Version, inputs...)
	prov.Args = e.cmdline
	err := data.SaveHDF5(out.path, ds, data.SaveOptions{Float32: out.float32, Force: out.force, Provenance: prov})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s\n", out.path)
	return nil
}

// gridFields returns the dataset's grid snapshots, or an error naming the file
// when it holds scattered vectors.
func gridFields(path string, ds *data.Dataset, what string) ([]*piv.Field, error) {
	if !ds.IsGrid() {
		return nil, fmt.Errorf("%s: %s needs vectors on a grid, but the file holds %d scattered points (%s)", path, what, ds.Points[0].Len(), ds.Layout)
	}
	return ds.Fields, nil
}
