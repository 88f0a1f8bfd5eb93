package models

import (
	"fmt"
	"sync"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"pivsr/internal/floattensor"
)

// predictChunk is the number of points evaluated per graph execution: the
// last chunk is padded, so each predictor compiles a single graph per mode.
const predictChunk = 4096

// Prediction holds the network's output at a set of points, in normalised units.
type Prediction struct {
	U, V []float64
	// The first derivatives, filled only when requested.
	DUDX, DUDY, DVDX, DVDY []float64
}

// Predictor evaluates a [Network] on a backend at arbitrary points, with the
// network's current parameters. It compiles its graphs on first use and
// reuses them; it is safe for concurrent use.
type Predictor struct {
	net        *Network
	backend    compute.Backend
	hostPhases bool
	values     *model.Exec
	tangents   *model.Exec

	mu                         sync.Mutex
	valueTables, tangentTables *phaseTables
}

// NewPredictor prepares evaluation of net on backend.
func NewPredictor(backend compute.Backend, net *Network) (*Predictor, error) {
	if backend == nil || net == nil {
		return nil, fmt.Errorf("models: NewPredictor needs a backend and a network")
	}
	p := &Predictor{net: net, backend: backend, hostPhases: HostPhases(backend)}
	k := net.cfg.Filters
	values, err := model.NewExec(backend, net.store, func(_ *model.Scope, inputs []*Node) *Node {
		pts := &Points{X: inputs[0], Y: inputs[1]}
		if p.hostPhases {
			pts.Sin = inputs[2 : 2+k]
			if net.cfg.StreamFunction { // the velocity is psi's tangent
				pts.Cos = inputs[2+k : 2+2*k]
			}
		}
		return net.Evaluate(pts, nil).Values
	})
	if err != nil {
		return nil, err
	}
	tangents, err := model.NewExec(backend, net.store, func(_ *model.Scope, inputs []*Node) []*Node {
		pts := &Points{X: inputs[0], Y: inputs[1]}
		if p.hostPhases {
			pts.Sin, pts.Cos = inputs[2:2+k], inputs[2+k:2+2*k]
		}
		ev := net.Evaluate(nil, pts)
		return []*Node{ev.TangentValues, ev.DX, ev.DY}
	})
	if err != nil {
		return nil, err
	}
	p.values, p.tangents = values.WithName("models.Predict"), tangents.WithName("models.PredictTangents")
	return p, nil
}

// Predict evaluates (u, v) at the points (x[i], y[i]), and with derivatives
// true also the four first derivatives (not available for a stream-function
// network: they are psi's second derivatives).
func (p *Predictor) Predict(x, y []float64, derivatives bool) (*Prediction, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("models: Predict got %d x and %d y coordinates, expected the same count", len(x), len(y))
	}
	if derivatives && p.net.cfg.StreamFunction {
		return nil, fmt.Errorf("models: a stream-function network gives no velocity derivatives (they are the stream function's second)")
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
	p.mu.Lock()
	defer p.mu.Unlock()
	tables, err := p.tables(derivatives)
	if err != nil {
		return nil, err
	}
	dtype := p.net.cfg.DType
	cx, cy := make([]float64, predictChunk), make([]float64, predictChunk)
	for start := 0; start < n; start += predictChunk {
		m := copy(cx, x[start:])
		copy(cy, y[start:])
		for i := m; i < predictChunk; i++ { // pad with the chunk's first point
			cx[i], cy[i] = cx[0], cy[0]
		}
		args := []any{floattensor.New(dtype, cx, predictChunk), floattensor.New(dtype, cy, predictChunk)}
		if tables != nil {
			if err := tables.fill(p.net, cx, cy); err != nil {
				return nil, err
			}
			args = append(args, tables.args()...)
		}
		outputs, err := exec.Call(args...)
		if err != nil {
			return nil, fmt.Errorf("models: prediction: %w", err)
		}
		scatterRows(outputs[0], start, m, out.U, out.V)
		if derivatives {
			scatterRows(outputs[1], start, m, out.DUDX, out.DVDX)
			scatterRows(outputs[2], start, m, out.DUDY, out.DVDY)
		}
		for _, o := range outputs {
			o.FinalizeAll()
		}
	}
	return out, nil
}

// tables returns the host phase tables for a chunk (nil without host phases).
func (p *Predictor) tables(derivatives bool) (*phaseTables, error) {
	if !p.hostPhases {
		return nil, nil
	}
	dst := &p.valueTables
	if derivatives {
		dst = &p.tangentTables
	}
	if *dst == nil {
		pt, err := newPhaseTables(p.backend, p.net.cfg, predictChunk, derivatives || p.net.cfg.StreamFunction)
		if err != nil {
			return nil, err
		}
		*dst = pt
	}
	return *dst, nil
}

// scatterRows copies the first m columns of a [2, N] tensor's rows into
// a[start:] and b[start:].
func scatterRows(t *tensors.Tensor, start, m int, a, b []float64) {
	n := t.Shape().Dimensions[1]
	t.MustConstFlatData(func(flat any) {
		switch f := flat.(type) {
		case []float32:
			for i := range m {
				a[start+i], b[start+i] = float64(f[i]), float64(f[n+i])
			}
		case []float64:
			copy(a[start:start+m], f[:m])
			copy(b[start:start+m], f[n:n+m])
		default:
			panic(fmt.Sprintf("models: unexpected prediction dtype %s", t.DType()))
		}
	})
}
