package batch

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the XLSX report.
const (
	reportSheet  = "Report"
	summarySheet = "Summary"
)

// xlsxStyles are the cell styles of the XLSX report.
type xlsxStyles struct {
	bold   int // header row
	text   int // the "@" number format: typing into the cell stays text
	amount int // whole numbers with thousands separators
}

// WriteXLSX writes the report as a spreadsheet: sheet "Report" with the same
// columns and rows as the CSV report, and sheet "Summary" with the batch's
// identity, counters and times. Text cells are string cells in columns
// formatted as text, so nothing is evaluated and no ' prefix is needed;
// row, line and the amounts are numbers. A text longer than a cell holds
// (32,767 characters) is cut, and characters XML cannot carry become U+FFFD;
// the CSV report has them whole. Rows are streamed (excelize's
// StreamWriter), so memory stays bounded. next returns (line, true, nil) for
// each row in order and (_, false, nil) at the end.
func WriteXLSX(w io.Writer, m ReportMeta, next func() (ReportLine, bool, error)) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close xlsx report: %w", cerr)
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), reportSheet); err != nil {
		return fmt.Errorf("name report sheet: %w", err)
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	if err := writeReportSheet(f, st, m, next); err != nil {
		return err
	}
	if err := writeSummarySheet(f, st, m); err != nil {
		return err
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx report: %w", err)
	}
	return nil
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	if st.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return st, fmt.Errorf("xlsx header style: %w", err)
	}
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return st, fmt.Errorf("xlsx text style: %w", err)
	}
	if st.amount, err = f.NewStyle(&excelize.Style{NumFmt: 3}); err != nil {
		return st, fmt.Errorf("xlsx amount style: %w", err)
	}
	return st, nil
}

// writeReportSheet streams the header and every row into the Report sheet.
func writeReportSheet(f *excelize.File, st xlsxStyles, m ReportMeta, next func() (ReportLine, bool, error)) error {
	sw, err := f.NewStreamWriter(reportSheet)
	if err != nil {
		return fmt.Errorf("stream report sheet: %w", err)
	}
	render := newRenderer(m)
	width := len(render.header)
	if err := reportColumnStyles(sw, st, width); err != nil {
		return err
	}
	header := reportHeader(render.header)
	values := make([]any, len(header))
	for i, h := range header {
		values[i] = h
	}
	if err := sw.SetRow("A1", values, excelize.RowOpts{StyleID: st.bold}); err != nil {
		return fmt.Errorf("xlsx report header: %w", err)
	}
	for row := 2; ; row++ {
		l, ok, err := next()
		if err != nil {
			return fmt.Errorf("next report line: %w", err)
		}
		if !ok {
			break
		}
		values = xlsxRow(values[:0], render.cells(l), l)
		if err := sw.SetRow(cellName(1, row), values); err != nil {
			return fmt.Errorf("xlsx report row %d: %w", l.Row, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush report sheet: %w", err)
	}
	return nil
}

// reportColumnStyles formats the columns of the Report sheet: the two
// numbers first, then text, with the three amounts as numbers; and keeps
// the header row in view.
func reportColumnStyles(sw *excelize.StreamWriter, st xlsxStyles, width int) error {
	total := 2 + width + len(reportColumns)
	firstAmount := 2 + width + 5 // after outcome, claim_number, claim_status, eligible_on
	for _, err := range []error{
		sw.SetColStyle(3, total, st.text),
		sw.SetColStyle(firstAmount, firstAmount+2, st.amount),
		sw.SetColWidth(3, total, 16),
		sw.SetColWidth(total, total, 60),
		sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}),
	} {
		if err != nil {
			return fmt.Errorf("format report sheet: %w", err)
		}
	}
	return nil
}

// xlsxRow appends the cells of one report line; an empty text or a missing
// amount is a blank cell.
func xlsxRow(dst []any, c reportCells, l ReportLine) []any {
	dst = append(dst, l.Row, l.Line)
	for _, s := range c.fields {
		dst = append(dst, textCell(s))
	}
	dst = append(dst, textCell(c.outcome), textCell(c.claimNumber), textCell(c.claimStatus), textCell(c.eligibleOn))
	for _, v := range []int64{c.gross, c.tax, c.net} {
		if c.amounts {
			dst = append(dst, v)
		} else {
			dst = append(dst, nil)
		}
	}
	return append(dst, textCell(c.errs), textCell(c.warns), textCell(c.messages))
}

// textCell is s as a string cell, or no cell at all when s is empty.
func textCell(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// cellName is the A1 reference of a column and row, both 1-based.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row) // col and row are always in range here
	return name
}

// writeSummarySheet writes the batch's identity, counters and times.
func writeSummarySheet(f *excelize.File, st xlsxStyles, m ReportMeta) error {
	if _, err := f.NewSheet(summarySheet); err != nil {
		return fmt.Errorf("add summary sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(summarySheet)
	if err != nil {
		return fmt.Errorf("stream summary sheet: %w", err)
	}
	if err := sw.SetColWidth(1, 2, 24); err != nil {
		return fmt.Errorf("format summary sheet: %w", err)
	}
	if err := sw.SetColStyle(1, 1, st.bold); err != nil {
		return fmt.Errorf("format summary sheet: %w", err)
	}
	for i, kv := range summaryRows(m) {
		if err := sw.SetRow(cellName(1, i+1), []any{kv.key, kv.value}); err != nil {
			return fmt.Errorf("xlsx summary row %s: %w", kv.key, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush summary sheet: %w", err)
	}
	return nil
}

type summaryRow struct {
	key   string
	value any
}

// summaryRows names each value as the batch API does (CONTRACT.md §4), so
// the sheet needs no translation.
func summaryRows(m ReportMeta) []summaryRow {
	return []summaryRow{
		{"batch_id", m.BatchID},
		{"filename", m.Filename},
		{"status", string(m.Status)},
		{"mode", string(m.Mode)},
		{"rules_version", m.RulesVersion},
		{"encoding", string(m.Encoding)},
		{"delimiter", delimiterName(m.Delimiter)},
		{"total_rows", m.TotalRows},
		{"processed_rows", m.ProcessedRows},
		{"created", m.Created},
		{"valid", m.Valid},
		{"rejected", m.Rejected},
		{"warnings", m.Warnings},
		{"created_at", timeText(m.CreatedAt)},
		{"finished_at", timeText(m.FinishedAt)},
	}
}

func delimiterName(d rune) string {
	switch d {
	case '\t':
		return "tab"
	case 0:
		return ","
	}
	return string(d)
}

// timeText is t in RFC 3339, or nothing for the zero time.
func timeText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.RFC3339)
}
