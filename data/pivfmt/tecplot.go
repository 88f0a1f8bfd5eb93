package pivfmt

import (
	"fmt"
	"strconv"
	"strings"
)

// Tecplot ASCII header records, as TSI Insight, DaVis and PIVlab write them:
//
//	TITLE = "..." VARIABLES = "X mm", "Y mm", "U m/s", "V m/s", "CHC"
//	DATASETAUXDATA Name="value"
//	ZONE I=63, J=63, F=POINT
//
// possibly all on one line (Insight), possibly one record per line, a
// VARIABLES list possibly continued on lines starting with a quote.

// tecplotRecords are the record keywords that start a Tecplot header line.
var tecplotRecords = map[string]bool{
	"TITLE": true, "VARIABLES": true, "ZONE": true, "DATASETAUXDATA": true, "AUXDATA": true,
	"VARAUXDATA": true, "FILETYPE": true, "TEXT": true, "GEOMETRY": true,
}

// firstWord is the upper-cased leading word of s, up to white space, '=' or ','.
func firstWord(s string) string {
	end := strings.IndexAny(s, " \t=,")
	if end < 0 {
		end = len(s)
	}
	return strings.ToUpper(s[:end])
}

func isTecplotRecord(s string) bool { return tecplotRecords[firstWord(s)] }

// tecToken is a word, a quoted string, '=' or ','.
type tecToken struct {
	text   string
	quoted bool
	line   int
}

func (t tecToken) is(punct string) bool { return !t.quoted && t.text == punct }

// keyword reports whether t is an unquoted record keyword.
func (t tecToken) keyword() bool { return !t.quoted && tecplotRecords[strings.ToUpper(t.text)] }

func (t tecToken) word() bool { return t.quoted || (t.text != "=" && t.text != ",") }

// tecTokens splits one Tecplot header line into tokens.
func tecTokens(s string, line int) ([]tecToken, error) {
	var toks []tecToken
	for k := 0; k < len(s); {
		switch c := s[k]; {
		case c == ' ' || c == '\t':
			k++
		case c == '=' || c == ',':
			toks = append(toks, tecToken{text: string(c), line: line})
			k++
		case c == '"':
			end := strings.IndexByte(s[k+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated quoted string in Tecplot header", line)
			}
			toks = append(toks, tecToken{text: s[k+1 : k+1+end], quoted: true, line: line})
			k += end + 2
		default:
			end := strings.IndexAny(s[k:], " \t=,\"")
			if end < 0 {
				end = len(s) - k
			}
			toks = append(toks, tecToken{text: s[k : k+end], line: line})
			k += end
		}
	}
	return toks, nil
}

// zone is a Tecplot ordered zone of I x J points.
type zone struct {
	i, j int
	line int
}

// tecplotHeader is what the reader needs from the Tecplot records.
type tecplotHeader struct {
	variables     []string // nil without a VARIABLES record
	variablesLine int
	zone          *zone
}

// parseTecplot interprets the tokens of the Tecplot header lines. Records
// other than VARIABLES and ZONE are skipped.
func parseTecplot(toks []tecToken) (tecplotHeader, error) {
	var h tecplotHeader
	for k := 0; k < len(toks); {
		t := toks[k]
		k++
		if !t.keyword() {
			continue
		}
		switch strings.ToUpper(t.text) {
		case "VARIABLES":
			if h.variables != nil {
				return h, fmt.Errorf("line %d: a second VARIABLES record", t.line)
			}
			h.variables, h.variablesLine = []string{}, t.line
			if k < len(toks) && toks[k].is("=") {
				k++
			}
			for ; k < len(toks); k++ {
				v := toks[k]
				if v.is(",") {
					continue
				}
				if !v.word() || v.keyword() || (k+1 < len(toks) && !v.quoted && toks[k+1].is("=")) {
					break
				}
				h.variables = append(h.variables, v.text)
			}
			if len(h.variables) == 0 {
				return h, fmt.Errorf("line %d: VARIABLES record names no variables", t.line)
			}
		case "ZONE":
			if h.zone != nil {
				return h, fmt.Errorf("line %d: a second ZONE record: only one zone per file is supported", t.line)
			}
			var err error
			h.zone, k, err = parseZone(toks, k, t.line)
			if err != nil {
				return h, err
			}
		}
	}
	return h, nil
}

// parseZone reads the KEY=value pairs of a ZONE record from toks[k:] and
// returns the zone (nil when it gives no I) and the index after it.
func parseZone(toks []tecToken, k, line int) (*zone, int, error) {
	z := &zone{i: 1, j: 1, line: line}
	sawI := false
	for k < len(toks) {
		if toks[k].is(",") {
			k++
			continue
		}
		if k+2 >= len(toks) || !toks[k].word() || toks[k].keyword() || !toks[k+1].is("=") || !toks[k+2].word() {
			break
		}
		key, val := strings.ToUpper(toks[k].text), toks[k+2].text
		k += 3
		switch key {
		case "I", "J", "K":
			n, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil || n <= 0 || n > maxVectors {
				return nil, k, fmt.Errorf("line %d: ZONE %s=%q is not a point count in [1, %d]", line, key, val, maxVectors)
			}
			switch key {
			case "I":
				z.i, sawI = n, true
			case "J":
				z.j = n
			case "K":
				if n != 1 {
					return nil, k, fmt.Errorf("line %d: ZONE K=%d: only 2D (K=1) zones are supported", line, n)
				}
			}
		case "F", "DATAPACKING":
			if p := strings.ToUpper(val); p != "POINT" {
				return nil, k, fmt.Errorf("line %d: ZONE %s=%s: only POINT data (one point per line) is supported", line, key, val)
			}
		case "ZONETYPE":
			if zt := strings.ToUpper(val); zt != "ORDERED" {
				return nil, k, fmt.Errorf("line %d: ZONETYPE=%s: only ordered zones are supported", line, val)
			}
		}
	}
	if !sawI {
		return nil, k, nil // no point count to check the data against
	}
	if z.i > maxVectors/z.j {
		return nil, k, fmt.Errorf("line %d: ZONE I=%d, J=%d is more than %d vectors", line, z.i, z.j, maxVectors)
	}
	return z, k, nil
}
