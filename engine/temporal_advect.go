package engine

import (
	"context"
	"fmt"
	"math"

	"pivsr/internal/spectral"
	"pivsr/piv"
)

// vorticityBox integrates dω/dt + (U + u)·∇ω = ν∇²ω on a periodic uniform
// grid pseudo-spectrally: u from ω through the stream function (∇²ψ = -ω,
// u = ∂ψ/∂y, v = -∂ψ/∂x), U the snapshot's mean flow (which vorticity does
// not carry), the nonlinear term dealiased by the 2/3 rule, classical RK4.
// Inviscid, it runs backward in time as well as forward.
type vorticityBox struct {
	nx, ny int
	dx, dy float64
	kx, ky []float64 // angular wavenumber of each DFT column and row
	keep   []bool    // 2/3-rule mask, per mode
	nu     float64
	fft    *spectral.FFT2
	uh, vh []complex128 // scratch: velocity and gradient in physical space
	wx, wy []complex128
	k1, k2 []complex128 // RK4 stages
	k3, k4 []complex128
	stage  []complex128
	meanU  float64 // mean flow of the snapshot being advected
	meanV  float64
}

func newVorticityBox(g piv.Grid, nu float64) *vorticityBox {
	nx, ny := g.NX(), g.NY()
	b := &vorticityBox{nx: nx, ny: ny, dx: g.DX(), dy: g.DY(), nu: nu, fft: spectral.NewFFT2(nx, ny)}
	b.kx, b.ky = make([]float64, nx), make([]float64, ny)
	// A signed spacing gives signed wavenumbers: derivatives along a
	// decreasing axis come out right.
	for i := range b.kx {
		b.kx[i] = 2 * math.Pi * float64(spectral.Wavenumber(i, nx)) / (float64(nx) * b.dx)
	}
	for j := range b.ky {
		b.ky[j] = 2 * math.Pi * float64(spectral.Wavenumber(j, ny)) / (float64(ny) * b.dy)
	}
	b.keep = make([]bool, nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			mi, mj := spectral.Wavenumber(i, nx), spectral.Wavenumber(j, ny)
			b.keep[j*nx+i] = 3*absInt(mi) < nx && 3*absInt(mj) < ny
		}
	}
	size := nx * ny
	for _, p := range []*[]complex128{&b.uh, &b.vh, &b.wx, &b.wy, &b.k1, &b.k2, &b.k3, &b.k4, &b.stage} {
		*p = make([]complex128, size)
	}
	return b
}

