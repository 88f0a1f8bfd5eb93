package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// appKeys are the workstation-wide keys, active whatever panel has focus.
type appKeys struct {
	Quit, Help, Next, Prev, Open, ExportPNG, SaveHDF5 key.Binding
}

func newAppKeys() appKeys {
	return appKeys{
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next panel")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous panel")),
		Open:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open file")),
		ExportPNG: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "export PNG")),
		SaveHDF5:  key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write HDF5")),
	}
}

func (k appKeys) short() []key.Binding {
	return []key.Binding{k.Next, k.Open, k.ExportPNG, k.SaveHDF5, k.Help, k.Quit}
}

func (k appKeys) full() []key.Binding {
	return []key.Binding{k.Next, k.Prev, k.Open, k.ExportPNG, k.SaveHDF5, k.Help, k.Quit}
}

// keyHelp joins a panel's keys with the workstation's into what the help bar
// shows (it implements help.KeyMap).
type keyHelp struct {
	panel [][]key.Binding
	app   appKeys
}

// ShortHelp lists the panel's first keys, then the workstation's.
func (h keyHelp) ShortHelp() []key.Binding {
	var b []key.Binding
	if len(h.panel) > 0 {
		b = append(b, h.panel[0]...)
	}
	return append(b, h.app.short()...)
}

// FullHelp lists every key, a column a group.
func (h keyHelp) FullHelp() [][]key.Binding {
	return append(append([][]key.Binding{}, h.panel...), h.app.full())
}

// plainKeys rewrites the arrows in key help ("↑/k") as words ("up/k"), for
// ASCII screens.
func plainKeys(bs []key.Binding) []key.Binding {
	r := strings.NewReplacer("↑", "up", "↓", "down", "←", "left", "→", "right")
	out := make([]key.Binding, len(bs))
	for k, b := range bs {
		h := b.Help()
		b.SetHelp(r.Replace(h.Key), h.Desc)
		out[k] = b
	}
	return out
}
