package batch

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
	unicodeutf16 "unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// awkwardHeader and awkwardLines are a report whose cells are what breaks
// spreadsheets and XML: formula triggers, identifiers with leading zeros or
// 16 digits, Unicode, XML's special characters, control characters, empty
// cells, white space at the edges, text longer than a cell holds, and
// text that looks like an ST_Xstring escape (_xHHHH_).
var awkwardHeader = []string{"No KPJ", "NIK", "nama", "rekening", "phone", "catatan", "escape"}

// escapeColumn is the index of "escape" among the uploaded columns.
const escapeColumn = 6

func awkwardLines() []ReportLine {
	long := strings.Repeat("é", 40_000)
	// An emoji is two UTF-16 units: here it would end at unit 32,768.
	straddle := strings.Repeat("a", 32_766) + "😀b"
	return []ReportLine{
		{Row: 1, Line: 2, Fields: []string{"00012345678", "3171011508900001", "Siti Nurhaliza ‘Ñandú’ 李雷 😀", "0001234567", "+6281234567", "=HYPERLINK(\"http://x\")", "_x0041_"},
			Outcome: OutcomeCreated, ClaimNumber: "JHT-2026-00000042", ClaimStatus: ClaimWaiting,
			EligibleOn: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Gross: 75_000_000, Tax: 1_250_000, Net: 73_750_000, HasAmounts: true,
			Issues: Issues{{Code: CodeBankAccountLengthUnusual, Column: ColBankAccount, Arg: "10"}}},
		{Row: 2, Line: 3, Fields: []string{"-1", "@SUM(A1)", "\tTab", "\rCR", "＝1+1", "Budi;=1+1, +2\n-3", "_x0041_x0042_"},
			Outcome: OutcomeRejected, Issues: Issues{{Code: CodeKPJFormat, Column: ColKPJ}, {Code: CodePhoneFormat, Column: ColPhone}}},
		{Row: 3, Line: 4, Fields: []string{"<b>&amp;</b>", `"quoted" 'single' > ]]>`, "a\x01b\x0bc\x1f", "\x7f\u0085\uFFFD", "\uFFFE\uFFFF", "line1\r\nline2\rline3", "_x005F_x0041_"},
			Outcome: OutcomeValid, EligibleOn: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), Gross: 0, HasAmounts: true},
		{Row: 4, Line: 6, Fields: []string{"", " padded ", "", "\n", "''=x", "'+62", "_X004g_ _x41_"},
			Outcome: OutcomeRejected, Issues: Issues{{Code: CodeFieldCount, Arg: "5/7"}}},
		{Row: 5, Line: 7, Fields: []string{long, straddle, "x"}}, // cancelled: never judged, a short row
		{Row: 6, Line: 9, Fields: []string{"1", "2", "3", "4", "5", "6", "7", "8 (an extra field, cut)"}, Outcome: OutcomeRejected,
			Issues: Issues{{Code: CodeFieldCount, Arg: "8/7"}}},
	}
}

