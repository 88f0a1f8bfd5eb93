package pivfmt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"pivsr/piv"
)

// table holds the vectors of a text file, one entry per data line, with the
// columns that tell which vectors are valid.
type table struct {
	cols    []column // one per data column
	namedOn int      // line of the header that named the columns; 0: positional
	zone    *zone    // the Tecplot ZONE record, if any

	x, y, u, v []float64
	status     [][]float64 // values of the status columns, parallel to statusCols
	statusCols []int       // indices into cols of the columns with a status role
	lines      []int       // line number of each vector
}

// lineReader yields the lines of a text stream with their 1-based numbers,
// refusing lines longer than maxLineBytes.
type lineReader struct {
	sc *bufio.Scanner
	n  int
}

func newLineReader(r io.Reader) *lineReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLineBytes)
	return &lineReader{sc: sc}
}

// next returns the next line without its line ending; ok is false at the end.
func (lr *lineReader) next() (line string, ok bool, err error) {
	if !lr.sc.Scan() {
		if err := lr.sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return "", false, fmt.Errorf("line %d: longer than %d bytes", lr.n+1, maxLineBytes)
			}
			return "", false, fmt.Errorf("line %d: %w", lr.n+1, err)
		}
		return "", false, nil
	}
	lr.n++
	line = lr.sc.Text()
	if lr.n == 1 {
		line = strings.TrimPrefix(line, "\ufeff") // byte-order mark of Windows exports
	}
	return line, true, nil
}

// commentText returns the text after a '#' or '%' comment marker.
func commentText(s string) (string, bool) {
	if s != "" && (s[0] == '#' || s[0] == '%') {
		return strings.TrimSpace(s[1:]), true
	}
	return "", false
}

// readTable reads a column text file: header lines (comments, a plain line
// naming the columns, Tecplot records), then one vector per line. With
// needTecplot, a Tecplot VARIABLES record must name the columns.
func readTable(r io.Reader, needTecplot bool) (*table, error) {
	lr := newLineReader(r)
	var (
		tec        []tecToken   // tokens of the Tecplot header lines
		inTecplot  bool         // the previous header line was a Tecplot record
		candidates []headerLine // plain and comment header lines that may name the columns
		nHeader    int
		first      string
		firstLine  int
		sawAnyLine bool
	)
	for {
		line, ok, err := lr.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		s := strings.TrimSpace(line)
		if s == "" {
			continue
		}
		sawAnyLine = true
		if isDataLine(s) {
			first, firstLine = s, lr.n
			break
		}
		if nHeader++; nHeader > maxHeaderLines {
			return nil, fmt.Errorf("line %d: more than %d header lines and no data yet", lr.n, maxHeaderLines)
		}
		if c, ok := commentText(s); ok {
			candidates, inTecplot = append(candidates, headerLine{c, lr.n}), false
			continue
		}
		if isTecplotRecord(s) || (inTecplot && (s[0] == '"' || s[0] == ',')) {
			toks, err := tecTokens(s, lr.n)
			if err != nil {
				return nil, err
			}
			tec, inTecplot = append(tec, toks...), true
			continue
		}
		candidates, inTecplot = append(candidates, headerLine{s, lr.n}), false
	}
	if first == "" {
		if !sawAnyLine {
			return nil, errors.New("empty input: no vectors")
		}
		return nil, fmt.Errorf("no data lines, only a header of %d lines", nHeader)
	}

	t := &table{}
	hdr, err := parseTecplot(tec)
	if err != nil {
		return nil, err
	}
	t.zone = hdr.zone
	switch {
	case hdr.variables != nil:
		if t.cols, err = namedColumns(hdr.variables); err != nil {
			return nil, fmt.Errorf("line %d: Tecplot VARIABLES \"%s\": %v", hdr.variablesLine, strings.Join(hdr.variables, `", "`), err)
		}
		t.namedOn = hdr.variablesLine
		t.unitsFrom(candidates)
	case needTecplot:
		return nil, fmt.Errorf("line %d: data before any Tecplot VARIABLES record naming the columns (not a TSI Insight .vec file?)", firstLine)
	default:
		if cols, line := columnHeader(candidates); cols != nil {
			t.cols, t.namedOn = cols, line
		}
	}
	if err := t.readRows(lr, first, firstLine); err != nil {
		return nil, err
	}
	return t, nil
}

