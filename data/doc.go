// Package data reads and writes velocity fields: HDF5 in the project's layout
// v1 (docs/hdf5-layout.md) and in the foreign layouts met in the field, and,
// through package pivfmt, TSI Insight .vec, x y u v text columns and
// Middlebury .flo. It is the only package that touches the HDF5 library.
//
// Load reads any of them into a Dataset: grid snapshots (piv.Field, with a
// validity mask) or scattered ones (piv.Scattered), plus times, units, the
// file's root attributes and a description of the layout found. For HDF5,
// DetectLayout decides from the datasets' names and shapes alone which hold
// velocities, coordinates, mask and times: u/v, U/V, ux/uy, vx/vy,
// velocity_x/velocity_y, "Velocity u", ... at the root or one group down,
// names given in LoadOptions, or a packed velocity [T,ny,nx,4] with last axis
// (x, y, u, v). Shapes are checked, and sizes refused above MaxElements,
// before anything is read. Every error names the file and says what was
// expected; the HDF5 library's own error printing is silenced.
//
// SaveHDF5 always writes layout v1, atomically through WriteAtomic: a
// temporary file beside the output, renamed into place once complete. An
// existing output is kept unless SaveOptions.Force, and an input is never
// overwritten. Provenance (program version, command line, inputs with their
// sizes, UTC time) goes into root attributes.
//
// A worked example: load a PIV export, add its vorticity, save it as HDF5.
//
//	ds, err := data.Load("run1.vec", data.LoadOptions{})
//	if err != nil {
//		return err // "run1.vec: ..." says what is wrong with which file
//	}
//	fmt.Println(ds.Layout) // "TSI Insight .vec"
//	f := ds.Fields[0]      // a .vec export is one grid snapshot
//	omega, err := piv.Vorticity(nil, f)
//	if err != nil {
//		return err
//	}
//	ds.Extra = map[string][][]float64{"vorticity": {omega}}
//	prov := data.NewProvenance(version, "run1.vec")
//	return data.SaveHDF5("run1.h5", ds, data.SaveOptions{Provenance: prov})
//
// and a foreign HDF5 file holding /piv/Vx and /piv/Vy without coordinates,
// on a 0.5 mm grid:
//
//	ds, err := data.Load("campaign.h5", data.LoadOptions{
//		UName: "/piv/Vx", VName: "/piv/Vy", DX: 0.5, DY: 0.5})
package data
