package pivfmt

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pivsr/piv"
)

// insightHeader is a TSI Insight header line for a 3 x 2 zone: every record
// on one line, as Insight writes it.
const insightHeader = `TITLE="E:\run\Analysis\Run000001.T000.D000.P000.H001.L.vec" ` +
	`VARIABLES="X mm", "Y mm", "U m/s", "V m/s", "CHC", DATASETAUXDATA Application="PIV" ` +
	`DATASETAUXDATA MicrometersPerPixelX="19.530001" DATASETAUXDATA LengthUnit="mm" ZONE I=3, J=2, F=POINT` + "\n"

// insightRows are its data lines: top row first, CHC -3, 1, -1, 1, 2, 1.
var insightRows = []string{
	"0.312480, -0.312480, 0.000000, -0.000000, -3",
	"0.624960, -0.312480, 0.009765, -0.000033, 1",
	"0.937440, -0.312480, 0.006823, -0.000025, -1",
	"0.312480, -0.624960, 0.008874, -0.000276, 1",
	"0.624960, -0.624960, 0.007282, -0.001082, 2",
	"0.937440, -0.624960, 0.001849, -0.001545, 1",
}

var insightWant = gridWant{
	x:     []float64{0.31248, 0.62496, 0.93744},
	y:     []float64{-0.31248, -0.62496},
	units: piv.Units{Length: "mm", Velocity: "m/s"},
	vecs: []vec{
		{0.31248, -0.31248, 0, 0, false},
		{0.62496, -0.31248, 0.009765, -0.000033, true},
		{0.93744, -0.31248, 0.006823, -0.000025, false}, // rejected, value kept
		{0.31248, -0.62496, 0.008874, -0.000276, true},
		{0.62496, -0.62496, 0.007282, -0.001082, true},
		{0.93744, -0.62496, 0.001849, -0.001545, true},
	},
}

func insightFile(rows []string) string { return insightHeader + strings.Join(rows, "\n") + "\n" }

func TestReadVec(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"Insight header on one line", insightFile(insightRows)},
		{"CRLF line endings", strings.ReplaceAll(insightFile(insightRows), "\n", "\r\n")},
		{"records on separate lines", strings.Replace(strings.Replace(insightFile(insightRows),
			` DATASETAUXDATA Application`, "\nDATASETAUXDATA Application", 1), " ZONE", "\nZONE", 1)},
		{"rows listed y fastest", insightHeader + strings.Join([]string{
			insightRows[0], insightRows[3], insightRows[1], insightRows[4], insightRows[2], insightRows[5]}, "\n")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ReadVec(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			checkGrid(t, res, insightWant, LayoutVec)
		})
	}
}

func TestReadVecErrors(t *testing.T) {
	short := append([]string(nil), insightRows...)
	short[1] = "0.624960, -0.312480, 0.009765"
	garbled := append([]string(nil), insightRows...)
	garbled[1] = "0.624960, -0.312480, 0.0O9765, -0.000033, 1"
	dup := append([]string(nil), insightRows...)
	dup[5] = insightRows[4]
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"empty input", "", []string{"empty input"}},
		{"plain columns, no Tecplot header", "0 0 1 1 1\n1 0 1 1 1\n", []string{"line 1", "VARIABLES"}},
		{"truncated file", insightFile(insightRows[:5]), []string{"promises 6 vectors, found 5", "truncated"}},
		{"header only", insightHeader, []string{"no data lines"}},
		{"wrong column count", insightFile(short),
			[]string{"line 3: expected 5 numeric columns (X mm, Y mm, U m/s, V m/s, CHC), got 3"}},
		{"garbled line", insightFile(garbled), []string{"line 3: column 3 (U m/s)", `"0.0O9765"`}},
		{"duplicate positions", insightFile(dup), []string{"lines 6 and 7", "duplicate"}},
		{"zone disagrees with the positions", strings.Replace(insightFile(insightRows), "I=3, J=2", "I=6, J=1", 1),
			[]string{"ZONE I=6, J=1 on line 1", "3 x 2 grid"}},
		{"3D zone", strings.Replace(insightFile(insightRows), "J=2,", "J=2, K=2,", 1), []string{"K=2"}},
		{"every vector rejected", strings.Replace(insightHeader, "I=3, J=2", "I=2, J=1", 1) + "0, 0, 1, 1, -1\n1, 0, 1, 1, 0\n",
			[]string{"no valid vectors"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ReadVec(strings.NewReader(tc.input))
			if err == nil {
				t.Fatalf("no error; got %+v", res)
			}
			t.Log(err)
			checkErr(t, err, tc.want...)
		})
	}
}

// TestReadVecInsightFile reads the real TSI Insight file of the shared data
// (see its README): a 63 x 63 grid in mm, top row first, 3616 valid vectors.
func TestReadVecInsightFile(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "piv", "insight_run1.vec")
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("real Insight file not available: %v", err)
	}
	defer fh.Close()
	res, err := ReadVec(fh)
	if err != nil {
		t.Fatal(err)
	}
	checkConsistent(t, res)
	f := res.Field
	if f == nil || f.NX() != 63 || f.NY() != 63 {
		t.Fatalf("want a 63 x 63 grid, got %+v", res)
	}
	if got := f.NumValid(); got != 3616 {
		t.Errorf("%d valid vectors, want 3616", got)
	}
	if res.Units != (piv.Units{Length: "mm", Velocity: "m/s"}) {
		t.Errorf("units %+v, want mm and m/s", res.Units)
	}
	const h = 0.31248 // the file prints 6 decimals
	for k := range 63 {
		if x, want := f.X[k], h*float64(k+1); abs(x-want) > 2e-6 {
			t.Fatalf("x[%d] = %v, want %v (x increasing)", k, x, want)
		}
		if y, want := f.Y[k], -h*float64(k+1); abs(y-want) > 2e-6 {
			t.Fatalf("y[%d] = %v, want %v (y decreasing)", k, y, want)
		}
	}

	// Every data line must sit at row k/63, column k%63 with its own values,
	// valid exactly when its CHC is positive.
	if _, err := fh.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<16)
	sc.Scan() // header
	for k := 0; sc.Scan(); k++ {
		fields := strings.Split(sc.Text(), ", ")
		u, _ := strconv.ParseFloat(fields[2], 64)
		v, _ := strconv.ParseFloat(fields[3], 64)
		chc, _ := strconv.Atoi(fields[4])
		at := f.Index(k%63, k/63)
		if f.U[at] != u || f.V[at] != v || f.Valid(at) != (chc > 0) {
			t.Fatalf("data line %d: node holds (%v, %v, valid %v), line says (%v, %v, CHC %d)", k+2, f.U[at], f.V[at], f.Valid(at), u, v, chc)
		}
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
