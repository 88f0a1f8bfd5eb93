package engine

import (
	"context"
	"errors"
	"maps"
	"math"
	"strings"
	"testing"

	"pivsr/models"
	"pivsr/models/baseline"
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

	// Every term at once: a stream function with the structure prior and
	// the smoothness term.
	cfg = smallNeural(10)
	cfg.Neural.StreamFunction, cfg.Neural.SmoothnessWeight, cfg.Neural.StructureWeight = true, 1e-6, 1e-3
	if _, last, err = runCollecting(context.Background(), t, cfg, sparse, truth, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"structure", "smoothness"} {
		if term := termNamed(t, last, name); !(term.Value > 0) {
			t.Errorf("stream function with every term: %s %+v, want it measured", name, term)
		}
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
	if maxDiff, scale := fieldDiff(got.Field, want.Field); maxDiff > 1e-6*scale {
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

// TestSmoothnessWrapsOnlyAWholePeriod: a periodic run's target that stops
// short of the period (as -scale's does, ending on the last input node) must
// not wrap its differences from its last column onto its first.
func TestSmoothnessWrapsOnlyAWholePeriod(t *testing.T) {
	const m = 16
	h := 2 * math.Pi / m
	omega := func(x float64) float64 { return math.Cos(x + 0.7) } // of v = sin(x + 0.7)
	field := func(g piv.Grid) *piv.Field {
		f := piv.NewField(g)
		for j := range g.Y {
			for i, x := range g.X {
				f.V[g.Index(i, j)] = math.Sin(x + 0.7)
			}
		}
		return f
	}
	s, err := baseline.FromField(field(piv.UniformGrid(m, m, 0, 0, h, h)))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2 * m, 2*m - 1} { // the whole period, then -scale 2's grid
		base := field(piv.UniformGrid(n, n, 0, 0, h/2, h/2))
		tr := &training{n: &neural{boundary: "periodic"}, j: &job{samples: s}, base: base, norm: normalizer{half: 1, vel: 1},
			nc: NeuralConfig{SmoothnessWeight: 1, Collocation: 4}, batch: &models.Batch{}}
		if err := tr.prepareSmoothness(); err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, n / 2, n - 1} {
			x := base.X[i]
			want := (omega(x+h/2) - omega(x)) / (h / 2)
			if i == n-1 && n != 2*m { // the open edge: the previous node's difference
				want = (omega(x) - omega(x-h/2)) / (h / 2)
			}
			// The open edge's one-sided stencils are off by ~0.1; a wrap onto
			// the first column, by 0.5 to 2.3.
			if got := tr.baseVortGrad[0][base.Index(i, 3)]; math.Abs(got-want) > 0.2 {
				t.Errorf("%d nodes, column %d: d omega/dx %.4g, want %.4g", n, i, got, want)
			}
		}
	}
}

// TestIdentityNamesTheBase: a checkpoint written before the neural field's
// base changed (an identity without the base's name) must not resume onto
// the new base.
func TestIdentityNamesTheBase(t *testing.T) {
	f := periodicTruth(16)
	now := runIdentity(DefaultConfig(), "periodic", f)
	older := maps.Clone(now)
	delete(older, "Base")
	if d := identityMismatch(older, now); !strings.Contains(d, "Base") {
		t.Errorf("an identity without the base resumes (mismatch %q)", d)
	}
	if open := runIdentity(DefaultConfig(), "open", f); open["Base"] == now["Base"] {
		t.Errorf("the open and periodic bases share the name %v", now["Base"])
	}
}
