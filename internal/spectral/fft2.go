// Package spectral holds the 2D discrete Fourier transforms shared by the
// field diagnostics (piv) and the turbulence generator (data/synth): FFT2 for
// complex arrays and RealFFT2, about twice as fast, for real ones.
// Power-of-two lengths take a radix-4 Stockham path (stockham.go); every
// other length falls back on gonum's dsp/fourier.
package spectral

// FFT2 transforms row-major ny x nx complex arrays. It keeps its 1-D plans and
// scratch buffers, so it is not safe for concurrent use; make one per
// goroutine. Power-of-two sizes take a radix-4 Stockham path; other sizes use
// gonum's dsp/fourier.
type FFT2 struct {
	nx, ny  int
	rows    *complexLine
	columns *columns
	work    []complex128
}

// NewFFT2 returns a transform for ny rows of nx columns.
func NewFFT2(nx, ny int) *FFT2 {
	return &FFT2{nx: nx, ny: ny, rows: newComplexLine(nx), columns: newColumns(ny), work: make([]complex128, nx*ny)}
}

// Forward replaces a (row-major, ny x nx) by its unnormalised 2D DFT:
// A[ky, kx] = sum_{j,i} a[j, i] exp(-2 pi i (kx i / nx + ky j / ny)).
func (t *FFT2) Forward(a []complex128) {
	t.pass(a, false)
}

// Inverse replaces A by its inverse 2D DFT, normalised so that
// Inverse(Forward(a)) == a.
func (t *FFT2) Inverse(a []complex128) {
	t.pass(a, true)
	s := complex(1/float64(t.nx*t.ny), 0)
	for k := range a {
		a[k] *= s
	}
}

func (t *FFT2) pass(a []complex128, inverse bool) {
	if len(a) != t.nx*t.ny {
		panic("spectral: FFT2 array length does not match the plan")
	}
	for j := 0; j < t.ny; j++ {
		t.rows.do(a[j*t.nx:(j+1)*t.nx], inverse)
	}
	if r := t.columns.do(a, t.work, a, t.nx, inverse); &r[0] != &a[0] {
		copy(a, r)
	}
}

// Wavenumber is the signed integer wavenumber of DFT index k of an n-point
// transform: 0, 1, ..., n/2, -(n/2-1), ..., -1 (n/2 taken positive).
func Wavenumber(k, n int) int {
	if k <= n/2 {
		return k
	}
	return k - n
}
