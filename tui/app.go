package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/term"

	"pivsr/data"
	"pivsr/engine"
)

// Options configure the workstation.
type Options struct {
	// Files are opened at start, in order; the first field-role file is
	// shown first. With none, the file picker opens on Dir.
	Files []FileRequest
	// Dir is the folder the file picker starts in ("" is the current one).
	Dir string
	// Load steers how files are read (dataset names, spacing, format).
	Load data.LoadOptions
	// Color is the colour mode; ColorAuto reads the environment (NO_COLOR,
	// COLORTERM, TERM), never the terminal.
	Color ColorMode
	// ASCII draws with plain characters only: no half blocks, braille or
	// arrows.
	ASCII bool
	// Version is written into the provenance of saved files.
	Version string
	// Input and Output are the terminal (default os.Stdin and os.Stdout).
	Input  io.Reader
	Output io.Writer
	// Getenv reads the environment (default os.Getenv).
	Getenv func(string) string
	// Train is the training panel's initial settings (nil:
	// engine.DefaultConfig()).
	Train *engine.Config
}

// minWidth and minHeight are the smallest terminal the workstation draws in.
const (
	minWidth  = 40
	minHeight = 10
)

// App is the workstation's root model: a header with the panels' tabs, the
// panels the pane manager places, a status line and the help bar.
type App struct {
	opt   Options
	theme *Theme
	ws    *Workspace
	keys  appKeys
	help  help.Model

	panes     paneManager
	field     *FieldView
	metrics   *MetricsPanel
	train     *TrainingPanel
	transport *TransportPanel
	flows     *FlowPanel
	picker    *Picker

	prompt *prompt
	// confirmQuit is set while the quit key waits for a yes: a training
	// run is active.
	confirmQuit bool

	width, height int
	fullHelp      bool
	status        string
	statusErr     bool
	preloaded     []*Entry
}

// New returns the workstation model for opt. Files in opt are loaded by the
// model's Init, in a command.
func New(opt Options) *App {
	if opt.Getenv == nil {
		opt.Getenv = os.Getenv
	}
	mode := opt.Color.Resolve(opt.Getenv)
	theme := NewTheme(mode, opt.ASCII)
	ws := newWorkspace(opt.Load)
	cfg := engine.DefaultConfig()
	if opt.Train != nil {
		cfg = *opt.Train
	}
	a := &App{
		opt: opt, theme: theme, ws: ws, keys: newAppKeys(), help: theme.newHelp(),
		panes: newPaneManager(), field: newFieldView(ws, theme), metrics: newMetricsPanel(ws, theme),
		transport: newTransportPanel(ws, theme), flows: newFlowPanel(theme),
	}
	a.train = newTrainingPanel(ws, theme, a.field, cfg)
	if len(opt.Files) == 0 {
		a.openPicker(opt.Dir)
	}
	return a
}

