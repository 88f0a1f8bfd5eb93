package engine

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"pivsr/piv"
)

// TestStreamFunctionRunTrains fits a stream-function correction: the data
// term falls, the divergence is reported as 0 with weight 0, and the
// smoothness term, when weighted, is reported with its weight.
func TestStreamFunctionRunTrains(t *testing.T) {
	truth := periodicTruth(32)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	cfg := smallNeural(80)
	cfg.Neural.StreamFunction = true
	var first Progress
	_, last, err := runCollecting(context.Background(), t, cfg, sparse, truth, func(ev Event) {
		if p, ok := ev.(Progress); ok && first.Step == 0 {
			first = p
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	data := func(p Progress) float64 { return termNamed(t, p, "data").Value }
	if !(data(first) > 1e-8) {
		t.Fatalf("data term %g at step %d: the base leaves no residual for the test to fit", data(first), first.Step)
	}
	if !(data(last) < 0.8*data(first)) {
		t.Errorf("data term %g at step %d, %g at step %d: want it lowered", data(first), first.Step, data(last), last.Step)
	}
	for _, p := range []Progress{first, last} {
		if d := termNamed(t, p, "divergence"); d.Value != 0 || d.Weight != 0 {
			t.Errorf("step %d: divergence %+v, want 0 with weight 0 for a stream function", p.Step, d)
		}
	}

	cfg = smallNeural(10)
	cfg.Neural.SmoothnessWeight = 1e-6
	_, last, err = runCollecting(context.Background(), t, cfg, sparse, truth, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := termNamed(t, last, "smoothness")
	if !(s.Value > 0) || s.Weight != 1e-6 {
		t.Errorf("smoothness term %+v, want a positive value with weight 1e-6", s)
	}
	if d := termNamed(t, last, "divergence"); !(d.Value > 0) || d.Weight != cfg.Neural.DivergenceWeight {
		t.Errorf("divergence term %+v of a (u, v) network, want it measured with weight %g", d, cfg.Neural.DivergenceWeight)
	}
}

// termNamed returns a progress event's loss term of that name.
func termNamed(t *testing.T, p Progress, name string) Term {
	t.Helper()
	for _, term := range p.Terms {
		if term.Name == name {
			return term
		}
	}
	t.Fatalf("step %d reports no %s term: %+v", p.Step, name, p.Terms)
	return Term{}
}

// TestStreamFunctionResumes interrupts a stream-function run with the
// smoothness term, resumes it and gets the uninterrupted result; a
// checkpoint of a (u, v) network does not resume as a stream function.
func TestStreamFunctionResumes(t *testing.T) {
	truth := periodicTruth(32)
	sparse, _ := piv.KeepEvery(truth, 2, 0, 0)
	const steps = 20
	cfg := smallNeural(steps)
	cfg.Neural.StreamFunction, cfg.Neural.SmoothnessWeight = true, 1e-7
	want, err := Run(context.Background(), cfg, sparse, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Neural.CheckpointDir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, _, err = runCollecting(ctx, t, cfg, sparse, nil, func(ev Event) {
		if p, ok := ev.(Progress); ok && p.Step == steps/2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: error %v, want one wrapping context.Canceled", err)
	}
	other := cfg
	other.Neural.Resume, other.Neural.StreamFunction = true, false
	if _, err := Run(context.Background(), other, sparse, nil, nil); err == nil || !strings.Contains(err.Error(), "StreamFunction") {
		t.Errorf("resuming a stream function as a (u, v) network: error %v, want the difference named", err)
	}
	cfg.Neural.Resume = true
	got, err := Run(context.Background(), cfg, sparse, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var maxDiff, scale float64
	for k := range want.Field.U {
		maxDiff = max(maxDiff, math.Abs(got.Field.U[k]-want.Field.U[k]), math.Abs(got.Field.V[k]-want.Field.V[k]))
		scale = max(scale, math.Abs(want.Field.U[k]), math.Abs(want.Field.V[k]))
	}
	if maxDiff > 1e-6*scale {
		t.Errorf("resumed field differs from the uninterrupted one by %g (scale %g)", maxDiff, scale)
	}
}

// TestBaseVorticityGradient checks the base's vorticity gradient against
// the forward difference of the analytic vorticity of v = sin x (omega =
// cos x), wrapping on a periodic grid, in normalised units; and the
// backward difference at the far edge of an open grid.
func TestBaseVorticityGradient(t *testing.T) {
	const n = 64
	h := 2 * math.Pi / n
	f := piv.NewField(piv.UniformGrid(n, 8, 0, 0, h, h))
	for j := range 8 {
		for i, x := range f.X {
			f.V[f.Index(i, j)] = math.Sin(x)
		}
	}
	norm := normalizer{half: 2, vel: 0.5}
	g, err := baseVorticityGradient(f, true, norm)
	if err != nil {
		t.Fatal(err)
	}
	scale := norm.half * norm.half / norm.vel
	for j := range 8 {
		for i, x := range f.X {
			k := f.Index(i, j)
			want := scale * (math.Cos(x+h) - math.Cos(x)) / h
			if math.Abs(g[0][k]-want) > 2e-3*scale || math.Abs(g[1][k]) > 1e-9*scale {
				t.Fatalf("node (%d, %d): gradient (%g, %g), want (%g, 0)", i, j, g[0][k], g[1][k], want)
			}
		}
	}
	// On an open grid the last node takes its neighbour's difference.
	open, err := baseVorticityGradient(f, false, norm)
	if err != nil {
		t.Fatal(err)
	}
	if last, prev := open[0][f.Index(n-1, 3)], open[0][f.Index(n-2, 3)]; last != prev || last == 0 {
		t.Errorf("open grid: last node's gradient %g, want its neighbour's %g", last, prev)
	}
}
