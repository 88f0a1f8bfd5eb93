package transport

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Estimate is a Monte-Carlo estimate of a sliced distance to the power p,
// the mean over slices of a 1-D (or circle) W_p^p.
type Estimate struct {
	// Pow estimates the sliced distance to the power p (e.g. SW_p^p).
	Pow float64
	// StdErr is the Monte-Carlo standard error of Pow: the standard
	// deviation of the per-slice values over sqrt(Slices). It is exact for
	// independent directions and conservative (too large) for the
	// low-variance schemes; NaN for a single slice.
	StdErr float64
	// P is the exponent and Slices the number of slices averaged.
	P      float64
	Slices int
}

// Distance returns Pow^(1/p), the sliced distance itself. Its standard
// error is about StdErr * Distance / (p * Pow) by the delta method.
func (e Estimate) Distance() float64 { return math.Pow(e.Pow, 1/e.P) }

// String prints the estimate with its standard error.
func (e Estimate) String() string {
	return fmt.Sprintf("%.6g ± %.2g (p=%g, %d slices)", e.Pow, e.StdErr, e.P, e.Slices)
}

// newEstimate summarises per-slice values.
func newEstimate(vals []float64, p float64) Estimate {
	l := float64(len(vals))
	mean := 0.0
	for _, v := range vals {
		mean += v
	}
	mean /= l
	ss := 0.0
	for _, v := range vals {
		ss += (v - mean) * (v - mean)
	}
	se := math.NaN()
	if len(vals) > 1 {
		se = math.Sqrt(ss / (l - 1) / l)
	}
	return Estimate{Pow: mean, StdErr: se, P: p, Slices: len(vals)}
}

// forEachSlice sets vals[l] = f(s, l) for every slice l, spreading the
// slices over up to workers goroutines (GOMAXPROCS when workers <= 0), each
// with its own scratch s. Results do not depend on the number of workers.
func forEachSlice[S any](vals []float64, workers int, newScratch func() *S, f func(s *S, l int) float64) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(vals))
	if workers <= 1 {
		s := newScratch()
		for l := range vals {
			vals[l] = f(s, l)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			s := newScratch()
			for {
				l := int(next.Add(1) - 1)
				if l >= len(vals) {
					return
				}
				vals[l] = f(s, l)
			}
		})
	}
	wg.Wait()
}

// sliceSettings are the settings every sliced distance shares.
type sliceSettings struct {
	slices  int
	p       float64
	seed    uint64
	workers int
}

func (c sliceSettings) check() error {
	if c.slices < 1 {
		return fmt.Errorf("%w: %d slices, want at least 1", ErrConfig, c.slices)
	}
	return checkExponent(c.p)
}