// Run loads the files of opt, then runs the workstation on the terminal until
// the user quits or ctx is cancelled. Files that fail to load are reported
// before the terminal is touched. Input and output must be terminals.
func Run(ctx context.Context, opt Options) error {
	if opt.Input == nil {
		opt.Input = os.Stdin
	}
	if opt.Output == nil {
		opt.Output = os.Stdout
	}
	for _, s := range []any{opt.Input, opt.Output} {
		if f, ok := s.(*os.File); ok && !term.IsTerminal(int(f.Fd())) {
			return fmt.Errorf("the workstation needs a terminal, and %s is not one (use the other pivsr commands in scripts)", f.Name())
		}
	}
	var entries []*Entry
	for _, r := range opt.Files {
		e, err := loadEntry(r, opt.Load)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	if opt.Getenv == nil {
		opt.Getenv = os.Getenv
	}
	// Styles bubbles builds on lipgloss's default renderer follow the chosen
	// mode too, and nothing asks the terminal for its background.
	mode := opt.Color.Resolve(opt.Getenv)
	lipgloss.SetColorProfile(profileOf(mode))
	lipgloss.SetHasDarkBackground(true)

	a := New(opt)
	a.preloaded = entries
	p := tea.NewProgram(a, tea.WithContext(ctx), tea.WithInput(opt.Input), tea.WithOutput(opt.Output),
		tea.WithAltScreen(), tea.WithMouseCellMotion())
	_, err := p.Run()
	a.train.shutdown()
	a.flows.shutdown()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// Init starts loading the files, or listing the picker's folder.
func (a *App) Init() tea.Cmd {
	if a.preloaded != nil {
		es := a.preloaded
		a.preloaded = nil
		return func() tea.Msg { return loadedMsg{entries: es, replace: true} }
	}
	if len(a.opt.Files) > 0 {
		a.setStatus("loading "+a.opt.Files[0].Path+" ...", false)
		return loadCmd(a.opt.Files, a.opt.Load, true)
	}
	return a.picker.read()
}

func (a *App) setStatus(s string, isErr bool) { a.status, a.statusErr = s, isErr }

func (a *App) openPicker(dir string) tea.Cmd {
	if a.picker == nil {
		if dir == "" {
			dir = "."
		}
		a.picker = newPicker(a.theme, dir)
		a.panes.show(paneFiles)
		a.layout()
		return a.picker.read()
	}
	a.panes.show(paneFiles)
	a.layout()
	return nil
}

// Update routes a message: results to the component that asked, keys to the
// prompt when one is open, else to the workstation's keys, else to the
// focused panel.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.help.Width = msg.Width
		a.layout()
		return a, nil
	case loadedMsg:
		return a, a.loaded(msg)
	case openFileMsg:
		a.setStatus("loading "+msg.req.Path+" ...", false)
		return a, loadCmd([]FileRequest{msg.req}, a.ws.Load, msg.req.Role == RoleField)
	case valuesMsg:
		if a.ws.store(msg) {
			return a, a.field.Update(msg)
		}
		return a, nil
	case metricsMsg:
		return a, a.metrics.Update(msg)
	case trainMsg:
		return a, a.train.Update(msg)
	case transportMsg:
		return a, a.transport.Update(msg)
	case flowStepMsg, flowDoneMsg:
		return a, a.flows.Update(msg)
	case statusMsg:
		a.setStatus(msg.text, msg.isErr)
		return a, nil
	case dirMsg:
		if a.picker != nil {
			return a, a.picker.Update(msg)
		}
		return a, nil
	case exportedMsg:
		if msg.err != nil {
			a.setStatus(msg.what+" export failed: "+msg.err.Error(), true)
		} else {
			a.setStatus("wrote "+msg.what+" "+msg.path, false)
		}
		return a, nil
	case SetFieldMsg:
		return a, a.setField(msg)
	case tea.MouseMsg:
		return a, a.mouse(msg)
	case tea.KeyMsg:
		return a, a.key(msg)
	}
	return a, nil
}

// loaded puts loaded entries into the workspace and shows them.
func (a *App) loaded(msg loadedMsg) tea.Cmd {
	if msg.err != nil {
		a.setStatus(msg.err.Error(), true)
		return nil
	}
	if msg.replace {
		a.ws.replace(msg.entries)
	} else {
		for _, e := range msg.entries {
			a.ws.add(e)
		}
	}
	names := make([]string, len(msg.entries))
	for k, e := range msg.entries {
		names[k] = e.Name
		if e.Role != RoleField {
			names[k] += " (" + e.Role.String() + ")"
		}
	}
	a.setStatus("loaded "+strings.Join(names, ", "), false)
	if msg.replace || a.field.entry() == nil {
		a.field.reset()
	} else {
		a.field.dirty = true
	}
	a.panes.focus = paneField
	a.layout()
	return tea.Batch(a.field.ensure(), a.refreshSides())
}

// refreshSides recomputes what the side panels show of the current frame
// and field.
func (a *App) refreshSides() tea.Cmd {
	return tea.Batch(a.metrics.refresh(a.field.frame), a.transport.refresh(a.field.entry(), a.field.frame))
}

