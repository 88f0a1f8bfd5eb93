package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
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
	if err := v.SetValue(newTensor(v.DType(), values, v.Shape().Dimensions...)); err != nil {
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
// differences of the loss (data, divergence and structure-function terms),
// for every parameter tensor of both filter
// families, with phases on the host and in the graph.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	backend := testBackend(t)
	for _, tc := range []struct {
		filter     Filter
		hostPhases bool
	}{
		{Fourier, true}, {Fourier, false}, {Gabor, true}, {Gabor, false},
	} {
		t.Run(fmt.Sprintf("%s/hostPhases=%v", tc.filter, tc.hostPhases), func(t *testing.T) {
			net, err := NewNetwork(smallConfig(tc.filter))
			if err != nil {
				t.Fatal(err)
			}
			trainer, err := NewTrainer(backend, net, TrainConfig{LearningRate: 1e-3, DivergenceWeight: 0.5, StructureWeight: 0.3})
			if err != nil {
				t.Fatal(err)
			}
			trainer.hostPhases = tc.hostPhases
			batch := taylorGreenBatch(rand.New(rand.NewPCG(3, 4)), 2, 9, 7)
			addStructurePoints(batch, rand.New(rand.NewPCG(7, 8)), 3, 4)
			vars := net.variables()
			exec, err := model.NewExec(backend, net.store, func(_ *model.Scope, inputs []*Node) []*Node {
				total, _, div, _, grads := trainer.lossAndGradients(inputs)
				outputs := []*Node{total, div}
				for _, v := range vars {
					d, ok := grads[v]
					if !ok {
						panic(fmt.Sprintf("no gradient for %s", v.Path()))
					}
					outputs = append(outputs, d)
				}
				return outputs
			})
			if err != nil {
				t.Fatal(err)
			}
			eval := func() []float64 {
				args, err := trainer.args(batch)
				if err != nil {
					t.Fatal(err)
				}
				outputs, err := exec.Call(args...)
				if err != nil {
					t.Fatal(err)
				}
				values := make([]float64, len(outputs))
				values[0], values[1] = scalarValue(outputs[0]), scalarValue(outputs[1])
				return values
			}
			args, err := trainer.args(batch)
			if err != nil {
				t.Fatal(err)
			}
			outputs, err := exec.Call(args...)
			if err != nil {
				t.Fatalf("%+v", err)
			}
			if div := scalarValue(outputs[1]); !(div > 1e-3) {
				t.Fatalf("divergence term %g too small to exercise the tangents' gradients", div)
			}
			rng := rand.New(rand.NewPCG(5, 6))
			for vi, v := range vars {
				var grad []float64
				outputs[2+vi].MustConstFlatData(func(flat any) { grad = append(grad, flat.([]float64)...) })
				orig, err := flatFloat64(v)
				if err != nil {
					t.Fatal(err)
				}
				for range 3 {
					j := rng.IntN(len(orig))
					const eps = 1e-6
					perturbed := append([]float64(nil), orig...)
					perturbed[j] = orig[j] + eps
					setFlat(t, v, perturbed)
					plus := eval()[0]
					perturbed[j] = orig[j] - eps
					setFlat(t, v, perturbed)
					minus := eval()[0]
					setFlat(t, v, orig)
					fd := (plus - minus) / (2 * eps)
					if math.Abs(fd-grad[j]) > 1e-6+1e-5*math.Abs(fd) {
						t.Errorf("%s[%d]: gradient %.9g, finite difference %.9g", v.Path(), j, grad[j], fd)
					}
				}
			}
		})
	}
}
