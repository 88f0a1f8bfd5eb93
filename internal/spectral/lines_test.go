package spectral

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// naiveDFT is the O(n^2) definition, sign -1 forward, +1 inverse, unnormalised.
func naiveDFT(x []complex128, sign float64) []complex128 {
	n := len(x)
	out := make([]complex128, n)
	for k := range out {
		var s complex128
		for j, v := range x {
			s += v * cmplx.Rect(1, sign*2*math.Pi*float64(j*k%n)/float64(n))
		}
		out[k] = s
	}
	return out
}

func randomComplex(rng *rand.Rand, n int) []complex128 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	return x
}

func maxDiff(a, b []complex128) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, cmplx.Abs(a[i]-b[i]))
	}
	return d
}

func TestComplexLineMatchesDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 4, 8, 16, 32, 64, 128, 6, 12, 15} {
		for _, inverse := range []bool{false, true} {
			x := randomComplex(rng, n)
			sign := -1.0
			if inverse {
				sign = 1
			}
			want := naiveDFT(x, sign)
			newComplexLine(n).do(x, inverse)
			if d := maxDiff(x, want); d > 1e-10*float64(n) {
				t.Errorf("n=%d inverse=%v: max |fast - DFT| = %g", n, inverse, d)
			}
		}
	}
}

func TestColumnsBatchMatchesDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{2, 8, 32, 12} {
		const width = 5
		src := randomComplex(rng, n*width)
		orig := append([]complex128(nil), src...)
		a, b := make([]complex128, n*width), make([]complex128, n*width)
		got := newColumns(n).do(src, a, b, width, false)
		for i := 0; i < width; i++ {
			col := make([]complex128, n)
			for j := range col {
				col[j] = orig[j*width+i]
			}
			want := naiveDFT(col, -1)
			for j := range col {
				if d := cmplx.Abs(got[j*width+i] - want[j]); d > 1e-10*float64(n) {
					t.Fatalf("n=%d column %d row %d: got %v, want %v", n, i, j, got[j*width+i], want[j])
				}
			}
		}
		if maxDiff(src, orig) != 0 {
			t.Errorf("n=%d: the source array was modified", n)
		}
	}
}

func TestRealLineMatchesDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{2, 4, 8, 16, 64, 256, 6, 10, 9} {
		x := make([]float64, n)
		xc := make([]complex128, n)
		for i := range x {
			x[i] = rng.NormFloat64()
			xc[i] = complex(x[i], 0)
		}
		want := naiveDFT(xc, -1)
		r := newRealLine(n)
		got := make([]complex128, n/2+1)
		r.forward(got, x)
		if d := maxDiff(got, want[:n/2+1]); d > 1e-10*float64(n) {
			t.Errorf("n=%d forward: max |fast - DFT| = %g", n, d)
		}
		back := make([]float64, n)
		r.inverse(back, got, 1/float64(n))
		for i := range x {
			if math.Abs(back[i]-x[i]) > 1e-12*float64(n) {
				t.Fatalf("n=%d round trip differs at %d: %v vs %v", n, i, back[i], x[i])
			}
		}
	}
}

func TestRealFFT2MatchesFFT2(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct{ nx, ny, cols int }{
		{16, 8, 0}, {8, 16, 0}, {64, 64, 0}, {64, 64, 22}, {12, 10, 0}, {10, 12, 4}, {32, 6, 0},
	} {
		x := make([]float64, c.nx*c.ny)
		z := make([]complex128, len(x))
		for i := range x {
			x[i] = rng.NormFloat64()
			z[i] = complex(x[i], 0)
		}
		NewFFT2(c.nx, c.ny).Forward(z)
		tr := NewRealFFT2(c.nx, c.ny, c.cols)
		h := tr.Cols()
		if c.cols == 0 && h != c.nx/2+1 {
			t.Fatalf("%dx%d: Cols() = %d, want %d", c.nx, c.ny, h, c.nx/2+1)
		}
		half := make([]complex128, tr.Len())
		tr.Forward(half, x)
		for ky := 0; ky < c.ny; ky++ {
			for kx := 0; kx < h; kx++ {
				if d := cmplx.Abs(half[ky*h+kx] - z[ky*c.nx+kx]); d > 1e-9 {
					t.Fatalf("%dx%d cols %d: (kx %d, ky %d) = %v, FFT2 gives %v", c.nx, c.ny, h, kx, ky, half[ky*h+kx], z[ky*c.nx+kx])
				}
			}
		}
		// The inverse of the banded half spectrum is the field with columns
		// kx >= Cols() (and their mirror images) removed.
		for ky := 0; ky < c.ny; ky++ {
			for kx := 0; kx < c.nx; kx++ {
				if k := Wavenumber(kx, c.nx); k >= h || -k >= h {
					z[ky*c.nx+kx] = 0
				}
			}
		}
		NewFFT2(c.nx, c.ny).Inverse(z)
		orig := append([]complex128(nil), half...)
		back := make([]float64, len(x))
		tr.Inverse(back, half)
		for i := range back {
			if math.Abs(back[i]-real(z[i])) > 1e-12 {
				t.Fatalf("%dx%d cols %d: inverse differs at %d: %v vs %v", c.nx, c.ny, h, i, back[i], real(z[i]))
			}
		}
		if maxDiff(half, orig) != 0 {
			t.Errorf("%dx%d: Inverse modified its source", c.nx, c.ny)
		}
	}
}

func TestFFT2MatchesDFTOnMixedSizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, c := range [][2]int{{12, 6}, {8, 12}, {5, 4}} {
		nx, ny := c[0], c[1]
		a := randomComplex(rng, nx*ny)
		want := make([]complex128, nx*ny)
		for ky := 0; ky < ny; ky++ {
			for kx := 0; kx < nx; kx++ {
				var s complex128
				for j := 0; j < ny; j++ {
					for i := 0; i < nx; i++ {
						s += a[j*nx+i] * cmplx.Rect(1, -2*math.Pi*(float64(kx*i)/float64(nx)+float64(ky*j)/float64(ny)))
					}
				}
				want[ky*nx+kx] = s
			}
		}
		NewFFT2(nx, ny).Forward(a)
		if d := maxDiff(a, want); d > 1e-10 {
			t.Errorf("%dx%d: max |FFT2 - DFT| = %g", nx, ny, d)
		}
	}
}

func benchmarkFFT2(b *testing.B, n int) {
	a := randomComplex(rand.New(rand.NewPCG(1, 1)), n*n)
	t := NewFFT2(n, n)
	for b.Loop() {
		t.Forward(a)
	}
}

func BenchmarkFFT2_256(b *testing.B) { benchmarkFFT2(b, 256) }
func BenchmarkFFT2_250(b *testing.B) { benchmarkFFT2(b, 250) }

func benchmarkRealFFT2(b *testing.B, n, cols int, inverse bool) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, n*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	t := NewRealFFT2(n, n, cols)
	half := make([]complex128, t.Len())
	t.Forward(half, x)
	for b.Loop() {
		if inverse {
			t.Inverse(x, half)
		} else {
			t.Forward(half, x)
		}
	}
}

func BenchmarkRealFFT2Forward256(b *testing.B)     { benchmarkRealFFT2(b, 256, 0, false) }
func BenchmarkRealFFT2Inverse256(b *testing.B)     { benchmarkRealFFT2(b, 256, 0, true) }
func BenchmarkRealFFT2Forward256Band(b *testing.B) { benchmarkRealFFT2(b, 256, 86, false) }
func BenchmarkRealFFT2Inverse256Band(b *testing.B) { benchmarkRealFFT2(b, 256, 86, true) }
