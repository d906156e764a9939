package batch

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
)

// maxHeaderDetails bounds the details of one header error, so a hostile
// header of many thousand bad names does not become a huge error response.
const maxHeaderDetails = 100

// columnsByKey maps the key of every canonical name and alias to its column.
var columnsByKey = func() map[string]Column {
	m := map[string]Column{}
	for _, spec := range Columns {
		m[headerKey(string(spec.Name))] = spec.Name
		for _, alias := range spec.Aliases {
			m[headerKey(alias)] = spec.Name
		}
	}
	return m
}()

// reportOnlyKeys holds the keys of the columns only a result report has.
var reportOnlyKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, name := range reportOnlyColumns {
		m[headerKey(name)] = true
	}
	return m
}()

// headerKey folds a header name so that case and every character that is
// not a letter or digit do not matter: "No. KPJ", "no_kpj" and "NOKPJ" all
// give "nokpj".
func headerKey(name string) string {
	var b strings.Builder
	// A Caser keeps state: one per call, as uploads run concurrently.
	for _, r := range cases.Fold().String(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// headerProblems sorts the problems of a header by kind, so the error can
// name the first kind and list them all.
type headerProblems struct {
	unknown, duplicate, missing []Detail
}

// headerNames returns the trimmed names of a header record, without the
// empty names after the last named column: a spreadsheet writes those for
// columns it formatted but that hold nothing (a trailing ";" on every
// line), and the decoder drops the rows' empty cells under them too
// (dropEmptyTail). An empty name between named ones stays: it is an
// unknown column.
func headerNames(fields []string) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = trimSpace(f)
	}
	n := len(names)
	for n > 0 && names[n-1] == "" {
		n--
	}
	return names[:n]
}

// checkHeader maps the uploaded header names to canonical columns, with
// no mapping (see mapHeader).
func checkHeader(names []string, line int) (Layout, error) {
	return mapHeader(names, line, nil)
}

// mapHeader maps the uploaded header names to canonical columns: by the
// upload's mapping first, then by name or alias; a report-only column (a
// report uploaded again) is ColReportOnly. It returns the layout, or an
// *Error listing every problem: unknown names first (each with the
// likeliest column as its Suggestion), then duplicates, then missing
// required columns.
func mapHeader(names []string, line int, m Mapping) (Layout, error) {
	var p headerProblems
	layout := make(Layout, len(names))
	seen := map[Column]bool{}
	var unknownAt []int
	for i, name := range names {
		col, ok := m.column(name)
		if !ok {
			col, ok = columnsByKey[headerKey(name)]
		}
		if !ok && reportOnlyKeys[headerKey(name)] && name != "" {
			col, ok = ColReportOnly, true
		}
		switch {
		case !ok:
			p.unknown = append(p.unknown, unknownColumn(name, i, line))
			unknownAt = append(unknownAt, i)
		case col == ColIgnored || col == ColReportOnly:
		case seen[col]:
			p.duplicate = append(p.duplicate, Detail{Code: CodeHeaderDuplicateColumn, Line: line, Column: shorten(name), Value: string(col)})
		default:
			seen[col] = true
		}
		layout[i] = col
	}
	if len(p.unknown) == len(names) {
		// Not one name is a column: the file may have no header row, and its
		// first line be data (personal data, even). Name the unknown columns
		// by position only; never echo those values.
		for i := range p.unknown {
			p.unknown[i].Column, p.unknown[i].Value = "", strconv.Itoa(i+1)
		}
	} else {
		for j, i := range unknownAt {
			p.unknown[j].Suggestion = suggestColumn(names[i], seen)
		}
	}
	for _, spec := range Columns {
		if spec.Required && !seen[spec.Name] {
			p.missing = append(p.missing, Detail{Code: CodeHeaderMissingColumn, Line: line, Column: string(spec.Name)})
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return layout, nil
}

// unknownColumn is the detail of an unknown header name. A name left empty
// has its 1-based position in Value, so the user can find it.
func unknownColumn(name string, i, line int) Detail {
	d := Detail{Code: CodeHeaderUnknownColumn, Line: line, Column: shorten(name)}
	if name == "" {
		d.Value = strconv.Itoa(i + 1)
	}
	return d
}

// maxDetailRunes bounds a header name quoted in an error.
const maxDetailRunes = 64

// shorten cuts s to maxDetailRunes runes, marking the cut with "…".
func shorten(s string) string {
	n := 0
	for i := range s {
		if n == maxDetailRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// err returns the header error, or nil when there is no problem.
func (p headerProblems) err() error {
	var code Code
	switch {
	case len(p.unknown) > 0:
		code = CodeHeaderUnknownColumn
	case len(p.duplicate) > 0:
		code = CodeHeaderDuplicateColumn
	case len(p.missing) > 0:
		code = CodeHeaderMissingColumn
	default:
		return nil
	}
	all := append(append(append([]Detail{}, p.unknown...), p.duplicate...), p.missing...)
	if len(all) > maxHeaderDetails {
		all = all[:maxHeaderDetails]
	}
	return FileError(KindInvalid, code, all...)
}

// delimiters are the accepted delimiters, in the order that breaks a tie.
var delimiters = []byte{',', ';', '\t'}

// sniffDelimiter picks the delimiter of the first non-blank line of head:
// the accepted delimiter that occurs most often outside quotes (',' when
// none does). head is the start of the file; a header longer than head is
// judged by the part of it that head holds. When every line is blank the
// first line votes, so that a file of `"";""` reads as blank, not as a
// syntax error.
func sniffDelimiter(head []byte) rune {
	line := firstContentLine(head)
	if line == nil {
		line = head
	}
	var counts [256]int
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			return bestDelimiter(&counts)
		case !quoted:
			counts[c]++
		}
	}
	return bestDelimiter(&counts)
}

func bestDelimiter(counts *[256]int) rune {
	best := delimiters[0]
	for _, d := range delimiters[1:] {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return rune(best)
}

// firstContentLine returns head from its first line that is not blank (see
// blankRecord; a line of quotes only is blank here too, as `"";""` is).
func firstContentLine(head []byte) []byte {
	for len(head) > 0 {
		line, rest, _ := bytes.Cut(head, []byte{'\n'})
		if !blankLine(line) {
			return head
		}
		head = rest
	}
	return nil
}

func blankLine(line []byte) bool {
	for _, c := range line {
		if !isSpaceByte(c) && c != ',' && c != ';' && c != '"' {
			return false
		}
	}
	return true
}

// blankRecord reports whether a record holds nothing but white space and
// delimiters: an empty line, or what spreadsheets write for an empty row
// (";;;;"), whichever accepted delimiter it uses. Such records are skipped;
// a row with no value at all cannot be a claim.
func blankRecord(fields []string) bool {
	for _, f := range fields {
		if strings.Trim(trimSpace(f), ",; \t") != "" {
			return false
		}
	}
	return true
}
