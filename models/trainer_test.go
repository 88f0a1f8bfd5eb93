package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// TestTrainingFitsTaylorGreen fits a Taylor-Green vortex field from 256
// scattered vectors with the divergence term and checks the loss falls and
// the field is reproduced at unseen points, for both filter families.
func TestTrainingFitsTaylorGreen(t *testing.T) {
	backend := testBackend(t)
	const a = math.Pi // one vortex cell per unit
	for _, filter := range []Filter{Fourier, Gabor} {
		t.Run(filter.String(), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Filter, cfg.Filters, cfg.Hidden, cfg.InputScale = filter, 3, 32, 8
			if filter == Gabor {
				cfg.GaborAlpha = 1 // broad envelopes: the field fills the domain
			}
			net, err := NewNetwork(cfg)
			if err != nil {
				t.Fatal(err)
			}
			trainer, err := NewTrainer(backend, net, TrainConfig{LearningRate: 3e-3, DivergenceWeight: 1e-3})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(21, 22))
			batch := taylorGreenBatch(rng, a, 256, 256)
			var first, last Losses
			const steps = 300
			for step := range steps {
				// Fresh collocation points each step, as in training.
				for i := range batch.CX {
					batch.CX[i], batch.CY[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
				}
				l, err := trainer.Step(batch)
				if err != nil {
					t.Fatal(err)
				}
				if step == 0 {
					first = l
				}
				last = l
			}
			if !(last.Data < first.Data/100) || !(last.Total < first.Total/100) {
				t.Fatalf("loss did not fall a hundredfold in %d steps: %+v -> %+v", steps, first, last)
			}
			test := taylorGreenBatch(rng, a, 500, 0)
			p, err := NewPredictor(backend, net)
			if err != nil {
				t.Fatal(err)
			}
			pred, err := p.Predict(test.X, test.Y, true)
			if err != nil {
				t.Fatal(err)
			}
			var sq, div float64
			for i := range test.X {
				sq += (pred.U[i]-test.U[i])*(pred.U[i]-test.U[i]) + (pred.V[i]-test.V[i])*(pred.V[i]-test.V[i])
				div += math.Abs(pred.DUDX[i] + pred.DVDY[i])
			}
			rms, meanDiv := math.Sqrt(sq/float64(2*len(test.X))), div/float64(len(test.X))
			t.Logf("losses %+v -> %+v; held-out rms error %.4f, mean |div| %.4f", first, last, rms, meanDiv)
			if rms > 0.05 {
				t.Errorf("held-out rms error %.4f, want <= 0.05 (field amplitude 1)", rms)
			}
			if meanDiv > 0.1*a { // |du/dx| reaches a
				t.Errorf("mean |div| %.4f, want <= %.4f", meanDiv, 0.1*a)
			}
		})
	}
}

