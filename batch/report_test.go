package batch

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testMeta is the meta of a small report; delim is its delimiter.
func testMeta(delim rune) ReportMeta {
	return ReportMeta{
		BatchID: "b-1", Filename: "phk.csv", Status: StatusCompletedWithErrors, Mode: ModeCreate,
		RulesVersion: RulesVersion, Header: []string{"No KPJ", "nama", "phone"}, Delimiter: delim,
		Encoding: EncUTF8, TotalRows: 3, ProcessedRows: 3, Created: 1, Rejected: 2, Warnings: 1,
		CreatedAt:  time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC),
		FinishedAt: time.Date(2026, 11, 25, 8, 0, 3, 0, time.UTC),
		Lang:       LangEN,
	}
}

// testLines are three report lines: created, rejected with a short row,
// and rejected with a long row and formula-like values.
func testLines() []ReportLine {
	return []ReportLine{
		{Row: 1, Line: 2, Fields: []string{"23012345678", "Budi", "+628123"}, Outcome: OutcomeCreated,
			ClaimNumber: "JHT-2026-00000042", ClaimStatus: ClaimWaiting, EligibleOn: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
			Gross: 75_000_000, Tax: 1_250_000, Net: 73_750_000, HasAmounts: true,
			Issues: Issues{{Code: CodeBankAccountLengthUnusual, Column: ColBankAccount, Arg: "10"}}},
		{Row: 2, Line: 4, Fields: []string{"1"}, Outcome: OutcomeRejected,
			Issues: Issues{{Code: CodeFieldCount, Arg: "1/3"}}},
		{Row: 3, Line: 5, Fields: []string{"=cmd|' /C calc'!A0", "@SUM(A1)", "-1", "\tx", "extra"}, Outcome: OutcomeRejected,
			Issues: Issues{{Code: CodeKPJFormat, Column: ColKPJ}, {Code: CodePhoneFormat, Column: ColPhone}, {Code: CodeKPJFormat, Column: ColKPJ}}},
	}
}

func writeCSVReport(t *testing.T, m ReportMeta, ls []ReportLine) []byte {
	t.Helper()
	var buf bytes.Buffer
	writeCSVReportTo(t, &buf, m, ls)
	return buf.Bytes()
}