func absInt(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// vorticity returns the spectrum of f's vorticity and its mean velocity.
func (b *vorticityBox) vorticity(f *piv.Field) (wh []complex128, mu, mv float64) {
	n := b.nx * b.ny
	uh, vh := make([]complex128, n), make([]complex128, n)
	for q := range uh {
		uh[q], vh[q] = complex(f.U[q], 0), complex(f.V[q], 0)
		mu += f.U[q]
		mv += f.V[q]
	}
	b.fft.Forward(uh)
	b.fft.Forward(vh)
	wh = make([]complex128, n)
	for j := 0; j < b.ny; j++ {
		for i := 0; i < b.nx; i++ {
			q := j*b.nx + i
			// ω = ∂v/∂x - ∂u/∂y
			wh[q] = complex(0, b.kxAt(i))*vh[q] - complex(0, b.kyAt(j))*uh[q]
		}
	}
	return wh, mu / float64(n), mv / float64(n)
}

// kxAt and kyAt are the wavenumbers first derivatives use: zero at the
// Nyquist index, whose sign is ambiguous.
func (b *vorticityBox) kxAt(i int) float64 {
	if 2*i == b.nx {
		return 0
	}
	return b.kx[i]
}

func (b *vorticityBox) kyAt(j int) float64 {
	if 2*j == b.ny {
		return 0
	}
	return b.ky[j]
}

// velocity writes the velocity of spectrum wh (plus the mean flow) into f.
func (b *vorticityBox) velocity(f *piv.Field, wh []complex128, mu, mv float64) {
	b.streamVelocity(b.uh, b.vh, wh)
	b.fft.Inverse(b.uh)
	b.fft.Inverse(b.vh)
	for q := range f.U {
		f.U[q] = mu + real(b.uh[q])
		f.V[q] = mv + real(b.vh[q])
	}
}

// streamVelocity sets the spectra of u = ∂ψ/∂y, v = -∂ψ/∂x, ψ̂ = ω̂/|k|².
func (b *vorticityBox) streamVelocity(uh, vh, wh []complex128) {
	for j := 0; j < b.ny; j++ {
		for i := 0; i < b.nx; i++ {
			q := j*b.nx + i
			k2 := b.kx[i]*b.kx[i] + b.ky[j]*b.ky[j]
			if k2 == 0 {
				uh[q], vh[q] = 0, 0
				continue
			}
			psi := wh[q] / complex(k2, 0)
			uh[q] = complex(0, b.kyAt(j)) * psi
			vh[q] = -complex(0, b.kxAt(i)) * psi
		}
	}
}

// rhs sets out to dω̂/dt at wh and returns max(|U+u| + |V+v|).
func (b *vorticityBox) rhs(out, wh []complex128) float64 {
	b.streamVelocity(b.uh, b.vh, wh)
	for j := 0; j < b.ny; j++ {
		for i := 0; i < b.nx; i++ {
			q := j*b.nx + i
			b.wx[q] = complex(0, b.kxAt(i)) * wh[q]
			b.wy[q] = complex(0, b.kyAt(j)) * wh[q]
		}
	}
	for _, a := range [][]complex128{b.uh, b.vh, b.wx, b.wy} {
		b.fft.Inverse(a)
	}
	speed := 0.0
	for q := range out {
		u, v := b.meanU+real(b.uh[q]), b.meanV+real(b.vh[q])
		speed = math.Max(speed, math.Abs(u)+math.Abs(v))
		out[q] = complex(-(u*real(b.wx[q]) + v*real(b.wy[q])), 0)
	}
	b.fft.Forward(out)
	for j := 0; j < b.ny; j++ {
		for i := 0; i < b.nx; i++ {
			q := j*b.nx + i
			if !b.keep[q] {
				out[q] = 0
				continue
			}
			out[q] -= complex(b.nu*(b.kx[i]*b.kx[i]+b.ky[j]*b.ky[j]), 0) * wh[q]
		}
	}
	return speed
}

// advance integrates wh in place over duration (negative: backward), in RK4
// steps whose size the CFL number sets.
func (b *vorticityBox) advance(ctx context.Context, wh []complex128, duration, cfl float64) error {
	h := math.Min(math.Abs(b.dx), math.Abs(b.dy))
	done := 0.0
	for span := math.Abs(duration); done < span; {
		if err := ctx.Err(); err != nil {
			return err
		}
		speed := b.rhs(b.k1, wh)
		if math.IsNaN(speed) || math.IsInf(speed, 0) {
			return fmt.Errorf("advection blew up after %g of %g time units", done, span)
		}
		dt := span - done
		if speed > 0 {
			dt = math.Min(dt, cfl*h/speed)
		}
		if span-done-dt < 1e-6*dt {
			dt = span - done
		}
		sdt := math.Copysign(dt, duration)
		b.combine(b.stage, wh, b.k1, sdt/2)
		b.rhs(b.k2, b.stage)
		b.combine(b.stage, wh, b.k2, sdt/2)
		b.rhs(b.k3, b.stage)
		b.combine(b.stage, wh, b.k3, sdt)
		b.rhs(b.k4, b.stage)
		c := complex(sdt/6, 0)
		for q := range wh {
			wh[q] += c * (b.k1[q] + 2*b.k2[q] + 2*b.k3[q] + b.k4[q])
		}
		done += dt
	}
	return nil
}

func (b *vorticityBox) combine(dst, w, k []complex128, h float64) {
	c := complex(h, 0)
	for q := range dst {
		dst[q] = w[q] + c*k[q]
	}
}

// interpolate advects the kept snapshots a (forward) and b (backward) to t
// and blends their vorticity and mean flow with linear weights; one side
// alone where the other is missing (-1).
func (b *vorticityBox) interpolate(ctx context.Context, times []float64, frames []*piv.Field, a, c int, t, cfl float64) (*piv.Field, error) {
	wa, wc := timeWeights(times, a, c, t)
	blend := make([]complex128, b.nx*b.ny)
	var mu, mv float64
	for _, s := range []struct {
		i int
		w float64
	}{{a, wa}, {c, wc}} {
		if s.i < 0 || s.w == 0 {
			continue
		}
		wh, u0, v0 := b.vorticity(frames[s.i])
		b.meanU, b.meanV = u0, v0
		if err := b.advance(ctx, wh, t-times[s.i], cfl); err != nil {
			return nil, err
		}
		for q := range blend {
			blend[q] += complex(s.w, 0) * wh[q]
		}
		mu += s.w * u0
		mv += s.w * v0
	}
	out := piv.NewField(frames[max(a, c)].Grid)
	b.velocity(out, blend, mu, mv)
	return out, nil
}
