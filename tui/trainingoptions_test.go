package tui

import (
	"math"
	"strings"
	"testing"

	"pivsr/engine"
	"pivsr/piv"
)

// selectSetting moves the form's selection with the panel's keys (j) to
// the line labelled label.
func selectSetting(t *testing.T, a *App, label string) {
	t.Helper()
	press(t, a, "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k")
	for _, s := range a.train.form.settings {
		if s.label == label {
			return
		}
		press(t, a, "j")
	}
	t.Fatalf("no setting %q", label)
}

// TestTrainingOptionsReachTheRun changes the stream-function and smoothness
// lines with the panel's keys, from the default settings or from those of
// the flags (Options.Train), and checks the configuration of the run that
// s starts: the one handed to engine.Run.
func TestTrainingOptionsReachTheRun(t *testing.T) {
	truth, sparse, _ := testFiles(t, 16)
	withFlags := engine.DefaultConfig()
	withFlags.Neural.StreamFunction, withFlags.Neural.SmoothnessWeight = true, 3e-9
	for _, tc := range []struct {
		name   string
		base   *engine.Config // nil: the defaults
		label  string
		keys   []string
		stream bool
		smooth float64
	}{
		{"defaults untouched", nil, "method", nil, false, 0},
		{"stream function on", nil, "stream function", []string{"l"}, true, 0},
		{"stream function on then off", nil, "stream function", []string{"l", "h"}, false, 0},
		{"smoothness 1e-9", nil, "smoothness weight", []string{"l"}, false, 1e-9},
		{"smoothness 1e-8", nil, "smoothness weight", []string{"l", "l"}, false, 1e-8},
		{"smoothness stops at 1e-7", nil, "smoothness weight", []string{"l", "l", "l", "l", "l"}, false, 1e-7},
		{"flags kept", &withFlags, "method", nil, true, 3e-9},
		{"flag weight in its place", &withFlags, "smoothness weight", []string{"l"}, true, 1e-8},
		{"flag weight back to 1e-9", &withFlags, "smoothness weight", []string{"h"}, true, 1e-9},
		{"flag stream function off", &withFlags, "stream function", []string{"h"}, false, 3e-9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestApp(Options{Files: []FileRequest{{Path: sparse}, {Path: truth, Role: RoleTruth}}, Color: Color256, Train: tc.base}, 100, 30)
			drain(t, a, a.Init())
			press(t, a, "tab", "tab")
			selectSetting(t, a, tc.label)
			press(t, a, tc.keys...)
			run := fakeRun(t, a)
			defer a.train.discard()
			c := run.cfg
			if c.Neural.StreamFunction != tc.stream || c.Neural.SmoothnessWeight != tc.smooth {
				t.Errorf("the run has stream function %v, smoothness weight %g; want %v, %g", c.Neural.StreamFunction, c.Neural.SmoothnessWeight, tc.stream, tc.smooth)
			}
			if c.Method != "mfn" || c.Neural.DivergenceWeight != engine.DefaultConfig().Neural.DivergenceWeight {
				t.Errorf("other settings changed: method %q, divergence weight %g", c.Method, c.Neural.DivergenceWeight)
			}
			if err := c.Check(); err != nil {
				t.Errorf("the run's configuration is invalid: %v", err)
			}
		})
	}
}

// TestDivergenceWeightMootForAStreamFunction: the divergence weight line is
// moot (dimmed) exactly when the stream function is on.
func TestDivergenceWeightMootForAStreamFunction(t *testing.T) {
	f := newTrainingForm(engine.DefaultConfig())
	var div, stream *setting
	for _, s := range f.settings {
		switch s.label {
		case "divergence weight":
			div = s
		case "stream function":
			stream = s
		}
	}
	if div == nil || stream == nil || div.moot == nil {
		t.Fatal("the form lacks the divergence weight or the stream function line")
	}
	if div.moot(f.config()) {
		t.Error("the divergence weight is moot without a stream function")
	}
	stream.step(1)
	if stream.value() != "on" || !div.moot(f.config()) {
		t.Errorf("stream function %q: the divergence weight is not moot", stream.value())
	}
}