// writeCSVReportTo writes the CSV report of ls to w.
func writeCSVReportTo(t *testing.T, w io.Writer, m ReportMeta, ls []ReportLine) {
	t.Helper()
	r, err := NewCSVReport(w, m)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if err := r.Write(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

// uploadedAs names the columns as testMeta's header does: a message must
// name a column as the user wrote it.
var uploadedAs = map[Column]string{ColKPJ: "No KPJ", ColFullName: "nama", ColPhone: "phone"}

// messagesOf is what the messages cell of l must hold.
func messagesOf(l ReportLine, lang Lang) string {
	var m []string
	for _, i := range l.Issues {
		msg := i.Message(lang)
		if name, ok := uploadedAs[i.Column]; ok {
			for _, word := range []string{"Column ", "Kolom "} {
				msg = strings.Replace(msg, word+i.Column.Label(lang)+":", word+name+":", 1)
			}
		}
		m = append(m, msg)
	}
	return strings.Join(m, " | ")
}

func TestCSVReport(t *testing.T) {
	t.Parallel()
	ls := testLines()
	for _, delim := range []rune{',', ';', '\t'} {
		out := writeCSVReport(t, testMeta(delim), ls)
		if !bytes.HasPrefix(out, []byte("\uFEFF")) {
			t.Fatalf("delimiter %q: report does not start with a UTF-8 BOM: %q", delim, out[:min(10, len(out))])
		}
		if n, crlf := bytes.Count(out, []byte("\n")), bytes.Count(out, []byte("\r\n")); n != crlf || n != 4 {
			t.Errorf("delimiter %q: %d line feeds, %d CRLF; want 4 lines all ending CRLF", delim, n, crlf)
		}
		cr := csv.NewReader(bytes.NewReader(out[3:]))
		cr.Comma = delim
		got, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("delimiter %q: read report back: %v", delim, err)
		}
		want := [][]string{
			{"row", "line", "No KPJ", "nama", "phone", "outcome", "claim_number", "claim_status", "eligible_on",
				"gross_amount", "tax_amount", "net_amount", "error_codes", "warning_codes", "messages"},
			{"1", "2", "23012345678", "Budi", "'+628123", "CREATED", "JHT-2026-00000042", "WAITING", "2026-12-01",
				"75000000", "1250000", "73750000", "", "BANK_ACCOUNT_LENGTH_UNUSUAL", messagesOf(ls[0], LangEN)},
			{"2", "4", "1", "", "", "REJECTED", "", "", "", "", "", "", "FIELD_COUNT", "", messagesOf(ls[1], LangEN)},
			{"3", "5", "'=cmd|' /C calc'!A0", "'@SUM(A1)", "'-1", "REJECTED", "", "", "", "", "", "",
				"KPJ_FORMAT;PHONE_FORMAT", "", safeCell(messagesOf(ls[2], LangEN))},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("delimiter %q: report (-want +got):\n%s", delim, diff)
		}
	}
}

func TestCSVReportCancelledRow(t *testing.T) {
	t.Parallel()
	out := writeCSVReport(t, testMeta(','), []ReportLine{{Row: 1, Line: 2, Fields: []string{"a", "b", "c"}}})
	want := "\uFEFFrow,line,No KPJ,nama,phone,outcome,claim_number,claim_status,eligible_on,gross_amount,tax_amount,net_amount,error_codes,warning_codes,messages\r\n" +
		"1,2,a,b,c,,,,,,,,,,\r\n"
	if string(out) != want {
		t.Errorf("report of a row never processed:\n got %q\nwant %q", out, want)
	}
}

func TestSafeCell(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"=1+1", "'=1+1"},
		{"+62812", "'+62812"},
		{"-5", "'-5"},
		{"@x", "'@x"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"a=1", "a=1"},
		{" =1", " '=1"},  // a reader that trims spaces would start a formula
		{"'=1", "''=1"},  // the user's own ' is kept on the way back
		{"'abc", "'abc"}, // nothing to defuse behind it
		{"Budi;=1+1", "Budi;'=1+1"},
		{"a,\"+1\"", "a,\"'+1\""},
		{"x\t@y", "x\t'@y"},
		{"x\n-1", "x\n'-1"},
		{"=a;=b", "'=a;'=b"},
		{"\uFF1D1", "'\uFF1D1"},
		{"a-b;c", "a-b;c"},
		{"1, 2", "1, 2"},
		{"Budi", "Budi"},
	}
	for _, tt := range tests {
		if got := safeCell(tt.in); got != tt.want {
			t.Errorf("safeCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCSVReportHeaderEscaped(t *testing.T) {
	t.Parallel()
	m := testMeta(',')
	m.Header = []string{"=HYPERLINK(\"x\")"}
	out := writeCSVReport(t, m, nil)
	if !bytes.Contains(out, []byte(`"'=HYPERLINK(""x"")"`)) {
		t.Errorf("header cell not defused: %q", out)
	}
}

type errWriter struct{ after int }

func (e *errWriter) Write(p []byte) (int, error) {
	if e.after <= 0 {
		return 0, errors.New("broken pipe")
	}
	e.after--
	return len(p), nil
}

func TestCSVReportWriteError(t *testing.T) {
	t.Parallel()
	if _, err := NewCSVReport(&errWriter{}, testMeta(',')); err == nil {
		t.Error("NewCSVReport on a failing writer: err = nil, want an error")
	}
	r, err := NewCSVReport(&errWriter{after: 1}, testMeta(','))
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Write(testLines()[0])
	if err := r.Close(); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("Close after a failed write: %v, want the write error", err)
	}
}

// BenchmarkReportCSV writes a report of 10,000 rows.
func BenchmarkReportCSV(b *testing.B) {
	m := testMeta(';')
	m.Header = canonical()
	fields := strings.Split(row(",", "23012345678"), ",")
	line := ReportLine{Fields: fields, Outcome: OutcomeRejected,
		Issues: Issues{{Code: CodeNIKFormat, Column: ColNIK}, {Code: CodePhoneFormat, Column: ColPhone}}}
	benchmarkCSVReport(b, m, line)
}

// TestUnquoteCellUndoesSafeCell: what the report defuses, an upload of the
// report gives back (fix and send again), and other apostrophes stay.
func TestUnquoteCellUndoesSafeCell(t *testing.T) {
	t.Parallel()
	values := []string{"", "Budi", "+6281234567890", "=1+1", "-Siti", "@SUM(A1)", "\tx", "\rx", "'Agus",
		"O'Connor", "Siti;=Aminah", "a,+b", "x\n-y", " =padded", "\"=quoted", "'", "''", "'a'=b", "=cmd|' /C calc'!A0",
		"１", "＝1"}
	for _, v := range values {
		if got := unquoteCell(safeCell(v)); got != v {
			t.Errorf("unquoteCell(safeCell(%q) = %q) = %q, want %q", v, safeCell(v), got, v)
		}
	}
	// A ' typed before a trigger is read as the report's mark: the value
	// the spreadsheet showed.
	for in, want := range map[string]string{"'+62812": "+62812", "'=1": "=1", "'Agus": "'Agus", "Budi'": "Budi'"} {
		if got := unquoteCell(in); got != want {
			t.Errorf("unquoteCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// benchmarkCSVReport writes 10,000 copies of line (numbered) as a CSV
// report per iteration, to a writer that only counts, as the API's
// connection takes the blocks away (a bytes.Buffer growing to the whole
// report cost about as much as writing it).
func benchmarkCSVReport(b *testing.B, m ReportMeta, line ReportLine) {
	const rows = 10_000
	b.ReportAllocs()
	for b.Loop() {
		var buf byteCounter
		r, err := NewCSVReport(&buf, m)
		if err != nil {
			b.Fatal(err)
		}
		for i := range rows {
			line.Row, line.Line = i+1, i+2
			if err := r.Write(line); err != nil {
				b.Fatal(err)
			}
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf))
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// byteCounter discards what it is given and counts it.
type byteCounter int

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}
