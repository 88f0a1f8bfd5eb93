package baseline

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// dct2 transforms row-major nx by ny arrays with the 2D DCT-II (the
// eigenbasis of the Laplacian with reflecting ends) and back with its
// inverse, the scaled DCT-III.
//
// gonum's QuarterWaveFFT supplies both halves: CosSequence is four times the
// unnormalised DCT-II, X_k = 4 sum_i x_i cos(pi k (2i + 1) / (2n)), and
// CosCoefficients is x_0 + 2 sum_{k>0} X_k cos(pi k (2i + 1) / (2n)), so that
// CosCoefficients after CosSequence multiplies by 4n. forward leaves that
// factor in the coefficients and inverse divides it out; only their
// composition is normalised, which is all a diagonal filter between them
// needs. An axis of length 1 is left alone.
type dct2 struct {
	nx, ny int
	row    *fourier.QuarterWaveFFT
	col    *fourier.QuarterWaveFFT
	buf    []float64
}

func newDCT2(nx, ny int) *dct2 {
	d := &dct2{nx: nx, ny: ny, buf: make([]float64, ny)}
	if nx > 1 {
		d.row = fourier.NewQuarterWaveFFT(nx)
	}
	if ny > 1 {
		d.col = fourier.NewQuarterWaveFFT(ny)
	}
	return d
}

// forward replaces a by its (scaled) DCT-II coefficients.
func (d *dct2) forward(a []float64) { d.apply(a, false) }

// inverse undoes forward.
func (d *dct2) inverse(a []float64) {
	d.apply(a, true)
	scale := 1.0
	if d.row != nil {
		scale *= float64(4 * d.nx)
	}
	if d.col != nil {
		scale *= float64(4 * d.ny)
	}
	for k := range a {
		a[k] /= scale
	}
}

func (d *dct2) apply(a []float64, inverse bool) {
	line := func(t *fourier.QuarterWaveFFT, x []float64) {
		if inverse {
			t.CosCoefficients(x, x)
		} else {
			t.CosSequence(x, x)
		}
	}
	if d.row != nil {
		for j := 0; j < d.ny; j++ {
			line(d.row, a[j*d.nx:(j+1)*d.nx])
		}
	}
	if d.col != nil {
		for i := 0; i < d.nx; i++ {
			for j := range d.buf {
				d.buf[j] = a[j*d.nx+i]
			}
			line(d.col, d.buf)
			for j, v := range d.buf {
				a[j*d.nx+i] = v
			}
		}
	}
}

// orthonormalScale returns the factors that turn forward's coefficients into
// those of the orthonormal DCT-II: per axis of length n > 1,
// sqrt((2 - [k = 0]) / n) / 4, since forward's are four times the
// unnormalised sums.
func (d *dct2) orthonormalScale() []float64 {
	axis := func(t *fourier.QuarterWaveFFT, n int) []float64 {
		f := make([]float64, n)
		for k := range f {
			f[k] = 1
			if t != nil {
				f[k] = math.Sqrt(2/float64(n)) / 4
			}
		}
		if t != nil {
			f[0] /= math.Sqrt2
		}
		return f
	}
	fx, fy := axis(d.row, d.nx), axis(d.col, d.ny)
	s := make([]float64, d.nx*d.ny)
	for j, a := range fy {
		for i, b := range fx {
			s[j*d.nx+i] = a * b
		}
	}
	return s
}
