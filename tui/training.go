package tui

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"pivsr/engine"
	"pivsr/piv"
)

// A training run reports its progress as engine events (docs/design.md, "One
// engine, two faces"). The run goes on in its own goroutine; its events are
// queued in a runFeed, and a command waiting on the feed hands them to Update
// in batches, one message per batch, re-issued after each (the Bubble Tea
// pattern for a stream). Batching keeps the run from ever waiting on the
// screen and the screen from redrawing once per step.

// trainBatchWait is how long the waiting command lets events gather after
// the first, so that the screen redraws a few dozen times a second at most.
const trainBatchWait = 50 * time.Millisecond

// trainMsg brings a batch of events of run gen to Update; done marks the
// last batch, with the run's result or error.
type trainMsg struct {
	gen    int
	events []engine.Event
	fresh  bool // the run starts from step 0: earlier history is void
	done   bool
	res    *engine.Result
	err    error
}

// runFeed queues the events of one run: the run's goroutine pushes, the
// waiting command takes everything queued at once.
type runFeed struct {
	mu     sync.Mutex
	events []engine.Event
	fresh  bool // the run starts from step 0 (not resumed); told once
	done   bool
	res    *engine.Result
	err    error
	wake   chan struct{} // holds a token while something is queued
}

func newRunFeed() *runFeed { return &runFeed{wake: make(chan struct{}, 1)} }

// push queues an event; it never blocks.
func (f *runFeed) push(ev engine.Event) {
	f.mu.Lock()
	f.events = append(f.events, ev)
	f.mu.Unlock()
	f.signal()
}

// finish records the end of the run.
func (f *runFeed) finish(res *engine.Result, err error) {
	f.mu.Lock()
	f.done, f.res, f.err = true, res, err
	f.mu.Unlock()
	f.signal()
}

func (f *runFeed) signal() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// next waits for events, lets more gather for a moment unless the run is
// over, and returns all of them as run gen's message.
func (f *runFeed) next(gen int) trainMsg {
	<-f.wake
	f.mu.Lock()
	done := f.done
	f.mu.Unlock()
	if !done {
		time.Sleep(trainBatchWait)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	msg := trainMsg{gen: gen, events: f.events, fresh: f.fresh, done: f.done, res: f.res, err: f.err}
	f.events, f.fresh = nil, false
	return msg
}

// trainRun is a run in flight: its feed, how to cancel it and, for the
// neural field, the checkpoint folder that lets a paused run resume.
type trainRun struct {
	gen    int
	cfg    engine.Config
	feed   *runFeed
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed once the goroutine has finished
	// dir is the checkpoint folder the workstation made for the run ("" for
	// classical methods, or when the settings name one); keep says to leave
	// it for a resume.
	dir  string
	keep atomic.Bool
}

// startRun returns run gen of cfg on input (scored against truth when not
// nil) and the command that starts it in its own goroutine, once prev (the
// paused run it resumes, or nil) has ended, and waits for its first events.
// Nothing runs until the command does. A neural run checkpoints into a
// temporary folder when it is cancelled, which a resume continues from;
// the folder goes when the run ends without a pause.
func startRun(gen int, cfg engine.Config, input, truth *piv.Field, prev *trainRun) (*trainRun, tea.Cmd) {
	ctx, cancel := context.WithCancel(context.Background())
	r := &trainRun{gen: gen, cfg: cfg, feed: newRunFeed(), ctx: ctx, cancel: cancel, done: make(chan struct{})}
	if prev != nil {
		r.dir = prev.dir
	}
	cmd := func() tea.Msg {
		if prev != nil {
			<-prev.done
		}
		c := r.cfg
		if c.Method == "mfn" && c.Neural.CheckpointDir == "" {
			if r.dir == "" {
				dir, err := os.MkdirTemp("", "pivsr-train-")
				if err != nil {
					close(r.done)
					return trainMsg{gen: gen, done: true, err: fmt.Errorf("checkpoint folder: %w", err)}
				}
				r.dir = dir
			}
			c.Neural.CheckpointDir = r.dir
			// Resume when the paused run left a checkpoint (it did not when
			// it was paused before training began).
			ents, _ := os.ReadDir(r.dir)
			c.Neural.Resume = prev != nil && len(ents) > 0
		}
		r.feed.fresh = !c.Neural.Resume
		go func() {
			defer close(r.done)
			res, err := engine.Run(ctx, c, input, truth, r.feed.push)
			if r.dir != "" && !r.keep.Load() {
				os.RemoveAll(r.dir)
			}
			r.feed.finish(res, err)
		}()
		return r.feed.next(gen)
	}
	return r, cmd
}

// wait is the command taking the run's next batch.
func (r *trainRun) wait() tea.Cmd {
	return func() tea.Msg { return r.feed.next(r.gen) }
}

// pause cancels the run, keeping its checkpoint for a resume.
func (r *trainRun) pause() {
	r.keep.Store(true)
	r.cancel()
}

// discard cancels the run and returns the command removing its checkpoint
// folder once it has ended.
func (r *trainRun) discard() tea.Cmd {
	r.keep.Store(false)
	r.cancel()
	return func() tea.Msg {
		<-r.done
		if r.dir != "" {
			os.RemoveAll(r.dir)
		}
		return nil
	}
}

// shutdown discards the run and waits up to limit for it to end, so that
// its checkpoint folder goes with it when the workstation quits.
func (r *trainRun) shutdown(limit time.Duration) {
	clean := r.discard()
	done := make(chan struct{})
	go func() { clean(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
	}
}
