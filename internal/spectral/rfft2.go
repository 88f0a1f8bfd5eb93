package spectral

// RealFFT2 transforms real row-major ny x nx arrays to the non-negative-kx half
// of their 2D DFT and back; the other half follows from Hermitian symmetry,
// A[-ky, -kx] = conj(A[ky, kx]). It costs about half of FFT2 on the same grid.
//
// The half spectrum is row-major with Cols() values per row: element
// ky*Cols() + kx holds DFT index (kx, ky), kx = 0..Cols()-1, ky in DFT order
// (use Wavenumber). Cols() is nx/2+1 for the whole half spectrum; a smaller
// band keeps only kx < Cols(), which a dealiased spectral solver uses to skip
// the columns it knows are zero.
//
// A RealFFT2 keeps scratch buffers: it is not safe for concurrent use.
type RealFFT2 struct {
	nx, ny, cols int
	rows         *realLine
	columns      *columns
	half         []complex128 // one row's nx/2+1 coefficients
	a, b         []complex128 // ny*cols column-pass buffers
}

// NewRealFFT2 returns a transform for ny rows of nx columns that keeps the
// half-spectrum columns kx = 0..cols-1; cols <= 0 or cols > nx/2+1 means all
// nx/2+1 of them.
func NewRealFFT2(nx, ny, cols int) *RealFFT2 {
	if cols <= 0 || cols > nx/2+1 {
		cols = nx/2 + 1
	}
	return &RealFFT2{
		nx: nx, ny: ny, cols: cols,
		rows:    newRealLine(nx),
		columns: newColumns(ny),
		half:    make([]complex128, nx/2+1),
		a:       make([]complex128, ny*cols),
		b:       make([]complex128, ny*cols),
	}
}

// Cols is the number of kx columns the half spectrum holds.
func (t *RealFFT2) Cols() int { return t.cols }

// Len is the number of complex values of the (banded) half spectrum, ny*Cols().
func (t *RealFFT2) Len() int { return t.ny * t.cols }

// Forward writes the unnormalised DFT of src (ny*nx values) into dst
// (ny*Cols() values), with the sign convention of FFT2.Forward. Columns
// kx >= Cols() are dropped.
func (t *RealFFT2) Forward(dst []complex128, src []float64) {
	if len(src) != t.nx*t.ny || len(dst) != t.ny*t.cols {
		panic("spectral: RealFFT2.Forward array lengths do not match the plan")
	}
	for j := 0; j < t.ny; j++ {
		t.rows.forward(t.half, src[j*t.nx:(j+1)*t.nx])
		copy(dst[j*t.cols:(j+1)*t.cols], t.half)
	}
	if r := t.columns.do(dst, t.a, dst, t.cols, false); &r[0] != &dst[0] {
		copy(dst, r)
	}
}

// Inverse writes into dst (ny*nx values) the real array whose half spectrum
// is src (ny*Cols() values, left unchanged), normalised so that
// Inverse(Forward(a)) == a. Coefficients with kx >= Cols() are taken as zero.
// As with any complex-to-real transform, src must be Hermitian where it meets
// itself (the kx = 0 column, and kx = nx/2 when held); Forward's output is.
func (t *RealFFT2) Inverse(dst []float64, src []complex128) {
	if len(dst) != t.nx*t.ny || len(src) != t.ny*t.cols {
		panic("spectral: RealFFT2.Inverse array lengths do not match the plan")
	}
	r := t.columns.do(src, t.a, t.b, t.cols, true)
	clear(t.half[t.cols:])
	scale := 1 / float64(t.nx*t.ny)
	for j := 0; j < t.ny; j++ {
		copy(t.half, r[j*t.cols:(j+1)*t.cols])
		t.rows.inverse(dst[j*t.nx:(j+1)*t.nx], t.half, scale)
	}
}
