package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// SupportedExtensions are the file name extensions the picker lists: the
// formats data.Load reads.
var SupportedExtensions = []string{".h5", ".hdf5", ".vec", ".txt", ".dat", ".csv", ".flo"}

// PickerKeys are the file picker's keys.
type PickerKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open, AsCompare, AsTruth, Parent        key.Binding
}

// DefaultPickerKeys are the file picker's default bindings.
func DefaultPickerKeys() PickerKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return PickerKeys{
		Up:        b([]string{"up", "k"}, "↑/k", "up"),
		Down:      b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:    b([]string{"pgup"}, "pgup", "page up"),
		PageDown:  b([]string{"pgdown"}, "pgdn", "page down"),
		Top:       b([]string{"home", "g"}, "g", "first"),
		Bottom:    b([]string{"end", "G"}, "G", "last"),
		Open:      b([]string{"enter", "right", "l"}, "enter", "open"),
		AsCompare: b([]string{"c"}, "c", "add to compare"),
		AsTruth:   b([]string{"t"}, "t", "add as truth"),
		Parent:    b([]string{"backspace", "left", "h"}, "←/h", "parent folder"),
	}
}

// pickerItem is one line of the listing.
type pickerItem struct {
	name string
	dir  bool
	size int64
}

// Picker lists the folders and supported files of a directory. Choosing a
// file asks the workstation to open it, as the field to look at, a field to
// compare with or the truth.
type Picker struct {
	theme *Theme
	Keys  PickerKeys

	dir           string
	items         []pickerItem
	err           error
	cursor, top   int
	width, height int
}

// dirMsg brings a directory listing back to Update.
type dirMsg struct {
	dir   string
	items []pickerItem
	err   error
}

// openFileMsg asks the workstation to open a file the picker chose.
type openFileMsg struct{ req FileRequest }

func newPicker(theme *Theme, dir string) *Picker {
	return &Picker{theme: theme, Keys: DefaultPickerKeys(), dir: filepath.Clean(dir)}
}

// SetSize gives the picker its width and height in cells.
func (p *Picker) SetSize(w, h int) { p.width, p.height = w, h }

// read returns the command listing the picker's directory.
func (p *Picker) read() tea.Cmd { return readDirCmd(p.dir) }

// readDirCmd lists dir in a command: sub-folders first (with "..", unless at
// the root), then supported files, each group by name.
func readDirCmd(dir string) tea.Cmd {
	return func() tea.Msg {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return dirMsg{dir: dir, err: err}
		}
		var dirs, files []pickerItem
		for _, e := range ents {
			name := e.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			if info.IsDir() || (info.Mode()&os.ModeSymlink != 0 && isDir(filepath.Join(dir, name))) {
				dirs = append(dirs, pickerItem{name: name, dir: true})
				continue
			}
			if slices.Contains(SupportedExtensions, strings.ToLower(filepath.Ext(name))) {
				files = append(files, pickerItem{name: name, size: info.Size()})
			}
		}
		items := dirs
		if abs, err := filepath.Abs(dir); err == nil && filepath.Dir(abs) != abs {
			items = append([]pickerItem{{name: "..", dir: true}}, dirs...)
		}
		return dirMsg{dir: dir, items: append(items, files...)}
	}
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// Update handles the picker's keys and listings.
func (p *Picker) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case dirMsg:
		if msg.dir != p.dir {
			return nil
		}
		p.items, p.err = msg.items, msg.err
		p.cursor, p.top = 0, 0
		// Land on the first file, past the folders.
		for k, it := range p.items {
			if !it.dir {
				p.cursor = k
				break
			}
		}
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	return nil
}

func (p *Picker) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.Keys
	page := max(1, p.height-2)
	switch {
	case key.Matches(msg, k.Up):
		p.move(-1)
	case key.Matches(msg, k.Down):
		p.move(1)
	case key.Matches(msg, k.PageUp):
		p.move(-page)
	case key.Matches(msg, k.PageDown):
		p.move(page)
	case key.Matches(msg, k.Top):
		p.move(-len(p.items))
	case key.Matches(msg, k.Bottom):
		p.move(len(p.items))
	case key.Matches(msg, k.Parent):
		return p.chdir(filepath.Join(p.dir, ".."))
	case key.Matches(msg, k.Open), key.Matches(msg, k.AsCompare), key.Matches(msg, k.AsTruth):
		if p.cursor >= len(p.items) {
			return nil
		}
		it := p.items[p.cursor]
		path := filepath.Join(p.dir, it.name)
		if it.dir {
			if key.Matches(msg, k.Open) {
				return p.chdir(path)
			}
			return nil
		}
		role := RoleField
		switch {
		case key.Matches(msg, k.AsCompare):
			role = RoleCompare
		case key.Matches(msg, k.AsTruth):
			role = RoleTruth
		}
		return func() tea.Msg { return openFileMsg{req: FileRequest{Path: path, Role: role}} }
	}
	return nil
}

func (p *Picker) chdir(dir string) tea.Cmd {
	p.dir = filepath.Clean(dir)
	p.items, p.err = nil, nil
	return p.read()
}

func (p *Picker) move(d int) {
	if len(p.items) == 0 {
		return
	}
	p.cursor = max(0, min(len(p.items)-1, p.cursor+d))
}

// View draws the listing: exactly its height in lines of its width.
func (p *Picker) View() string {
	w, h := p.width, p.height
	lines := []string{fitText(p.theme.Title.Render("open a velocity file")+p.theme.Dim.Render("  "+p.dir), w)}
	rows := h - 1
	switch {
	case p.err != nil:
		lines = append(lines, fitText(p.theme.Error.Render(p.err.Error()), w))
	case p.items == nil:
		lines = append(lines, fitText(p.theme.Dim.Render("reading ..."), w))
	case len(p.items) == 0:
		lines = append(lines, fitText(p.theme.Dim.Render("no folders or velocity files ("+strings.Join(SupportedExtensions, " ")+") here"), w))
	}
	if p.cursor < p.top {
		p.top = p.cursor
	}
	if rows > 0 && p.cursor >= p.top+rows {
		p.top = p.cursor - rows + 1
	}
	for k := p.top; k < len(p.items) && len(lines) < h; k++ {
		it := p.items[k]
		name, info := it.name, humanSize(it.size)
		if it.dir {
			name, info = it.name+"/", "folder"
		}
		mark := "  "
		if k == p.cursor {
			mark = "> "
		}
		line := mark + fit(name, max(1, w-14)) + padLeft(info, 10)
		switch {
		case k == p.cursor:
			line = p.theme.Reverse.Render(line)
		case it.dir:
			line = p.theme.Accent.Render(line)
		}
		lines = append(lines, fitText(line, w))
	}
	return finish(lines, w, h)
}

// humanSize writes a byte count in B, KiB, MiB or GiB.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, u := float64(n), 0
	for v >= unit && u < 3 {
		v /= unit
		u++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[u-1])
}

// help lists the picker's keys.
func (p *Picker) help() [][]key.Binding {
	k := p.Keys
	return [][]key.Binding{{k.Open, k.AsCompare, k.AsTruth, k.Parent}, {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}}
}
