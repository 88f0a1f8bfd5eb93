package tui

import (
	"context"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"pivsr/engine"
	"pivsr/piv"
)

func TestTrainingFormConfig(t *testing.T) {
	base := engine.DefaultConfig()
	base.Neural.Hidden = 48 // not on the ladder: put in its place
	f := newTrainingForm(base)
	if got := f.config(); got.Method != base.Method || got.Neural.Hidden != 48 || got.Neural.Steps != base.Neural.Steps || got.Scale != 0 {
		t.Fatalf("an untouched form changes the configuration: %+v", got)
	}
	line := func(label string) *setting {
		for k, s := range f.settings {
			if s.label == label {
				f.at = k
				return s
			}
		}
		t.Fatalf("no setting %q", label)
		return nil
	}
	line("hidden width").step(1)
	line("steps").step(-1)
	line("learning rate").step(1)
	line("grid").step(1)
	line("backend").step(1)
	line("method").step(1)
	c := f.config()
	if c.Neural.Hidden != 64 || c.Neural.Steps != 300 || c.Neural.LearningRate != 3e-3 || c.Scale != 2 || c.Neural.Backend != "go" || c.Method != engine.Methods[1] {
		t.Errorf("after one step on each line: %+v", c)
	}
	if f.neural() {
		t.Error("the second method is not the neural field")
	}
	s := line("steps")
	for range 20 {
		s.step(-1)
	}
	if c := f.config(); c.Neural.Steps != 10 || c.Neural.WarmupSteps > c.Neural.Steps/4 {
		t.Errorf("steps stop at the ladder's end, the warm-up shrinks with them: %d steps, %d warm-up", c.Neural.Steps, c.Neural.WarmupSteps)
	}
	if s.step(-1) {
		t.Error("a step past the end reports a change")
	}
	line("grid").step(-1)
	if c := f.config(); c.Scale != 0 || c.Check() != nil {
		t.Errorf("the input grid is scale 0: %+v (%v)", c, c.Check())
	}

	explicit := engine.DefaultConfig()
	explicit.NX, explicit.NY = 100, 80
	g := newTrainingForm(explicit)
	if c := g.config(); c.NX != 100 || c.NY != 80 || c.Scale != 0 {
		t.Errorf("an explicit target grid is kept: %+v", c)
	}
	g.settings[1].step(-1)
	if c := g.config(); c.NX != 0 || c.Scale != 4 {
		t.Errorf("the grid line replaces an explicit grid: %+v", c)
	}
}

func TestRunFeedBatches(t *testing.T) {
	f := newRunFeed()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := 1; k <= 100; k++ {
			f.push(engine.Progress{Step: k})
		}
		f.finish(nil, context.Canceled)
	}()
	var steps []int
	for done := false; !done; {
		msg := f.next(7)
		if msg.gen != 7 {
			t.Fatalf("message of run %d, want 7", msg.gen)
		}
		for _, ev := range msg.events {
			steps = append(steps, ev.(engine.Progress).Step)
		}
		done = msg.done
		if done && msg.err != context.Canceled {
			t.Errorf("the run's error is %v", msg.err)
		}
	}
	wg.Wait()
	if len(steps) != 100 {
		t.Fatalf("%d events arrived, want 100", len(steps))
	}
	for k, s := range steps {
		if s != k+1 {
			t.Fatalf("event %d is step %d: out of order", k, s)
		}
	}
}

// trainingApp is the workstation on a sparse Taylor-Green field and its
// truth, the training panel focused.
func trainingApp(t *testing.T, w, h int) *App {
	t.Helper()
	truth, sparse, _ := testFiles(t, 32)
	a := loadedApp(t, w, h, FileRequest{Path: sparse}, FileRequest{Path: truth, Role: RoleTruth})
	press(t, a, "tab", "tab")
	if a.panes.focus != paneTraining {
		t.Fatalf("tab twice focuses the training panel, not %v", a.panes.focus.title())
	}
	return a
}

