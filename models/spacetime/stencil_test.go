package spacetime

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"pivsr/models"

	"pivsr/internal/floattensor"
)

func goBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, _, err := models.NewBackend("go")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// streamedTG is a Taylor-Green vortex of wavenumber k carried by a uniform
// stream (u0, v0), decaying at viscosity nu: an exact Navier-Stokes solution.
// It returns u, v and, for use as a base, ω_x and ω_y.
func streamedTG(k, u0, v0, nu, x, y, t float64) (u, v, wx, wy float64) {
	a := math.Exp(-2 * nu * k * k * t)
	xs, ys := k*(x-u0*t), k*(y-v0*t)
	u = u0 + a*math.Cos(xs)*math.Sin(ys)
	v = v0 - a*math.Sin(xs)*math.Cos(ys)
	// ω = ∂v/∂x - ∂u/∂y = -2 k a cos cos
	wx = 2 * k * k * a * math.Sin(xs) * math.Cos(ys)
	wy = 2 * k * k * a * math.Cos(xs) * math.Sin(ys)
	return u, v, wx, wy
}

// residualOf evaluates the stencil's residual and divergence with the
// correction's values at the stencil points given by field, and an optional
// base, at n random centres.
func residualOf(t *testing.T, st *Stencil, n int, nu float64, field func(x, y, t float64) (float64, float64), base func(x, y, t float64) (r, u, v, wx, wy float64)) (r, div []float64) {
	t.Helper()
	return residualDrag(t, st, n, nu, 0, field, base)
}

