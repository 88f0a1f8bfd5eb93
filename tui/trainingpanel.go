package tui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"pivsr/engine"
	"pivsr/piv"
)

// TrainingKeys are the training panel's keys.
type TrainingKeys struct {
	Up, Down, Less, More, Start, Pause, Stop key.Binding
}

// DefaultTrainingKeys are the training panel's default bindings. Pausing
// cancels the run; the neural field checkpoints when cancelled, and resuming
// continues from that checkpoint. A classical method is one step, so
// resuming reruns it.
func DefaultTrainingKeys() TrainingKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return TrainingKeys{
		Up:    b([]string{"up", "k"}, "↑/k", "previous setting"),
		Down:  b([]string{"down", "j"}, "↓/j", "next setting"),
		Less:  b([]string{"left", "h"}, "←/h", "smaller / previous value"),
		More:  b([]string{"right", "l"}, "→/l", "larger / next value"),
		Start: b([]string{"s"}, "s", "start (restart)"),
		Pause: b([]string{" "}, "space", "pause / resume"),
		Stop:  b([]string{"x"}, "x", "stop"),
	}
}

// reconstructionName is the name the run's field takes in the workspace.
const reconstructionName = "reconstruction"

// trainState is where the panel's run stands.
type trainState int

const (
	trainIdle trainState = iota
	trainRunning
	trainPaused
	trainStopped
	trainFinished
	trainFailed
)

// TrainingPanel sets up a reconstruction (engine.Config), runs it on the
// shown field with engine.Run in its own goroutine, and shows its progress:
// the loss terms on a log-log chart, steps per second, time left, backend,
// validation error and score. Snapshots and the result go to the field view
// as the "reconstruction" field (SetFieldMsg), which the metrics panel
// scores against the truth.
type TrainingPanel struct {
	ws    *Workspace
	theme *Theme
	field *FieldView
	Keys  TrainingKeys
	form  *trainingForm

	width, height int

	gen       int // generation of the current run; events of older ones are dropped
	run       *trainRun
	state     trainState
	cfg       engine.Config // the settings of the current (or last) run
	input     string        // names of the run's input and truth
	truth     string
	note      string
	event     string // the latest checkpoint, rollback or early stop
	shown     bool   // the run's field was put on screen once
	began     time.Time
	ended     time.Duration
	info      *engine.Started
	last      *engine.Progress
	heldOut   float64 // the latest held-out rms error (NaN: none yet)
	heldOutAt int     // and its step
	scored    *engine.Scored
	result    *engine.Result
	err       error
	steps     []float64            // steps of the loss history
	terms     []string             // loss term names, in order of appearance
	loss      map[string][]float64 // loss history by term
	weights   map[string]float64   // the latest weight of each term

	dirty bool
	view  string
}

func newTrainingPanel(ws *Workspace, theme *Theme, field *FieldView, cfg engine.Config) *TrainingPanel {
	return &TrainingPanel{ws: ws, theme: theme, field: field, Keys: DefaultTrainingKeys(), form: newTrainingForm(cfg), dirty: true}
}

// statusMsg puts a line on the workstation's status line.
type statusMsg struct {
	text  string
	isErr bool
}

func status(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text, isErr} }
}

// SetSize gives the panel its width and height in cells.
func (tp *TrainingPanel) SetSize(w, h int) {
	if w != tp.width || h != tp.height {
		tp.width, tp.height, tp.dirty = w, h, true
	}
}

// active reports whether a run is going on.
func (tp *TrainingPanel) active() bool { return tp.state == trainRunning }

// discard ends the current run, if any, and returns the command removing
// its checkpoints; its last events are dropped.
func (tp *TrainingPanel) discard() tea.Cmd {
	if tp.run == nil {
		return nil
	}
	return tp.run.discard()
}

// shutdown ends the current run before the workstation quits, waiting a
// moment for it to remove its checkpoints.
func (tp *TrainingPanel) shutdown() {
	if tp.run != nil {
		tp.run.shutdown(2 * time.Second)
	}
}

