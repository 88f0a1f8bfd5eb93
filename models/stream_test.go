package models

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// TestStreamFunctionDivergenceFree differentiates a stream-function
// network's velocity with GoMLX's automatic differentiation (phases in the
// graph, float64): u is dpsi/dy, v is -dpsi/dx, and du/dx + dv/dy is zero to
// round-off while the vorticity is not.
func TestStreamFunctionDivergenceFree(t *testing.T) {
	backend := testBackend(t)
	for _, filter := range []Filter{Fourier, Gabor} {
		cfg := smallConfig(filter)
		cfg.StreamFunction = true
		net, err := NewNetwork(cfg)
		if err != nil {
			t.Fatal(err)
		}
		exec, err := model.NewExec(backend, net.store, func(_ *model.Scope, x, y *Node) []*Node {
			p := net.forward(&Points{X: x, Y: y}, true)
			psi, _, _ := p.outputs(net)
			vel := net.Evaluate(&Points{X: x, Y: y}, nil).Values
			u, v := Reshape(Slice(vel, AxisElem(0)), -1), Reshape(Slice(vel, AxisElem(1)), -1)
			dPsi := Gradient(ReduceAllSum(psi), x, y) // each point's output depends on its own coordinates only
			du, dv := Gradient(ReduceAllSum(u), x, y), Gradient(ReduceAllSum(v), x, y)
			scale := 1 / cfg.InputScale // psi is the output layer over InputScale
			return []*Node{u, v, MulScalar(dPsi[1], scale), MulScalar(Neg(dPsi[0]), scale), Add(du[0], dv[1]), Sub(dv[0], du[1])}
		})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(11, 12))
		x, y := make([]float64, 50), make([]float64, 50)
		for i := range x {
			x[i], y[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
		}
		outputs, err := exec.Call(x, y)
		if err != nil {
			t.Fatalf("%+v", err)
		}
		var vals [6][]float64
		for i := range vals {
			vals[i] = outputs[i].Value().([]float64)
		}
		u, v, psiY, negPsiX, div, vort := vals[0], vals[1], vals[2], vals[3], vals[4], vals[5]
		vortScale := 0.0
		for i := range vort {
			vortScale = max(vortScale, math.Abs(vort[i]))
		}
		if !(vortScale > 1e-3) {
			t.Fatalf("%s: vorticity %g too small for the test to mean anything", filter, vortScale)
		}
		for i := range x {
			if math.Abs(u[i]-psiY[i]) > 1e-12*(1+math.Abs(psiY[i])) || math.Abs(v[i]-negPsiX[i]) > 1e-12*(1+math.Abs(negPsiX[i])) {
				t.Errorf("%s: point %d: velocity (%g, %g), want (dpsi/dy, -dpsi/dx) = (%g, %g)", filter, i, u[i], v[i], psiY[i], negPsiX[i])
			}
			if math.Abs(div[i]) > 1e-12*vortScale {
				t.Errorf("%s: point %d: divergence %g (vorticity scale %g)", filter, i, div[i], vortScale)
			}
		}
	}
}