// residualDrag is residualOf with a linear drag mu.
func residualDrag(t *testing.T, st *Stencil, n int, nu, mu float64, field func(x, y, t float64) (float64, float64), base func(x, y, t float64) (r, u, v, wx, wy float64)) (r, div []float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	cx, cy, ct := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range cx {
		cx[i], cy[i], ct[i] = 2*math.Pi*rng.Float64(), 2*math.Pi*rng.Float64(), rng.Float64()
	}
	px, py, pt := st.Points(nil, nil, nil, cx, cy, ct)
	us, vs := make([]float64, len(px)), make([]float64, len(px))
	for i := range px {
		us[i], vs[i] = field(px[i], py[i], pt[i])
	}
	bq := make([][]float64, 5)
	for i := range cx {
		if base == nil {
			break
		}
		vals := make([]float64, 5)
		vals[0], vals[1], vals[2], vals[3], vals[4] = base(cx[i], cy[i], ct[i])
		for q := range bq {
			bq[q] = append(bq[q], vals[q])
		}
	}
	s := st.Size()
	exec, err := model.NewExec(goBackend(t), model.NewStore(), func(_ *model.Scope, in []*Node) []*Node {
		var b *baseNodes
		if base != nil {
			row := func(q int) *Node { return InsertAxes(in[2+q], 0) }
			b = &baseNodes{R: row(0), U: row(1), V: row(2), WX: row(3), WY: row(4)}
		}
		g := in[0].Graph()
		r, div := st.residual(Reshape(in[0], s, n), Reshape(in[1], s, n), b, Const(g, 1.0), Const(g, nu), Const(g, mu))
		return []*Node{r, div}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	args := []any{floattensor.New(dtypes.Float64, us, len(us)), floattensor.New(dtypes.Float64, vs, len(vs))}
	if base != nil {
		for _, q := range bq {
			args = append(args, floattensor.New(dtypes.Float64, q, n))
		}
	}
	out, err := exec.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = floattensor.Values(out[0]); err != nil {
		t.Fatal(err)
	}
	if div, err = floattensor.Values(out[1]); err != nil {
		t.Fatal(err)
	}
	return r, div
}

func rms(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s / float64(len(v)))
}

// The residual operator vanishes (to the stencil's second order) on exact
// solutions and not on perturbed ones; split into base plus correction, it
// gives the same residual as the whole field.
func TestResidualExactSolution(t *testing.T) {
	st, err := NewStencil(1e-3, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != 21 {
		t.Errorf("stencil has %d points, want 21", st.Size())
	}
	const k, u0, v0, nu = 2.0, 0.7, -0.4, 0.05
	// The scale of the terms that cancel: |ω_t| ~ 2 k |u0| k ... take 2 k^2.
	scale := 2 * k * k
	exact := func(x, y, t float64) (float64, float64) {
		u, v, _, _ := streamedTG(k, u0, v0, nu, x, y, t)
		return u, v
	}
	r, div := residualOf(t, st, 64, nu, exact, nil)
	t.Logf("exact: rms residual %.3g, divergence %.3g (term scale %.3g)", rms(r), rms(div), scale)
	if !(rms(r) < 1e-4*scale) || !(rms(div) < 1e-6) {
		t.Errorf("exact solution: rms residual %.3g, divergence %.3g: want below %.3g and 1e-6", rms(r), rms(div), 1e-4*scale)
	}
	// With a drag μ the vortex decays as with a viscosity ν + μ / 2k².
	const mu = 0.3
	damped := func(x, y, t float64) (float64, float64) {
		u, v, _, _ := streamedTG(k, u0, v0, nu+mu/(2*k*k), x, y, t)
		return u, v
	}
	if r, _ := residualDrag(t, st, 64, nu, mu, damped, nil); !(rms(r) < 1e-4*scale) {
		t.Errorf("exact solution with drag: rms residual %.3g, want below %.3g", rms(r), 1e-4*scale)
	}
	if r, _ := residualOf(t, st, 64, nu, damped, nil); !(rms(r) > 0.1*mu*scale/k/k) {
		t.Errorf("drag left out: rms residual %.3g, want above %.3g", rms(r), 0.1*mu*scale/k/k)
	}
	// Wrong viscosity, and a second vortex mode that is not carried along.
	if r, _ := residualOf(t, st, 64, 2*nu, exact, nil); !(rms(r) > 0.1*nu*scale) {
		t.Errorf("wrong viscosity: rms residual %.3g, want above %.3g", rms(r), 0.1*nu*scale)
	}
	perturbed := func(x, y, t float64) (float64, float64) {
		u, v := exact(x, y, t)
		pu, pv, _, _ := streamedTG(1, 0, 0, 0, x, y, 0)
		return u + 0.1*pu, v + 0.1*pv
	}
	if r, _ := residualOf(t, st, 64, nu, perturbed, nil); !(rms(r) > 0.01*scale) {
		t.Errorf("perturbed solution: rms residual %.3g, want above %.3g", rms(r), 0.01*scale)
	}
	// Base = the exact field (residual 0), correction = the perturbation:
	// the same residual as the perturbed field taken whole.
	whole, _ := residualOf(t, st, 64, nu, perturbed, nil)
	split, _ := residualOf(t, st, 64, nu, func(x, y, t float64) (float64, float64) {
		pu, pv, _, _ := streamedTG(1, 0, 0, 0, x, y, 0)
		return 0.1 * pu, 0.1 * pv
	}, func(x, y, t float64) (r, u, v, wx, wy float64) {
		u, v, wx, wy = streamedTG(k, u0, v0, nu, x, y, t)
		return 0, u, v, wx, wy
	})
	diff := make([]float64, len(whole))
	for i := range whole {
		diff[i] = whole[i] - split[i]
	}
	if !(rms(diff) < 1e-4*rms(whole)) {
		t.Errorf("base plus correction: residual differs from the whole field's by rms %.3g (whole %.3g)", rms(diff), rms(whole))
	}
}

func TestStencilErrors(t *testing.T) {
	if _, err := NewStencil(0, 1); err == nil {
		t.Error("zero spatial step: want an error")
	}
	if _, err := NewNetwork(Config{SpaceScale: -1, TimeScale: 1}); err == nil {
		t.Error("negative input scale: want an error")
	}
	if _, err := NewScales(0, 0, 0, 1, 0, 1, 1); err != nil {
		t.Errorf("a flat box along x is fine (its longer side sets the scale): %v", err)
	}
	if _, err := NewScales(0, 1, 0, 1, 1, 1, 1); err == nil {
		t.Error("empty time span: want an error")
	}
}
