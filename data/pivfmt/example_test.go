package pivfmt_test

import (
	"bytes"
	"fmt"
	"log"
	"strings"

	"pivsr/data/pivfmt"
	"pivsr/piv"
)

func ExampleReadColumns() {
	// An OpenPIV text file: x, y, u, v, flags (1 = replaced outlier), mask.
	const file = `# x y u v flags mask
16 16 1.0 -0.5 0 0
32 16 1.2 -0.4 1 0
16 32 0.9 -0.6 0 0
32 32 1.1 -0.5 0 0
`
	res, err := pivfmt.ReadColumns(strings.NewReader(file))
	if err != nil {
		log.Fatal(err)
	}
	f := res.Field
	fmt.Printf("%s: %d x %d grid, %d of %d vectors valid\n", res.Layout, f.NX(), f.NY(), f.NumValid(), f.Len())
	fmt.Println("x:", f.X, "y:", f.Y)

	// A line that does not parse is reported with its number.
	_, err = pivfmt.ReadColumns(strings.NewReader(file + "48 16 1.3\n"))
	fmt.Println(err)
	// Output:
	// x y u v columns: 2 x 2 grid, 3 of 4 vectors valid
	// x: [16 32] y: [16 32]
	// line 6: expected 6 numeric columns (x, y, u, v, flags, mask), got 3
}

func ExampleWriteFlo() {
	f := piv.NewField(piv.UniformGrid(2, 1, 0, 0, 1, 1))
	f.U[0], f.V[0] = 0.5, -1.5
	f.Mask = []bool{true, false} // written as unknown flow
	var buf bytes.Buffer
	if err := pivfmt.WriteFlo(&buf, f); err != nil {
		log.Fatal(err)
	}
	res, err := pivfmt.ReadFlo(&buf)
	if err != nil {
		log.Fatal(err)
	}
	g := res.Field
	fmt.Println(res.Layout, res.Units, g.U[0], g.V[0], g.Valid(1))
	// Output:
	// Middlebury .flo {px px/frame } 0.5 -1.5 false
}
