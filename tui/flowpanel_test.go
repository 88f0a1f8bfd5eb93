package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// newTestFlowPanel returns a Flows panel of w by h cells whose runs have
// the given number of steps and are not paced.
func newTestFlowPanel(w, h, steps int, mode ColorMode) *FlowPanel {
	fp := newFlowPanel(NewTheme(mode, false))
	fp.runSteps, fp.interval = steps, 0
	fp.SetSize(w, h)
	return fp
}

// runToEnd feeds the run's messages to fp from cmd on until it ends, and
// returns the steps received and the command of the last message.
func runToEnd(t *testing.T, fp *FlowPanel, cmd tea.Cmd) (steps []int, last tea.Cmd) {
	t.Helper()
	for k := 0; cmd != nil; k++ {
		if k > 1000 {
			t.Fatal("the flow does not end")
		}
		msg := cmd()
		if m, ok := msg.(flowStepMsg); ok {
			steps = append(steps, m.step)
		}
		cmd = fp.Update(msg)
		if _, ok := msg.(flowDoneMsg); ok {
			return steps, cmd
		}
	}
	return steps, nil
}

// waitDone fails unless run's goroutine has returned within a second.
func waitDone(t *testing.T, r *flowRun) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(time.Second):
		t.Fatal("the flow's goroutine is still running after the stop")
	}
}

// TestFlowPanelRun runs each kind to its end through Update: every step
// arrives once, in order, the panel ends finished, and the energy (the
// distance to the uniform law for the sphere) has come down.
func TestFlowPanelRun(t *testing.T) {
	for _, tc := range []struct {
		kind    flowKind
		presses []string // from fokker-planck
	}{
		{flowFokkerPlanck, nil},
		{flowAggregation, []string{"right"}},
		{flowSphere, []string{"left"}},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			const steps = 8
			fp := newTestFlowPanel(80, 21, steps, Color256)
			for _, k := range append(tc.presses, "down", "down") {
				fp.Update(keyMsg(k))
			}
			if fp.kind != tc.kind || flowCounts[fp.count] != 50 {
				t.Fatalf("settings %v, %d particles; want %v, 50", fp.kind, flowCounts[fp.count], tc.kind)
			}
			got, last := runToEnd(t, fp, fp.Update(keyMsg("s")))
			if len(got) != steps+1 {
				t.Fatalf("%d step messages, want %d", len(got), steps+1)
			}
			for k, s := range got {
				if s != k {
					t.Fatalf("step messages %v, want 0 to %d in order", got, steps)
				}
			}
			if fp.state != flowFinished || fp.err != nil {
				t.Fatalf("state %v (err %v), want finished", fp.state, fp.err)
			}
			if st, ok := last().(statusMsg); !ok || st.isErr || !strings.Contains(st.text, "finished") {
				t.Errorf("status after the end %+v, want a finished message", last())
			}
			if len(fp.last.xy) != 2*50 || len(fp.values) != steps+1 {
				t.Fatalf("%d coordinates and %d values, want 100 and %d", len(fp.last.xy), len(fp.values), steps+1)
			}
			if first, end := fp.values[0], fp.values[steps]; !(end < first) {
				t.Errorf("%s went from %v to %v, want it to come down", valueName(tc.kind), first, end)
			}
			waitDone(t, fp.run)
		})
	}
}

// TestFlowPanelStop stops a run after its first step: the goroutine ends
// (its observe callback reports the stop), the run's end message says so,
// and neither it nor a late step changes the stopped panel.
func TestFlowPanelStop(t *testing.T) {
	fp := newTestFlowPanel(80, 21, 1000, Color256)
	fp.Update(keyMsg("left")) // the sphere: fast steps
	cmd := fp.Update(keyMsg("s"))
	if !fp.active() {
		t.Fatal("not running after s")
	}
	cmd = fp.Update(cmd())
	if fp.last == nil || fp.last.step != 0 {
		t.Fatalf("first step %+v, want step 0", fp.last)
	}
	if st, ok := fp.Update(keyMsg("x"))().(statusMsg); !ok || !strings.Contains(st.text, "stopped at step 0") {
		t.Errorf("status after x %+v, want stopped at step 0", st)
	}
	if fp.state != flowStopped {
		t.Fatalf("state %v after x, want stopped", fp.state)
	}
	waitDone(t, fp.run)
	end, ok := cmd().(flowDoneMsg)
	if !ok || !errors.Is(end.err, errFlowStopped) {
		t.Fatalf("the waiting command got %+v, want the end of a stopped run", end)
	}
	if c := fp.Update(end); c != nil || fp.state != flowStopped {
		t.Errorf("the stopped run's end changed the panel: state %v", fp.state)
	}
	if c := fp.Update(flowStepMsg{gen: fp.gen, step: 1}); c != nil || fp.last.step != 0 {
		t.Errorf("a step after the stop was taken in")
	}
}