// TestLossLegend feeds loss terms as the engine reports them (engine
// training.terms) and checks how the chart's legend names them: penalties
// with their weight, a stream function's divergence as 0 (hard), the
// smoothness term only when reported; the title names a stream function.
func TestLossLegend(t *testing.T) {
	for _, tc := range []struct {
		name      string
		stream    bool
		terms     []engine.Term
		want, not []string
	}{
		{"soft divergence", false,
			[]engine.Term{{Name: "data", Value: 1, Weight: 1}, {Name: "divergence", Value: 0.1, Weight: 1e-3}, {Name: "total", Value: 1, Weight: 1}},
			[]string{"data", "divergence ×0.001", "total"}, []string{"smoothness", "hard"}},
		{"stream function", true,
			[]engine.Term{{Name: "data", Value: 1, Weight: 1}, {Name: "divergence", Value: 0, Weight: 0}, {Name: "total", Value: 1, Weight: 1}},
			[]string{"divergence 0 (hard)"}, []string{"smoothness", "×0"}},
		{"smoothness", false,
			[]engine.Term{{Name: "data", Value: 1, Weight: 1}, {Name: "divergence", Value: 0.1, Weight: 1e-3}, {Name: "smoothness", Value: 5, Weight: 1e-9}, {Name: "total", Value: 1, Weight: 1}},
			[]string{"divergence ×0.001", "smoothness ×1e-09"}, []string{"hard"}},
		{"stream function and smoothness", true,
			[]engine.Term{{Name: "data", Value: 1, Weight: 1}, {Name: "divergence", Value: 0, Weight: 0}, {Name: "structure", Value: 0.5, Weight: 0.1}, {Name: "smoothness", Value: 5, Weight: 1e-8}, {Name: "total", Value: 1, Weight: 1}},
			[]string{"divergence 0 (hard)", "structure ×0.1", "smoothness ×1e-08"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := trainingApp(t, 120, 40)
			if tc.stream {
				selectSetting(t, a, "stream function")
				press(t, a, "l")
			}
			run := fakeRun(t, a)
			defer a.train.discard()
			events := []engine.Event{engine.Started{Method: "mfn (on spectral-wiener-subgrid)", Vectors: 64, Train: 58, Holdout: 6, Target: piv.UniformGrid(4, 4, 0, 0, 1, 1), Boundary: "periodic"}}
			for s := 10; s <= 100; s += 10 {
				terms := make([]engine.Term, len(tc.terms))
				for k, term := range tc.terms {
					terms[k] = engine.Term{Name: term.Name, Value: term.Value / float64(s), Weight: term.Weight}
				}
				events = append(events, engine.Progress{Step: s, Steps: 100, Validation: math.NaN(), Terms: terms})
			}
			a.train.Update(trainMsg{gen: run.gen, events: events})
			if title := strings.SplitN(a.train.View(), "\n", 2)[0]; strings.Contains(title, "stream function") != tc.stream {
				t.Errorf("stream function %v, title %q", tc.stream, title)
			}
			v := strings.Join(a.train.chart(120, 20), "\n")
			for _, w := range tc.want {
				if !strings.Contains(v, w) {
					t.Errorf("%q is not in the chart:\n%s", w, v)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(v, w) {
					t.Errorf("%q is in the chart:\n%s", w, v)
				}
			}
		})
	}
}

// TestStreamFunctionRunInThePanel runs a short neural fit with the stream
// function and the smoothness term on the Go backend, from the panel, to the
// end: the terms the engine reports reach the legend.
func TestStreamFunctionRunInThePanel(t *testing.T) {
	if testing.Short() {
		t.Skip("a neural fit: skipped in -short mode")
	}
	truth, sparse, _ := testFiles(t, 16)
	cfg := engine.DefaultConfig()
	n := &cfg.Neural
	n.Backend, n.Steps, n.WarmupSteps, n.Hidden, n.Filters, n.Collocation = "go", 20, 0, 8, 2, 64
	n.SnapshotEvery, n.ValidateEvery, n.Patience = 10, 10, 0
	n.StreamFunction, n.SmoothnessWeight = true, 1e-8
	a := newTestApp(Options{Files: []FileRequest{{Path: sparse}, {Path: truth, Role: RoleTruth}}, Color: Color256, Train: &cfg}, 120, 40)
	drain(t, a, a.Init())
	press(t, a, "tab", "tab", "s") // runs to the end: drain waits on every batch
	tp := a.train
	if tp.state != trainFinished {
		t.Fatalf("state %s, error %v", tp.stateWord(), tp.err)
	}
	if len(tp.steps) == 0 || len(tp.loss["divergence"]) != len(tp.steps) {
		t.Fatalf("no loss history: steps %v, terms %v", tp.steps, tp.terms)
	}
	if w := tp.weights["smoothness"]; w != 1e-8 {
		t.Errorf("smoothness weight reported %g, want 1e-8 (terms %v)", w, tp.terms)
	}
	for _, d := range tp.loss["divergence"] {
		if d != 0 && !math.IsNaN(d) {
			t.Fatalf("a stream function's divergence term is %g, want 0", d)
		}
	}
	chart := strings.Join(tp.chart(120, 20), "\n")
	for _, want := range []string{"divergence 0 (hard)", "smoothness ×1e-08"} {
		if !strings.Contains(chart, want) {
			t.Errorf("%q is not in the chart:\n%s", want, chart)
		}
	}
}