func TestTrainingRunsAndShowsTheResult(t *testing.T) {
	a := trainingApp(t, 100, 30)
	if v := a.View(); !strings.Contains(v, "s trains on sparse.h5") || !strings.Contains(v, "scored against truth.h5") {
		t.Fatalf("the idle panel says what a run would do:\n%s", v)
	}
	// method: mfn -> spectral, a classical method quick enough to run here.
	press(t, a, "l")
	if c := a.train.form.config(); c.Method != "spectral" {
		t.Fatalf("right on the method line picks the next method, got %q", c.Method)
	}
	press(t, a, "s") // runs to the end: drain waits on every batch
	tp := a.train
	if tp.state != trainFinished || tp.result == nil || tp.result.Metrics == nil {
		t.Fatalf("state %s, result %+v, error %v", tp.stateWord(), tp.result, tp.err)
	}
	if nrmse := tp.result.Metrics.NRMSE; !(nrmse < 0.05) {
		t.Errorf("spectral interpolation of a Taylor-Green vortex from every 4th vector: NRMSE %v", nrmse)
	}
	e := a.field.entry()
	if e == nil || e.Name != reconstructionName || e.Frames[0] != tp.result.Field {
		t.Fatalf("the field view shows the result, not %+v", e)
	}
	if !strings.Contains(a.status, "training finished: spectral") {
		t.Errorf("status %q", a.status)
	}
	scored := false
	for _, r := range a.metrics.res.rows {
		scored = scored || r.name == reconstructionName && r.err == nil && r.region == "full"
	}
	if !scored {
		t.Errorf("the metrics panel scores the reconstruction against the truth: %+v", a.metrics.res.rows)
	}
	v := a.View()
	for _, want := range []string{"training · finished", "not iterative", "periodic boundary", "NRMSE"} {
		if !strings.Contains(v, want) {
			t.Errorf("%q is not on screen:\n%s", want, v)
		}
	}
	// A second run trains on the sparse field again, not on the reconstruction.
	if in, _, _ := tp.inputs(); in.Name != "sparse.h5" {
		t.Errorf("the next run would train on %s", in.Name)
	}
}

// fakeRun starts a run in the panel without running it: the command that
// would is dropped.
func fakeRun(t *testing.T, a *App) *trainRun {
	t.Helper()
	a.Update(keyMsg("s"))
	if a.train.state != trainRunning || a.train.run == nil {
		t.Fatalf("s starts a run: state %s", a.train.stateWord())
	}
	return a.train.run
}

func TestTrainingEvents(t *testing.T) {
	a := trainingApp(t, 100, 30)
	run := fakeRun(t, a)
	tp := a.train
	grid := piv.UniformGrid(4, 4, 0, 0, 1, 1)
	snap := piv.NewField(grid)
	var events []engine.Event
	events = append(events, engine.Started{Method: "mfn (on spectral)", Backend: "go (CPU)", Vectors: 64, Train: 58, Holdout: 6, Target: grid, Boundary: "periodic"})
	for s := 10; s <= 50; s += 10 {
		events = append(events, engine.Progress{Step: s, Steps: 100, LearningRate: 1e-3, StepsPerSec: 20, ETA: 2 * time.Second, Validation: math.NaN(),
			Terms: []engine.Term{{Name: "data", Value: 1 / float64(s), Weight: 1}, {Name: "total", Value: 2 / float64(s), Weight: 1}}})
	}
	events = append(events, engine.Snapshot{Step: 50, Field: snap})
	cmd := tp.Update(trainMsg{gen: run.gen, events: events})
	msgs := runCmd(cmd)
	var set []SetFieldMsg
	waits := 0
	for _, m := range msgs {
		switch m := m.(type) {
		case SetFieldMsg:
			set = append(set, m)
		case nil:
			waits++ // the wait on the next batch: nothing is queued
		}
	}
	if len(set) != 1 || set[0].Entry.Name != reconstructionName || set[0].Entry.Frames[0] != snap || !set[0].Show {
		t.Fatalf("the first snapshot goes on screen as the reconstruction: %+v", set)
	}
	if len(tp.steps) != 5 || len(tp.loss["data"]) != 5 || tp.loss["total"][4] != 2.0/50 {
		t.Errorf("history: steps %v, loss %v", tp.steps, tp.loss)
	}
	v := tp.View()
	for _, want := range []string{"step 50/100", "20.0 steps/s", "ETA 2s", "backend go (CPU)", "loss per term", "data", "total", "58 fitted, 6 held out"} {
		if !strings.Contains(v, want) {
			t.Errorf("%q is not in the panel:\n%s", want, v)
		}
	}
	// Later snapshots replace the field without taking the screen.
	msgs = runCmd(tp.Update(trainMsg{gen: run.gen, events: []engine.Event{engine.Snapshot{Step: 60, Field: snap}}}))
	for _, m := range msgs {
		if s, ok := m.(SetFieldMsg); ok && s.Show {
			t.Error("a later snapshot takes the screen")
		}
	}
	// Events of an older run are dropped.
	if cmd := tp.Update(trainMsg{gen: run.gen - 1, events: events}); cmd != nil || len(tp.steps) != 5 {
		t.Error("an older run's events are taken in")
	}
	// A failure is shown.
	msgs = runCmd(tp.Update(trainMsg{gen: run.gen, done: true, err: errTest}))
	if tp.state != trainFailed || !strings.Contains(tp.View(), "failed: test failure") {
		t.Errorf("state %s:\n%s", tp.stateWord(), tp.View())
	}
	if len(msgs) != 1 || !msgs[0].(statusMsg).isErr {
		t.Errorf("a failure goes on the status line as an error: %+v", msgs)
	}
}

