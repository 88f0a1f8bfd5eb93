package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// fitText pads text that may hold escape sequences and wide characters to
// width columns, or cuts it with an ellipsis.
func fitText(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	return s + strings.Repeat(" ", max(0, width-w))
}

// finish pads lines (each already width columns) with blank lines, or cuts
// them, to height lines, and joins them.
func finish(lines []string, width, height int) string {
	blank := strings.Repeat(" ", max(0, width))
	for len(lines) < height {
		lines = append(lines, blank)
	}
	return strings.Join(lines[:max(0, height)], "\n")
}

// joinColumns puts blocks side by side, each a list of lines exactly its
// width wide, separated by sep; blocks shorter than the tallest are padded.
func joinColumns(sep string, widths []int, blocks ...[]string) []string {
	h := 0
	for _, b := range blocks {
		h = max(h, len(b))
	}
	out := make([]string, h)
	var sb strings.Builder
	for r := range h {
		sb.Reset()
		for k, b := range blocks {
			if k > 0 {
				sb.WriteString(sep)
			}
			if r < len(b) {
				sb.WriteString(b[r])
			} else {
				sb.WriteString(strings.Repeat(" ", widths[k]))
			}
		}
		out[r] = sb.String()
	}
	return out
}
