// Package pivfmt reads the vector-field files that PIV software writes:
// TSI Insight .vec (ReadVec), the x y u v column text of OpenPIV, PIVlab and
// DaVis exports (ReadColumns), and Middlebury .flo optical flow (ReadFlo,
// with WriteFlo to write it).
//
// Each reader returns a Result holding one snapshot: a piv.Field when the
// vector positions form a rectilinear lattice (found with piv.FitLattice;
// the axes keep the order of the file, so a file listing the top row first
// gives a decreasing Y), otherwise piv.Scattered points. Vectors that the file
// marks invalid (a status column such as Insight's CHC, OpenPIV's flags and
// mask, DaVis's isValid, or NaN velocities) stay in the grid with a false
// mask; scattered results hold the valid vectors only. Units come from the
// header when it gives them ("X mm", "u [m/s]"); .flo flow is in "px" and
// "px/frame" on the pixel grid.
//
// Errors name the line (text formats) and what was expected there, e.g.
// "line 17: expected 5 numeric columns (X mm, Y mm, U m/s, V m/s, CHC), got 3";
// callers add the file name. Hostile input is bounded: at most 2^24 vectors
// per text file, lines of at most 1 MiB, .flo sizes of at most 2^28 pixels,
// and memory that grows with the bytes actually read, never with sizes a
// header claims.
//
// A worked example: read an Insight file and take the vorticity of the
// measured field.
//
//	fh, err := os.Open("Run000001.T000.D000.P000.H001.L.vec")
//	if err != nil {
//		return err
//	}
//	defer fh.Close()
//	res, err := pivfmt.ReadVec(fh)
//	if err != nil {
//		return fmt.Errorf("%s: %w", fh.Name(), err)
//	}
//	f := res.Field // 63 x 63, x increasing, y decreasing, in mm and m/s
//	fmt.Println(res.Layout, f.NX(), f.NY(), f.NumValid(), res.Units.Velocity)
//	omega, err := piv.Vorticity(nil, f) // in (m/s)/mm: times 1000 for 1/s
//
// A file whose vectors do not sit on a lattice (PTV, random seeding) comes
// back as res.Points instead, ready for the meshless models.
package pivfmt
