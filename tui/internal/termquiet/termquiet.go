// Package termquiet keeps Bubble Tea v1 from querying the terminal when
// pivsr starts.
//
// Bubble Tea v1.3 asks lipgloss, in its package init, whether the terminal
// has a dark background (tea_init.go, "removed in v2"). termenv answers by
// writing an OSC 11 query and a cursor-position request to standard output
// and waiting up to five seconds for the reply. Every pivsr command links
// Bubble Tea (for the workstation), so every command would pay it: a
// round trip in a real terminal, garbage in the output and a five-second
// stall in a pseudo-terminal that does not answer (script, expect, some CI
// runners).
//
// termenv skips the query when TERM is "dumb". This package, which imports
// nothing but os, is initialised long before Bubble Tea (Go initialises the
// first package, in import-path order, whose imports are all initialised,
// and Bubble Tea waits on many); its init sets TERM=dumb, and Restore,
// which package tui calls from its own init (necessarily after Bubble
// Tea's), puts the variable back as it was. The workstation never needs the
// answer: it sets the colour profile and background explicitly.
//
// A test of package tui checks the initialisation order of the built
// binary (GODEBUG=inittrace=1) and that `pivsr version` under a silent
// pseudo-terminal writes no query.
package termquiet

import "os"

var (
	saved   string
	wasSet  bool
	applied bool
)

func init() {
	saved, wasSet = os.LookupEnv("TERM")
	os.Setenv("TERM", "dumb")
	applied = true
}

// Restore puts TERM back as it was when the program started. It is safe to
// call more than once.
func Restore() {
	if !applied {
		return
	}
	applied = false
	if wasSet {
		os.Setenv("TERM", saved)
	} else {
		os.Unsetenv("TERM")
	}
}
