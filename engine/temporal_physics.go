package engine

import (
	"context"
	"fmt"
	"math"

	"pivsr/models/spacetime"
	"pivsr/piv"
)

// The space-time field's physics term needs, at its collocation points, the
// base reconstruction's own vorticity-transport residual, velocity and
// vorticity gradient. They are computed here spectrally, on the grid, at a
// lattice of times inside the gaps: each missing snapshot's time and the
// midpoints between consecutive snapshots around a missing one (the kept
// times are left out: there the base is only continuous in time).

// physical returns, on the grid, the velocity of spectrum wh plus the mean
// flow (mu, mv), the vorticity, its gradient and its Laplacian.
func (b *vorticityBox) physical(wh []complex128, mu, mv float64) (u, v, w, wx, wy, lap []float64) {
	n := b.nx * b.ny
	uh, vh := make([]complex128, n), make([]complex128, n)
	b.streamVelocity(uh, vh, wh)
	gx, gy, lh, w0 := make([]complex128, n), make([]complex128, n), make([]complex128, n), append([]complex128(nil), wh...)
	for j := 0; j < b.ny; j++ {
		for i := 0; i < b.nx; i++ {
			q := j*b.nx + i
			gx[q] = complex(0, b.kxAt(i)) * wh[q]
			gy[q] = complex(0, b.kyAt(j)) * wh[q]
			lh[q] = -complex(b.kx[i]*b.kx[i]+b.ky[j]*b.ky[j], 0) * wh[q]
		}
	}
	out := make([][]float64, 6)
	for a, s := range [][]complex128{uh, vh, w0, gx, gy, lh} {
		b.fft.Inverse(s)
		out[a] = make([]float64, n)
		for q := range s {
			out[a][q] = real(s[q])
		}
	}
	for q := range out[0] {
		out[0][q] += mu
		out[1][q] += mv
	}
	return out[0], out[1], out[2], out[3], out[4], out[5]
}

// FlowTerms are the terms of the series' vorticity equation besides
// transport and viscosity, in the series' own units:
//
//	ω_t + u·∇ω = ν∇²ω - ν_p (-∇²)^p ω - μ ω - A κ cos(κ y),
//
// κ = 2π K / L, L the periodic box's side along y, y the grid's own
// coordinate (as `pivsr gen` writes it: the box starts at 0). The mfn residual must
// hold them all: on a DNS with hyperviscosity, the Euler residual of the
// truth itself is about half its ω_t (32^2), and a field pulled to cancel
// it is pulled away from the truth. The transport term is also truncated by
// the 2/3 rule, as the DNS's is.
type FlowTerms struct {
	Hyperviscosity float64 // ν_p (0: none)
	HyperOrder     int     // p (with ν_p > 0: 1 to 16)
	Drag           float64 // μ
	// ForcingAmplitude and ForcingWavenumber are a steady Kolmogorov
	// forcing's A and K (f_x = A sin(κ y); 0: none).
	ForcingAmplitude  float64
	ForcingWavenumber int
}

// Check reports terms that are not finite or not in range.
func (f FlowTerms) Check() error {
	switch {
	case !(f.Hyperviscosity >= 0) || !(f.Drag >= 0) || math.IsInf(f.Hyperviscosity+f.Drag+f.ForcingAmplitude, 0) || math.IsNaN(f.ForcingAmplitude):
		return fmt.Errorf("hyperviscosity %v, drag %v, forcing amplitude %v: want finite numbers, the first two >= 0", f.Hyperviscosity, f.Drag, f.ForcingAmplitude)
	case f.Hyperviscosity > 0 && (f.HyperOrder < 1 || f.HyperOrder > 16):
		return fmt.Errorf("hyperviscosity order %d: want 1 to 16", f.HyperOrder)
	case f.ForcingAmplitude != 0 && f.ForcingWavenumber < 1:
		return fmt.Errorf("forcing wavenumber %d: want 1 or more", f.ForcingWavenumber)
	}
	return nil
}

// forcing returns the vorticity forcing -A κ cos(κ y) at the grid's rows.
func (f FlowTerms) forcing(g piv.Grid) []float64 {
	out := make([]float64, len(g.Y))
	if f.ForcingAmplitude == 0 {
		return out
	}
	kappa := 2 * math.Pi * float64(f.ForcingWavenumber) / (float64(len(g.Y)) * math.Abs(g.DY()))
	for j, y := range g.Y {
		out[j] = -f.ForcingAmplitude * kappa * math.Cos(kappa*y)
	}
	return out
}

// baseLevel is the base at one lattice time, on the grid.
type baseLevel struct {
	t               float64
	r, u, v, wx, wy []float64
}