// headerLine is a header line that is not a Tecplot record, without any
// comment marker.
type headerLine struct {
	text string
	line int
}

// columnHeader returns the columns named by the last header line that names
// x, y, u and v, and its line number; nil if none does.
func columnHeader(candidates []headerLine) ([]column, int) {
	for k := len(candidates) - 1; k >= 0; k-- {
		if cols, err := namedColumns(splitHeader(candidates[k].text)); err == nil {
			return cols, candidates[k].line
		}
	}
	return nil, 0
}

// unitsFrom fills the units that Tecplot VARIABLES left out from a comment
// line naming the same columns with units, as PIVlab's Tecplot export writes
// ("# x [px] y [px] u [px/frame] v [px/frame] isNaN?").
func (t *table) unitsFrom(candidates []headerLine) {
	cols, _ := columnHeader(candidates)
	if len(cols) != len(t.cols) {
		return
	}
	for k := range t.cols {
		if t.cols[k].unit == "" && cols[k].role == t.cols[k].role {
			t.cols[k].unit = cols[k].unit
		}
	}
}

// readRows parses the first data line, sets the column roles, and reads the
// remaining data lines.
func (t *table) readRows(lr *lineReader, first string, firstLine int) error {
	delim := detectDelimiter(first)
	var buf []float64
	buf, err := t.parseRow(buf, first, firstLine, delim)
	if err != nil {
		return err
	}
	if t.cols == nil {
		if len(buf) < 4 {
			return fmt.Errorf("line %d: expected at least 4 numeric columns (x y u v), got %d", firstLine, len(buf))
		}
		t.cols = positionalColumns(len(buf))
	}
	for k, c := range t.cols {
		if c.role.isStatus() {
			t.statusCols = append(t.statusCols, k)
		}
	}
	t.status = make([][]float64, len(t.statusCols))
	if err := t.add(buf, firstLine, firstLine); err != nil {
		return err
	}
	for {
		line, ok, err := lr.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		s := strings.TrimSpace(line)
		if s == "" {
			continue
		}
		if _, ok := commentText(s); ok {
			continue
		}
		if isTecplotRecord(s) {
			if w := firstWord(s); w == "ZONE" {
				return fmt.Errorf("line %d: a second ZONE: only one zone (one snapshot) per file is supported", lr.n)
			}
			return fmt.Errorf("line %d: Tecplot %s record after the data", lr.n, firstWord(s))
		}
		if len(t.x) >= maxVectors {
			return fmt.Errorf("line %d: more than %d vectors", lr.n, maxVectors)
		}
		if buf, err = t.parseRow(buf, s, lr.n, delim); err != nil {
			return err
		}
		if err := t.add(buf, lr.n, firstLine); err != nil {
			return err
		}
	}
}

// add appends one parsed data line.
func (t *table) add(row []float64, line, firstLine int) error {
	if len(row) != len(t.cols) {
		return fmt.Errorf("line %d: expected %d numeric columns (%s), got %d", line, len(t.cols), t.describeColumns(firstLine), len(row))
	}
	var x, y, u, v float64
	for k, c := range t.cols {
		switch c.role {
		case roleX:
			x = row[k]
		case roleY:
			y = row[k]
		case roleU:
			u = row[k]
		case roleV:
			v = row[k]
		}
	}
	if !isFinite(x) || !isFinite(y) {
		return fmt.Errorf("line %d: position (%v, %v) is not finite", line, x, y)
	}
	t.x, t.y, t.u, t.v = append(t.x, x), append(t.y, y), append(t.u, u), append(t.v, v)
	for s, k := range t.statusCols {
		t.status[s] = append(t.status[s], row[k])
	}
	t.lines = append(t.lines, line)
	return nil
}