// inputs returns the field to train on (the shown field, unless it is a
// reconstruction, a comparison or the truth: then the first other field)
// and the truth, if one is loaded.
func (tp *TrainingPanel) inputs() (input, truth *Entry, err error) {
	usable := func(e *Entry) bool { return e != nil && e.Role == RoleField && e.Name != reconstructionName }
	if e := tp.field.entry(); usable(e) {
		input = e
	} else {
		for _, o := range tp.ws.Entries {
			if usable(o) {
				input = o
				break
			}
		}
	}
	if input == nil {
		return nil, nil, errors.New("no field to train on: open a sparse field first")
	}
	return input, tp.ws.truth(), nil
}

// start begins a run of cfg on the current frame of the input, or resumes
// the paused one.
func (tp *TrainingPanel) start(cfg engine.Config, resume bool) tea.Cmd {
	if err := cfg.Check(); err != nil {
		return status("training: "+err.Error(), true)
	}
	in, tr, err := tp.inputs()
	if err != nil {
		return status(err.Error(), true)
	}
	var prev *trainRun
	var clean tea.Cmd
	if resume {
		prev = tp.run
	} else {
		clean = tp.discard()
	}
	frame := tp.field.frame
	input := in.Frame(frame)
	var truth *piv.Field
	tp.input, tp.truth, tp.note = in.Name, "", ""
	if tr != nil {
		t := tr.Frame(frame)
		// The run scores against a truth on its target grid; a refined grid
		// has no truth here, and the metrics panel scores what it can.
		if cfg.Scale <= 1 && cfg.NX == 0 && t.NX() == input.NX() && t.NY() == input.NY() {
			truth, tp.truth = t, tr.Name
		} else {
			tp.note = tr.Name + " is not on the target grid: the run is not scored"
		}
	}
	tp.gen++
	tp.cfg, tp.state, tp.shown = cfg, trainRunning, false
	tp.result, tp.err, tp.event = nil, nil, ""
	if !resume {
		tp.resetHistory()
		tp.began, tp.ended = time.Now(), 0
	}
	tp.dirty = true
	var cmd tea.Cmd
	tp.run, cmd = startRun(tp.gen, cfg, input, truth, prev)
	what := "training"
	if resume {
		what = "resuming"
	}
	return tea.Batch(clean, cmd, status(fmt.Sprintf("%s %s on %s ...", what, cfg.Method, in.Name), false))
}

// resetHistory forgets what the last run reported.
func (tp *TrainingPanel) resetHistory() {
	tp.info, tp.last, tp.scored = nil, nil, nil
	tp.heldOut, tp.heldOutAt = math.NaN(), 0
	tp.steps, tp.terms, tp.loss, tp.weights = nil, nil, map[string][]float64{}, map[string]float64{}
}

// stepNow is the last step reported.
func (tp *TrainingPanel) stepNow() int {
	if tp.last == nil {
		return 0
	}
	return tp.last.Step
}

// Update handles the panel's keys and its run's events.
func (tp *TrainingPanel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case trainMsg:
		return tp.events(msg)
	case tea.KeyMsg:
		return tp.key(msg)
	}
	return nil
}

func (tp *TrainingPanel) key(msg tea.KeyMsg) tea.Cmd {
	k := tp.Keys
	switch {
	case key.Matches(msg, k.Up):
		tp.form.move(-1)
	case key.Matches(msg, k.Down):
		tp.form.move(1)
	case key.Matches(msg, k.Less):
		tp.form.settings[tp.form.at].step(-1)
	case key.Matches(msg, k.More):
		tp.form.settings[tp.form.at].step(1)
	case key.Matches(msg, k.Start):
		return tp.start(tp.form.config(), false)
	case key.Matches(msg, k.Pause):
		switch tp.state {
		case trainRunning:
			tp.run.pause()
			tp.state, tp.ended = trainPaused, time.Since(tp.began)
			tp.dirty = true
			return status(fmt.Sprintf("paused at step %d: %s", tp.stepNow(), tp.resumeHint()), false)
		case trainPaused:
			return tp.start(tp.cfg, true)
		}
		return nil
	case key.Matches(msg, k.Stop):
		if tp.state == trainRunning || tp.state == trainPaused {
			clean := tp.discard()
			if tp.state == trainRunning {
				tp.ended = time.Since(tp.began)
			}
			tp.state, tp.dirty = trainStopped, true
			return tea.Batch(clean, status(fmt.Sprintf("training stopped at step %d", tp.stepNow()), false))
		}
		return nil
	default:
		return nil
	}
	tp.dirty = true
	return nil
}

