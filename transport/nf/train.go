package nf

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"gonum.org/v1/gonum/mat"
)

// TrainConfig sets a maximum-likelihood fit.
type TrainConfig struct {
	Steps        int     // Adam steps; 0: 2000
	Batch        int     // points per step, drawn with replacement; 0: 256
	LearningRate float64 // 0: 2e-3
	Seed         uint64  // seed of the batches
}

func (c TrainConfig) withDefaults() TrainConfig {
	if c.Steps == 0 {
		c.Steps = 2000
	}
	if c.Batch == 0 {
		c.Batch = 256
	}
	if c.LearningRate == 0 {
		c.LearningRate = 2e-3
	}
	return c
}

// Fit trains the flow by maximum likelihood on the rows of x with Adam: it
// first sets the standardisation to the data's mean and standard deviation,
// then minimises the mean negative log-density of random batches. It
// returns the batch loss of every step.
func (f *RealNVP) Fit(backend compute.Backend, x *mat.Dense, cfg TrainConfig) ([]float64, error) {
	cfg = cfg.withDefaults()
	n, d := x.Dims()
	if d != f.cfg.Dim || n < 2 {
		return nil, fmt.Errorf("%w: Fit got %d points of dimension %d, want at least 2 of dimension %d", ErrConfig, n, d, f.cfg.Dim)
	}
	if cfg.Steps < 0 || cfg.Batch < 1 || !(cfg.LearningRate > 0) {
		return nil, fmt.Errorf("%w: TrainConfig %+v", ErrConfig, cfg)
	}
	mean, std := make([]float64, d), make([]float64, d)
	for j := range d {
		col := mat.Col(nil, j, x)
		for _, v := range col {
			mean[j] += v
		}
		mean[j] /= float64(n)
		for _, v := range col {
			std[j] += (v - mean[j]) * (v - mean[j])
		}
		std[j] = math.Sqrt(std[j] / float64(n-1))
		if std[j] == 0 {
			std[j] = 1
		}
	}
	if err := f.SetStandardization(mean, std); err != nil {
		return nil, err
	}
	adam := optimizer.Adam().LearningRate(cfg.LearningRate).Done()
	exec, err := model.NewExec(backend, f.store, func(scope *model.Scope, batch *Node) *Node {
		loss := ReduceAllMean(f.NLLGraph(batch))
		adam.UpdateGraph(scope, loss.Graph(), loss)
		return loss
	})
	if err != nil {
		return nil, fmt.Errorf("nf: compiling the training step: %w", err)
	}
	defer exec.Finalize()
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x666974))
	buf := make([]float64, cfg.Batch*d)
	losses := make([]float64, 0, cfg.Steps)
	raw := x.RawMatrix()
	for range cfg.Steps {
		for i := range cfg.Batch {
			r := rng.IntN(n)
			copy(buf[i*d:(i+1)*d], raw.Data[r*raw.Stride:r*raw.Stride+d])
		}
		loss, err := scalarStep(exec, len(losses), tensors.FromFlatDataAndDimensions(append([]float64(nil), buf...), cfg.Batch, d))
		if err != nil {
			return losses, err
		}
		losses = append(losses, loss)
	}
	return losses, nil
}

// scalarStep runs one compiled training step whose only output is the loss,
// and returns it, or an error when the step fails or the loss is not finite.
func scalarStep(exec *model.Exec, step int, args ...any) (float64, error) {
	out, err := exec.Call(args...)
	if err != nil {
		return 0, fmt.Errorf("nf: training step: %w", err)
	}
	loss := tensors.ToScalar[float64](out[0])
	for _, o := range out {
		o.FinalizeAll()
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return 0, fmt.Errorf("nf: training diverged at step %d (loss %v)", step, loss)
	}
	return loss, nil
}
