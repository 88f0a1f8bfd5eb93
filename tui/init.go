package tui

import "pivsr/tui/internal/termquiet"

// Bubble Tea's package init has run by now (this package imports it): give
// TERM back its value. See package termquiet.
func init() { termquiet.Restore() }
