package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Root attribute names under which SaveHDF5 records provenance.
const (
	AttrPivsrVersion = "pivsr_version" // version of the program that wrote the file
	AttrCommandLine  = "command_line"  // the command line, shell-quoted
	AttrInputs       = "inputs"        // one line per input file: absolute path and size
	AttrCreated      = "created_utc"   // time of writing, RFC 3339 in UTC
)

// Provenance says where an output file came from. The command-line program
// fills it; SaveHDF5 writes it as root attributes.
type Provenance struct {
	Version string    // pivsr version
	Args    []string  // command line, program name first (os.Args)
	Inputs  []string  // input files; their sizes are recorded, and they are never overwritten
	Time    time.Time // time of writing; zero means when written
}

// NewProvenance records the running program's command line (os.Args) and the
// current time.
func NewProvenance(version string, inputs ...string) *Provenance {
	return &Provenance{Version: version, Args: append([]string(nil), os.Args...), Inputs: inputs, Time: time.Now().UTC()}
}

// Attrs returns the provenance as root attributes. Inputs are listed one per
// line as "absolute-path (N bytes)", or with the reason their size is unknown.
func (p *Provenance) Attrs() map[string]string {
	t := p.Time
	if t.IsZero() {
		t = time.Now()
	}
	lines := make([]string, len(p.Inputs))
	for i, in := range p.Inputs {
		name := in
		if abs, err := filepath.Abs(in); err == nil {
			name = abs
		}
		if st, err := os.Stat(in); err == nil {
			lines[i] = fmt.Sprintf("%s (%d bytes)", name, st.Size())
		} else {
			lines[i] = fmt.Sprintf("%s (size unknown: %v)", name, describeFSError(err))
		}
	}
	return map[string]string{
		AttrPivsrVersion: p.Version,
		AttrCommandLine:  quoteArgs(p.Args),
		AttrInputs:       strings.Join(lines, "\n"),
		AttrCreated:      t.UTC().Format(time.RFC3339),
	}
}

// quoteArgs joins arguments into a line a shell would split back the same
// way, quoting those that need it.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a != "" && !strings.ContainsFunc(a, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
		}) {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