// describeColumns names the expected columns for error messages.
func (t *table) describeColumns(firstLine int) string {
	if t.namedOn == 0 {
		return fmt.Sprintf("as on line %d", firstLine)
	}
	names := make([]string, len(t.cols))
	for k, c := range t.cols {
		names[k] = c.raw
	}
	return strings.Join(names, ", ")
}

// validity reports, per vector, whether it is a valid measurement: finite
// velocity and every status column saying valid. Positional status columns
// that hold anything but integers are not flags and are ignored.
func (t *table) validity() []bool {
	valid := make([]bool, len(t.x))
	for k := range valid {
		valid[k] = isFinite(t.u[k]) && isFinite(t.v[k])
	}
	for s, k := range t.statusCols {
		c := t.cols[k]
		if t.namedOn == 0 && !allIntegers(t.status[s]) {
			continue
		}
		for p, val := range t.status[s] {
			valid[p] = valid[p] && c.role.says(val)
		}
	}
	return valid
}

func allIntegers(a []float64) bool {
	for _, v := range a {
		if v != math.Trunc(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// units takes the length unit from the x (else y) column and the velocity
// unit from the u (else v) column.
func (t *table) units() piv.Units {
	var u piv.Units
	for _, c := range t.cols {
		switch {
		case c.role == roleX || (c.role == roleY && u.Length == ""):
			if c.unit != "" {
				u.Length = c.unit
			}
		case c.role == roleU || (c.role == roleV && u.Velocity == ""):
			if c.unit != "" {
				u.Velocity = c.unit
			}
		}
	}
	return u
}

// isDataLine reports whether a line starts with a number.
func isDataLine(s string) bool {
	end := strings.IndexAny(s, " \t,;")
	if end < 0 {
		end = len(s)
	}
	_, err := parseNumber(s[:end], 0)
	return err == nil
}

// detectDelimiter picks the column separator of the data lines: semicolon,
// comma, else white space (spaces and tabs).
func detectDelimiter(s string) byte {
	switch {
	case strings.IndexByte(s, ';') >= 0:
		return ';'
	case strings.IndexByte(s, ',') >= 0:
		return ','
	}
	return ' '
}

// parseRow parses the values of one data line into buf.
func (t *table) parseRow(buf []float64, s string, line int, delim byte) ([]float64, error) {
	var fields []string
	if delim == ' ' {
		fields = strings.Fields(s)
	} else {
		fields = strings.Split(s, string(delim))
		if len(fields) > 1 && strings.TrimSpace(fields[len(fields)-1]) == "" {
			fields = fields[:len(fields)-1] // a trailing separator
		}
	}
	if len(fields) > maxColumns {
		return nil, fmt.Errorf("line %d: %d values, more than the %d columns supported", line, len(fields), maxColumns)
	}
	buf = buf[:0]
	for k, f := range fields {
		v, err := parseNumber(strings.TrimSpace(f), delim)
		if err != nil {
			name := ""
			if k < len(t.cols) && t.namedOn != 0 {
				name = " (" + t.cols[k].raw + ")"
			}
			return nil, fmt.Errorf("line %d: column %d%s: %v", line, k+1, name, err)
		}
		buf = append(buf, v)
	}
	return buf, nil
}

// parseNumber reads one value. NaN and Inf are accepted (they mark invalid
// vectors), as are values beyond float64 range (read as ±Inf). With a
// semicolon delimiter, a decimal comma is accepted too.
func parseNumber(f string, delim byte) (float64, error) {
	if len(f) >= 2 && f[0] == '"' && f[len(f)-1] == '"' {
		f = strings.TrimSpace(f[1 : len(f)-1])
	}
	if f == "" {
		return 0, errors.New("empty value")
	}
	if delim == ';' && strings.IndexByte(f, ',') >= 0 && strings.IndexByte(f, '.') < 0 {
		f = strings.Replace(f, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(f, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		if len(f) > 40 {
			f = f[:40] + "..."
		}
		return 0, fmt.Errorf("cannot read %q as a number", f)
	}
	return v, nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
