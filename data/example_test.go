package data_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"pivsr/data"
	"pivsr/piv"
)

// Save a sparse field with its vorticity and provenance, then load it back.
func Example() {
	dir, err := os.MkdirTemp("", "pivsr-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A Taylor-Green vortex on a 32 x 16 grid, every third vector missing.
	g := piv.UniformGrid(32, 16, 0, 0, 2*math.Pi/32, 2*math.Pi/32)
	f := piv.NewField(g)
	f.Mask = make([]bool, g.Len())
	for j, y := range g.Y {
		for i, x := range g.X {
			k := g.Index(i, j)
			f.U[k], f.V[k] = math.Sin(x)*math.Cos(y), -math.Cos(x)*math.Sin(y)
			f.Mask[k] = k%3 != 0
		}
	}
	omega, err := piv.Vorticity(nil, f)
	if err != nil {
		log.Fatal(err)
	}
	ds := &data.Dataset{
		Fields: []*piv.Field{f},
		Units:  piv.Units{Length: "m", Velocity: "m/s"},
		Extra:  map[string][][]float64{"vorticity": {omega}},
	}
	out := filepath.Join(dir, "tg.h5")
	opt := data.SaveOptions{Float32: true, Provenance: data.NewProvenance("dev")}
	if err := data.SaveHDF5(out, ds, opt); err != nil {
		log.Fatal(err)
	}
	// Saving again without Force keeps the file.
	if err := data.SaveHDF5(out, ds, opt); err != nil {
		fmt.Println("second save refused")
	}

	back, err := data.Load(out, data.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.Layout)
	fmt.Println(back.Fields[0].NumValid(), "valid vectors of", g.Len(), "in", back.Units.Velocity)
	fmt.Println("extra fields:", len(back.Extra["vorticity"][0]), "vorticity values")
	fmt.Println("written by pivsr", back.Attrs[data.AttrPivsrVersion])
	// Output:
	// second save refused
	// pivsr v1 (grid nx=32 ny=16)
	// 341 valid vectors of 512 in m/s
	// extra fields: 512 vorticity values
	// written by pivsr dev
}

// Foreign files: velocity datasets named by the user, grid spacing given
// because the file has no coordinates.
func ExampleLoad() {
	_, err := data.Load("run.h5", data.LoadOptions{UName: "/piv/Vx", VName: "/piv/Vy", DX: 0.5e-3, DY: 0.5e-3})
	fmt.Println(err)
	// Output:
	// run.h5: no such file
}