// TestWriteXLSXRoundTrip writes the same awkward rows as CSV and as XLSX,
// and reads the XLSX back with excelize (an independent reader) and with
// this package's own reader: every cell must say what the CSV says, as
// docs/report.md promises — without the CSV's formula marks, with control
// characters as U+FFFD and text cut at 32,767 characters — and be of the
// same kind (row, line and amounts numbers, everything else text).
func TestWriteXLSXRoundTrip(t *testing.T) {
	t.Parallel()
	m := testMeta(';')
	m.Header, m.TempDir = awkwardHeader, t.TempDir()
	lines := awkwardLines()
	csvRows := readCSVVerbatim(t, writeCSVReport(t, m, lines), ';')
	want := make([][]string, len(csvRows))
	for i, row := range csvRows {
		want[i] = make([]string, len(row))
		for j, c := range row {
			want[i][j] = xlsxText(unquoteCell(c))
		}
	}
	if len(want) != len(lines)+1 {
		t.Fatalf("CSV report has %d rows, want %d", len(want), len(lines)+1)
	}
	width := len(want[0])

	var buf bytes.Buffer
	if err := WriteXLSX(&buf, m, linesFrom(lines)); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	data := buf.Bytes()
	if left, _ := os.ReadDir(m.TempDir); len(left) != 0 {
		t.Errorf("WriteXLSX left %d files in its temporary directory", len(left))
	}
	sheet := checkPackage(t, data)
	// Readers that keep white space anyway cannot tell; Excel wants it said.
	if !bytes.Contains(sheet, []byte(`<t xml:space="preserve"> padded </t>`)) {
		t.Error(`" padded " is not in a <t xml:space="preserve">`)
	}

	t.Run("excelize", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("excelize cannot open the report: %v", err)
		}
		defer f.Close()
		got, err := f.GetRows(reportSheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			got[i] = append(got[i], make([]string, width-len(got[i]))...) // GetRows drops trailing empty cells
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Report sheet as excelize reads it (-CSV +XLSX):\n%s", shortDiff(diff))
		}
		for r := 2; r <= len(want); r++ {
			for c := 1; c <= width; c++ {
				checkCellKind(t, f, r, c, width)
			}
		}
	})

	t.Run("own reader", func(t *testing.T) {
		// The worksheet reader under NewWorkbookDecoder, which would also
		// apply the rules of a batch file's header to the report's.
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		wb, err := openWorkbook(zr)
		if err != nil {
			t.Fatalf("openWorkbook: %v", err)
		}
		sheet, err := wb.pickSheet("")
		if err != nil || sheet.name != reportSheet {
			t.Fatalf("first sheet %q (err %v), want %q", sheet.name, err, reportSheet)
		}
		src, err := wb.openSheet(sheet)
		if err != nil {
			t.Fatal(err)
		}
		defer src.close()
		src.setLayout(nil, width)
		for i := 0; ; i++ {
			fields, line, err := src.read()
			if errors.Is(err, io.EOF) {
				if i != len(want) {
					t.Errorf("read %d rows, want %d", i, len(want))
				}
				break
			}
			if err != nil {
				t.Fatalf("row %d: %v", i+1, err)
			}
			if line != i+1 || i >= len(want) {
				t.Fatalf("read row %d as worksheet row %d; want %d of %d", i+1, line, i+1, len(want))
			}
			// This reader does not decode ST_Xstring escapes (_x005F_
			// stays as it is); excelize, like Excel, does.
			w := append([]string(nil), want[i]...)
			got := append([]string(nil), fields...)
			if i > 0 {
				got[2+escapeColumn], w[2+escapeColumn] = "", ""
			}
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("row %d as the own reader reads it (-CSV +XLSX):\n%s", i+1, shortDiff(diff))
			}
		}
	})
}

// checkCellKind checks that cell (r, c) of the Report sheet is a number in
// the row, line and amount columns and text (or empty) elsewhere, without a
// formula, in a column formatted as text or amount.
func checkCellKind(t *testing.T, f *excelize.File, r, c, width int) {
	t.Helper()
	ref, _ := excelize.CoordinatesToCellName(c, r)
	typ, err := f.GetCellType(reportSheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	firstAmount := width - 5 // gross_amount: then tax, net, error_codes, warning_codes, messages
	number := c <= 2 || firstAmount <= c && c <= firstAmount+2
	switch {
	case typ == excelize.CellTypeUnset: // empty, or a number (OOXML's default type)
		if v, _ := f.GetCellValue(reportSheet, ref); v != "" && !number {
			t.Errorf("%s: a number (%q), want text", ref, v)
		}
	case typ != excelize.CellTypeInlineString || number:
		t.Errorf("%s: type %v, want %s", ref, typ, map[bool]string{true: "a number", false: "an inline string"}[number])
	}
	if formula, _ := f.GetCellFormula(reportSheet, ref); formula != "" {
		t.Errorf("%s: has formula %q", ref, formula)
	}
	if c > 2 {
		style, _ := f.GetCellStyle(reportSheet, ref)
		want := 49 // text
		if number {
			want = 3 // #,##0
		}
		if s, err := f.GetStyle(style); err == nil && s.NumFmt != want && (typ != excelize.CellTypeUnset || number) {
			t.Errorf("%s: number format %d, want %d", ref, s.NumFmt, want)
		}
	}
}

// xlsxText is what a cell of the XLSX report holds for the text s
// (docs/report.md): s cut to the whole characters within 32,767 UTF-16
// units, with each character XML 1.0 cannot carry replaced by U+FFFD.
func xlsxText(s string) string {
	units := 0
	for i, r := range s {
		if units += len(unicodeutf16.Encode([]rune{r})); units > 32767 {
			s = s[:i]
			break
		}
	}
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || 0x20 <= r && r <= 0xD7FF || 0xE000 <= r && r <= 0xFFFD || r >= 0x10000 {
			return r
		}
		return '\uFFFD'
	}, s)
}