// events takes in a batch of the run's events: the history grows, the
// latest snapshot (or the result) goes to the field view.
func (tp *TrainingPanel) events(msg trainMsg) tea.Cmd {
	if msg.gen != tp.gen || tp.run == nil {
		return nil
	}
	tp.dirty = true
	var cmds []tea.Cmd
	var snap *piv.Field
	if msg.fresh && len(tp.steps) > 0 {
		tp.resetHistory() // a resume that found no checkpoint starts over
	}
	for _, ev := range msg.events {
		switch ev := ev.(type) {
		case engine.Started:
			tp.info = &ev
		case engine.Progress:
			tp.last = &ev
			if !math.IsNaN(ev.Validation) {
				tp.heldOut, tp.heldOutAt = ev.Validation, ev.Step
			}
			tp.steps = append(tp.steps, float64(ev.Step))
			for _, term := range ev.Terms {
				if _, ok := tp.loss[term.Name]; !ok {
					tp.terms = append(tp.terms, term.Name)
					// A term first reported late is missing before.
					tp.loss[term.Name] = make([]float64, len(tp.steps)-1)
					for k := range tp.loss[term.Name] {
						tp.loss[term.Name][k] = math.NaN()
					}
				}
				tp.loss[term.Name] = append(tp.loss[term.Name], term.Value)
				tp.weights[term.Name] = term.Weight
			}
			for _, name := range tp.terms {
				if len(tp.loss[name]) < len(tp.steps) {
					tp.loss[name] = append(tp.loss[name], math.NaN())
				}
			}
		case engine.Snapshot:
			snap = ev.Field
		case engine.Scored:
			tp.scored = &ev
		case engine.Finished:
			tp.result = ev.Result
		case engine.Checkpointed:
			tp.event = fmt.Sprintf("checkpoint after step %d", ev.Step)
		case engine.Rollback:
			tp.event = fmt.Sprintf("step %d: %s; back to step %d, lr %.3g", ev.Step, ev.Reason, ev.ResumeStep, ev.LearningRate)
		case engine.EarlyStopped:
			tp.event = fmt.Sprintf("stopped early at step %d: best held-out error (%s) at step %d", ev.Step, num(ev.BestValidation), ev.BestStep)
		}
	}
	if msg.done && tp.state == trainRunning {
		tp.ended = time.Since(tp.began)
		switch {
		case msg.err == nil:
			tp.state, tp.result = trainFinished, msg.res
			snap = msg.res.Field
			cmds = append(cmds, status(tp.finishedLine(), false))
		case errors.Is(msg.err, context.Canceled):
			tp.state = trainStopped
		default:
			tp.state, tp.err = trainFailed, msg.err
			cmds = append(cmds, status("training failed: "+msg.err.Error(), true))
		}
	}
	if snap != nil && (tp.state == trainRunning || tp.state == trainFinished) {
		e := &Entry{Name: reconstructionName, Role: RoleField, Frames: []*piv.Field{snap}, Units: snap.Units, Layout: "reconstruction (" + tp.cfg.Method + ")"}
		show := !tp.shown
		tp.shown = true
		cmds = append(cmds, func() tea.Msg { return SetFieldMsg{Entry: e, Show: show} })
	}
	if !msg.done {
		cmds = append(cmds, tp.run.wait())
	}
	return tea.Batch(cmds...)
}

