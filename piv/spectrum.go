package piv

import (
	"fmt"
	"math"

	"pivsr/internal/spectral"
)

// uniformTolerance is the relative spacing deviation below which a grid counts
// as uniform for the FFT and for separations in grid steps; coordinates read
// from text or float32 files carry rounding well below it.
const uniformTolerance = 1e-3

// EnergySpectrum writes the radial kinetic-energy spectrum E(k) of f into dst
// (reused when it has the capacity) and returns it, indexed by the integer
// shell k = 0, 1, ..., NumShells(nx, ny)-1.
//
// With û, v̂ the unnormalised 2D DFTs of u and v (spectral.FFT2.Forward),
//
//	E(k) = sum over modes with k-0.5 <= |(kx, ky)| < k+0.5 of (|û|^2 + |v̂|^2) / (2 (nx ny)^2),
//
// kx, ky the signed integer wavenumbers (mode counts per domain length). By
// Parseval, sum_k E(k) = mean(u^2 + v^2) / 2, the mean kinetic energy per unit
// mass. For a square domain of side L the physical wavenumber of shell k is
// 2 pi k / L; on a non-square domain the shells mix the two axes' mode counts.
//
// The field is treated as periodic (no window). Invalid vectors are filled with
// the mean of the valid ones before the transform, so they add nothing to the
// mean flow; the holes' edges still spread some energy over all shells. The
// grid must be uniform.
func EnergySpectrum(dst []float64, f *Field) ([]float64, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	if !f.IsUniform(uniformTolerance) {
		return nil, fmt.Errorf("the energy spectrum needs a uniformly spaced grid")
	}
	nx, ny := f.NX(), f.NY()
	mu, mv := validMean(f)
	// One complex transform of z = u + i v carries both spectra: with
	// Z(k) = U(k) + i V(k) and U, V Hermitian, |U(k)|^2 + |V(k)|^2 =
	// (|Z(k)|^2 + |Z(-k)|^2) / 2, and k and -k always share a shell.
	z := make([]complex128, nx*ny)
	for k := range z {
		if f.Valid(k) {
			z[k] = complex(f.U[k], f.V[k])
		} else {
			z[k] = complex(mu, mv)
		}
	}
	spectral.NewFFT2(nx, ny).Forward(z)

	dst = resize(dst, NumShells(nx, ny))
	clear(dst)
	norm := 0.5 / (float64(nx*ny) * float64(nx*ny))
	for j := 0; j < ny; j++ {
		ky := float64(spectral.Wavenumber(j, ny))
		for i := 0; i < nx; i++ {
			kx := float64(spectral.Wavenumber(i, nx))
			c := z[j*nx+i]
			dst[ShellOf(kx, ky)] += norm * (real(c)*real(c) + imag(c)*imag(c))
		}
	}
	return dst, nil
}

// NumShells is the number of radial shells EnergySpectrum returns for an nx by
// ny grid: 0 up to the shell of the corner mode (nx/2, ny/2).
func NumShells(nx, ny int) int {
	return ShellOf(float64(nx/2), float64(ny/2)) + 1
}

// ShellOf is the radial shell of the integer wavenumber (kx, ky): |(kx, ky)|
// rounded to the nearest integer; for integer wavenumbers the magnitude is
// never a half-integer, so there is no tie to break.
func ShellOf(kx, ky float64) int {
	return int(math.Floor(math.Hypot(kx, ky) + 0.5))
}

// validMean is the mean of u and v over the valid vectors.
func validMean(f *Field) (mu, mv float64) {
	n := 0
	for k := range f.U {
		if f.Valid(k) {
			mu += f.U[k]
			mv += f.V[k]
			n++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return mu / float64(n), mv / float64(n)
}