// SetFieldMsg adds a field to the workstation, or replaces the one of the
// same name: how a running reconstruction shows its latest snapshot. The
// field view and the metrics follow.
type SetFieldMsg struct {
	Entry *Entry
	// Show puts the field on screen even when another one is shown (a
	// run's first snapshot).
	Show bool
}

func (a *App) setField(msg SetFieldMsg) tea.Cmd {
	e := msg.Entry
	if e == nil || len(e.Frames) == 0 {
		return nil
	}
	shown := a.field.entry()
	// The new field is shown when it replaces the one on screen, or when
	// only a truth or comparison was shown so far.
	takeOver := shown != nil && (msg.Show || shown.Name == e.Name && shown.Role == e.Role || shown.Role != RoleField && e.Role == RoleField)
	a.ws.add(e)
	if shown == nil || takeOver {
		a.field.shown = e.ID
		if shown == nil {
			a.field.reset()
			a.panes.focus = paneField
			a.layout()
		}
	}
	a.field.dirty = true
	return tea.Batch(a.field.ensure(), a.refreshSides())
}

// key handles a key press.
func (a *App) key(msg tea.KeyMsg) tea.Cmd {
	if a.prompt != nil {
		return a.promptKey(msg)
	}
	if a.confirmQuit {
		a.confirmQuit = false
		if msg.String() == "y" {
			a.train.discard()
			a.flows.stop()
			return tea.Quit
		}
		a.setStatus("still training", false)
		return nil
	}
	k := a.keys
	switch {
	case key.Matches(msg, k.Quit):
		if a.train.active() {
			a.confirmQuit = true
			a.setStatus("a training run is active: quit and stop it? (y/n)", false)
			return nil
		}
		a.train.discard()
		a.flows.stop()
		return tea.Quit
	case key.Matches(msg, k.Help):
		a.fullHelp = !a.fullHelp
		a.layout()
		return nil
	case key.Matches(msg, k.Next):
		a.panes.cycle(1)
		a.layout()
		return nil
	case key.Matches(msg, k.Prev):
		a.panes.cycle(-1)
		a.layout()
		return nil
	case key.Matches(msg, k.Open):
		dir := ""
		if e := a.field.entry(); e != nil && e.Path != "" {
			dir = filepath.Dir(e.Path)
		}
		return a.openPicker(dir)
	case key.Matches(msg, k.ExportPNG):
		if e := a.field.entry(); e != nil {
			a.openPrompt(promptPNG, defaultName(e, a.field.quantityLabelFile(), ".png"))
		}
		return nil
	case key.Matches(msg, k.SaveHDF5):
		if e := a.field.entry(); e != nil {
			a.openPrompt(promptHDF5, defaultName(e, "view", ".h5"))
		}
		return nil
	}
	var cmd tea.Cmd
	switch a.panes.focus {
	case paneField:
		frame, shown, compare := a.field.frame, a.field.shown, a.field.compare
		cmd = a.field.Update(msg)
		switch {
		case a.field.frame != frame:
			cmd = tea.Batch(cmd, a.refreshSides())
		case a.field.shown != shown || a.field.compare != compare:
			cmd = tea.Batch(cmd, a.transport.refresh(a.field.entry(), a.field.frame))
		}
	case paneMetrics:
		cmd = a.metrics.Update(msg)
	case paneTraining:
		cmd = a.train.Update(msg)
	case paneFlows:
		cmd = a.flows.Update(msg)
	case paneFiles:
		if a.picker != nil {
			cmd = a.picker.Update(msg)
		}
	}
	return cmd
}

// mouse forwards wheel and clicks over the field view to it, in its
// coordinates.
func (a *App) mouse(msg tea.MouseMsg) tea.Cmd {
	r, ok := a.panes.rects()[paneField]
	if !ok || !r.contains(msg.X, msg.Y) {
		return nil
	}
	msg.X -= r.x
	msg.Y -= r.y
	return a.field.Update(msg)
}

