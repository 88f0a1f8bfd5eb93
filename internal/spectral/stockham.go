package spectral

import "math"

// stockham is a complex FFT of a power-of-two length n: Stockham autosort
// (no bit reversal), radix-4 passes and one radix-2 pass when log2 n is odd,
// twiddles tabulated once. It is about twice as fast as gonum's general
// mixed-radix FFT at n = 256, which is what makes a 256^2 pseudo-spectral
// simulation take seconds rather than tens of seconds.
//
// It also transforms a batch: with width w, element p of the sequence is the
// w contiguous values x[p*w : (p+1)*w], and all w sequences are transformed at
// once with unit-stride inner loops. That is how the column pass of a 2D
// transform runs on a row-major array without gathering columns.
type stockham struct {
	n        int
	fwd, inv []complex128 // per radix-4 pass, for p < m/4: w^p, w^2p, w^3p
}

// isPowerOfTwo reports whether n is 1, 2, 4, 8, ...
func isPowerOfTwo(n int) bool { return n > 0 && n&(n-1) == 0 }

// newStockham returns the plan for length n, which must be a power of two.
func newStockham(n int) *stockham {
	p := &stockham{n: n}
	for m := n; m >= 4; m /= 4 {
		theta := -2 * math.Pi / float64(m)
		for q := 0; q < m/4; q++ {
			for r := 1; r <= 3; r++ {
				s, c := math.Sincos(theta * float64(r*q))
				p.fwd = append(p.fwd, complex(c, s))
				p.inv = append(p.inv, complex(c, -s))
			}
		}
	}
	return p
}

// transform runs the passes over width interleaved sequences of length n,
// reading src first and then ping-ponging between a and b (each n*width long);
// it returns the buffer holding the result. src may be b (it is consumed by
// the first pass, which writes a) but must not be a. inverse selects
// exp(+i...) kernels; no normalisation is applied.
func (p *stockham) transform(src, a, b []complex128, width int, inverse bool) []complex128 {
	tw, sign := p.fwd, 1.0
	if inverse {
		tw, sign = p.inv, -1.0
	}
	x, y := src, a
	s := width
	off := 0
	m := p.n
	for ; m >= 4; m /= 4 {
		m4 := m / 4
		if s == 1 {
			// First pass of a single sequence: the inner loop would run
			// once, so loop over q directly.
			radix4Single(x[:m], y[:m], tw[off:off+3*m4], sign)
			off += 3 * m4
			s *= 4
			x, y = y, pingPong(y, a, b)
			continue
		}
		for q := 0; q < m4; q++ {
			w1, w2, w3 := tw[off+3*q], tw[off+3*q+1], tw[off+3*q+2]
			xa := x[s*q : s*q+s]
			xb := x[s*(q+m4) : s*(q+m4)+s]
			xc := x[s*(q+2*m4) : s*(q+2*m4)+s]
			xd := x[s*(q+3*m4) : s*(q+3*m4)+s]
			y0 := y[s*4*q : s*4*q+s]
			y1 := y[s*(4*q+1) : s*(4*q+1)+s]
			y2 := y[s*(4*q+2) : s*(4*q+2)+s]
			y3 := y[s*(4*q+3) : s*(4*q+3)+s]
			xb, xc, xd = xb[:len(xa)], xc[:len(xa)], xd[:len(xa)]
			y0, y1, y2, y3 = y0[:len(xa)], y1[:len(xa)], y2[:len(xa)], y3[:len(xa)]
			for r := range xa {
				va, vb, vc, vd := xa[r], xb[r], xc[r], xd[r]
				apc, amc := va+vc, va-vc
				bpd, bmd := vb+vd, vb-vd
				jbmd := complex(-sign*imag(bmd), sign*real(bmd)) // ±i (b - d)
				y0[r] = apc + bpd
				y1[r] = w1 * (amc - jbmd)
				y2[r] = w2 * (apc - bpd)
				y3[r] = w3 * (amc + jbmd)
			}
		}
		off += 3 * m4
		s *= 4
		x, y = y, pingPong(y, a, b)
	}
	if m == 2 {
		x0, x1 := x[:s], x[s:2*s]
		y0, y1 := y[:s], y[s:2*s]
		for r := range x0 {
			va, vb := x0[r], x1[r]
			y0[r] = va + vb
			y1[r] = va - vb
		}
		x = y
	}
	if p.n == 1 {
		// Nothing ran; hand the caller a result in a all the same.
		copy(a, src)
		return a
	}
	return x
}

// radix4Single is one radix-4 pass with stride 1 over x (length m), writing y.
func radix4Single(x, y, tw []complex128, sign float64) {
	m4 := len(x) / 4
	xa, xb, xc, xd := x[:m4], x[m4:2*m4], x[2*m4:3*m4], x[3*m4:4*m4]
	xb, xc, xd = xb[:len(xa)], xc[:len(xa)], xd[:len(xa)]
	y = y[:4*len(xa)]
	tw = tw[:3*len(xa)]
	for q := range xa {
		va, vb, vc, vd := xa[q], xb[q], xc[q], xd[q]
		apc, amc := va+vc, va-vc
		bpd, bmd := vb+vd, vb-vd
		jbmd := complex(-sign*imag(bmd), sign*real(bmd))
		y[4*q] = apc + bpd
		y[4*q+1] = tw[3*q] * (amc - jbmd)
		y[4*q+2] = tw[3*q+1] * (apc - bpd)
		y[4*q+3] = tw[3*q+2] * (amc + jbmd)
	}
}

// pingPong is the buffer the next pass writes: the other one of a and b.
func pingPong(last, a, b []complex128) []complex128 {
	if &last[0] == &a[0] {
		return b
	}
	return a
}