// TestFlowPanelRestart starts a run over a running one: the first one's
// goroutine ends and its messages are dropped.
func TestFlowPanelRestart(t *testing.T) {
	fp := newTestFlowPanel(80, 21, 1000, Color256)
	fp.Update(keyMsg("left"))
	old := fp.Update(keyMsg("s"))
	first := fp.run
	stale := old()
	cmd := fp.Update(keyMsg("s"))
	waitDone(t, first)
	if fp.Update(stale) != nil || fp.last != nil {
		t.Error("a step of the replaced run was taken in")
	}
	fp.Update(cmd())
	if fp.last == nil || fp.state != flowRunning {
		t.Fatal("the new run's first step was not taken in")
	}
	fp.stop()
	waitDone(t, fp.run)
}

// TestFlowPanelQuit checks that quitting the workstation stops a running
// flow.
func TestFlowPanelQuit(t *testing.T) {
	a := newTestApp(Options{Dir: "testdata/picker"}, 80, 24)
	a.panes.show(paneFlows)
	a.flows.interval = 0
	a.Update(keyMsg("s"))
	if !a.flows.active() {
		t.Fatal("s did not start a flow")
	}
	if _, cmd := a.Update(keyMsg("q")); cmd == nil {
		t.Fatal("q did not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
	waitDone(t, a.flows.run)
}

// TestFlowPanelKeys checks the settings: the kinds wrap around, the
// particle counts stop at the ends.
func TestFlowPanelKeys(t *testing.T) {
	fp := newTestFlowPanel(80, 21, 5, Color256)
	for _, tc := range []struct {
		key   string
		kind  flowKind
		count int
	}{
		{"right", flowAggregation, 200}, {"right", flowSphere, 200}, {"right", flowFokkerPlanck, 200},
		{"left", flowSphere, 200}, {"up", flowSphere, 400}, {"up", flowSphere, 400},
		{"j", flowSphere, 200}, {"down", flowSphere, 100}, {"down", flowSphere, 50}, {"down", flowSphere, 50},
	} {
		fp.Update(keyMsg(tc.key))
		if fp.kind != tc.kind || flowCounts[fp.count] != tc.count {
			t.Fatalf("after %s: %v with %d particles, want %v with %d", tc.key, fp.kind, flowCounts[fp.count], tc.kind, tc.count)
		}
	}
	if fp.Update(keyMsg("x")) != nil || fp.state != flowIdle {
		t.Error("x with no run did something")
	}
}

// TestFlowPanelSizes draws an idle and a finished panel at several sizes
// and modes: every line is exactly the width, there are exactly the height
// of them, and ASCII mode writes only ASCII.
func TestFlowPanelSizes(t *testing.T) {
	for _, mode := range []ColorMode{Color256, ColorNone} {
		for _, size := range [][2]int{{80, 21}, {79, 57}, {40, 7}, {200, 57}, {120, 10}} {
			fp := newTestFlowPanel(size[0], size[1], 3, mode)
			check := func(what string) {
				lines := strings.Split(fp.View(), "\n")
				if len(lines) != size[1] {
					t.Fatalf("%v %v %s: %d lines, want %d", mode, size, what, len(lines), size[1])
				}
				for k, l := range lines {
					if w := lipglossWidth(l); w != size[0] {
						t.Fatalf("%v %v %s: line %d is %d wide, want %d: %q", mode, size, what, k, w, size[0], l)
					}
					if mode == ColorNone {
						for _, r := range l {
							if r > 127 {
								t.Fatalf("%v %s: non-ASCII %q in line %q", size, what, r, l)
							}
						}
					}
				}
			}
			check("idle")
			fp.Update(keyMsg("left"))
			runToEnd(t, fp, fp.Update(keyMsg("s")))
			check("finished")
		}
	}
}

// TestGoldenFlows drives the workstation to the Flows panel, runs a flow to
// its end and compares the final screen with the golden files (go test -run
// TestGoldenFlows -update rewrites them).
func TestGoldenFlows(t *testing.T) {
	truth, sparse, _ := testFiles(t, 64)
	files := []FileRequest{{Path: sparse}, {Path: truth, Role: RoleTruth}}
	toFlows := []string{"tab", "tab", "tab", "tab"}
	for _, tc := range []struct {
		name string
		w, h int
		mode ColorMode
		keys []string
	}{
		{"flows_sphere_80x24", 80, 24, Color256, []string{"left", "s"}},
		{"flows_fokker_planck_200x60", 200, 60, Color256, []string{"down", "down", "s"}},
		{"flows_aggregation_ascii_80x24", 80, 24, ColorNone, []string{"right", "down", "down", "s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := New(Options{Files: files, Color: tc.mode, Getenv: func(string) string { return "" }})
			a.flows.interval = 0
			tm := teatest.NewTestModel(t, a, teatest.WithInitialTermSize(tc.w, tc.h))
			sc := &screen{tm: tm}
			sc.wait(t, 0, "loaded ")
			mark := sc.all.Len()
			for _, k := range append(toFlows, tc.keys...) {
				tm.Send(keyMsg(k))
			}
			sc.wait(t, mark, "flow finished")
			tm.Send(tea.QuitMsg{})
			final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
			teatest.RequireEqualOutput(t, []byte(final.View()))
		})
	}
}
