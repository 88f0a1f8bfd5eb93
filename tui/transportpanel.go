package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"pivsr/transport"
)

// transportSlices is the number of directions of the sliced distance: its
// Monte-Carlo error, shown beside it, is well below the differences that
// matter between a reconstruction and its truth.
const transportSlices = 256

// TransportPanel shows how far apart the distributions of two fields are:
// the shown field and its partner (the comparison field, else the truth,
// else the first other field), by transport.CompareFields. The distances are
// recomputed in a command whenever a field lands or the pair or the frame
// changes.
type TransportPanel struct {
	ws    *Workspace
	theme *Theme

	width, height int

	gen     int
	pending bool
	a, b    string // names of the pair measured
	rows    []transport.Comparison
	err     error
	none    bool // there is no pair to measure

	dirty bool
	view  string
}

func newTransportPanel(ws *Workspace, theme *Theme) *TransportPanel {
	return &TransportPanel{ws: ws, theme: theme, dirty: true}
}

type transportMsg struct {
	gen  int
	rows []transport.Comparison
	err  error
}

// SetSize gives the panel its width and height in cells.
func (tp *TransportPanel) SetSize(w, h int) {
	if w != tp.width || h != tp.height {
		tp.width, tp.height, tp.dirty = w, h, true
	}
}

// refresh returns the command measuring the distances between e's frame
// and its partner's; nil when there is no pair.
func (tp *TransportPanel) refresh(e *Entry, frame int) tea.Cmd {
	tp.gen++
	tp.dirty = true
	var p *Entry
	if e != nil {
		p = tp.ws.partner(e)
	}
	if p == nil {
		tp.none, tp.pending, tp.rows, tp.err = true, false, nil, nil
		return nil
	}
	tp.none, tp.pending, tp.a, tp.b = false, true, e.Name, p.Name
	gen := tp.gen
	fa, fb := e.Frame(frame), p.Frame(frame)
	return func() tea.Msg {
		rows, err := transport.CompareFields(fa.Scattered(), fb.Scattered(), transportSlices, 1)
		return transportMsg{gen: gen, rows: rows, err: err}
	}
}

// Update takes in the distances.
func (tp *TransportPanel) Update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(transportMsg); ok && m.gen == tp.gen {
		tp.rows, tp.err, tp.pending, tp.dirty = m.rows, m.err, false, true
	}
	return nil
}

// help lists the panel's keys: it has none of its own.
func (tp *TransportPanel) help() [][]key.Binding { return nil }

// View draws the panel: exactly its height in lines of its width.
func (tp *TransportPanel) View() string {
	if tp.dirty || tp.view == "" {
		tp.view, tp.dirty = tp.render(), false
	}
	return tp.view
}

func (tp *TransportPanel) render() string {
	w, h, t := tp.width, tp.height, tp.theme
	title := "transport distances"
	if !tp.none && tp.a != "" {
		title += " · " + tp.a + " against " + tp.b
	}
	if tp.pending {
		title += " · computing ..."
	}
	if t.ASCII {
		title = strings.ReplaceAll(title, "·", "-")
	}
	lines := []string{fitText(t.Title.Render(title), w)}
	switch {
	case tp.none:
		lines = append(lines, fitText(t.Dim.Render("load a second field (a comparison or a truth) to compare distributions"), w))
		return finish(lines, w, h)
	case tp.err != nil:
		lines = append(lines, fitText(t.Error.Render(tp.err.Error()), w))
		return finish(lines, w, h)
	}
	const qW, dW, vW, eW = 22, 13, 11, 12
	errHead := "± std err"
	if t.ASCII {
		errHead = "+- std err"
	}
	lines = append(lines, fitText(t.Accent.Render(fit("distribution", qW)+fit("distance", dW)+padLeft("value", vW)+padLeft(errHead, eW)), w))
	for _, r := range tp.rows {
		se := ""
		if r.StdErr > 0 {
			se = num(r.StdErr)
		}
		lines = append(lines, fitText(fit(r.Quantity, qW)+fit(r.Distance, dW)+padLeft(num(r.Value), vW)+padLeft(se, eW), w))
	}
	if len(tp.rows) > 0 {
		lines = append(lines, strings.Repeat(" ", w))
		for _, n := range []string{
			fmt.Sprintf("velocity: sliced W_2 between the (u, v) clouds, %d directions", transportSlices),
			"direction: W_1, W_2 on the circle of atan2(v, u), in turns",
			"speed: W_1, W_2 between the speed distributions",
			"valid vectors only; units of the fields' velocity",
		} {
			lines = append(lines, fitText(t.Dim.Render(n), w))
		}
	}
	return finish(lines, w, h)
}
