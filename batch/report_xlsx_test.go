package batch

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// linesFrom returns a next function over ls.
func linesFrom(ls []ReportLine) func() (ReportLine, bool, error) {
	i := 0
	return func() (ReportLine, bool, error) {
		if i == len(ls) {
			return ReportLine{}, false, nil
		}
		i++
		return ls[i-1], true, nil
	}
}

func openXLSX(t *testing.T, m ReportMeta, ls []ReportLine) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, m, linesFrom(ls)); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("open the report back: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWriteXLSXReportSheet(t *testing.T) {
	t.Parallel()
	ls := testLines()
	f := openXLSX(t, testMeta(';'), ls)
	if diff := cmp.Diff([]string{"Report", "Summary"}, f.GetSheetList()); diff != "" {
		t.Fatalf("sheets (-want +got):\n%s", diff)
	}
	got, err := f.GetRows(reportSheet)
	if err != nil {
		t.Fatal(err)
	}
	// GetRows drops trailing empty cells; compare row by row with that in mind.
	want := [][]string{
		{"row", "line", "No KPJ", "nama", "phone", "outcome", "claim_number", "claim_status", "eligible_on",
			"gross_amount", "tax_amount", "net_amount", "error_codes", "warning_codes", "messages"},
		{"1", "2", "23012345678", "Budi", "+628123", "CREATED", "JHT-2026-00000042", "WAITING", "2026-12-01",
			"75,000,000", "1,250,000", "73,750,000", "", "BANK_ACCOUNT_LENGTH_UNUSUAL", messagesOf(ls[0], LangEN)},
		{"2", "4", "1", "", "", "REJECTED", "", "", "", "", "", "", "FIELD_COUNT", "", messagesOf(ls[1], LangEN)},
		{"3", "5", "=cmd|' /C calc'!A0", "@SUM(A1)", "-1", "REJECTED", "", "", "", "", "", "",
			"KPJ_FORMAT;PHONE_FORMAT", "", messagesOf(ls[2], LangEN)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Report sheet (-want +got):\n%s", diff)
	}
}

func TestWriteXLSXCellTypes(t *testing.T) {
	t.Parallel()
	f := openXLSX(t, testMeta(','), testLines())
	tests := []struct {
		cell string
		typ  excelize.CellType
		raw  string
	}{
		{"A2", excelize.CellTypeNumber, "1"}, // row
		{"B4", excelize.CellTypeNumber, "5"}, // line
		{"J2", excelize.CellTypeNumber, "75000000"},
		{"L2", excelize.CellTypeNumber, "73750000"},
		{"C4", excelize.CellTypeInlineString, "=cmd|' /C calc'!A0"},
		{"E2", excelize.CellTypeInlineString, "+628123"},
		{"C2", excelize.CellTypeInlineString, "23012345678"},
		{"I2", excelize.CellTypeInlineString, "2026-12-01"},
	}
	for _, tt := range tests {
		typ, err := f.GetCellType(reportSheet, tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := f.GetCellValue(reportSheet, tt.cell, excelize.Options{RawCellValue: true})
		if typ == excelize.CellTypeUnset { // no t attribute: OOXML's default type, a number
			typ = excelize.CellTypeNumber
		}
		if typ != tt.typ || raw != tt.raw {
			t.Errorf("%s: type %v value %q, want type %v value %q", tt.cell, typ, raw, tt.typ, tt.raw)
		}
		if formula, _ := f.GetCellFormula(reportSheet, tt.cell); formula != "" {
			t.Errorf("%s: has formula %q, want none", tt.cell, formula)
		}
	}
	// Text columns are formatted as text, so typing into them stays text.
	style, err := f.GetCellStyle(reportSheet, "C4")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(style)
	if err != nil || s.NumFmt != 49 {
		t.Errorf("C4 style: number format %v (err %v), want 49 (text)", s, err)
	}
}

func TestWriteXLSXSummary(t *testing.T) {
	t.Parallel()
	m := testMeta('\t')
	f := openXLSX(t, m, nil)
	got, err := f.GetRows(summarySheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"batch_id", "b-1"}, {"filename", "phk.csv"}, {"status", "completed_with_errors"}, {"mode", "create"},
		{"rules_version", RulesVersion}, {"encoding", "utf-8"}, {"delimiter", "tab"},
		{"total_rows", "3"}, {"processed_rows", "3"}, {"created", "1"}, {"valid", "0"}, {"rejected", "2"},
		{"warnings", "1"}, {"created_at", "2026-11-25T08:00:00Z"}, {"finished_at", "2026-11-25T08:00:03Z"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summary sheet (-want +got):\n%s", diff)
	}
	rows, _ := f.GetRows(reportSheet)
	if len(rows) != 1 {
		t.Errorf("report of no rows has %d rows, want only the header", len(rows))
	}
}

func TestWriteXLSXNextError(t *testing.T) {
	t.Parallel()
	next := func() (ReportLine, bool, error) { return ReportLine{}, false, errors.New("rows query failed") }
	err := WriteXLSX(&bytes.Buffer{}, testMeta(','), next)
	if err == nil || !strings.Contains(err.Error(), "rows query failed") {
		t.Errorf("err = %v, want the error of next", err)
	}
}

// TestWriteXLSXHostileText checks that text XML cannot hold (control
// characters) or a cell cannot hold (over 32,767 characters) still gives a
// file that opens.
func TestWriteXLSXHostileText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 40_000)
	ls := []ReportLine{{Row: 1, Line: 2, Fields: []string{"a\x01b\x0bc", long, "<x>&amp;_x0041_"}, Outcome: OutcomeRejected}}
	f := openXLSX(t, testMeta(','), ls)
	rows, err := f.GetRows(reportSheet)
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %d, err %v; want 2 rows", len(rows), err)
	}
	got := rows[1][2:5]
	if want := "a\uFFFDb\uFFFDc"; got[0] != want {
		t.Errorf("control characters: cell %q, want %q", got[0], want)
	}
	if n := len([]rune(got[1])); n != 32_767 {
		t.Errorf("long cell has %d characters, want the 32,767 a cell holds", n)
	}
	if got[2] != "<x>&amp;_x0041_" {
		t.Errorf("markup-like cell = %q, want it verbatim", got[2])
	}
}
