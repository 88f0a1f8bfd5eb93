package pivfmt

import "io"

// ReadVec reads a TSI Insight .vec file: a Tecplot ASCII POINT zone whose
// header names the columns and their units, e.g.
//
//	TITLE="..." VARIABLES="X mm", "Y mm", "U m/s", "V m/s", "CHC", ... ZONE I=63, J=63, F=POINT
//	0.312480, -0.312480, 0.000000, -0.000000, -1
//
// A vector is valid when its CHC (Insight's status code) is positive; zero and
// negative codes mark rejected or unprocessed vectors, which are kept in the
// grid but masked. The ZONE's I x J must match the number of data lines (a
// shorter file is reported as truncated) and the grid the positions form.
// Insight lists the top row first, so the grid's Y usually decreases.
//
// Data lines are read as in ReadColumns, which also reads these files; unlike
// it, ReadVec requires the Tecplot VARIABLES header.
func ReadVec(r io.Reader) (*Result, error) {
	t, err := readTable(r, true)
	if err != nil {
		return nil, err
	}
	return t.result(LayoutVec)
}