// resumeHint says what resuming does: a neural run continues from its
// checkpoint, a classical one (a single step) runs again.
func (tp *TrainingPanel) resumeHint() string {
	if tp.cfg.Method == "mfn" {
		return "space resumes from the checkpoint"
	}
	return "space runs it again"
}

func (tp *TrainingPanel) finishedLine() string {
	s := fmt.Sprintf("training finished: %s in %s", tp.cfg.Method, tp.ended.Round(100*time.Millisecond))
	if r := tp.result; r != nil && r.Metrics != nil {
		s += fmt.Sprintf(", NRMSE %s against %s", num(r.Metrics.NRMSE), tp.truth)
	}
	return s + "; the field is \"" + reconstructionName + "\""
}

// help lists the panel's keys.
func (tp *TrainingPanel) help() [][]key.Binding {
	k := tp.Keys
	return [][]key.Binding{{k.Start, k.Pause, k.Stop, k.Down, k.More}, {k.Up, k.Down, k.Less, k.More}}
}

// View draws the panel: exactly its height in lines of its width, cached
// until something shown changes.
func (tp *TrainingPanel) View() string {
	if tp.dirty || tp.view == "" {
		tp.view, tp.dirty = tp.render(), false
	}
	return tp.view
}

func (tp *TrainingPanel) render() string {
	w, h := tp.width, tp.height
	t := tp.theme
	title := "training · " + tp.stateWord()
	if tp.info != nil {
		title += " · " + tp.info.Method
		if tp.cfg.Method == "mfn" && tp.cfg.Neural.StreamFunction {
			title += " · stream function"
		}
	}
	if t.ASCII {
		title = strings.ReplaceAll(title, "·", "-")
	}
	lines := []string{fitText(t.Title.Render(title), w)}
	form, facts := tp.formLines(), tp.factLines()
	const formW = 36
	if w >= formW+30 {
		for k := range form {
			form[k] = fitText(form[k], formW)
		}
		for k := range facts {
			facts[k] = fitText(facts[k], w-formW-1)
		}
		lines = append(lines, joinColumns(" ", []int{formW, w - formW - 1}, form, facts)...)
	} else {
		for _, l := range append(form, facts...) {
			lines = append(lines, fitText(l, w))
		}
	}
	chartH := h - len(lines) - 1
	if chartH >= 5 {
		lines = append(lines, strings.Repeat(" ", w))
		lines = append(lines, tp.chart(w, chartH)...)
	}
	return finish(lines, w, h)
}

func (tp *TrainingPanel) stateWord() string {
	return [...]string{"idle", "running", "paused", "stopped", "finished", "failed"}[tp.state]
}

// formLines draws the settings, the selected one highlighted.
func (tp *TrainingPanel) formLines() []string {
	t := tp.theme
	lines := make([]string, 0, len(tp.form.settings))
	neural, cfg := tp.form.neural(), tp.form.config()
	for k, s := range tp.form.settings {
		mark, val := "  ", s.value()
		if k == tp.form.at {
			mark = "› "
			if t.ASCII {
				mark = "> "
			}
			l, r := "‹ ", " ›"
			if t.ASCII {
				l, r = "< ", " >"
			}
			val = l + val + r
		}
		line := mark + fmt.Sprintf("%-18s", s.label) + val
		switch {
		case k == tp.form.at:
			line = t.Accent.Render(line)
		case s.neural && !neural, s.moot != nil && s.moot(cfg):
			line = t.Dim.Render(line)
		}
		lines = append(lines, line)
	}
	return lines
}

