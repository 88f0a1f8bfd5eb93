package tui

import (
	"io"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Theme holds the colour mode, glyph set and text styles every component
// draws with. Its lipgloss renderer has the colour profile and background set
// explicitly, so no style ever queries the terminal.
type Theme struct {
	Mode  ColorMode
	ASCII bool // plain characters: no half blocks, braille, arrows or box drawing

	Sequential, Diverging *Palette

	renderer                              *lipgloss.Renderer
	Title, Dim, Accent, Error, Tab, TabOn lipgloss.Style
	Status, HelpKey, HelpDesc, HelpSep    lipgloss.Style
	Reverse                               lipgloss.Style
}

// NewTheme builds the theme for a resolved colour mode (not ColorAuto). No
// colour implies ASCII glyphs.
func NewTheme(mode ColorMode, ascii bool) *Theme {
	if mode == ColorAuto {
		mode = Color16
	}
	t := &Theme{Mode: mode, ASCII: ascii || mode == ColorNone}
	t.Sequential, t.Diverging = NewPalette(Viridis, mode), NewPalette(RdBu, mode)
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(profileOf(mode))
	r.SetHasDarkBackground(true)
	t.renderer = r
	accent := lipgloss.Color("39")
	dim := lipgloss.Color("245")
	if mode == Color16 {
		accent, dim = lipgloss.Color("6"), lipgloss.Color("8")
	}
	t.Title = r.NewStyle().Bold(true)
	t.Dim = r.NewStyle().Foreground(dim)
	t.Accent = r.NewStyle().Foreground(accent).Bold(true)
	t.Error = r.NewStyle().Foreground(lipgloss.Color("9")).Bold(true)
	t.Tab = r.NewStyle().Foreground(dim).Padding(0, 1)
	t.TabOn = r.NewStyle().Bold(true).Reverse(true).Padding(0, 1)
	t.Status = r.NewStyle().Foreground(dim)
	t.HelpKey = r.NewStyle().Foreground(accent)
	t.HelpDesc = r.NewStyle().Foreground(dim)
	t.HelpSep = r.NewStyle().Foreground(dim)
	t.Reverse = r.NewStyle().Reverse(true)
	return t
}

// profileOf is the termenv profile that writes colours as mode does.
func profileOf(mode ColorMode) termenv.Profile {
	switch mode {
	case ColorTrueColor:
		return termenv.TrueColor
	case Color256:
		return termenv.ANSI256
	case Color16:
		return termenv.ANSI
	}
	return termenv.Ascii
}

// palette is the palette a quantity is drawn with.
func (t *Theme) palette(diverging bool) *Palette {
	if diverging {
		return t.Diverging
	}
	return t.Sequential
}

// halfBlock reports whether heatmaps draw two pixels a cell.
func (t *Theme) halfBlock() bool { return !t.ASCII }

// newHelp returns a help model styled by the theme.
func (t *Theme) newHelp() help.Model {
	h := help.New()
	sep := " • "
	if t.ASCII {
		sep = " | "
	}
	h.ShortSeparator = sep
	h.Ellipsis = "..."
	h.Styles = help.Styles{
		Ellipsis: t.HelpSep, ShortKey: t.HelpKey, ShortDesc: t.HelpDesc, ShortSeparator: t.HelpSep,
		FullKey: t.HelpKey, FullDesc: t.HelpDesc, FullSeparator: t.HelpSep,
	}
	return h
}

// vbar is the vertical separator between panes.
func (t *Theme) vbar() string {
	if t.ASCII {
		return "|"
	}
	return "│"
}
