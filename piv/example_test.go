package piv_test

import (
	"fmt"
	"math"

	"pivsr/piv"
)

// taylorGreen samples u = sin x cos y, v = -cos x sin y on g.
func taylorGreen(g piv.Grid) *piv.Field {
	f := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			f.U[g.Index(i, j)] = math.Sin(x) * math.Cos(y)
			f.V[g.Index(i, j)] = -math.Cos(x) * math.Sin(y)
		}
	}
	return f
}

// The package's worked example: derive the vorticity of a Taylor-Green
// vortex, keep every 4th vector as a coarse PIV would, fill the gaps with
// neighbour averages (a crude baseline) and score it against the truth.
func Example() {
	g := piv.UniformGrid(64, 64, 0, 0, 2*math.Pi/63, 2*math.Pi/63)
	truth := taylorGreen(g)

	omega, err := piv.Vorticity(nil, truth) // 2 sin x sin y, to second order
	if err != nil {
		fmt.Println(err)
		return
	}
	worst := 0.0
	for j, y := range g.Y {
		for i, x := range g.X {
			worst = max(worst, math.Abs(omega[g.Index(i, j)]-2*math.Sin(x)*math.Sin(y)))
		}
	}
	fmt.Printf("largest vorticity error below 0.01: %v\n", worst < 0.01)

	sparse, err := piv.KeepEvery(truth, 4, 0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("kept %d of %d vectors\n", sparse.NumValid(), g.Len())

	fill := piv.DefaultGapFill()
	fill.Method = piv.FillMean
	filler := piv.Validator{Test: piv.DefaultMedianTest(), Fill: &fill, FillMissing: true}
	report, err := filler.Validate(sparse)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("filled %d gaps\n", report.NumFilled)

	m, err := piv.Evaluate(sparse, truth, piv.MetricOptions{Border: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("interior: rec %.4f, NRMSE %.2f, angular error %.1f deg\n", m.Rec, m.NRMSE, m.AngularErrorDeg)
	// Output:
	// largest vorticity error below 0.01: true
	// kept 256 of 4096 vectors
	// filled 3840 gaps
	// interior: rec 0.0026, NRMSE 0.10, angular error 2.7 deg
}

// A single Fourier mode with wavenumber (3, 4) puts all its energy in shell 5.
func ExampleEnergySpectrum() {
	const n = 32
	f := piv.NewField(piv.UniformGrid(n, n, 0, 0, 1, 1))
	for j := range n {
		for i := range n {
			f.U[f.Index(i, j)] = math.Cos(2 * math.Pi * float64(3*i+4*j) / n)
		}
	}
	e, err := piv.EnergySpectrum(nil, f)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, ek := range e {
		if ek > 1e-12 {
			fmt.Printf("E(%d) = %.3f\n", k, ek) // mean(u^2)/2 = 1/4
		}
	}
	// Output:
	// E(5) = 0.250
}

// A spurious vector in a smooth field is rejected and replaced by the median
// of its neighbours.
func ExampleValidator_Validate() {
	g := piv.UniformGrid(32, 32, 0, 0, 0.1, 0.1)
	f := taylorGreen(g)
	k := g.Index(12, 20)
	truthU := f.U[k]
	f.U[k] += 1.5

	report, err := piv.DefaultValidator().Validate(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	for m, bad := range report.Rejected {
		if bad {
			fmt.Printf("rejected the vector at column %d, row %d\n", m%32, m/32)
		}
	}
	fmt.Printf("replacement within 0.01 of the truth: %v\n", math.Abs(f.U[k]-truthU) < 0.01)
	// Output:
	// rejected the vector at column 12, row 20
	// replacement within 0.01 of the truth: true
}

// For the linear flow u = 2x, v = 2y the structure function is S2(r) = 4 r^2
// in every direction.
func ExampleSecondOrderStructure() {
	g := piv.UniformGrid(16, 16, 0, 0, 0.5, 0.5)
	f := piv.NewField(g)
	for j, y := range g.Y {
		for i, x := range g.X {
			f.U[g.Index(i, j)], f.V[g.Index(i, j)] = 2*x, 2*y
		}
	}
	s, err := piv.SecondOrderStructure(f, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for l := range 3 {
		fmt.Printf("r = %.3f: S2 along x %.3f, along the diagonals %.3f (r = %.3f)\n",
			s.X.R[l], s.X.S2[l], s.Diagonal.S2[l], s.Diagonal.R[l])
	}
	// Output:
	// r = 0.500: S2 along x 1.000, along the diagonals 2.000 (r = 0.707)
	// r = 1.000: S2 along x 4.000, along the diagonals 8.000 (r = 1.414)
	// r = 1.500: S2 along x 9.000, along the diagonals 18.000 (r = 2.121)
}

// A uniform field turned by 90 degrees is 60 degrees off in the space-time
// angular error, and its rec is 1: both components are off by 1.
func ExampleEvaluate() {
	g := piv.UniformGrid(8, 8, 0, 0, 1, 1)
	east, north := piv.NewField(g), piv.NewField(g)
	for k := range east.U {
		east.U[k], north.V[k] = 1, 1
	}
	m, err := piv.Evaluate(north, east, piv.MetricOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("rec %.3f, NRMSE %.3f, angular error %.1f deg\n", m.Rec, m.NRMSE, m.AngularErrorDeg)
	// Output:
	// rec 1.000, NRMSE 1.414, angular error 60.0 deg
}