// TestSmoothnessLossMatchesHost checks the smoothness term a step reports
// against the same forward differences computed here from the predictor: of
// the exact vorticity (from the derivatives) for a (u, v) network, of the
// vorticity by central differences of the velocity for a stream function.
func TestSmoothnessLossMatchesHost(t *testing.T) {
	backend := testBackend(t)
	const hx, hy = 0.05, 0.03
	for _, stream := range []bool{false, true} {
		cfg := smallConfig(Fourier)
		cfg.StreamFunction = stream
		net, err := NewNetwork(cfg)
		if err != nil {
			t.Fatal(err)
		}
		trainer, err := NewTrainer(backend, net, TrainConfig{LearningRate: 1e-3, DivergenceWeight: 1, SmoothnessWeight: 0.1,
			SmoothnessSpacing: [2]float64{hx, hy}})
		if err != nil {
			t.Fatal(err)
		}
		predictor, err := NewPredictor(backend, net)
		if err != nil {
			t.Fatal(err)
		}
		batch := taylorGreenBatch(rand.New(rand.NewPCG(1, 2)), 2, 20, 16)
		batch.BaseVorticityGradX, batch.BaseVorticityGradY = make([]float64, 16), make([]float64, 16)
		for i := range 16 {
			batch.BaseVorticityGradX[i], batch.BaseVorticityGradY[i] = float64(i)/8-1, 0.5
		}
		// omega at the points shifted by (dx, dy).
		omega := func(dx, dy float64) []float64 {
			shift := func(c []float64, d float64) []float64 {
				out := make([]float64, len(c))
				for i := range c {
					out[i] = c[i] + d
				}
				return out
			}
			at := func(dx, dy float64, derivatives bool) *Prediction {
				p, err := predictor.Predict(shift(batch.CX, dx), shift(batch.CY, dy), derivatives)
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			w := make([]float64, len(batch.CX))
			if !stream {
				p := at(dx, dy, true)
				for i := range w {
					w[i] = p.DVDX[i] - p.DUDY[i]
				}
				return w
			}
			xp, xm, yp, ym := at(dx+hx/2, dy, false), at(dx-hx/2, dy, false), at(dx, dy+hy/2, false), at(dx, dy-hy/2, false)
			for i := range w {
				w[i] = (xp.V[i]-xm.V[i])/hx - (yp.U[i]-ym.U[i])/hy
			}
			return w
		}
		w0, wx, wy := omega(0, 0), omega(hx, 0), omega(0, hy)
		want := 0.0
		for i := range w0 {
			gx := (wx[i]-w0[i])/hx + batch.BaseVorticityGradX[i]
			gy := (wy[i]-w0[i])/hy + batch.BaseVorticityGradY[i]
			want += (gx*gx + gy*gy) / float64(len(w0))
		}
		losses, err := trainer.Step(batch)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(losses.Smoothness-want) > 1e-9*want {
			t.Errorf("stream=%v: smoothness term %.12g, computed here %.12g", stream, losses.Smoothness, want)
		}
		if stream && losses.Divergence != 0 {
			t.Errorf("stream function: divergence term %g, want 0", losses.Divergence)
		}
		if !stream && !(losses.Divergence > 0) {
			t.Errorf("divergence term %g, want it measured", losses.Divergence)
		}
		if wantTotal := losses.Data + losses.Divergence + 0.1*losses.Smoothness; math.Abs(losses.Total-wantTotal) > 1e-9*wantTotal {
			t.Errorf("stream=%v: total %g, want data + weighted terms %g", stream, losses.Total, wantTotal)
		}
	}
}

// TestStreamFunctionStateRestoresOnlyIntoAStreamFunction checks a saved
// stream-function state predicts the same velocities once restored into a
// stream-function network, and is refused by a (u, v) network.
func TestStreamFunctionStateRestoresOnlyIntoAStreamFunction(t *testing.T) {
	backend := testBackend(t)
	cfg := smallConfig(Gabor)
	cfg.StreamFunction = true
	net, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	state, err := net.State(false)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir() + "/state"
	if err := state.Save(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	uv := smallConfig(Gabor)
	uv.Seed = 99
	other, err := NewNetwork(uv)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Restore(loaded); err == nil {
		t.Error("a (u, v) network restored a stream function's state")
	}
	cfg.Seed = 99
	same, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := same.Restore(loaded); err != nil {
		t.Fatal(err)
	}
	x, y := []float64{-0.5, 0.1, 0.7}, []float64{0.3, -0.9, 0.2}
	predict := func(n *Network) *Prediction {
		p, err := NewPredictor(backend, n)
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.Predict(x, y, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Predict(x, y, true); err == nil {
			t.Error("a stream function's predictor gave velocity derivatives")
		}
		return out
	}
	want, got := predict(net), predict(same)
	for i := range x {
		if got.U[i] != want.U[i] || got.V[i] != want.V[i] || want.U[i] == 0 {
			t.Errorf("point %d: restored (%g, %g), saved network (%g, %g)", i, got.U[i], got.V[i], want.U[i], want.V[i])
		}
	}
}
