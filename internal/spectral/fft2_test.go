package spectral

import (
	"math"
	"math/cmplx"
	"testing"
)

func TestFFT2SingleModeAndRoundTrip(t *testing.T) {
	const nx, ny = 16, 8
	a := make([]complex128, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			a[j*nx+i] = complex(math.Cos(2*math.Pi*(3*float64(i)/nx+2*float64(j)/ny)), 0)
		}
	}
	orig := append([]complex128(nil), a...)
	tr := NewFFT2(nx, ny)
	tr.Forward(a)
	for ky := 0; ky < ny; ky++ {
		for kx := 0; kx < nx; kx++ {
			want := 0.0
			if (kx == 3 && ky == 2) || (kx == nx-3 && ky == ny-2) {
				want = nx * ny / 2
			}
			if got := cmplx.Abs(a[ky*nx+kx]); math.Abs(got-want) > 1e-9 {
				t.Fatalf("|A[%d,%d]| = %v, want %v", ky, kx, got, want)
			}
		}
	}
	tr.Inverse(a)
	for k := range a {
		if cmplx.Abs(a[k]-orig[k]) > 1e-12 {
			t.Fatalf("round trip differs at %d: %v vs %v", k, a[k], orig[k])
		}
	}
}

func TestWavenumber(t *testing.T) {
	got := []int{}
	for k := 0; k < 6; k++ {
		got = append(got, Wavenumber(k, 6))
	}
	want := []int{0, 1, 2, 3, -2, -1}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("Wavenumber(%d, 6) = %d, want %d", k, got[k], want[k])
		}
	}
}