func TestTrainerErrors(t *testing.T) {
	backend := testBackend(t)
	net, err := NewNetwork(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewTrainer(backend, net, TrainConfig{LearningRate: 0}); err == nil {
		t.Error("NewTrainer accepted a zero learning rate")
	}
	if _, err := NewTrainer(nil, net, DefaultTrainConfig()); err == nil {
		t.Error("NewTrainer accepted a nil backend")
	}
	trainer, err := NewTrainer(backend, net, DefaultTrainConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		batch Batch
		want  string
	}{
		{"empty", Batch{}, "non-zero"},
		{"ragged", Batch{X: []float64{0, 1}, Y: []float64{0}, U: []float64{0, 1}, V: []float64{0, 1}}, "same"},
		{"ragged collocation", Batch{X: []float64{0}, Y: []float64{0}, U: []float64{0}, V: []float64{0},
			CX: []float64{0, 1}, CY: []float64{1}}, "collocation"},
	} {
		if _, err := trainer.Step(&tc.batch); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	if err := trainer.SetLearningRate(-1); err == nil {
		t.Error("SetLearningRate accepted -1")
	}
	if err := trainer.SetDivergenceWeight(math.NaN()); err == nil {
		t.Error("SetDivergenceWeight accepted NaN")
	}
}

// TestLossTerms checks the loss functions on values with known answers.
func TestLossTerms(t *testing.T) {
	backend := testBackend(t)
	store := model.NewStore()
	outputs, err := model.CallOnceN(backend, store, func(_ *model.Scope, g *Graph) []*Node {
		pred := Const(g, [][]float64{{1, 2, 3}, {0, 0, 1}}) // rows u, v at 3 points
		u, v := Const(g, []float64{1, 0, 3}), Const(g, []float64{0, 2, 1})
		// du/dx and dv/dy rows chosen so the divergence is (1, -1, 3).
		dx := Const(g, [][]float64{{1, 0, 2}, {9, 9, 9}})
		dy := Const(g, [][]float64{{9, 9, 9}, {0, -1, 1}})
		return []*Node{DataLoss(pred, u, v), DivergenceLoss(dx, dy, nil)}
	})
	if err != nil {
		t.Fatal(err)
	}
	// Data: squared errors per point 0, 4 + 4, 0 -> mean 8/3. Divergence: (1 + 1 + 9)/3.
	for i, want := range []float64{8.0 / 3, 11.0 / 3} {
		if got := scalarValue(outputs[i]); math.Abs(got-want) > 1e-12 {
			t.Errorf("loss %d = %g, want %g", i, got, want)
		}
	}
}

// TestSetLearningRate checks that the learning rate fed to the compiled step
// takes effect: Adam's first step moves each parameter by about the learning
// rate, whatever the gradient's scale.
func TestSetLearningRate(t *testing.T) {
	backend := testBackend(t)
	cfg := smallConfig(Fourier)
	net, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	trainer, err := NewTrainer(backend, net, TrainConfig{LearningRate: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	batch := taylorGreenBatch(rand.New(rand.NewPCG(1, 2)), 2, 16, 16)
	w := net.hidden[0].weights
	for _, lr := range []float64{1e-3, 1e-6, 0.5} {
		if err := trainer.SetLearningRate(lr); err != nil {
			t.Fatal(err)
		}
		before := mustFlat(t, w)
		if _, err := trainer.Step(batch); err != nil {
			t.Fatal(err)
		}
		largest := 0.0
		for i, v := range mustFlat(t, w) {
			largest = max(largest, math.Abs(v-before[i]))
		}
		// Adam's normalised step is at most about lr in magnitude (more with
		// momentum from earlier steps, never 10x).
		if largest > 10*lr || largest < lr/10 {
			t.Errorf("learning rate %g: largest weight change %g", lr, largest)
		}
	}
}

// TestDivergenceWeight checks the loss terms' composition and that changing
// lambda_div takes effect in the compiled step.
func TestDivergenceWeight(t *testing.T) {
	for _, filters := range []int{1, 3} {
		t.Run(fmt.Sprintf("filters=%d", filters), func(t *testing.T) { testDivergenceWeight(t, filters) })
	}
}

func testDivergenceWeight(t *testing.T, filters int) {
	backend := testBackend(t)
	cfg := smallConfig(Fourier)
	cfg.Filters = filters
	net, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	trainer, err := NewTrainer(backend, net, TrainConfig{LearningRate: 1e-9, DivergenceWeight: 0})
	if err != nil {
		t.Fatal(err)
	}
	batch := taylorGreenBatch(rand.New(rand.NewPCG(1, 2)), 2, 16, 16)
	for _, w := range []float64{0, 2, 0.5} {
		if err := trainer.SetDivergenceWeight(w); err != nil {
			t.Fatal(err)
		}
		l, err := trainer.Step(batch) // lr 1e-9: the parameters barely move
		if err != nil {
			t.Fatal(err)
		}
		if want := l.Data + w*l.Divergence; math.Abs(l.Total-want) > 1e-9*(1+want) || !(l.Divergence > 0) {
			t.Errorf("lambda %g: losses %+v, want Total = Data + lambda Divergence with Divergence > 0", w, l)
		}
	}
	noCollocation := *batch
	noCollocation.CX, noCollocation.CY = nil, nil
	l, err := trainer.Step(&noCollocation)
	if err != nil {
		t.Fatal(err)
	}
	if l.Divergence != 0 || l.Total != l.Data {
		t.Errorf("without collocation points: losses %+v, want no divergence term", l)
	}
}

func TestZeroOutputCorrectionOfABase(t *testing.T) {
	backend := testBackend(t)
	cfg := smallConfig(Fourier)
	cfg.ZeroOutput = true
	net, err := NewNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A zero network predicts zero everywhere, derivatives included.
	p, err := NewPredictor(backend, net)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := p.Predict([]float64{-0.5, 0, 0.7}, []float64{0.2, -0.9, 0.1}, true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pred.U {
		if pred.U[i] != 0 || pred.V[i] != 0 || pred.DUDX[i] != 0 || pred.DVDY[i] != 0 {
			t.Fatalf("zero-output network predicts (%v, %v) at point %d", pred.U[i], pred.V[i], i)
		}
	}
	// The divergence penalty applies to base plus network: with a zero
	// network it is the mean square of the base's divergence.
	trainer, err := NewTrainer(backend, net, TrainConfig{LearningRate: 1e-9, DivergenceWeight: 1})
	if err != nil {
		t.Fatal(err)
	}
	batch := taylorGreenBatch(rand.New(rand.NewPCG(3, 4)), 2, 16, 4)
	batch.BaseDivergence = []float64{1, -2, 3, 0.5}
	l, err := trainer.Step(batch)
	if err != nil {
		t.Fatal(err)
	}
	if want := (1 + 4 + 9 + 0.25) / 4; math.Abs(l.Divergence-want) > 1e-5 {
		t.Errorf("divergence term %v, want the base's mean square %v", l.Divergence, want)
	}
	batch.BaseDivergence = batch.BaseDivergence[:3]
	if _, err := trainer.Step(batch); err == nil {
		t.Error("a base divergence of the wrong length was accepted")
	}
}
