package synth_test

import (
	"context"
	"fmt"
	"math"

	"pivsr/data/synth"
	"pivsr/piv"
)

func ExampleSample() {
	// A Lamb-Oseen vortex carried by a uniform stream, on a 5 x 5 grid.
	g := piv.UniformGrid(5, 5, -1, -1, 0.5, 0.5)
	f, err := synth.Sample(g, synth.Sum{
		synth.Uniform{U: 0.5},
		synth.LambOseen{Circulation: 2 * math.Pi, CoreRadius: 0.5},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	k := g.Index(4, 2) // (x, y) = (1, 0): the vortex alone moves it upwards
	fmt.Printf("(u, v) at (%g, %g) = (%.4f, %.4f)\n", f.X[4], f.Y[2], f.U[k], f.V[k])
	// Output:
	// (u, v) at (1, 0) = (0.5000, 0.9817)
}

func ExampleNewTurbulence() {
	sim, err := synth.NewTurbulence(64).
		WithSeed(1).
		WithInitialSpectrum(3, 0.5). // peak wavenumber 3, rms speed 1
		Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := sim.Run(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	// Velocities on x_i = 2 pi i/64. The hyperviscosity takes little
	// energy while it absorbs the enstrophy cascade at the grid scale.
	energy := 0.0
	for k := range f.U {
		energy += (f.U[k]*f.U[k] + f.V[k]*f.V[k]) / 2
	}
	fmt.Printf("%dx%d field, dx = 2pi/%.0f, after %.0f eddy turnover times\n", f.NX(), f.NY(), 2*math.Pi/(f.X[1]-f.X[0]), sim.Config().Duration/sim.EddyTurnover())
	fmt.Printf("energy %.2f (started at 0.5)\n", energy/float64(len(f.U)))
	// Output:
	// 64x64 field, dx = 2pi/64, after 12 eddy turnover times
	// energy 0.49 (started at 0.5)
}
