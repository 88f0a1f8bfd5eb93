package tui

import (
	"errors"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"pivsr/transport"
)

// A flow of the Flows panel runs in its own goroutine. Its observe callback
// hands each step, copied, to a command waiting on an unbuffered channel
// (one message per step, the Bubble Tea pattern for a stream), so the flow
// never runs ahead of the screen; once the run is stopped the callback
// returns errFlowStopped, which ends the flow.

// flowKind is one of the particle flows of `pivsr ot flow`.
type flowKind int

const (
	flowFokkerPlanck flowKind = iota
	flowAggregation
	flowSphere
	numFlowKinds
)

func (k flowKind) String() string {
	switch k {
	case flowFokkerPlanck:
		return "fokker-planck"
	case flowAggregation:
		return "aggregation"
	case flowSphere:
		return "sphere"
	}
	return "?"
}

// tau is the kind's time step (the step length for the sphere), as in
// `pivsr ot flow`.
func (k flowKind) tau() float64 { return transport.ShowcaseTau(k.String()) }

// flowSettings are what a run of the panel is made of.
type flowSettings struct {
	kind  flowKind
	n     int // particles
	steps int
	seed  uint64
}

// flowStepMsg is one step of run gen: the particles as (x, y) pairs in the
// drawing plane (the sphere's in the Lambert view from the north pole), and
// the energy F (Euclidean flows) or SSW_2^2 to the uniform law (sphere).
type flowStepMsg struct {
	gen   int
	step  int
	time  float64
	value float64
	moved float64
	xy    []float64
}

// flowDoneMsg ends run gen: err is nil when every step was done,
// errFlowStopped when the run was stopped.
type flowDoneMsg struct {
	gen int
	err error
}

// errFlowStopped is what the observe callback of a stopped run returns.
var errFlowStopped = errors.New("flow stopped")

// flowRun is a flow in flight.
type flowRun struct {
	gen      int
	steps    chan flowStepMsg
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{} // closed once the goroutine has returned
	err      error         // the flow's error, set before done is closed
}

// startFlow starts run gen of s in its own goroutine, at most one step per
// interval (0: as fast as the screen takes them), and returns it with the
// command waiting for its first step.
func startFlow(gen int, s flowSettings, interval time.Duration) (*flowRun, tea.Cmd) {
	r := &flowRun{gen: gen, steps: make(chan flowStepMsg), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = runFlow(s, r.emitter(interval))
	}()
	return r, r.wait
}

// wait is the command that takes the run's next step, or its end.
func (r *flowRun) wait() tea.Msg {
	select {
	case m := <-r.steps:
		return m
	case <-r.done:
		return flowDoneMsg{gen: r.gen, err: r.err}
	}
}

// halt stops the run; the flow ends at its next step. It never blocks.
func (r *flowRun) halt() { r.stopOnce.Do(func() { close(r.stop) }) }

// shutdown stops the run and waits at most timeout for its goroutine.
func (r *flowRun) shutdown(timeout time.Duration) bool {
	r.halt()
	select {
	case <-r.done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// emitter returns the callback that paces the steps and hands them over,
// or reports errFlowStopped once the run is stopped.
func (r *flowRun) emitter(interval time.Duration) func(flowStepMsg) error {
	var last time.Time
	return func(m flowStepMsg) error {
		m.gen = r.gen
		select { // a stopped run ends here, before anything is handed over
		case <-r.stop:
			return errFlowStopped
		default:
		}
		if wait := interval - time.Since(last); interval > 0 && !last.IsZero() && wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-r.stop:
				t.Stop()
				return errFlowStopped
			}
		}
		select {
		case r.steps <- m:
			last = time.Now()
			return nil
		case <-r.stop:
			return errFlowStopped
		}
	}
}

// runFlow runs the flow of s from the initial particles of `pivsr ot flow`
// (the same seeds), calling emit with every step.
func runFlow(s flowSettings, emit func(flowStepMsg) error) error {
	return transport.RunShowcase(s.kind.String(), s.n, s.steps, s.kind.tau(), 0, s.seed, func(st transport.ShowcaseStep) error {
		xy := make([]float64, 0, 2*s.n)
		for i := range s.n {
			row := st.X.RawRowView(i)
			if st.OnTheSphere {
				px, py := transport.LambertNorthPole(row[0], row[1], row[2])
				xy = append(xy, px, py)
			} else {
				xy = append(xy, row...)
			}
		}
		return emit(flowStepMsg{step: st.Step, time: st.Time, value: st.Value, moved: st.Moved, xy: xy})
	})
}
