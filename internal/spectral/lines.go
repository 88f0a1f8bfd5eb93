package spectral

import (
	"math"

	"gonum.org/v1/gonum/dsp/fourier"
)

// The 1-D building blocks of the 2D transforms: a fast path for power-of-two
// lengths (stockham) and gonum's general mixed-radix FFT for every other
// length. All of them are unnormalised.

// complexLine transforms one contiguous complex sequence in place.
type complexLine struct {
	fast *stockham
	work []complex128
	slow *fourier.CmplxFFT
}

func newComplexLine(n int) *complexLine {
	if isPowerOfTwo(n) {
		return &complexLine{fast: newStockham(n), work: make([]complex128, n)}
	}
	return &complexLine{slow: fourier.NewCmplxFFT(n)}
}

func (c *complexLine) do(x []complex128, inverse bool) {
	if c.fast != nil {
		if r := c.fast.transform(x, c.work, x, 1, inverse); &r[0] != &x[0] {
			copy(x, r)
		}
		return
	}
	if inverse {
		c.slow.Sequence(x, x)
	} else {
		c.slow.Coefficients(x, x)
	}
}

// columns transforms the width columns of a row-major n x width array.
type columns struct {
	n    int
	fast *stockham
	slow *fourier.CmplxFFT
	col  []complex128
}

func newColumns(n int) *columns {
	if isPowerOfTwo(n) {
		return &columns{n: n, fast: newStockham(n)}
	}
	return &columns{n: n, slow: fourier.NewCmplxFFT(n), col: make([]complex128, n)}
}

// do reads src and returns the buffer, a or b, that holds the result; src may
// be b but not a. Each buffer holds n*width values.
func (c *columns) do(src, a, b []complex128, width int, inverse bool) []complex128 {
	if c.fast != nil {
		return c.fast.transform(src, a, b, width, inverse)
	}
	for i := 0; i < width; i++ {
		for j := range c.col {
			c.col[j] = src[j*width+i]
		}
		if inverse {
			c.slow.Sequence(c.col, c.col)
		} else {
			c.slow.Coefficients(c.col, c.col)
		}
		for j, v := range c.col {
			a[j*width+i] = v
		}
	}
	return a
}

// realLine is the transform of a real sequence of length n to its n/2+1
// non-negative-frequency coefficients and back. For even n with n/2 a power of
// two it packs the even and odd samples into one complex sequence of half the
// length (z[m] = x[2m] + i x[2m+1]) and untangles the two spectra with the
// twiddles exp(-2 pi i k / n).
type realLine struct {
	n       int
	half    *stockham
	twiddle []complex128 // exp(-2 pi i k / n), k = 0..n/2
	z, work []complex128
	slow    *fourier.FFT
}

func newRealLine(n int) *realLine {
	if n < 2 || n%2 != 0 || !isPowerOfTwo(n/2) {
		return &realLine{n: n, slow: fourier.NewFFT(n)}
	}
	h := n / 2
	r := &realLine{n: n, half: newStockham(h), twiddle: make([]complex128, h+1), z: make([]complex128, h), work: make([]complex128, h)}
	for k := range r.twiddle {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		r.twiddle[k] = complex(c, s)
	}
	return r
}

// forward writes the n/2+1 coefficients X[k] = sum_j x[j] exp(-2 pi i j k / n).
func (r *realLine) forward(dst []complex128, src []float64) {
	if r.slow != nil {
		r.slow.Coefficients(dst, src)
		return
	}
	h := r.n / 2
	for m := range r.z {
		r.z[m] = complex(src[2*m], src[2*m+1])
	}
	zf := r.half.transform(r.z, r.work, r.z, 1, false)
	// k = 0 and k = h read z[0] twice: X[0] = Re z0 + Im z0, X[h] = Re z0 - Im z0.
	z0 := zf[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[h] = complex(real(z0)-imag(z0), 0)
	tw := r.twiddle[:h]
	dst = dst[:h]
	for k := 1; k < len(dst); k++ {
		zk, zc := zf[k], zf[h-k]
		zc = complex(real(zc), -imag(zc))
		// X[k] = even + w^k odd with even = (zk + zc) / 2 and
		// odd = (zk - zc) / 2i, the halving done once at the end.
		sum, d := zk+zc, zk-zc
		t := tw[k] * complex(imag(d), -real(d))
		dst[k] = complex(0.5*(real(sum)+real(t)), 0.5*(imag(sum)+imag(t)))
	}
}

// inverse writes scale * sum_k X[k] exp(+2 pi i j k / n) over all n
// coefficients, those above n/2 being the conjugates of src's. Like any
// complex-to-real transform it assumes src[0] and src[n/2] are real.
func (r *realLine) inverse(dst []float64, src []complex128, scale float64) {
	if r.slow != nil {
		r.slow.Sequence(dst, src)
		for j := range dst {
			dst[j] *= scale
		}
		return
	}
	h := r.n / 2
	src = src[:h+1]
	tw := r.twiddle[:h]
	z := r.z[:h]
	for k := range z {
		// z[k] = (X[k] + conj X[h-k]) + i conj(w^k) (X[k] - conj X[h-k]).
		xk, xc := src[k], src[h-k]
		sr, si := real(xk)+real(xc), imag(xk)-imag(xc)
		dr, di := real(xk)-real(xc), imag(xk)+imag(xc)
		wr, wi := real(tw[k]), -imag(tw[k])
		pr, pi := dr*wr-di*wi, dr*wi+di*wr
		z[k] = complex(scale*(sr-pi), scale*(si+pr))
	}
	zi := r.half.transform(r.z, r.work, r.z, 1, true)
	for m, v := range zi {
		dst[2*m] = real(v)
		dst[2*m+1] = imag(v)
	}
}
