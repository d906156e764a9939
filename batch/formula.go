package batch

import (
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
// a new cell, as a table: cellStart runs for every byte of every report
// cell, and a lookup here is several times cheaper than searching a string.
var cellStarts = [256]bool{',': true, ';': true, '\t': true, '\r': true, '\n': true}

// formulaTriggers start a formula at the start of a cell.
const formulaTriggers = "=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20"

// markAt looks at the place i of s where a cell could start. A reader may
// trim spaces and open a quoted field with '"', so the mark's place j is
// after those; a mark belongs there when what follows is a trigger, or a
// run of ' and then a trigger (a ' the user wrote gets a mark too, so that
// UnquoteCell can tell the two apart).
func markAt(s string, i int) (j int, mark bool) {
	j = i
	for j < len(s) && (s[j] == ' ' || s[j] == '"') {
		j++
	}
	return j, trigger(s[j:])
}

// asciiTriggers are the triggers of formulaTriggers below utf8.RuneSelf.
var asciiTriggers = [utf8.RuneSelf]bool{'=': true, '+': true, '-': true, '@': true, '\t': true, '\r': true}

// trigger reports whether s is a trigger after a run of '.
func trigger(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; c < utf8.RuneSelf && c != '\'' { // nearly every cell: one lookup
		return asciiTriggers[c]
	}
	r, size := utf8.DecodeRuneInString(strings.TrimLeft(s, "'"))
	return size > 0 && strings.ContainsRune(formulaTriggers, r)
}

// cellStart reports whether a cell could start at i in s.
func cellStart(s string, i int) bool {
	return i == 0 || cellStarts[s[i-1]]
}

// QuoteCell returns s defused for any spreadsheet: a ' before each trigger
// that could start a cell's text (at the start of s, or after a ',' ';'
// tab or line break inside it, past spaces and quotes). A cell that starts
// with a trigger thus gets a leading '. Most cells come back unchanged.
func QuoteCell(s string) string {
	if !NeedsQuote(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	done := 0
	for i := 0; i < len(s); i++ {
		if !cellStart(s, i) {
			continue
		}
		if j, mark := markAt(s, i); mark {
			b.WriteString(s[done:j])
			b.WriteByte('\'')
			done = j
		}
	}
	b.WriteString(s[done:])
	return b.String()
}

// NeedsQuote reports whether QuoteCell changes s.
func NeedsQuote(s string) bool {
	for i := 0; i < len(s); i++ {
		if cellStart(s, i) {
			if _, mark := markAt(s, i); mark {
				return true
			}
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
	drop := -1
	for i := 0; i < len(s); i++ {
		if cellStart(s, i) {
			// A mark sits where markAt puts one, before a ' run and a trigger.
			if j, _ := markAt(s, i); j < len(s) && s[j] == '\'' && trigger(s[j+1:]) {
				drop = j
			}
		}
		if i != drop {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// csvQuoted are the bytes that make a field quoted, whatever the report's
// delimiter: a quote, the delimiters of the common dialects, line breaks.
// Unlike encoding/csv, the report quotes every field that holds the
// delimiter of any common dialect (',', ';', tab), so a reader using
// another list separator than the report's still reads such a field whole
// when it starts a record.
var csvQuoted = [256]bool{'"': true, ',': true, ';': true, '\t': true, '\r': true, '\n': true}

func needsCSVQuotes(f string, comma rune) bool {
	if f == "" {
		return false
	}
	if f[0] == ' ' || f[len(f)-1] == ' ' {
		return true
	}
	for i := 0; i < len(f); i++ {
		if csvQuoted[f[i]] {
			return true
		}
	}
	if comma < utf8.RuneSelf { // one of the above, or another single byte
		return !csvQuoted[comma] && strings.IndexByte(f, byte(comma)) >= 0
	}
	return strings.ContainsRune(f, comma)
}
