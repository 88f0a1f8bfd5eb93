package baseline

import (
	"context"
	"errors"
	"fmt"
	"math"

	"pivsr/internal/spectral"
	"pivsr/piv"
)

// Spectral is trigonometric interpolation of a periodic field: the lattice
// samples' discrete Fourier coefficients, zero-padded onto the target grid.
// It is exact for a field band-limited to the lattice's Nyquist wavenumber and
// is the natural interpolant of a periodic box (a DNS, or any field
// DetectPeriodicity accepts); on a field with unrelated edges it rings.
//
// The target grid must be commensurate with the period: uniform, its spacing
// dividing the period, its nodes on the lattice's offset grid.
type Spectral struct {
	// Solenoidal projects the result onto divergence-free fields (the Leray
	// projection u <- u - k (k.u)/|k|^2 in Fourier space), removing the
	// divergence that aliasing leaves; it changes nothing in a
	// divergence-free band-limited field. Where the samples alias
	// divergence, the result no longer passes exactly through them.
	Solenoidal bool
}

// Name returns "spectral", or "spectral-solenoidal" with the projection.
func (m Spectral) Name() string {
	if m.Solenoidal {
		return "spectral-solenoidal"
	}
	return "spectral"
}

// Reconstruct interpolates s, one period of a periodic lattice, onto target.
func (m Spectral) Reconstruct(ctx context.Context, s *Samples, target piv.Grid) (*piv.Field, error) {
	pt, err := newPeriodicTarget(ctx, s, target)
	if err != nil {
		return nil, err
	}
	p, nx, ny := pt.p, pt.nx, pt.ny
	lat := s.Lattice
	mx, my := lat.NX(), lat.NY()
	uh := padSpectrum(lat.U, mx, my, nx, ny)
	vh := padSpectrum(lat.V, mx, my, nx, ny)
	if m.Solenoidal {
		project(uh, vh, nx, ny, p.PeriodX, p.PeriodY)
	}
	return pt.field(uh, vh, spectral.NewFFT2(nx, ny), target, s.Units), nil
}

// ErrIncommensurate is the error (wrapped) of the periodic methods for a
// target grid that does not lie on the period's grid, its nodes per period
// a multiple of the lattice's.
var ErrIncommensurate = errors.New("spectral interpolation: the target grid is not commensurate with the period")

// periodicTarget is a target grid laid on the period grid of a periodic
// lattice: nx x ny nodes per period, target node (i, j) at period node
// (ix[i], iy[j]).
type periodicTarget struct {
	p      Periodicity
	ix, iy []int
	nx, ny int
}

// newPeriodicTarget checks that s is one period of a periodic lattice and
// that target is commensurate with it, its nodes per period a multiple of
// the lattice's.
func newPeriodicTarget(ctx context.Context, s *Samples, target piv.Grid) (periodicTarget, error) {
	var pt periodicTarget
	if _, err := checkTarget(s, target); err != nil {
		return pt, err
	}
	p, err := DetectPeriodicity(s)
	if err != nil {
		return pt, fmt.Errorf("spectral interpolation: %w", err)
	}
	lat := s.Lattice
	ix, nx, err := commensurate(target.X, lat.X[0], p.PeriodX)
	if err != nil {
		return pt, fmt.Errorf("%w along x: %w", ErrIncommensurate, err)
	}
	iy, ny, err := commensurate(target.Y, lat.Y[0], p.PeriodY)
	if err != nil {
		return pt, fmt.Errorf("%w along y: %w", ErrIncommensurate, err)
	}
	if nx%lat.NX() != 0 || ny%lat.NY() != 0 {
		return pt, fmt.Errorf("%w: its %d x %d nodes per period are not a multiple of the lattice's %d x %d", ErrIncommensurate, nx, ny, lat.NX(), lat.NY())
	}
	return periodicTarget{p: p, ix: ix, iy: iy, nx: nx, ny: ny}, ctx.Err()
}

// wholePeriod reports whether the target is the period grid itself, node
// for node.
func (pt periodicTarget) wholePeriod() bool {
	if len(pt.ix) != pt.nx || len(pt.iy) != pt.ny {
		return false
	}
	for i, v := range pt.ix {
		if v != i {
			return false
		}
	}
	for j, v := range pt.iy {
		if v != j {
			return false
		}
	}
	return true
}

