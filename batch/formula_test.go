package batch

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// nastyCells are values built to start a formula somewhere.
var nastyCells = []string{
	"Budi;=1+1", "Budi,=1+1", "Budi\t=1+1", "Budi\n=1+1", "Budi\r\n@SUM(A1)", "a; -2", "a;\"=1\"",
	"a\",=b", "=cmd|' /C calc'!A0", "+62812", " =1", "'=1", "''@x", "x;\t=1", "x;\r=1", "a;\uFF1D1",
	"Budi;=HYPERLINK(\"http://x\";\"y\");", "plain", "", "O'Neil, S.E.", "1; 2", "a;'b",
}

// parseLikeASpreadsheet splits data as a spreadsheet opening a CSV with the
// list separator sep does: a '"' opens a quoted field only at the start of a
// field, and after its closing quote the rest of the field is taken as it
// is (Excel's, LibreOffice's behaviour); a line break outside quotes ends a
// record.
func parseLikeASpreadsheet(data string, sep byte) [][]string {
	var recs [][]string
	var rec []string
	var f strings.Builder
	i := 0
	endField := func() { rec = append(rec, f.String()); f.Reset() }
	for i < len(data) {
		if data[i] == '"' { // quoted field
			i++
			for i < len(data) {
				if data[i] == '"' {
					if i+1 < len(data) && data[i+1] == '"' {
						f.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				f.WriteByte(data[i])
				i++
			}
		}
		for i < len(data) && data[i] != sep && data[i] != '\n' && data[i] != '\r' {
			f.WriteByte(data[i])
			i++
		}
		endField()
		switch {
		case i >= len(data):
		case data[i] == sep:
			i++
			if i == len(data) {
				endField()
			}
		default: // a line break
			if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			i++
			recs = append(recs, rec)
			rec = nil
		}
	}
	if rec != nil {
		recs = append(recs, rec)
	}
	return recs
}

// startsFormula reports whether a spreadsheet could read cell as a formula,
// also one that trims leading white space and quotes.
func startsFormula(cell string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(cell, " \t\r\""))
	return strings.ContainsRune("=+-@\uFF1D\uFF0B\uFF0D\uFF20", r)
}

// TestCSVReportFormulaSafeInEveryDialect writes reports in each delimiter
// with values built to start formulas (at a cell's start and after a ',',
// ';', tab or line break inside it), then reads each report back with every
// delimiter, as a spreadsheet in another locale would: no cell starts a
// formula. Read with its own delimiter, each cell gives the value back
// through UnquoteCell.
func TestCSVReportFormulaSafeInEveryDialect(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(7, 27))
	const alphabet = "=+-@;,\t\r\n\" 'aZ1\uFF1D"
	letters := []rune(alphabet)
	values := append([]string(nil), nastyCells...)
	for range 3000 {
		var b strings.Builder
		for range rnd.IntN(8) {
			b.WriteRune(letters[rnd.IntN(len(letters))])
		}
		values = append(values, b.String())
	}
	for _, delim := range []rune{',', ';', '\t'} {
		m := testMeta(delim)
		m.Header = []string{"kpj", "=nama", "phone;=x"}
		var lines []ReportLine
		for i := 0; i+3 <= len(values); i += 3 {
			lines = append(lines, ReportLine{Row: i/3 + 1, Line: i/3 + 2, Fields: values[i : i+3], Outcome: OutcomeRejected,
				Issues: Issues{{Code: CodeKPJFormat, Column: ColKPJ}}})
		}
		out := string(bytes.TrimPrefix(writeCSVReport(t, m, lines), []byte("\uFEFF")))
		for _, sep := range []byte{',', ';', '\t'} {
			for r, rec := range parseLikeASpreadsheet(out, sep) {
				for c, cell := range rec {
					if startsFormula(cell) {
						t.Fatalf("report with delimiter %q read with %q: record %d cell %d %q starts a formula", delim, sep, r, c, cell)
					}
				}
			}
		}
		recs := parseLikeASpreadsheet(out, byte(delim))
		if len(recs) != len(lines)+1 {
			t.Fatalf("delimiter %q: %d records read back, want %d", delim, len(recs), len(lines)+1)
		}
		for i, l := range lines {
			for j, want := range l.Fields {
				if got := UnquoteCell(recs[i+1][2+j]); got != want {
					t.Fatalf("delimiter %q: row %d field %d: read back %q, want %q", delim, l.Row, j, got, want)
				}
			}
		}
		if got := UnquoteCell(recs[0][3]); got != "=nama" {
			t.Errorf("delimiter %q: header read back %q", delim, got)
		}
	}
}

// TestUnquoteCellUndoesQuoteCell checks that the marks are reversible, for
// the nasty values and random ones.
func TestUnquoteCellUndoesQuoteCell(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 2))
	letters := []rune("=+-@;,\t\r\n\" 'a\uFF20")
	values := append([]string(nil), nastyCells...)
	for range 20000 {
		var b strings.Builder
		for range rnd.IntN(10) {
			b.WriteRune(letters[rnd.IntN(len(letters))])
		}
		values = append(values, b.String())
	}
	for _, v := range values {
		q := QuoteCell(v)
		if got := UnquoteCell(q); got != v {
			t.Fatalf("UnquoteCell(QuoteCell(%q) = %q) = %q", v, q, got)
		}
		if NeedsQuote(v) != (q != v) {
			t.Fatalf("NeedsQuote(%q) = %v, but QuoteCell gives %q", v, NeedsQuote(v), q)
		}
	}
}
