package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"pivsr/internal/floattensor"
)

// smallConfig is a float64 network small enough for finite differences.
func smallConfig(filter Filter) Config {
	cfg := DefaultConfig()
	cfg.Filter, cfg.Filters, cfg.Hidden, cfg.InputScale = filter, 3, 6, 4
	cfg.DType = dtypes.Float64
	cfg.Seed = 7
	return cfg
}

// setFlat replaces a variable's value with the given float64 values.
func setFlat(t *testing.T, v *model.Variable, values []float64) {
	t.Helper()
	if err := v.SetValue(floattensor.New(v.DType(), values, v.Shape().Dimensions...)); err != nil {
		t.Fatal(err)
	}
}

// addStructurePoints gives a batch structure-function points: groups groups
// of n points (origins, then shifts by (0.05 g, -0.03 g)), a random base
// field there and random log targets.
func addStructurePoints(b *Batch, rng *rand.Rand, groups, n int) {
	b.SX, b.SY = make([]float64, groups*n), make([]float64, groups*n)
	b.SBaseU, b.SBaseV = make([]float64, groups*n), make([]float64, groups*n)
	for p := range n {
		x, y := 2*rng.Float64()-1, 2*rng.Float64()-1
		for g := range groups {
			b.SX[g*n+p], b.SY[g*n+p] = x+0.05*float64(g), y-0.03*float64(g)
		}
	}
	for i := range b.SBaseU {
		b.SBaseU[i], b.SBaseV[i] = 0.1*rng.NormFloat64(), 0.1*rng.NormFloat64()
	}
	b.SLogTarget = make([]float64, groups-1)
	for i := range b.SLogTarget {
		b.SLogTarget[i] = -3 + rng.NormFloat64()
	}
}

// TestGradientsMatchFiniteDifferences checks the hand-written reverse pass
// (and the chain rule through host phase tables) against central finite
// differences of the loss (data, divergence and structure-function terms,
// and the smoothness term where its weight is set), for every parameter
// tensor of both filter families, with phases on the host and in the graph,
// for (u, v) and stream-function networks.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	backend := testBackend(t)
	for _, tc := range []struct {
		filter             Filter
		hostPhases, stream bool
		smoothness         float64
	}{
		{Fourier, true, false, 0}, {Fourier, false, false, 0}, {Gabor, true, false, 0}, {Gabor, false, false, 0},
		{Fourier, true, false, 0.02}, {Gabor, false, false, 0.02},
		{Fourier, true, true, 0}, {Gabor, false, true, 0.02}, {Fourier, false, true, 0.02},
	} {
		name := fmt.Sprintf("%s/hostPhases=%v/stream=%v/smoothness=%g", tc.filter, tc.hostPhases, tc.stream, tc.smoothness)
		t.Run(name, func(t *testing.T) {
			cfg := smallConfig(tc.filter)
			cfg.StreamFunction = tc.stream
			net, err := NewNetwork(cfg)
			if err != nil {
				t.Fatal(err)
			}
			trainer, err := NewTrainer(backend, net, TrainConfig{LearningRate: 1e-3, DivergenceWeight: 0.5, StructureWeight: 0.3,
				SmoothnessWeight: tc.smoothness, SmoothnessSpacing: [2]float64{0.1, 0.07}})
			if err != nil {
				t.Fatal(err)
			}
			trainer.hostPhases = tc.hostPhases
			batch := taylorGreenBatch(rand.New(rand.NewPCG(3, 4)), 2, 9, 7)
			addStructurePoints(batch, rand.New(rand.NewPCG(7, 8)), 3, 4)
			if tc.smoothness > 0 {
				rng := rand.New(rand.NewPCG(9, 10))
				batch.BaseVorticityGradX, batch.BaseVorticityGradY = make([]float64, 7), make([]float64, 7)
				for i := range 7 {
					batch.BaseVorticityGradX[i], batch.BaseVorticityGradY[i] = rng.NormFloat64(), rng.NormFloat64()
				}
			}
			checkGradients(t, trainer, batch, func(terms []float64) {
				// The physics terms must be large enough to exercise their gradients.
				if div := terms[termDivergence]; tc.stream != (div == 0) || !tc.stream && !(div > 1e-3) {
					t.Fatalf("divergence term %g: want 0 for a stream function, above 1e-3 otherwise", div)
				}
				if sm := terms[termSmoothness]; (tc.smoothness > 0) != (sm > 1e-3) {
					t.Fatalf("smoothness term %g with weight %g", sm, tc.smoothness)
				}
			})
		})
	}
}

// checkGradients compares the trainer's gradients of the total loss on the
// batch with central finite differences, at 3 random entries of every
// parameter tensor; checkTerms sees the loss terms (indexed termTotal...).
func checkGradients(t *testing.T, trainer *Trainer, batch *Batch, checkTerms func([]float64)) {
	t.Helper()
	net := trainer.net
	layout, args, err := trainer.args(batch)
	if err != nil {
		t.Fatal(err)
	}
	vars := net.variables()
	exec, err := model.NewExec(trainer.backend, net.store, func(_ *model.Scope, inputs []*Node) []*Node {
		terms, grads := trainer.lossAndGradients(layout, inputs)
		outputs := terms[:]
		for _, v := range vars {
			d, ok := grads[v]
			switch {
			case !ok && v == net.output.bias && net.cfg.StreamFunction:
				d = ZerosLike(v.NodeValue(inputs[0].Graph())) // psi's offset moves no velocity
			case !ok:
				panic(fmt.Sprintf("no gradient for %s", v.Path()))
			}
			outputs = append(outputs, d)
		}
		return outputs
	})
	if err != nil {
		t.Fatal(err)
	}
	eval := func() float64 {
		_, args, err := trainer.args(batch)
		if err != nil {
			t.Fatal(err)
		}
		outputs, err := exec.Call(args...)
		if err != nil {
			t.Fatal(err)
		}
		return scalarValue(outputs[termTotal])
	}
	outputs, err := exec.Call(args...)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	terms := make([]float64, numTerms)
	for i := range terms {
		terms[i] = scalarValue(outputs[i])
	}
	checkTerms(terms)
	rng := rand.New(rand.NewPCG(5, 6))
	for vi, v := range vars {
		var grad []float64
		outputs[numTerms+vi].MustConstFlatData(func(flat any) { grad = append(grad, flat.([]float64)...) })
		orig, err := floattensor.Values(v.MustValue())
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			j := rng.IntN(len(orig))
			const eps = 1e-6
			perturbed := append([]float64(nil), orig...)
			perturbed[j] = orig[j] + eps
			setFlat(t, v, perturbed)
			plus := eval()
			perturbed[j] = orig[j] - eps
			setFlat(t, v, perturbed)
			minus := eval()
			setFlat(t, v, orig)
			fd := (plus - minus) / (2 * eps)
			if math.Abs(fd-grad[j]) > 1e-6+1e-5*math.Abs(fd) {
				t.Errorf("%s[%d]: gradient %.9g, finite difference %.9g", v.Path(), j, grad[j], fd)
			}
		}
	}
}
