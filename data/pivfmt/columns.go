package pivfmt

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadColumns reads a text table with one vector per line: x, y, u, v and
// optional status columns, as OpenPIV, PIVlab and DaVis export them.
//
// The column separator is detected from the first data line: semicolon,
// comma, else white space (spaces, tabs). Blank lines and lines starting with
// '#' or '%' are skipped. The header lines before the data may name the
// columns, with units in brackets, parentheses or after a space: a Tecplot
// VARIABLES record (DaVis, PIVlab Tecplot) or else the last plain or comment
// line that names them ("# x y u v flags mask", `"x [m]","y [m]",...`).
// Columns are matched by name (x, y, u or vx, v or vy, flags, mask, isNaN,
// isValid, CHC); other named columns are ignored. Without a header naming x,
// y, u and v the columns are positional: x y u v, and in a file of 5 or 6
// columns, OpenPIV's flags and mask when they hold integers only.
//
// A vector is invalid when u or v is NaN or infinite, flags, mask or isNaN
// is non-zero, isValid is zero or CHC is not positive. Every data line must
// have the same number of columns; a line that does not parse is an error
// naming it.
func ReadColumns(r io.Reader) (*Result, error) {
	t, err := readTable(r, false)
	if err != nil {
		return nil, err
	}
	return t.result(LayoutColumns)
}

// role is what a column means to the reader.
type role int

const (
	roleNone    role = iota
	roleX            // x position
	roleY            // y position
	roleU            // x velocity
	roleV            // y velocity
	roleFlags        // OpenPIV flags: non-zero = outlier or replaced vector
	roleMask         // OpenPIV mask: non-zero = masked region
	roleIsNaN        // PIVlab Tecplot isNaN: non-zero = no vector
	roleIsValid      // DaVis isValid: zero = invalid vector
	roleCHC          // TSI Insight CHC: positive = valid vector
)

func (r role) isStatus() bool { return r >= roleFlags }

// says reports whether a status value marks a valid vector.
func (r role) says(v float64) bool {
	switch r {
	case roleFlags, roleMask, roleIsNaN:
		return v == 0
	case roleIsValid:
		return v != 0 && v == v
	case roleCHC:
		return v > 0
	}
	return true
}

// roleNames maps normalised column names (lower case, without spaces,
// underscores, dots, hyphens and question marks) to roles.
var roleNames = map[string]role{
	"x": roleX, "xpos": roleX, "posx": roleX, "xposition": roleX, "positionx": roleX, "xcoord": roleX, "xcoordinate": roleX,
	"y": roleY, "ypos": roleY, "posy": roleY, "yposition": roleY, "positiony": roleY, "ycoord": roleY, "ycoordinate": roleY,
	"u": roleU, "vx": roleU, "ux": roleU, "velx": roleU, "velocityx": roleU, "xvelocity": roleU, "uvelocity": roleU, "ucomponent": roleU,
	"v": roleV, "vy": roleV, "uy": roleV, "vely": roleV, "velocityy": roleV, "yvelocity": roleV, "vvelocity": roleV, "vcomponent": roleV,
	"flag": roleFlags, "flags": roleFlags,
	"mask": roleMask, "masked": roleMask,
	"isnan":   roleIsNaN,
	"isvalid": roleIsValid, "valid": roleIsValid,
	"chc": roleCHC,
}

// column is one named (or positional) column of a table.
type column struct {
	raw  string // as written in the header, for messages
	unit string
	role role
}

// namedColumns maps header names to columns; it fails unless x, y, u and v
// are all found. The first column of each position or velocity role wins.
func namedColumns(names []string) ([]column, error) {
	if len(names) > maxColumns {
		return nil, fmt.Errorf("names %d columns, more than the %d supported", len(names), maxColumns)
	}
	cols := make([]column, len(names))
	seen := map[role]bool{}
	for k, raw := range names {
		name, unit := splitNameUnit(raw)
		r := roleNames[normalizeName(name)]
		if r != roleNone && !r.isStatus() && seen[r] {
			r = roleNone
		}
		seen[r] = true
		cols[k] = column{raw: raw, unit: unit, role: r}
	}
	for _, r := range []role{roleX, roleY, roleU, roleV} {
		if !seen[r] {
			return nil, errors.New("no columns named like x, y, u (or vx) and v (or vy)")
		}
	}
	return cols, nil
}

// positionalColumns gives a headerless table of n >= 4 columns the roles
// x y u v, then flags and mask for OpenPIV's 5 and 6 column files.
func positionalColumns(n int) []column {
	cols := make([]column, n)
	for k, r := range []role{roleX, roleY, roleU, roleV} {
		cols[k].role = r
	}
	if n == 5 || n == 6 {
		cols[4].role = roleFlags
		if n == 6 {
			cols[5].role = roleMask
		}
	}
	return cols
}

func normalizeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '?', ':':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// splitHeader splits a plain header line into column names: quoted names if
// there are quotes, else on tabs, semicolons or commas, else on white space,
// where a bracketed unit ("x [m]") stays with its name.
func splitHeader(s string) []string {
	if strings.IndexByte(s, '"') >= 0 {
		var names []string
		for rest := s; ; {
			open := strings.IndexByte(rest, '"')
			if open < 0 {
				return names
			}
			end := strings.IndexByte(rest[open+1:], '"')
			if end < 0 {
				return append(names, strings.TrimSpace(rest[open+1:]))
			}
			names = append(names, strings.TrimSpace(rest[open+1:open+1+end]))
			rest = rest[open+end+2:]
		}
	}
	for _, sep := range []string{"\t", ";", ","} {
		if strings.Contains(s, sep) {
			names := strings.Split(s, sep)
			for k := range names {
				names[k] = strings.TrimSpace(names[k])
			}
			if len(names) > 1 && names[len(names)-1] == "" {
				names = names[:len(names)-1]
			}
			return names
		}
	}
	var names []string
	for _, w := range strings.Fields(s) {
		if len(names) > 0 && (w[0] == '[' || w[0] == '(') {
			names[len(names)-1] += " " + w
			continue
		}
		names = append(names, w)
	}
	return names
}

// splitNameUnit separates "x [mm]", "x (mm)" or "X mm" into name and unit.
func splitNameUnit(s string) (name, unit string) {
	s = strings.TrimSpace(strings.Trim(s, `"'`))
	if open := strings.IndexAny(s, "[("); open > 0 {
		closer := map[byte]byte{'[': ']', '(': ')'}[s[open]]
		if end := strings.LastIndexByte(s, closer); end > open {
			return strings.TrimSpace(s[:open]), strings.TrimSpace(s[open+1 : end])
		}
	}
	if w := strings.Fields(s); len(w) > 1 && looksLikeUnit(w[len(w)-1]) {
		return strings.Join(w[:len(w)-1], " "), w[len(w)-1]
	}
	return s, ""
}

// looksLikeUnit tells a trailing unit ("mm", "m/s") from the last word of a
// name ("x position").
func looksLikeUnit(w string) bool {
	if strings.Contains(w, "/") {
		return true
	}
	switch strings.ToLower(w) {
	case "m", "mm", "cm", "um", "µm", "μm", "nm", "km", "px", "pix", "pixel", "pixels", "in", "ft":
		return true
	}
	return false
}