type testError struct{}

func (testError) Error() string { return "test failure" }

var errTest = testError{}

// runCmd runs cmd and the commands of the batches it returns, once; a
// command blocked on a run's feed is not run (a run that never started
// has nothing queued), and is reported as nil.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(time.Second): // generous: CI runs on 2 busy cores
		return []tea.Msg{nil}
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// pressQuiet sends a key and feeds back the status lines it sets; a run it
// starts is not run.
func pressQuiet(a *App, k string) {
	_, cmd := a.Update(keyMsg(k))
	for _, m := range runCmd(cmd) {
		if s, ok := m.(statusMsg); ok {
			a.Update(s)
		}
	}
}

func TestTrainingPauseResumeStop(t *testing.T) {
	a := trainingApp(t, 100, 30)
	first := fakeRun(t, a)
	tp := a.train
	pressQuiet(a, " ")
	if tp.state != trainPaused || first.ctx.Err() == nil || !first.keep.Load() {
		t.Fatalf("space pauses by cancelling the run, keeping its checkpoint: state %s, context %v", tp.stateWord(), first.ctx.Err())
	}
	if !strings.Contains(a.status, "space resumes from the checkpoint") || !strings.Contains(tp.View(), "paused at step 0") {
		t.Errorf("pausing says how to resume: %q", a.status)
	}
	// The cancelled run's end does not change the state.
	tp.Update(trainMsg{gen: first.gen, done: true, err: context.Canceled})
	if tp.state != trainPaused {
		t.Errorf("the paused run's end left state %s", tp.stateWord())
	}
	// Settings changed meanwhile apply to a new start, not to resuming.
	press(t, a, "j", "j", "j", "l")
	a.Update(keyMsg(" "))
	second := tp.run
	if tp.state != trainRunning || second == first || second.ctx.Err() != nil || tp.cfg.Neural.Steps != engine.DefaultConfig().Neural.Steps {
		t.Fatalf("space resumes with the same settings: state %s, steps %d", tp.stateWord(), tp.cfg.Neural.Steps)
	}
	pressQuiet(a, "x")
	if tp.state != trainStopped || second.ctx.Err() == nil || second.keep.Load() || !strings.Contains(a.status, "training stopped") {
		t.Errorf("x stops: state %s, status %q", tp.stateWord(), a.status)
	}
	a.Update(keyMsg(" "))
	if tp.state != trainStopped {
		t.Error("space does not restart a stopped run")
	}
	a.Update(keyMsg("s"))
	if tp.state != trainRunning || tp.cfg.Neural.Steps != 1000 {
		t.Errorf("s starts with the form's settings: state %s, steps %d", tp.stateWord(), tp.cfg.Neural.Steps)
	}
	tp.discard()
}

// TestPauseResumesFromTheCheckpoint trains the neural field for real: a
// paused run resumes from the step it reached, not from step 0, and its
// checkpoint folder is removed once it ends.
func TestPauseResumesFromTheCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network")
	}
	t.Setenv("TMPDIR", t.TempDir()) // where the checkpoint folder goes
	truth := taylorGreen(t, 16)
	input, err := piv.KeepEvery(truth, 2, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg := engine.DefaultConfig()
	cfg.Neural.Backend, cfg.Neural.Hidden, cfg.Neural.Filters, cfg.Neural.Collocation = "go", 8, 2, 64
	cfg.Neural.Steps, cfg.Neural.Patience, cfg.Neural.SnapshotEvery = 100000, 0, 0
	cfg.Boundary = "open" // a thin-plate base: the spectral one needs a finer lattice
	// collect takes batches until one has a step of at least min, or the
	// run ends; it returns the steps seen.
	collect := func(r *trainRun, msg trainMsg, min int) (steps []int, last trainMsg) {
		for {
			for _, ev := range msg.events {
				if p, ok := ev.(engine.Progress); ok {
					steps = append(steps, p.Step)
				}
			}
			if msg.done || len(steps) > 0 && steps[len(steps)-1] >= min {
				return steps, msg
			}
			msg = r.feed.next(r.gen)
		}
	}
	first, cmd := startRun(1, cfg, input, truth, nil)
	steps, msg := collect(first, cmd().(trainMsg), 30)
	if msg.done {
		t.Fatalf("the run ended early: %v", msg.err)
	}
	if first.dir == "" {
		t.Fatal("a neural run gets a checkpoint folder")
	}
	first.pause()
	<-first.done
	paused := steps[len(steps)-1]
	second, cmd := startRun(2, cfg, input, truth, first)
	msg = cmd().(trainMsg)
	if msg.fresh {
		t.Fatalf("the resumed run starts over: %v", msg.err)
	}
	steps, msg = collect(second, msg, paused+1)
	if len(steps) == 0 || steps[0] <= paused {
		t.Fatalf("paused at step %d, resumed at %v (%v)", paused, steps, msg.err)
	}
	clean := second.discard()
	clean()
	if _, err := os.Stat(first.dir); !os.IsNotExist(err) {
		t.Errorf("the checkpoint folder %s is left behind: %v", first.dir, err)
	}
}

