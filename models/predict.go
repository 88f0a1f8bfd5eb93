package models

import (
	"fmt"
	"sync"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// predictChunk is the number of points evaluated per graph execution: the
// last chunk is padded, so each predictor compiles a single graph.
const predictChunk = 4096

// Prediction holds the network's output at a set of points, in normalised units.
type Prediction struct {
	U, V []float64
	// The first derivatives, filled only when requested.
	DUDX, DUDY, DVDX, DVDY []float64
}

// Predictor evaluates a [Network] on a backend at arbitrary points.
// It compiles its graphs on first use and reuses them; it is safe for
// concurrent use.
type Predictor struct {
	net      *Network
	values   *model.Exec
	tangents *model.Exec
	mu       sync.Mutex
}

// NewPredictor prepares evaluation of net on backend.
func NewPredictor(backend compute.Backend, net *Network) (*Predictor, error) {
	if backend == nil || net == nil {
		return nil, fmt.Errorf("models: NewPredictor needs a backend and a network")
	}
	values, err := model.NewExec(backend, net.store, func(_ *model.Scope, x, y *Node) *Node {
		return net.Evaluate(x, y, nil, nil).Values
	})
	if err != nil {
		return nil, err
	}
	tangents, err := model.NewExec(backend, net.store, func(_ *model.Scope, x, y *Node) []*Node {
		ev := net.Evaluate(nil, nil, x, y)
		return []*Node{ev.TangentValues, ev.DX, ev.DY}
	})
	if err != nil {
		return nil, err
	}
	return &Predictor{net: net, values: values.WithName("models.Predict"),
		tangents: tangents.WithName("models.PredictTangents")}, nil
}

// Predict evaluates (u, v) at the points (x[i], y[i]), and with derivatives
// true also the four first derivatives.
func (p *Predictor) Predict(x, y []float64, derivatives bool) (*Prediction, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("models: Predict got %d x and %d y coordinates, expected the same count", len(x), len(y))
	}
	n := len(x)
	out := &Prediction{U: make([]float64, n), V: make([]float64, n)}
	exec := p.values
	if derivatives {
		exec = p.tangents
		for _, d := range []*[]float64{&out.DUDX, &out.DUDY, &out.DVDX, &out.DVDY} {
			*d = make([]float64, n)
		}
	}
	dtype := p.net.cfg.DType
	cx, cy := make([]float64, predictChunk), make([]float64, predictChunk)
	p.mu.Lock()
	defer p.mu.Unlock()
	for start := 0; start < n; start += predictChunk {
		m := copy(cx, x[start:])
		copy(cy, y[start:])
		for i := m; i < predictChunk; i++ { // pad with the chunk's first point
			cx[i], cy[i] = cx[0], cy[0]
		}
		outputs, err := exec.Call(newTensor(dtype, cx, predictChunk), newTensor(dtype, cy, predictChunk))
		if err != nil {
			return nil, fmt.Errorf("models: prediction: %w", err)
		}
		m = min(m, n-start)
		scatterColumns(outputs[0], start, m, out.U, out.V)
		if derivatives {
			scatterColumns(outputs[1], start, m, out.DUDX, out.DVDX)
			scatterColumns(outputs[2], start, m, out.DUDY, out.DVDY)
		}
		for _, o := range outputs {
			o.FinalizeAll()
		}
	}
	return out, nil
}

// scatterColumns copies the first m rows of an [N, 2] tensor into a[start:]
// and b[start:].
func scatterColumns(t *tensors.Tensor, start, m int, a, b []float64) {
	t.MustConstFlatData(func(flat any) {
		switch f := flat.(type) {
		case []float32:
			for i := range m {
				a[start+i], b[start+i] = float64(f[2*i]), float64(f[2*i+1])
			}
		case []float64:
			for i := range m {
				a[start+i], b[start+i] = f[2*i], f[2*i+1]
			}
		default:
			panic(fmt.Sprintf("models: unexpected prediction dtype %s", t.DType()))
		}
	})
}