// layout sizes the panels after a resize or a change of focus, help or
// prompt.
func (a *App) layout() {
	helpLines := 1
	if a.fullHelp {
		helpLines = lipgloss.Height(a.helpView())
	}
	bodyH := a.height - 1 - 1 - helpLines // header, status
	a.panes.body = rect{0, 1, a.width, max(0, bodyH)}
	for id, r := range a.panes.rects() {
		switch id {
		case paneField:
			a.field.SetSize(r.w, r.h)
		case paneMetrics:
			a.metrics.SetSize(r.w, r.h)
		case paneTraining:
			a.train.SetSize(r.w, r.h)
		case paneTransport:
			a.transport.SetSize(r.w, r.h)
		case paneFlows:
			a.flows.SetSize(r.w, r.h)
		case paneFiles:
			if a.picker != nil {
				a.picker.SetSize(r.w, r.h)
			}
		}
	}
	if a.prompt != nil {
		a.prompt.input.Width = max(1, a.width-lipgloss.Width(a.prompt.input.Prompt)-1)
	}
}

// View draws the whole screen.
func (a *App) View() string {
	if a.width < minWidth || a.height < minHeight {
		return fmt.Sprintf("pivsr needs a terminal of at least %dx%d (this one is %dx%d)", minWidth, minHeight, a.width, a.height)
	}
	var lines []string
	lines = append(lines, a.header())
	rects := a.panes.rects()
	body := a.panes.body
	views := map[paneID]string{}
	for id := range rects {
		switch id {
		case paneField:
			views[id] = a.field.View()
		case paneMetrics:
			views[id] = a.metrics.View()
		case paneTraining:
			views[id] = a.train.View()
		case paneTransport:
			views[id] = a.transport.View()
		case paneFlows:
			views[id] = a.flows.View()
		case paneFiles:
			if a.picker != nil {
				views[id] = a.picker.View()
			}
		}
	}
	if a.panes.split() {
		side := a.panes.side
		l, r := rects[paneField], rects[side]
		lines = append(lines, joinColumns(a.theme.Dim.Render(a.theme.vbar()), []int{l.w, r.w},
			strings.Split(views[paneField], "\n"), strings.Split(views[side], "\n"))...)
	} else if v, ok := views[a.panes.focus]; ok {
		lines = append(lines, strings.Split(v, "\n")...)
	}
	lines = lines[:min(len(lines), 1+body.h)]
	for len(lines) < 1+body.h {
		lines = append(lines, strings.Repeat(" ", a.width))
	}
	lines = append(lines, a.statusLine())
	lines = append(lines, a.helpView())
	return strings.Join(lines, "\n")
}

// header is the first line: the panels as tabs and what is loaded.
func (a *App) header() string {
	var b strings.Builder
	b.WriteString(a.theme.Accent.Render(" pivsr "))
	split := a.panes.split()
	for _, id := range a.panes.order() {
		st := a.theme.Tab
		if id == a.panes.focus {
			st = a.theme.TabOn
		} else if split && (id == paneField || id == a.panes.side) {
			st = a.theme.Title.Padding(0, 1)
		}
		b.WriteString(st.Render(id.title()))
	}
	if n := len(a.ws.Entries); n > 0 {
		names := make([]string, n)
		for k, e := range a.ws.Entries {
			names[k] = e.Name
			if e.Role != RoleField {
				names[k] += " (" + e.Role.String() + ")"
			}
		}
		b.WriteString(a.theme.Dim.Render("  " + strings.Join(names, ", ")))
	}
	return fitText(b.String(), a.width)
}

// statusLine is the prompt when one is open, else the last message.
func (a *App) statusLine() string {
	if a.prompt != nil {
		return fitText(a.prompt.input.View(), a.width)
	}
	s := a.status
	if s == "" {
		return fitText("", a.width)
	}
	if a.statusErr {
		return fitText(a.theme.Error.Render(s), a.width)
	}
	return fitText(a.theme.Status.Render(s), a.width)
}

