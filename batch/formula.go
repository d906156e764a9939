package batch

import (
	"bufio"
	"strings"
	"unicode/utf8"
)

// Formula-safe cells.
//
// A spreadsheet starts a formula where a cell starts with a trigger (= + - @,
// a tab or a CR, and their full-width forms, which some East Asian locales
// also accept). Where a cell starts depends on who reads the file: Excel in
// the Indonesian locale opens a comma-separated file with ';' as its list
// separator, so "Budi;=1+1" in a comma report is split into "Budi" and a live
// "=1+1"; quotes do not help there, because a quote only opens a quoted field
// at the start of a field, and the ';' sits in the middle of one. So a cell
// is defused at every place any common dialect (',', ';', tab, a line break)
// could start a cell: at its start and right after each of those characters
// inside it. Where what follows (after spaces and quotes) is a trigger, a
// single ' is put there. A ' makes the rest text in every spreadsheet.
//
// The mark is reversible: UnquoteCell removes exactly the marks QuoteCell
// added. A ' the user wrote where a mark could go is itself marked (doubled),
// so a fixed report uploaded again gives back the uploaded values.

// cellStarts are the characters after which some spreadsheet dialect starts
// a new cell.
const cellStarts = ",;\t\r\n"

// formulaTriggers start a formula at the start of a cell.
const formulaTriggers = "=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20"

// markAt reports whether a mark belongs in front of s, the text at a place
// where a cell could start: after spaces and double quotes (a reader may
// trim the one and open a quoted field with the other) comes a trigger, or s
// starts with a ' that is followed by what would need a mark.
func markAt(s string) bool {
	if strings.HasPrefix(s, "'") {
		return markAt(s[1:])
	}
	s = strings.TrimLeft(s, ` "`)
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && strings.ContainsRune(formulaTriggers, r)
}

// QuoteCell returns s defused for any spreadsheet: a ' at the start when s
// would start a formula, and after each ',' ';' tab or line break inside s
// that is followed by a trigger. Most cells come back unchanged.
func QuoteCell(s string) string {
	if !NeedsQuote(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == 0 || strings.IndexByte(cellStarts, s[i-1]) >= 0 {
			if markAt(s[i:]) {
				b.WriteString(s[start:i])
				b.WriteByte('\'')
				start = i
			}
		}
	}
	b.WriteString(s[start:])
	return b.String()
}

// NeedsQuote reports whether QuoteCell changes s.
func NeedsQuote(s string) bool {
	if markAt(s) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(cellStarts, s[i]) >= 0 && markAt(s[i+1:]) {
			return true
		}
	}
	return false
}

// UnquoteCell undoes QuoteCell: UnquoteCell(QuoteCell(s)) == s for every s.
// The upload applies it to a report sent back, so that a fixed report
// gives the values that were uploaded the first time.
func UnquoteCell(s string) string {
	if !strings.Contains(s, "'") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		atStart := i == 0 || strings.IndexByte(cellStarts, s[i-1]) >= 0
		if atStart && s[i] == '\'' && markAt(s[i+1:]) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// csvRecordWriter writes CSV records as RFC 4180 with CRLF line ends. Unlike
// encoding/csv it quotes every field that holds the delimiter of any common
// dialect (',', ';', tab), so a reader using another list separator than
// the report's still reads such a field whole when it starts a record.
type csvRecordWriter struct {
	w     *bufio.Writer
	comma rune
	buf   []byte
}

func (c *csvRecordWriter) write(rec []string) error {
	b := c.buf[:0]
	for i, f := range rec {
		if i > 0 {
			b = utf8.AppendRune(b, c.comma)
		}
		if !needsCSVQuotes(f, c.comma) {
			b = append(b, f...)
			continue
		}
		b = append(b, '"')
		b = append(b, strings.ReplaceAll(f, `"`, `""`)...)
		b = append(b, '"')
	}
	b = append(b, '\r', '\n')
	c.buf = b
	_, err := c.w.Write(b)
	return err
}

func (c *csvRecordWriter) flush() error { return c.w.Flush() }

func needsCSVQuotes(f string, comma rune) bool {
	if f == "" {
		return false
	}
	return strings.ContainsAny(f, "\",;\t\r\n") || strings.ContainsRune(f, comma) ||
		f[0] == ' ' || f[len(f)-1] == ' '
}
