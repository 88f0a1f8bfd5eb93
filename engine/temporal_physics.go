package engine

import (
	"context"

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

// baseLevel is the base at one lattice time, on the grid.
type baseLevel struct {
	t               float64
	r, u, v, wx, wy []float64
}

// baseAt returns the base at time t (strictly between snapshots or at a
// missing one): the kept snapshots around t, advected to it when advect is
// set, blended linearly in vorticity and mean flow. Its time derivative is
// exact: the weights' rate times each side's vorticity plus each side's
// weighted transport rate, -(U + u)·∇ω + ν∇²ω for the advected sides (0 for
// linear interpolation's frozen ones). The residual uses viscosity nu.
func (b *vorticityBox) baseAt(ctx context.Context, times []float64, filled []*piv.Field, missing []bool, t float64, advect bool, cfl, nu float64) (*baseLevel, error) {
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
		u, v, w, wx, wy, lap := b.physical(wh, u0, v0)
		for q := range wt {
			wt[q] += s.dw * w[q]
			if advect {
				wt[q] += s.w * (b.nu*lap[q] - u[q]*wx[q] - v[q]*wy[q])
			}
		}
		for q := range blend {
			blend[q] += complex(s.w, 0) * wh[q]
		}
		mu += s.w * u0
		mv += s.w * v0
	}
	lv := &baseLevel{t: t}
	var lap []float64
	lv.u, lv.v, _, lv.wx, lv.wy, lap = b.physical(blend, mu, mv)
	lv.r = make([]float64, n)
	for q := range lv.r {
		lv.r[q] = wt[q] + lv.u[q]*lv.wx[q] + lv.v[q]*lv.wy[q] - nu*lap[q]
	}
	return lv, nil
}

// latticeTimes returns the times of the physics term's collocation points:
// every missing snapshot's and the midpoints of consecutive snapshots of
// which one is missing.
func latticeTimes(times []float64, missing []bool) []float64 {
	var out []float64
	for k, t := range times {
		if k > 0 && (missing[k] || missing[k-1]) {
			out = append(out, (times[k-1]+t)/2)
		}
		if missing[k] {
			out = append(out, t)
		}
	}
	return out
}

// collocation computes the base at the lattice times and gathers every grid
// node at every one of them as a collocation candidate.
func (b *vorticityBox) collocation(ctx context.Context, g piv.Grid, times []float64, filled []*piv.Field, missing []bool, advect bool, cfl, nu float64) (*spacetime.Collocation, error) {
	col := &spacetime.Collocation{}
	for _, t := range latticeTimes(times, missing) {
		lv, err := b.baseAt(ctx, times, filled, missing, t, advect, cfl, nu)
		if err != nil {
			return nil, err
		}
		for j, y := range g.Y {
			for i, x := range g.X {
				q := g.Index(i, j)
				col.X, col.Y, col.T = append(col.X, x), append(col.Y, y), append(col.T, t)
				col.R, col.U, col.V = append(col.R, lv.r[q]), append(col.U, lv.u[q]), append(col.V, lv.v[q])
				col.WX, col.WY = append(col.WX, lv.wx[q]), append(col.WY, lv.wy[q])
			}
		}
	}
	return col, nil
}