// helpView is the help bar: the focused panel's keys and the workstation's,
// on one line, or all of them in columns when full help is on.
func (a *App) helpView() string {
	var panel [][]key.Binding
	switch a.panes.focus {
	case paneField:
		panel = a.field.help()
	case paneMetrics:
		panel = a.metrics.help()
	case paneTraining:
		panel = a.train.help()
	case paneTransport:
		panel = a.transport.help()
	case paneFlows:
		panel = a.flows.help()
	case paneFiles:
		if a.picker != nil {
			panel = a.picker.help()
		}
	}
	km := keyHelp{panel: panel, app: a.keys}
	if a.prompt != nil {
		return fitText(a.help.ShortHelpView(a.prompt.keys()), a.width)
	}
	if a.theme.ASCII {
		for k, g := range km.panel {
			km.panel[k] = plainKeys(g)
		}
	}
	if a.fullHelp {
		full := km.FullHelp()
		if a.theme.ASCII {
			for k, g := range full {
				full[k] = plainKeys(g)
			}
		}
		v := a.help.FullHelpView(full)
		ls := strings.Split(v, "\n")
		for k := range ls {
			ls[k] = fitText(ls[k], a.width)
		}
		return strings.Join(ls, "\n")
	}
	short := km.ShortHelp()
	if a.theme.ASCII {
		short = plainKeys(short)
	}
	return fitText(a.help.ShortHelpView(short), a.width)
}

// promptKind is what a file-name prompt is for.
type promptKind int

const (
	promptPNG promptKind = iota
	promptHDF5
)

// prompt asks for an output file name on the status line.
type prompt struct {
	kind          promptKind
	input         textinput.Model
	submit, abort key.Binding
}

func (p *prompt) keys() []key.Binding { return []key.Binding{p.submit, p.abort} }

func (a *App) openPrompt(kind promptKind, def string) {
	ti := textinput.New()
	ti.Prompt = "save PNG as: "
	if kind == promptHDF5 {
		ti.Prompt = "save HDF5 as: "
	}
	ti.PromptStyle = a.theme.Accent
	ti.TextStyle = a.theme.renderer.NewStyle()
	ti.Cursor.Style = a.theme.Reverse
	ti.Cursor.TextStyle = a.theme.renderer.NewStyle()
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.CharLimit = 4096
	ti.SetValue(def)
	ti.CursorEnd()
	ti.Focus()
	a.prompt = &prompt{
		kind: kind, input: ti,
		submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
		abort:  key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "cancel")),
	}
	a.layout()
}

// promptKey edits the file name, or saves or cancels.
func (a *App) promptKey(msg tea.KeyMsg) tea.Cmd {
	p := a.prompt
	switch {
	case key.Matches(msg, p.abort):
		a.prompt = nil
		a.setStatus("cancelled", false)
		return nil
	case key.Matches(msg, p.submit):
		path := strings.TrimSpace(p.input.Value())
		a.prompt = nil
		if path == "" {
			a.setStatus("no file name: nothing saved", true)
			return nil
		}
		return a.export(p.kind, path)
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

// export starts writing the current view (PNG) or the shown field (HDF5).
func (a *App) export(kind promptKind, path string) tea.Cmd {
	e := a.field.entry()
	if e == nil {
		a.setStatus(errNoFields.Error(), true)
		return nil
	}
	var inputs []string
	for _, o := range a.ws.Entries {
		if o.Path != "" {
			inputs = append(inputs, o.Path)
		}
	}
	switch kind {
	case promptPNG:
		job, err := a.field.pngJob()
		if err != nil {
			a.setStatus(err.Error(), true)
			return nil
		}
		a.setStatus("writing "+path+" ...", false)
		return exportPNGCmd(path, job, inputs)
	default:
		a.setStatus("writing "+path+" ...", false)
		return saveCmd(path, e, a.field.frame, a.opt.Version, inputs)
	}
}
