package batch

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// referenceCSVReport is the CSV report as it was written before the writer
// appended cells to one buffer: every cell rendered as a string
// (renderer.cells), defused by safeCell, then quoted as RFC 4180 where
// needsCSVQuotes says so. CSVReport must write the same bytes.
func referenceCSVReport(m ReportMeta, ls []ReportLine) []byte {
	comma := m.Delimiter
	if comma == 0 {
		comma = ','
	}
	var out bytes.Buffer
	out.WriteString("\uFEFF")
	record := func(rec []string) {
		for i, f := range rec {
			if i > 0 {
				out.WriteRune(comma)
			}
			f = safeCell(f)
			if !needsCSVQuotes(f, comma) {
				out.WriteString(f)
				continue
			}
			out.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
		}
		out.WriteString("\r\n")
	}
	r := newRenderer(m)
	record(reportHeader(r.header))
	for _, l := range ls {
		c := r.cells(l)
		rec := []string{strconv.Itoa(l.Row), strconv.Itoa(l.Line)}
		rec = append(rec, c.fields...)
		rec = append(rec, c.outcome, c.claimNumber, c.claimStatus, c.eligibleOn,
			c.amount(c.gross), c.amount(c.tax), c.amount(c.net), c.errs, c.warns, c.messages)
		record(rec)
	}
	return out.Bytes()
}

// randomCell is a short value drawn from letters that matter to the
// writer: triggers, delimiters, quotes, spaces, line breaks, the
// full-width forms, other non-ASCII text.
func randomCell(rnd *rand.Rand) string {
	letters := []rune("=+-@;,|\t\r\n\" 'aZ1\uFF1D\uFF0B\uFF20éü€")
	var b strings.Builder
	for range rnd.IntN(9) {
		b.WriteRune(letters[rnd.IntN(len(letters))])
	}
	return b.String()
}

// TestCSVReportAsReference writes reports of random and nasty values, in
// every delimiter (also ones no upload is sniffed with), with headers that
// hide report-only columns, rows of too few and too many fields, negative
// amounts and issues, and compares them byte for byte with the reference.
func TestCSVReportAsReference(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(3, 5))
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, delim := range []rune{0, ',', ';', '\t', '|', 'a', '\u00A7', '\uFF1D'} {
		for _, header := range [][]string{
			{"No KPJ", "nama", "phone"},
			{"kpj", "outcome", "=nama", "messages", "phone;=x", " spaced "},
		} {
			m := testMeta(delim)
			m.Header = header
			ls := append([]ReportLine(nil), testLines()...)
			for i := range 2000 {
				fields := make([]string, rnd.IntN(len(header)+3))
				for j := range fields {
					if rnd.IntN(4) == 0 {
						fields[j] = nastyCells[rnd.IntN(len(nastyCells))]
					} else {
						fields[j] = randomCell(rnd)
					}
				}
				l := ReportLine{Row: i + 1, Line: i + 2, Fields: fields, Outcome: OutcomeValid,
					ClaimNumber: randomCell(rnd), ClaimStatus: ClaimStatus(randomCell(rnd))}
				switch rnd.IntN(4) {
				case 0: // one to six of a few issues, so that combinations repeat (and some do not)
					l.Outcome = OutcomeRejected
					for range 1 + rnd.IntN(6) {
						l.Issues = append(l.Issues, []Issue{{Code: CodeKPJFormat, Column: ColKPJ}, {Code: CodePhoneFormat, Column: ColPhone},
							{Code: CodeFieldCount, Arg: strconv.Itoa(rnd.IntN(3)) + "/3"},
							{Code: CodeBankAccountLengthUnusual, Column: ColBankAccount, Arg: "10"}}[rnd.IntN(4)])
					}
				case 1:
					l.EligibleOn, l.HasAmounts = day.AddDate(0, 0, i/50), true
					if i%3 == 0 { // the same instant, another day in this zone
						l.EligibleOn = l.EligibleOn.In(time.FixedZone("UTC-5", -5*3600))
					}
					l.Gross, l.Tax, l.Net = rnd.Int64N(1e9)-1e8, rnd.Int64N(1e7), rnd.Int64()
				case 2:
					l.Outcome = ""
				}
				ls = append(ls, l)
			}
			got, want := writeCSVReport(t, m, ls), referenceCSVReport(m, ls)
			if !bytes.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				t.Fatalf("delimiter %q, header %q: report differs from the reference at byte %d:\n got …%q\nwant …%q",
					delim, header, i, got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
			}
		}
	}
}