// factLines describe the run: what it does, how far it is, how fast, on
// what, how good.
func (tp *TrainingPanel) factLines() []string {
	var l []string
	switch tp.state {
	case trainIdle:
		in, tr, err := tp.inputs()
		if err != nil {
			return []string{err.Error()}
		}
		l = append(l, "s trains on "+in.Name)
		if tr != nil {
			l = append(l, "scored against "+tr.Name)
		} else {
			l = append(l, "no truth loaded: the run is not scored")
		}
		l = append(l, "space pauses and resumes; x stops", "settings apply at the next start")
		return l
	case trainPaused:
		l = append(l, fmt.Sprintf("paused at step %d: %s", tp.stepNow(), tp.resumeHint()))
	case trainStopped:
		l = append(l, fmt.Sprintf("stopped at step %d after %s", tp.stepNow(), tp.ended.Round(100*time.Millisecond)))
	case trainFinished:
		l = append(l, "finished in "+tp.ended.Round(100*time.Millisecond).String())
	case trainFailed:
		l = append(l, tp.theme.Error.Render("failed: "+tp.err.Error()))
	}
	if p := tp.last; p != nil {
		l = append(l, fmt.Sprintf("step %d/%d · %.1f steps/s · ETA %s", p.Step, p.Steps, p.StepsPerSec, p.ETA.Round(time.Second)))
		v := fmt.Sprintf("lr %.3g", p.LearningRate)
		if !math.IsNaN(tp.heldOut) {
			v += fmt.Sprintf(" · held-out rms %s (step %d)", num(tp.heldOut), tp.heldOutAt)
		}
		l = append(l, v)
	} else if tp.state == trainRunning {
		l = append(l, "starting ...")
	}
	if i := tp.info; i != nil {
		if i.Backend != "" {
			l = append(l, "backend "+i.Backend)
		}
		l = append(l, fmt.Sprintf("%s → %dx%d, %s boundary", tp.input, i.Target.NX(), i.Target.NY(), i.Boundary))
		l = append(l, fmt.Sprintf("%d vectors: %d fitted, %d held out", i.Vectors, i.Train, i.Holdout))
	}
	if tp.event != "" {
		l = append(l, tp.event)
	}
	switch {
	case tp.scored != nil:
		s := "vs " + tp.truth + ": NRMSE " + num(tp.scored.Full.NRMSE)
		if tp.scored.Interior != nil {
			s += fmt.Sprintf(" (interior %s)", num(tp.scored.Interior.NRMSE))
		}
		l = append(l, s)
	case tp.note != "":
		l = append(l, tp.note)
	}
	if tp.theme.ASCII {
		for k := range l {
			l[k] = strings.NewReplacer("·", "-", "→", "->").Replace(l[k])
		}
	}
	return l
}

// chart draws the loss history, one curve a term.
func (tp *TrainingPanel) chart(w, h int) []string {
	if len(tp.steps) == 0 {
		msg := "the loss curves of a neural run appear here as it trains"
		if tp.state != trainIdle && tp.cfg.Method != "mfn" {
			msg = tp.cfg.Method + " is not iterative: no loss curve"
		}
		lines := []string{fitText(tp.theme.Dim.Render(msg), w)}
		for len(lines) < h {
			lines = append(lines, strings.Repeat(" ", w))
		}
		return lines
	}
	series := make([]Series, len(tp.terms))
	for k, name := range tp.terms {
		series[k] = Series{Name: tp.termLabel(name), X: tp.steps, Y: tp.loss[name], Color: SeriesColor(k)}
	}
	ch := LogLogChart{Title: "loss per term (log-log)", XLabel: "step", Series: series}
	return ch.Render(w, h, tp.theme.Mode, tp.theme.ASCII)
}

// termLabel names a loss term in the chart's legend with its weight when it
// is not 1 (a penalty: divergence, structure, smoothness). The divergence of
// a stream function is zero by construction and outside the loss (the engine
// reports it as 0 with weight 0): it reads "0 (hard)" and draws no curve.
func (tp *TrainingPanel) termLabel(name string) string {
	w, ok := tp.weights[name]
	switch {
	case name == "divergence" && w == 0 && tp.cfg.Neural.StreamFunction:
		return name + " 0 (hard)"
	case !ok || w == 1:
		return name
	}
	times := "×"
	if tp.theme.ASCII {
		times = "x"
	}
	return name + " " + times + formatRate(w)
}