// readCSVVerbatim splits a CSV report (after its BOM) into cells as RFC
// 4180 says, keeping every byte of a quoted cell, CR included (encoding/csv
// would read CR LF in a cell as LF).
func readCSVVerbatim(t *testing.T, b []byte, comma byte) [][]string {
	t.Helper()
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	var rows [][]string
	var row []string
	var cell []byte
	for i := 0; i < len(b); {
		if b[i] == '"' {
			for i++; ; i++ {
				if i >= len(b) {
					t.Fatal("CSV report: unterminated quote")
				}
				if b[i] == '"' {
					if i+1 < len(b) && b[i+1] == '"' {
						i++
					} else {
						i++
						break
					}
				}
				cell = append(cell, b[i])
			}
		}
		for i < len(b) && b[i] != comma && b[i] != '\r' && b[i] != '\n' {
			cell = append(cell, b[i])
			i++
		}
		row, cell = append(row, string(cell)), cell[:0]
		switch {
		case i < len(b) && b[i] == comma:
			i++
		case i+1 < len(b) && b[i] == '\r' && b[i+1] == '\n':
			rows, row = append(rows, row), nil
			i += 2
		default:
			t.Fatalf("CSV report: unexpected byte at %d", i)
		}
	}
	return rows
}

// shortDiff keeps a diff of 40,000-character cells readable.
func shortDiff(d string) string {
	if len(d) > 4000 {
		return d[:4000] + "…"
	}
	return d
}

// checkPackage checks that the report is a zip of well-formed XML parts,
// with the parts a workbook needs, and returns the Report sheet's XML.
func checkPackage(t *testing.T, data []byte) (sheet []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		part, err := io.ReadAll(rc) // checks the CRC too
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			sheet = part
		}
		dec := xml.NewDecoder(bytes.NewReader(part))
		for {
			if _, err := dec.Token(); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Errorf("%s: not well-formed XML: %v", f.Name, err)
				}
				break
			}
		}
	}
	want := []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
		"xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	return sheet
}

// TestAppendCellText checks the escaping of a cell's text on its own,
// including what no report from the database holds (invalid UTF-8): the
// result must be well-formed XML that reads back as the text.
func TestAppendCellText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, xml, text string }{
		{"plain", "plain", "plain"},
		{"a<b>&c", "a&lt;b&gt;&amp;c", "a<b>&c"},
		{`"'`, `"'`, `"'`},
		{"a\r\nb\tc", "a&#xD;\nb\tc", "a\r\nb\tc"},
		{"\x00\x01\x1f\x7f", "\uFFFD\uFFFD\uFFFD\x7f", "\uFFFD\uFFFD\uFFFD\x7f"},
		{"bad\xff\xfe utf8", "bad\uFFFD\uFFFD utf8", "bad\uFFFD\uFFFD utf8"},
		{"\uFFFE\uFFFF\U0001F600", "\uFFFD\uFFFD\U0001F600", "\uFFFD\uFFFD\U0001F600"},
		{"_x0041_", "_x005F_x0041_", "_x005F_x0041_"}, // XML text; a spreadsheet then reads _x0041_
		{"_x0041_x0042_", "_x005F_x0041_x005F_x0042_", "_x005F_x0041_x005F_x0042_"},
		{"_x004G_ _x41_ _X0041_ x0041_", "_x004G_ _x41_ _X0041_ x0041_", "_x004G_ _x41_ _X0041_ x0041_"},
		{"_", "_", "_"},
		{"", "", ""},
	}
	for _, tt := range tests {
		got := string(appendCellText(nil, tt.in))
		if got != tt.xml {
			t.Errorf("appendCellText(%q) = %q, want %q", tt.in, got, tt.xml)
		}
		var v struct {
			T string `xml:",chardata"`
		}
		if err := xml.Unmarshal([]byte("<t>"+got+"</t>"), &v); err != nil || v.T != tt.text {
			t.Errorf("%q: XML reads back as %q (err %v), want %q", tt.in, v.T, err, tt.text)
		}
	}
}

func TestColumnName(t *testing.T) {
	t.Parallel()
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", xlsxMaxCols - 1: "XFD"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
	}
}

// TestWriteXLSXNextErrorWritesNothing checks that an error of the rows
// after some were written reaches the caller before any byte of the file
// (the API can then still answer it as an error), and leaves no file.
func TestWriteXLSXNextErrorWritesNothing(t *testing.T) {
	t.Parallel()
	m := testMeta(',')
	m.TempDir = t.TempDir()
	lines := testLines()
	i := 0
	next := func() (ReportLine, bool, error) {
		if i == len(lines) {
			return ReportLine{}, false, errors.New("rows query failed")
		}
		i++
		return lines[i-1], true, nil
	}
	var out bytes.Buffer
	err := WriteXLSX(&out, m, next)
	if err == nil || !strings.Contains(err.Error(), "rows query failed") {
		t.Errorf("err = %v, want the error of next", err)
	}
	if out.Len() != 0 {
		t.Errorf("%d bytes written before the error", out.Len())
	}
	if left, _ := os.ReadDir(m.TempDir); len(left) != 0 {
		t.Errorf("%d files left in the temporary directory", len(left))
	}
}
