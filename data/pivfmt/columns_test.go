package pivfmt

import (
	"strings"
	"testing"

	"pivsr/piv"
)

// openPIVVecs is the field of the OpenPIV examples: a 3 x 2 grid in pixels
// with one NaN vector, one flagged (replaced) vector and one masked vector.
var openPIVVecs = []vec{
	{16, 16, 1, -2, true},
	{32, 16, nan, nan, false},
	{48, 16, 3, -4, false},
	{16, 32, 5, -6, false},
	{32, 32, 7, -8, true},
	{48, 32, 9, -10, true},
}

// pivlabVecs is the field of the PIVlab examples: PIVlab lists column by
// column, y growing down the image, with NaN where it has no vector.
var pivlabVecs = []vec{
	{0.1, 0.2, nan, nan, false},
	{0.1, 0.4, 0.5, 0.25, true},
	{0.3, 0.2, 1, 2, true},
	{0.3, 0.4, 1.5, -2, true},
}

func TestReadColumns(t *testing.T) {
	mps := piv.Units{Length: "m", Velocity: "m/s"}
	pxf := piv.Units{Length: "px", Velocity: "px/frame"}
	tests := []struct {
		name  string
		input string
		want  gridWant
	}{
		{
			name: "OpenPIV tools.save with its # header",
			input: "# x\ty\tu\tv\tflags\tmask\n" +
				"1.6000e+01\t1.6000e+01\t1.0000e+00\t-2.0000e+00\t0.0000e+00\t0.0000e+00\n" +
				"3.2000e+01\t1.6000e+01\tnan\tnan\t1.0000e+00\t0.0000e+00\n" +
				"4.8000e+01\t1.6000e+01\t3.0000e+00\t-4.0000e+00\t1.0000e+00\t0.0000e+00\n" +
				"1.6000e+01\t3.2000e+01\t5.0000e+00\t-6.0000e+00\t0.0000e+00\t1.0000e+00\n" +
				"3.2000e+01\t3.2000e+01\t7.0000e+00\t-8.0000e+00\t0.0000e+00\t0.0000e+00\n" +
				"4.8000e+01\t3.2000e+01\t9.0000e+00\t-1.0000e+01\t0.0000e+00\t0.0000e+00\n",
			want: gridWant{x: []float64{16, 32, 48}, y: []float64{16, 32}, vecs: openPIVVecs},
		},
		{
			name: "OpenPIV without header: positional flags and mask",
			input: "  16.000   16.000    1.000   -2.000 0 0\n" +
				"  32.000   16.000      nan      nan 1 0\n" +
				"  48.000   16.000    3.000   -4.000 1 0\n" +
				"  16.000   32.000    5.000   -6.000 0 1\n" +
				"  32.000   32.000    7.000   -8.000 0 0\n" +
				"  48.000   32.000    9.000  -10.000 0 0\n",
			want: gridWant{x: []float64{16, 32, 48}, y: []float64{16, 32}, vecs: openPIVVecs},
		},
		{
			name: "legacy OpenPIV .vec: a fifth column of signal-to-noise ratios is no flag",
			input: " 16  16 -0.2660  0.0000 51.1181\n" +
				" 32  16 -0.2141  5.3176 46.4536\n" +
				" 16  32  0.0064  5.2251 50.8890\n" +
				" 32  32 -0.0452  5.4580 48.9003\n",
			want: gridWant{x: []float64{16, 32}, y: []float64{16, 32}, vecs: []vec{
				{16, 16, -0.2660, 0, true}, {32, 16, -0.2141, 5.3176, true},
				{16, 32, 0.0064, 5.2251, true}, {32, 32, -0.0452, 5.4580, true},
			}},
		},
		{
			name: "PIVlab ASCII export: three header lines, CRLF, NaN",
			input: "PIVlab by W.Th. & E.J.S., ASCII chart output - 14-Mar-2017\r\n" +
				"FRAME: 1, filenames: A: img001.jpg & B: img002.jpg, conversion factor xy (px -> m): 0.0042423, conversion factor uv (px/frame -> m/s): 0.0042423\r\n" +
				"x [m],y [m],u [m/s],v [m/s],vorticity [1/s]\r\n" +
				"0.1,0.2,NaN,NaN,NaN\r\n0.1,0.4,0.5,0.25,0\r\n0.3,0.2,1,2,0\r\n0.3,0.4,1.5,-2,0.1\r\n",
			want: gridWant{x: []float64{0.1, 0.3}, y: []float64{0.2, 0.4}, units: mps, vecs: pivlabVecs},
		},
		{
			name: "PIVlab quoted header",
			input: `"x [m]","y [m]","u [m/s]","v [m/s]","vorticity [1/s]","magnitude [m/s]"` + "\n" +
				"0.1,0.2,NaN,NaN,NaN,NaN\n0.1,0.4,0.5,0.25,0,0.56\n0.3,0.2,1,2,0,2.2\n0.3,0.4,1.5,-2,0,2.5\n",
			want: gridWant{x: []float64{0.1, 0.3}, y: []float64{0.2, 0.4}, units: mps, vecs: pivlabVecs},
		},
		{
			name: "PIVlab tab-separated, uncalibrated",
			input: "x [px]\ty [px]\tu [px/frame]\tv [px/frame]\n" +
				"0.1\t0.2\tNaN\tNaN\n0.1\t0.4\t0.5\t0.25\n0.3\t0.2\t1\t2\n0.3\t0.4\t1.5\t-2\n",
			want: gridWant{x: []float64{0.1, 0.3}, y: []float64{0.2, 0.4}, units: pxf, vecs: pivlabVecs},
		},
		{
			name: "PIVlab space-separated: bracketed units stay with their names",
			input: "x [px] y [px] u [px/frame] v [px/frame] vorticity [1/frame]\n" +
				"0.1 0.2 NaN NaN NaN\n0.1 0.4 0.5 0.25 0\n0.3 0.2 1 2 0\n0.3 0.4 1.5 -2 0\n",
			want: gridWant{x: []float64{0.1, 0.3}, y: []float64{0.2, 0.4}, units: pxf, vecs: pivlabVecs},
		},
		{
			name: "PIVlab Tecplot export: isNaN column, units from the comment header",
			input: "# PIVlab by W.Th. & E.J.S., TECPLOT output - 01-Jan-2024\r\n" +
				"# FRAME: 1, filenames: a.jpg & b.jpg, conversion factor xy (px -> m): 1, conversion factor uv (px/frame -> m/s): 1\r\n" +
				"# x [px] y [px] u [px/frame] v [px/frame] isNaN?\r\n" +
				"TITLE = \"PIVlab frame: 1\"\r\n" +
				"VARIABLES = \"x\", \"y\", \"u\", \"v\", \"isNaN\"\r\n" +
				"ZONE I=2, J=2, K=1, F=POINT, T=\"1\"\r\n" +
				"0.1 0.2 0 0 1\r\n0.3 0.2 1 2 0\r\n0.1 0.4 0.5 0.25 0\r\n0.3 0.4 1.5 -2 0\r\n",
			want: gridWant{x: []float64{0.1, 0.3}, y: []float64{0.2, 0.4}, units: pxf, vecs: []vec{
				{0.1, 0.2, 0, 0, false}, {0.1, 0.4, 0.5, 0.25, true}, {0.3, 0.2, 1, 2, true}, {0.3, 0.4, 1.5, -2, true},
			}},
		},
		{
			name: "DaVis Tecplot export: isValid column, top row first",
			input: "TITLE = \"B00001\"\n" +
				"VARIABLES = \"x\", \"y\", \"Vx\", \"Vy\", \"isValid\"\n" +
				"ZONE T=\"Frame 0\", I=3, J=2, F=POINT\n" +
				"1.5 4.5 0.1 -0.1 1\n3.0 4.5 0.2 -0.2 1\n4.5 4.5 0 0 0\n" +
				"1.5 3.0 0.3 -0.3 1\n3.0 3.0 0.4 -0.4 1\n4.5 3.0 0.5 -0.5 1\n",
			want: gridWant{x: []float64{1.5, 3, 4.5}, y: []float64{4.5, 3}, vecs: []vec{
				{1.5, 4.5, 0.1, -0.1, true}, {3, 4.5, 0.2, -0.2, true}, {4.5, 4.5, 0, 0, false},
				{1.5, 3, 0.3, -0.3, true}, {3, 3, 0.4, -0.4, true}, {4.5, 3, 0.5, -0.5, true},
			}},
		},
		{
			name: "Tecplot VARIABLES with units, continued on the next line",
			input: "VARIABLES = \"x [mm]\", \"y [mm]\",\n \"Vx [m/s]\", \"Vy [m/s]\"\nZONE I=2, J=1\n" +
				"0 5 1 2\n1 5 3 4\n",
			want: gridWant{x: []float64{0, 1}, y: []float64{5}, units: piv.Units{Length: "mm", Velocity: "m/s"}, vecs: []vec{
				{0, 5, 1, 2, true}, {1, 5, 3, 4, true},
			}},
		},
		{
			name:  "semicolons and decimal commas",
			input: "x [mm];y [mm];u [m/s];v [m/s]\n0,5;1,5;0,25;-0,5\n1,5;1,5;0,75;-1\n",
			want: gridWant{x: []float64{0.5, 1.5}, y: []float64{1.5}, units: piv.Units{Length: "mm", Velocity: "m/s"}, vecs: []vec{
				{0.5, 1.5, 0.25, -0.5, true}, {1.5, 1.5, 0.75, -1, true},
			}},
		},
		{
			name:  "columns matched by name in any order, units in parentheses",
			input: "U velocity (m/s), V velocity (m/s), X position (mm), Y position (mm), mask\n1, 2, 0, 0, 0\n3, 4, 1, 0, 1\n",
			want: gridWant{x: []float64{0, 1}, y: []float64{0}, units: piv.Units{Length: "mm", Velocity: "m/s"}, vecs: []vec{
				{0, 0, 1, 2, true}, {1, 0, 3, 4, false},
			}},
		},
		{
			name:  "byte-order mark, comments and blank lines",
			input: "\ufeff# exported by hand\n\nx,y,u,v\n0,0,1,1\n\n# a comment between rows\n1,0,2,2\n",
			want:  gridWant{x: []float64{0, 1}, y: []float64{0}, vecs: []vec{{0, 0, 1, 1, true}, {1, 0, 2, 2, true}}},
		},
		{
			name:  "a comment after the column header",
			input: "# x y u v flags\n# flags: 1 = outlier\n0 0 1 1 0\n1 0 2 2 1.5\n",
			want:  gridWant{x: []float64{0, 1}, y: []float64{0}, vecs: []vec{{0, 0, 1, 1, true}, {1, 0, 2, 2, false}}},
		},
		{
			name:  "an unrecognised header is ignored",
			input: "# results of run 7\nposition velocity\n0 0 1 1\n1 0 2 2\n",
			want:  gridWant{x: []float64{0, 1}, y: []float64{0}, vecs: []vec{{0, 0, 1, 1, true}, {1, 0, 2, 2, true}}},
		},
		{
			name:  "trailing separators",
			input: "x, y, u, v,\n0, 0, 1, 1,\n1, 0, 2, 2,\n",
			want:  gridWant{x: []float64{0, 1}, y: []float64{0}, vecs: []vec{{0, 0, 1, 1, true}, {1, 0, 2, 2, true}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ReadColumns(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			checkGrid(t, res, tc.want, LayoutColumns)
		})
	}
}

func TestReadColumnsScattered(t *testing.T) {
	input := "# x y u v\n0.1 0.7 1 2\n0.4 0.2 3 4\n0.9 0.5 NaN 0\n0.3 0.95 5 6\n0.65 0.05 7 8\n"
	res, err := ReadColumns(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	checkConsistent(t, res)
	p := res.Points
	if p == nil {
		t.Fatal("random positions gave a grid")
	}
	wantX := []float64{0.1, 0.4, 0.3, 0.65} // the NaN vector is left out
	wantU := []float64{1, 3, 5, 7}
	if !closeAll(p.X, wantX) || !closeAll(p.U, wantU) {
		t.Errorf("points x %v u %v, want x %v u %v", p.X, p.U, wantX, wantU)
	}
}

func TestReadColumnsErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"empty input", "", []string{"empty input"}},
		{"blank lines only", "\n \n", []string{"empty input"}},
		{"header without data", "# a comment\nx y u v\n", []string{"no data lines"}},
		{"garbled value", "x y u v\n0 0 1 1\n1 0 abc 1\n", []string{"line 3", "column 3 (u)", `"abc"`}},
		{"text after the data", "0 0 1 1\nEND\n", []string{"line 2", `"END"`}},
		{"wrong column count, named", "x,y,u,v,flags\n0,0,1,1,0\n1,0,1\n",
			[]string{"line 3: expected 5 numeric columns (x, y, u, v, flags), got 3"}},
		{"wrong column count, positional", "0 0 1 1\n1 0 1\n", []string{"line 2: expected 4 numeric columns (as on line 1), got 3"}},
		{"too few columns", "0 0 1\n1 0 1\n", []string{"line 1: expected at least 4 numeric columns"}},
		{"empty value", "0,0,,1\n", []string{"line 1", "column 3", "empty value"}},
		{"duplicate positions", "0 0 1 1\n1 0 1 1\n0 1 1 1\n1 1 1 1\n1 0 2 2\n", []string{"lines 2 and 5", "(1, 0)", "duplicate"}},
		{"no valid vector", "x y u v flags\n0 0 1 1 1\n1 0 NaN NaN 0\n", []string{"no valid vectors"}},
		{"position not finite", "0 0 1 1\nNaN 0 1 1\n", []string{"line 2", "not finite"}},
		{"second zone", "VARIABLES = x y u v\nZONE I=1\n0 0 1 1\nZONE I=1\n1 1 1 1\n", []string{"line 4", "second ZONE"}},
		{"zone count mismatch", "VARIABLES = x y u v\nZONE I=2, J=2\n0 0 1 1\n1 0 1 1\n0 1 1 1\n",
			[]string{"ZONE I=2, J=2 on line 2 promises 4 vectors, found 3", "truncated"}},
		{"block packing", "VARIABLES = x y u v\nZONE I=2, J=1, DATAPACKING=BLOCK\n0 1\n0 0\n", []string{"line 2", "POINT"}},
		{"absurd zone", "VARIABLES = x y u v\nZONE I=100000, J=100000\n0 0 1 1\n", []string{"line 2", "more than"}},
		{"variables without velocities", "VARIABLES = \"a\", \"b\", \"c\", \"d\"\n0 0 1 1\n", []string{"line 1", "no columns named like x"}},
		{"unterminated quote", "VARIABLES = \"x\", \"y\", \"u\", \"v\n0 0 1 1\n", []string{"line 1", "unterminated"}},
		{"line too long", "0 0 1 1\n" + strings.Repeat("1", maxLineBytes+1) + "\n", []string{"line 2", "longer than"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ReadColumns(strings.NewReader(tc.input))
			if err == nil {
				t.Fatalf("no error; got %+v", res)
			}
			t.Log(err)
			checkErr(t, err, tc.want...)
		})
	}
}

func TestReadColumnsVectorLimit(t *testing.T) {
	defer func(n int) { maxVectors = n }(maxVectors)
	maxVectors = 3
	_, err := ReadColumns(strings.NewReader("0 0 1 1\n1 0 1 1\n2 0 1 1\n3 0 1 1\n"))
	checkErr(t, err, "line 4", "more than 3 vectors")
	if _, err := ReadColumns(strings.NewReader("0 0 1 1\n1 0 1 1\n2 0 1 1\n")); err != nil {
		t.Errorf("3 vectors under a limit of 3: %v", err)
	}
}