// field inverts the spectra uh, vh (in place) and samples the target nodes.
func (pt periodicTarget) field(uh, vh []complex128, fft *spectral.FFT2, target piv.Grid, units piv.Units) *piv.Field {
	fft.Inverse(uh)
	fft.Inverse(vh)
	out := piv.NewField(target)
	out.Units = units
	for j := range target.Y {
		for i := range target.X {
			q := pt.iy[j]*pt.nx + pt.ix[i]
			out.U[target.Index(i, j)] = real(uh[q])
			out.V[target.Index(i, j)] = real(vh[q])
		}
	}
	return out
}

// commensurate maps target coordinates onto the indices of a uniform grid of
// n nodes over one period starting at origin, or says why it cannot.
func commensurate(c []float64, origin, period float64) (idx []int, n int, err error) {
	if len(c) < 2 {
		return nil, 0, fmt.Errorf("the target needs at least 2 nodes")
	}
	h := math.Abs(c[1] - c[0])
	fn := math.Abs(period) / h
	n = int(math.Round(fn))
	if n < 2 || math.Abs(fn-float64(n)) > 1e-6*fn {
		return nil, 0, fmt.Errorf("the target spacing %v does not divide the period %v", h, period)
	}
	step := period / float64(n) // signed like the lattice
	idx = make([]int, len(c))
	for i, v := range c {
		f := (v - origin) / step
		r := math.Round(f)
		if math.Abs(f-r) > 1e-6*float64(n) {
			return nil, 0, fmt.Errorf("target node %v is not on the period's %d-node grid", v, n)
		}
		idx[i] = ((int(r) % n) + n) % n
	}
	return idx, n, nil
}

// padSpectrum returns the DFT of the mx x my lattice values zero-padded to
// nx x ny and scaled so that the inverse DFT interpolates the values. The
// Nyquist coefficients of even sizes are split evenly between +N/2 and -N/2,
// which keeps the interpolant real.
func padSpectrum(values []float64, mx, my, nx, ny int) []complex128 {
	a := make([]complex128, mx*my)
	for k, v := range values {
		a[k] = complex(v, 0)
	}
	spectral.NewFFT2(mx, my).Forward(a)
	out := make([]complex128, nx*ny)
	scale := float64(nx*ny) / float64(mx*my)
	for ky := 0; ky < my; ky++ {
		wys, fy := splitNyquist(spectral.Wavenumber(ky, my), my)
		for kx := 0; kx < mx; kx++ {
			wxs, fx := splitNyquist(spectral.Wavenumber(kx, mx), mx)
			c := a[ky*mx+kx] * complex(scale*fx*fy, 0)
			for _, wy := range wys {
				for _, wx := range wxs {
					out[((wy+ny)%ny)*nx+(wx+nx)%nx] += c
				}
			}
		}
	}
	return out
}

// splitNyquist returns the wavenumbers a coefficient is spread over and the
// share each gets: the Nyquist wavenumber of an even size goes half to +n/2
// and half to -n/2.
func splitNyquist(w, n int) ([]int, float64) {
	if n%2 == 0 && w == n/2 {
		return []int{w, -w}, 0.5
	}
	return []int{w}, 1
}

// project applies the Leray projection to the spectra of u and v on an
// nx x ny periodic grid of periods px, py.
func project(uh, vh []complex128, nx, ny int, px, py float64) {
	projectWith(uh, vh, nx, ny, func(w, _ int) float64 { return 2 * math.Pi * float64(w) / px },
		func(w, _ int) float64 { return 2 * math.Pi * float64(w) / py })
}

// projectWith applies the Leray projection u <- u - k (k.u)/|k|^2 with the
// wavenumbers kx(w, nx), ky(w, ny) of the integer wavenumbers w.
func projectWith(uh, vh []complex128, nx, ny int, kxOf, kyOf func(w, n int) float64) {
	for jy := 0; jy < ny; jy++ {
		ky := kyOf(spectral.Wavenumber(jy, ny), ny)
		for jx := 0; jx < nx; jx++ {
			kx := kxOf(spectral.Wavenumber(jx, nx), nx)
			k2 := kx*kx + ky*ky
			if k2 == 0 {
				continue
			}
			q := jy*nx + jx
			d := (complex(kx, 0)*uh[q] + complex(ky, 0)*vh[q]) / complex(k2, 0)
			uh[q] -= complex(kx, 0) * d
			vh[q] -= complex(ky, 0) * d
		}
	}
}
