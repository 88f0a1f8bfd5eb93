package models

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"

	"pivsr/internal/floattensor"
)

// HostPhases reports whether graphs on this backend take the filters'
// sin/cos tables from the host (see phaseTables) rather than computing them:
// true for the Go backend, whose Sin and Cos call math.Sin and math.Cos one
// element at a time on one thread (they were half of a training step's time).
func HostPhases(backend compute.Backend) bool {
	return backend.String() == "go"
}

// phaseTables holds, for one set of N points, each filter's sin(Omega p + phi)
// and cos(Omega p + phi), [h, N] each. The tensors are allocated once, shared
// with the backend when it allows it (no copy per step on CPU backends), and
// refilled with the current parameters before each execution.
type phaseTables struct {
	dtype    dtypes.DType
	n        int
	sin, cos []*tensors.Tensor
}

// newPhaseTables allocates tables for n points; withCos false skips the
// cosines (forward evaluation at value points).
func newPhaseTables(backend compute.Backend, cfg Config, n int, withCos bool) (*phaseTables, error) {
	pt := &phaseTables{dtype: cfg.DType, n: n}
	shape := shapes.Make(cfg.DType, cfg.Hidden, n)
	alloc := func() (*tensors.Tensor, error) {
		t := tensors.FromShape(shape)
		if err := t.MaterializeOnDevice(backend, true, 0); err != nil {
			return nil, fmt.Errorf("models: allocating phase tables: %w", err)
		}
		return t, nil
	}
	for range cfg.Filters {
		s, err := alloc()
		if err != nil {
			return nil, err
		}
		pt.sin = append(pt.sin, s)
		if withCos {
			c, err := alloc()
			if err != nil {
				return nil, err
			}
			pt.cos = append(pt.cos, c)
		}
	}
	return pt, nil
}

// args returns the tables as execution arguments: the sines, then the cosines.
func (pt *phaseTables) args() []any {
	args := make([]any, 0, len(pt.sin)+len(pt.cos))
	for _, t := range pt.sin {
		args = append(args, t)
	}
	for _, t := range pt.cos {
		args = append(args, t)
	}
	return args
}

// fill computes the tables at the points (x, y) with the network's current
// filter parameters.
func (pt *phaseTables) fill(net *Network, x, y []float64) error {
	if len(x) != pt.n || len(y) != pt.n {
		return fmt.Errorf("models: phase tables for %d points filled with %d x and %d y", pt.n, len(x), len(y))
	}
	for i, f := range net.filters {
		omega, err := floattensor.Values(f.omega.MustValue())
		if err != nil {
			return err
		}
		phase, err := floattensor.Values(f.phase.MustValue())
		if err != nil {
			return err
		}
		var cos *tensors.Tensor
		if pt.cos != nil {
			cos = pt.cos[i]
		}
		if pt.dtype == dtypes.Float64 {
			err = fillTable(pt.sin[i], cos, omega, phase, x, y, math.Sincos)
		} else {
			err = fillTable(pt.sin[i], cos, omega, phase, x, y, sincos32)
		}
		if err != nil {
			return fmt.Errorf("models: filling phase tables: %w", err)
		}
	}
	return nil
}

// fillTable writes sin and cos (cos may be nil) of omega p + phase, [h, N]
// row-major, splitting the rows over GOMAXPROCS goroutines.
func fillTable[T float32 | float64](sin, cos *tensors.Tensor, omega, phase, x, y []float64, sincos func(T) (T, T)) error {
	n := len(x)
	xs, ys := make([]T, n), make([]T, n)
	maxX, maxY := 0.0, 0.0
	for i := range n {
		xs[i], ys[i] = T(x[i]), T(y[i])
		maxX, maxY = max(maxX, math.Abs(x[i])), max(maxY, math.Abs(y[i]))
	}
	row := func(sRow, cRow []T, j int) {
		wx, wy, ph := omega[2*j], omega[2*j+1], phase[j]
		if s32, ok := any(sRow).([]float32); ok &&
			math.Abs(wx)*maxX+math.Abs(wy)*maxY+math.Abs(ph) <= sincos32MaxArg {
			c32, _ := any(cRow).([]float32)
			if phaseRow32(s32, c32, any(xs).([]float32), any(ys).([]float32), float32(wx), float32(wy), float32(ph)) {
				return
			}
		}
		twx, twy, tph := T(wx), T(wy), T(ph)
		if cRow == nil {
			for k := range n {
				sRow[k], _ = sincos(twx*xs[k] + twy*ys[k] + tph)
			}
			return
		}
		for k := range n {
			sRow[k], cRow[k] = sincos(twx*xs[k] + twy*ys[k] + tph)
		}
	}
	compute := func(s, c []T) {
		h := len(phase)
		workers := min(runtime.GOMAXPROCS(0), h)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for j := w * h / workers; j < (w+1)*h/workers; j++ {
					var cRow []T
					if c != nil {
						cRow = c[j*n : (j+1)*n]
					}
					row(s[j*n:(j+1)*n], cRow, j)
				}
			})
		}
		wg.Wait()
	}
	return tensors.MutableFlatData(sin, func(s []T) {
		if cos == nil {
			compute(s, nil)
			return
		}
		tensors.MustMutableFlatData(cos, func(c []T) { compute(s, c) })
	})
}
