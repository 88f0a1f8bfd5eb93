package data

import "pivsr/piv"

// Dataset is what one file holds once loaded: one or more snapshots, either on
// a regular grid (Fields) or scattered (Points), never both. A single snapshot
// is a series of length one.
type Dataset struct {
	Fields []*piv.Field     // grid snapshots, all on one grid
	Points []*piv.Scattered // scattered snapshots
	T      []float64        // snapshot times, nil when unknown
	Units  piv.Units

	// Layout says which layout was detected, e.g. "pivsr v1 (grid)",
	// "packed velocity [T,ny,nx,4]", "named datasets /ux /uy",
	// "TSI Insight .vec", "x y u v columns", "Middlebury .flo".
	Layout string
	// Source is the path the dataset was read from.
	Source string
	// Attrs holds root attributes read from the file (provenance included).
	Attrs map[string]string
	// Extra holds derived scalar fields to write beside u and v (vorticity,
	// divergence, ...), each shaped like one snapshot of u, per snapshot.
	Extra map[string][][]float64
}

// Snapshots is the number of snapshots held.
func (d *Dataset) Snapshots() int {
	if len(d.Fields) > 0 {
		return len(d.Fields)
	}
	return len(d.Points)
}

// IsGrid reports whether the snapshots lie on a regular grid.
func (d *Dataset) IsGrid() bool { return len(d.Fields) > 0 }

// LoadOptions steer how a file is read. Zero values mean auto-detection.
type LoadOptions struct {
	// UName and VName name the velocity datasets of a foreign HDF5 file.
	UName, VName string
	// XName and YName name its coordinate datasets, when it has any.
	XName, YName string
	// DX and DY give the grid spacing of a file without coordinates (default 1).
	DX, DY float64
	// Format forces a format instead of detecting it: "h5", "vec", "txt", "flo".
	Format string
}