// baseAt returns the base at time t (strictly between snapshots or at a
// missing one): the kept snapshots around t, advected to it when advect is
// set, blended linearly in vorticity and mean flow. Its time derivative is
// exact: the weights' rate times each side's vorticity plus each side's
// weighted rate, the advection's own (truncated) -(U + u)·∇ω + ν∇²ω for the
// advected sides (0 for linear interpolation's frozen ones). The residual uses viscosity nu.
func (b *vorticityBox) baseAt(ctx context.Context, times []float64, filled []*piv.Field, missing []bool, t float64, advect bool, cfl, nu float64, terms FlowTerms) (*baseLevel, error) {
	a, c := -1, -1
	for k := range times {
		if missing[k] {
			continue
		}
		if times[k] < t {
			a = k
		} else if times[k] > t && c < 0 {
			c = k
		}
	}
	wa, wc := timeWeights(times, a, c, t)
	var da, dc float64
	if a >= 0 && c >= 0 {
		dc = 1 / (times[c] - times[a])
		da = -dc
	}
	n := b.nx * b.ny
	blend, wt := make([]complex128, n), make([]float64, n)
	var mu, mv float64
	for _, s := range []struct {
		i     int
		w, dw float64
	}{{a, wa, da}, {c, wc, dc}} {
		if s.i < 0 {
			continue
		}
		wh, u0, v0 := b.vorticity(filled[s.i])
		if advect {
			b.meanU, b.meanV = u0, v0
			if err := b.advance(ctx, wh, t-times[s.i], cfl); err != nil {
				return nil, err
			}
		}
		_, _, w, _, _, _ := b.physical(wh, u0, v0)
		var rate []complex128
		if advect {
			// The advected side's own rate, as the advection integrates it.
			rate = make([]complex128, n)
			b.meanU, b.meanV = u0, v0
			b.rhs(rate, wh)
			b.fft.Inverse(rate)
		}
		for q := range wt {
			wt[q] += s.dw * w[q]
			if advect {
				wt[q] += s.w * real(rate[q])
			}
		}
		for q := range blend {
			blend[q] += complex(s.w, 0) * wh[q]
		}
		mu += s.w * u0
		mv += s.w * v0
	}
	lv := &baseLevel{t: t}
	lv.u, lv.v, _, lv.wx, lv.wy, _ = b.physical(blend, mu, mv)
	// The rest of the residual spectrally: the transport truncated by the
	// 2/3 rule, and every linear term.
	rh := make([]complex128, n)
	for q := range rh {
		rh[q] = complex(lv.u[q]*lv.wx[q]+lv.v[q]*lv.wy[q], 0)
	}
	b.fft.Forward(rh)
	for j := 0; j < b.ny; j++ {
		for i := 0; i < b.nx; i++ {
			q := j*b.nx + i
			if !b.keep[q] {
				rh[q] = 0
			}
			k2 := b.kx[i]*b.kx[i] + b.ky[j]*b.ky[j]
			damp := nu*k2 + terms.Drag
			if terms.Hyperviscosity > 0 {
				damp += terms.Hyperviscosity * math.Pow(k2, float64(terms.HyperOrder))
			}
			rh[q] += complex(damp, 0) * blend[q]
		}
	}
	b.fft.Inverse(rh)
	lv.r = make([]float64, n)
	for q := range lv.r {
		lv.r[q] = wt[q] + real(rh[q])
	}
	return lv, nil
}

// latticeDivisions is the number of parts the lattice cuts each interval
// next to a missing snapshot into. The residual holds only at the lattice
// times: with the midpoints alone (2) the field was free to wander between
// them (decaying DNS, every other snapshot held out, 300 steps: 2.3x and
// 2.2x lower rec than linear interpolation at 32^2, two seeds, 2.9x at
// 64^2; with quarters 2.7x, 2.8x and 3.3x).
const latticeDivisions = 4

// latticeTimes returns the times of the physics term's collocation points:
// every missing snapshot's, and the times cutting each interval between
// consecutive snapshots of which one is missing into latticeDivisions
// parts.
func latticeTimes(times []float64, missing []bool) []float64 {
	var out []float64
	for k, t := range times {
		if k > 0 && (missing[k] || missing[k-1]) {
			for i := 1; i < latticeDivisions; i++ {
				out = append(out, times[k-1]+(t-times[k-1])*float64(i)/latticeDivisions)
			}
		}
		if missing[k] {
			out = append(out, t)
		}
	}
	return out
}

// collocation computes the base at the lattice times and gathers every grid
// node at every one of them as a collocation candidate.
func (b *vorticityBox) collocation(ctx context.Context, g piv.Grid, times []float64, filled []*piv.Field, missing []bool, advect bool, cfl, nu float64, terms FlowTerms) (*spacetime.Collocation, error) {
	col := &spacetime.Collocation{}
	force := terms.forcing(g)
	for _, t := range latticeTimes(times, missing) {
		lv, err := b.baseAt(ctx, times, filled, missing, t, advect, cfl, nu, terms)
		if err != nil {
			return nil, err
		}
		for j, y := range g.Y {
			for i, x := range g.X {
				q := g.Index(i, j)
				col.X, col.Y, col.T = append(col.X, x), append(col.Y, y), append(col.T, t)
				col.R, col.U, col.V = append(col.R, lv.r[q]-force[j]), append(col.U, lv.u[q]), append(col.V, lv.v[q])
				col.WX, col.WY = append(col.WX, lv.wx[q]), append(col.WY, lv.wy[q])
			}
		}
	}
	return col, nil
}