func TestQuitConfirmsWhileTraining(t *testing.T) {
	a := trainingApp(t, 100, 30)
	run := fakeRun(t, a)
	_, cmd := a.Update(keyMsg("q"))
	if cmd != nil || !a.confirmQuit || !strings.Contains(a.View(), "quit and stop it? (y/n)") {
		t.Fatalf("q asks first while a run is active:\n%s", a.View())
	}
	_, cmd = a.Update(keyMsg("n"))
	if cmd != nil || a.confirmQuit || run.ctx.Err() != nil {
		t.Fatal("n keeps the run going")
	}
	a.Update(keyMsg("q"))
	_, cmd = a.Update(keyMsg("y"))
	if cmd == nil || cmd() != tea.Quit() || run.ctx.Err() == nil {
		t.Error("y stops the run and quits")
	}
}

func TestTransportPanel(t *testing.T) {
	truth, sparse, _ := testFiles(t, 32)
	a := loadedApp(t, 100, 30, FileRequest{Path: sparse}, FileRequest{Path: truth, Role: RoleTruth})
	press(t, a, "tab", "tab", "tab")
	if a.panes.focus != paneTransport {
		t.Fatalf("the fourth panel is the transport panel, not %s", a.panes.focus.title())
	}
	tp := a.transport
	if tp.pending || tp.err != nil || len(tp.rows) != 7 || tp.a != "sparse.h5" || tp.b != "truth.h5" {
		t.Fatalf("pending %v, error %v, %d rows, pair %s %s", tp.pending, tp.err, len(tp.rows), tp.a, tp.b)
	}
	// Every 4th vector of a Taylor-Green vortex has its speeds and
	// directions spread like the whole field's, not identically.
	for _, r := range tp.rows {
		if !(r.Value >= 0 && r.Value < 0.2) {
			t.Errorf("%s %s = %v", r.Quantity, r.Distance, r.Value)
		}
	}
	v := a.View()
	for _, want := range []string{"transport distances · sparse.h5 against truth.h5", "SW_2", "direction (by speed)", "W_1 (turns)"} {
		if !strings.Contains(v, want) {
			t.Errorf("%q is not on screen:\n%s", want, v)
		}
	}
	one := loadedApp(t, 100, 30, FileRequest{Path: sparse})
	press(t, one, "tab", "tab", "tab")
	if !one.transport.none || !strings.Contains(one.View(), "load a second field") {
		t.Errorf("one field has nothing to compare with:\n%s", one.View())
	}
}

func TestTrainingAndTransportFitTheScreen(t *testing.T) {
	truth, sparse, _ := testFiles(t, 16)
	for _, size := range [][2]int{{80, 24}, {200, 60}, {100, 30}, {40, 10}} {
		a := loadedApp(t, size[0], size[1], FileRequest{Path: sparse}, FileRequest{Path: truth, Role: RoleTruth})
		for range 3 {
			press(t, a, "tab")
			lines := strings.Split(a.View(), "\n")
			if len(lines) != size[1] {
				t.Fatalf("%v, %s panel: %d lines", size, a.panes.focus.title(), len(lines))
			}
			for k, l := range lines {
				if w := lipglossWidth(l); w != size[0] {
					t.Fatalf("%v, %s panel: line %d is %d columns: %q", size, a.panes.focus.title(), k, w, l)
				}
			}
		}
	}
}

func TestTrainingPanelASCII(t *testing.T) {
	truth, sparse, _ := testFiles(t, 16)
	a := newTestApp(Options{Files: []FileRequest{{Path: sparse}, {Path: truth, Role: RoleTruth}}, Color: ColorNone}, 100, 30)
	drain(t, a, a.Init())
	press(t, a, "tab", "tab")
	run := fakeRun(t, a)
	var events []engine.Event
	for s := 10; s <= 100; s += 10 {
		events = append(events, engine.Progress{Step: s, Steps: 100, StepsPerSec: 10, Validation: math.NaN(),
			Terms: []engine.Term{{Name: "data", Value: 1 / float64(s)}}})
	}
	a.train.Update(trainMsg{gen: run.gen, events: events})
	v := a.train.View()
	for _, r := range v {
		if r > 127 {
			t.Fatalf("ASCII mode draws %q:\n%s", r, v)
		}
	}
	if !strings.Contains(v, "step 100/100") || !strings.Contains(v, "loss per term") {
		t.Errorf("the panel lacks the step or the chart:\n%s", v)
	}
	a.train.discard()
}