// FuzzCSVReportCell: one cell, any bytes (also invalid UTF-8), any
// delimiter, written as the reference writes it.
func FuzzCSVReportCell(f *testing.F) {
	for _, s := range nastyCells {
		f.Add(s, int32(';'))
	}
	f.Add("\xff=1", int32(','))
	f.Add("a\u00A7b", int32('\u00A7'))
	f.Fuzz(func(t *testing.T, cell string, delim int32) {
		if delim <= 0 || delim == '"' || delim == '\r' || delim == '\n' || !utf8.ValidRune(delim) {
			t.Skip()
		}
		m := testMeta(delim)
		ls := []ReportLine{{Row: 1, Line: 2, Fields: []string{cell, "x", cell}, ClaimNumber: cell}}
		if got, want := writeCSVReport(t, m, ls), referenceCSVReport(m, ls); !bytes.Equal(got, want) {
			t.Fatalf("cell %q, delimiter %q:\n got %q\nwant %q", cell, delim, got, want)
		}
	})
}

// TestCSVReportBlocks writes a report larger than a block through a writer
// that records each write: the report comes in blocks, and in one piece
// equal to the reference.
func TestCSVReportBlocks(t *testing.T) {
	t.Parallel()
	m := testMeta(',')
	var ls []ReportLine
	for i := range 5000 {
		ls = append(ls, ReportLine{Row: i + 1, Line: i + 2, Fields: []string{"23012345678", "Budi Santoso", "+628123"},
			Outcome: OutcomeCreated, ClaimNumber: "JHT-2026-00000042", ClaimStatus: ClaimReady})
	}
	var w writesOf
	writeCSVReportTo(t, &w, m, ls)
	if !bytes.Equal(w.all.Bytes(), referenceCSVReport(m, ls)) {
		t.Fatal("report written in blocks differs from the reference")
	}
	if w.writes < 3 || w.all.Len() < 2*csvReportBlock {
		t.Fatalf("%d writes of %d bytes: the test report is too small to span blocks", w.writes, w.all.Len())
	}
	if w.biggest > csvReportBlock+4<<10 {
		t.Errorf("a write of %d bytes: blocks should stay near %d", w.biggest, csvReportBlock)
	}
}

type writesOf struct {
	all             bytes.Buffer
	writes, biggest int
}

func (w *writesOf) Write(p []byte) (int, error) {
	w.writes++
	w.biggest = max(w.biggest, len(p))
	return w.all.Write(p)
}

// BenchmarkReportCSVCreated writes a report of 10,000 created rows, the
// lines of the end-to-end benchmark (cmd/jhtbench): an upload's twelve
// columns, a claim, a date and amounts, no issues.
func BenchmarkReportCSVCreated(b *testing.B) {
	m := testMeta(',')
	m.Header = canonical()
	line := ReportLine{Fields: strings.Split("10000000000,3171010101700001,Pekerja A,1970-01-01,2026-09-01,PHK,014,0000000000,Pekerja A,081200000000,,", ","),
		Outcome: OutcomeCreated, ClaimNumber: "JHT-2026-00000042", ClaimStatus: ClaimWaiting,
		EligibleOn: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Gross: 75_000_000, Tax: 1_250_000, Net: 73_750_000, HasAmounts: true}
	benchmarkCSVReport(b, m, line)
}

// TestAppendDigits holds appendDigits to strconv.AppendUint: at every
// power of ten and next to it, and at random values of every size.
func TestAppendDigits(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(19, 23))
	values := []uint64{0, 1, 9, 99, 100, 101, math.MaxInt64, math.MaxUint64, math.MaxUint64 - 1}
	for p := uint64(10); p <= 1e19; p *= 10 {
		values = append(values, p-1, p, p+1)
	}
	for range 100_000 {
		values = append(values, rnd.Uint64()>>rnd.IntN(64))
	}
	for _, v := range values {
		for _, b := range [][]byte{nil, []byte("x,"), make([]byte, 3, 4)} {
			want := strconv.AppendUint(append([]byte(nil), b...), v, 10)
			if got := appendDigits(b, v); !bytes.Equal(got, want) {
				t.Fatalf("appendDigits(%q, %d) = %q, want %q", b, v, got, want)
			}
		}
	}
}
