package baseline

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"pivsr/piv"
)

// Method reconstructs a dense velocity field on a target grid from sparse
// samples. The result has every vector valid (nil mask) and the samples'
// units.
type Method interface {
	// Name is a short label for tables and logs, e.g. "bicubic-clamped".
	Name() string
	Reconstruct(ctx context.Context, s *Samples, target piv.Grid) (*piv.Field, error)
}

// Interpolant is a fitted continuous field: the velocity at any point.
type Interpolant interface {
	At(x, y float64) (u, v float64)
}

// EvaluateOnGrid samples f at every node of target, the rows shared among
// goroutines, and returns the field with units.
func EvaluateOnGrid(ctx context.Context, f Interpolant, target piv.Grid, units piv.Units) (*piv.Field, error) {
	if err := target.Validate(); err != nil {
		return nil, fmt.Errorf("target grid: %w", err)
	}
	out := piv.NewField(target)
	out.Units = units
	err := parallelFor(ctx, target.NY(), func(j int) {
		y := target.Y[j]
		for i, x := range target.X {
			k := target.Index(i, j)
			out.U[k], out.V[k] = f.At(x, y)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// parallelFor runs body(0), ..., body(n-1) on GOMAXPROCS goroutines and
// stops handing out work once ctx is done, returning its error.
func parallelFor(ctx context.Context, n int, body func(i int)) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= n || ctx.Err() != nil {
			return 0, false
		}
		next++
		return next - 1, true
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, ok := take(); ok; i, ok = take() {
				body(i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// normalizer maps positions to x' = (x - cx) / scale, y' = (y - cy) / scale,
// centring the samples' box and giving its longer side the length 2, so the
// kernel matrices are conditioned alike whatever the physical units.
type normalizer struct{ cx, cy, scale float64 }

func newNormalizer(b box) (normalizer, error) {
	half := 0.5 * max(b.xmax-b.xmin, b.ymax-b.ymin)
	if !(half > 0) {
		return normalizer{}, fmt.Errorf("all samples lie at one point (%v, %v): no extent to interpolate over", b.xmin, b.ymin)
	}
	return normalizer{cx: 0.5 * (b.xmin + b.xmax), cy: 0.5 * (b.ymin + b.ymax), scale: half}, nil
}

func (n normalizer) apply(x, y float64) (float64, float64) {
	return (x - n.cx) / n.scale, (y - n.cy) / n.scale
}

// normalized returns the normalised sample positions.
func (n normalizer) normalized(s *Samples) (xs, ys []float64) {
	xs, ys = make([]float64, s.Len()), make([]float64, s.Len())
	for k := range s.X {
		xs[k], ys[k] = n.apply(s.X[k], s.Y[k])
	}
	return xs, ys
}
