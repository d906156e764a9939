package batch

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/klauspost/compress/flate"
)

// Sheet names of the XLSX report.
const (
	reportSheet  = "Report"
	summarySheet = "Summary"
)

// Limits of a worksheet (ECMA-376; what Excel opens).
const (
	xlsxMaxRows = 1 << 20
	xlsxMaxCols = 1 << 14
)

// xlsxLevel is the deflate level of the worksheets. Deflate is most of the
// writer's work: at BestSpeed the file is a fifth larger than at the
// default level, for a third of the time. klauspost/compress's deflate
// (the standard format; its API is compress/flate's) makes the same size
// as the standard library's at BestSpeed in about half the time.
const xlsxLevel = flate.BestSpeed

// WriteXLSX writes the report as a spreadsheet: sheet "Report" with the same
// columns and rows as the CSV report, and sheet "Summary" with the batch's
// identity, counters and times. Text cells are string cells in columns
// formatted as text, so nothing is evaluated and no ' prefix is needed;
// row, line and the amounts are numbers. A text longer than a cell holds
// (32,767 characters) is cut, and characters XML cannot carry become U+FFFD;
// the CSV report has them whole. next returns (line, true, nil) for each row
// in order and (_, false, nil) at the end.
//
// The worksheet's XML is written here, not by a spreadsheet library: a
// library's per-cell work was 25× the CSV report's. The rows are compressed
// as they come into a temporary file in m.TempDir (unlinked at once, so
// nothing is left behind), and the package is written to w only when every
// row has been read: an error of next still comes before any byte of the
// file. Memory holds one row, two 256 KB buffers of XML and the
// compressor's state.
// XLSXSpoolPrefix starts the name of the temporary file an XLSX report's
// sheet is compressed into before it is sent (WriteXLSX).
const XLSXSpoolPrefix = "xlsx-report-"

func WriteXLSX(w io.Writer, m ReportMeta, next func() (ReportLine, bool, error)) error {
	spool, err := os.CreateTemp(m.TempDir, XLSXSpoolPrefix+"*")
	if err != nil {
		return fmt.Errorf("xlsx report spool: %w", err)
	}
	// Where an open file cannot be removed, it is removed after use.
	unlinked := os.Remove(spool.Name()) == nil
	defer func() {
		_ = spool.Close() // only read from by now
		if !unlinked {
			_ = os.Remove(spool.Name())
		}
	}()
	report, err := writeReportPart(spool, m, next)
	if err != nil {
		return err
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("xlsx report spool: %w", err)
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, xlsxLevel)
	})
	for _, p := range packageParts {
		if err := writePart(zw, p.name, []byte(p.body)); err != nil {
			return err
		}
	}
	if err := copyPart(zw, report, io.NewSectionReader(spool, 0, int64(report.CompressedSize64))); err != nil {
		return err
	}
	if err := writePart(zw, "xl/worksheets/sheet2.xml", summarySheetXML(m)); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write xlsx report: %w", err)
	}
	return nil
}

// writePart adds a small part, compressed.
func writePart(zw *zip.Writer, name string, body []byte) error {
	pw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err == nil {
		_, err = pw.Write(body)
	}
	if err != nil {
		return fmt.Errorf("write xlsx report %s: %w", name, err)
	}
	return nil
}

// copyPart adds a part compressed before: h says its name, CRC and sizes.
func copyPart(zw *zip.Writer, h *zip.FileHeader, compressed io.Reader) error {
	pw, err := zw.CreateRaw(h)
	if err == nil {
		_, err = io.Copy(pw, compressed)
	}
	if err != nil {
		return fmt.Errorf("write xlsx report %s: %w", h.Name, err)
	}
	return nil
}

// writeReportPart writes the Report sheet, deflated, to f and returns its
// zip header.
func writeReportPart(f io.Writer, m ReportMeta, next func() (ReportLine, bool, error)) (*zip.FileHeader, error) {
	pw, err := newPartWriter(f)
	if err != nil {
		return nil, fmt.Errorf("xlsx report sheet: %w", err)
	}
	defer pw.abort()
	render := newRenderer(m)
	header := reportHeader(render.header)
	if len(header) > xlsxMaxCols {
		return nil, fmt.Errorf("xlsx report: %d columns, more than a worksheet holds", len(header))
	}
	sw := newSheetWriter(pw, len(header))
	sw.raw(reportSheetStart)
	sw.raw(reportCols(len(render.header)))
	sw.raw("<sheetData>")
	sw.startRow(`<row r="1" s="1" customFormat="1">`)
	for i, h := range header {
		sw.text(i, h, styleBold)
	}
	sw.endRow()
	for row := 2; ; row++ {
		l, ok, err := next()
		if err != nil {
			return nil, fmt.Errorf("next report line: %w", err)
		}
		if !ok {
			break
		}
		if row > xlsxMaxRows {
			return nil, fmt.Errorf("xlsx report row %d: more rows than a worksheet holds", l.Row)
		}
		sw.reportRow(row, render.cells(l), l)
		if sw.err != nil {
			return nil, fmt.Errorf("xlsx report row %d: %w", l.Row, sw.err)
		}
	}
	sw.raw("</sheetData></worksheet>")
	if err := sw.flush(); err != nil {
		return nil, fmt.Errorf("xlsx report sheet: %w", err)
	}
	h, err := pw.close("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, fmt.Errorf("xlsx report sheet: %w", err)
	}
	return h, nil
}

// reportRow writes the cells of one report line; an empty text or a
// missing amount is no cell at all.
func (sw *sheetWriter) reportRow(row int, c reportCells, l ReportLine) {
	sw.startNumberedRow(row)
	sw.number(0, int64(l.Row), styleNone)
	sw.number(1, int64(l.Line), styleNone)
	col := 2
	for _, s := range c.fields {
		sw.text(col, s, styleText)
		col++
	}
	for _, s := range []string{c.outcome, c.claimNumber, c.claimStatus, c.eligibleOn} {
		sw.text(col, s, styleText)
		col++
	}
	if c.amounts {
		sw.number(col, c.gross, styleAmount)
		sw.number(col+1, c.tax, styleAmount)
		sw.number(col+2, c.net, styleAmount)
	}
	col += 3
	sw.text(col, c.errs, styleText)
	sw.text(col+1, c.warns, styleText)
	sw.text(col+2, c.messages, styleText)
	sw.endRow()
}

// reportCols formats the columns of the Report sheet for width uploaded
// columns: row and line are plain numbers, every other column is text (the
// "@" format: typing into it stays text) 16 wide, except the three amounts
// (numbers with thousands separators) and messages, 60 wide.
func reportCols(width int) string {
	total := 2 + width + len(reportColumns)
	firstAmount := 2 + width + 5 // after outcome, claim_number, claim_status, eligible_on
	b := []byte("<cols>")
	col := func(min, max int, width string, style int) {
		if min > max {
			return
		}
		b = append(b, `<col min="`...)
		b = strconv.AppendInt(b, int64(min), 10)
		b = append(b, `" max="`...)
		b = strconv.AppendInt(b, int64(max), 10)
		b = append(b, `" width="`...)
		b = append(b, width...)
		b = append(b, `" customWidth="1" style="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, `"/>`...)
	}
	col(3, firstAmount-1, "16", styleText)
	col(firstAmount, firstAmount+2, "16", styleAmount)
	col(firstAmount+3, total-1, "16", styleText)
	col(total, total, "60", styleText)
	return string(append(b, "</cols>"...))
}

// summarySheetXML is the Summary sheet: the batch's identity, counters and
// times, named as the batch API names them (docs/api.md), so the sheet
// needs no translation.
func summarySheetXML(m ReportMeta) []byte {
	var out bytesWriter
	sw := newSheetWriter(&out, 2)
	sw.raw(summarySheetStart)
	sw.raw("<sheetData>")
	for i, kv := range summaryRows(m) {
		sw.startNumberedRow(i + 1)
		sw.text(0, kv.key, styleBold)
		switch v := kv.value.(type) {
		case string:
			sw.text(1, v, styleNone)
		case int:
			sw.number(1, int64(v), styleNone)
		}
		sw.endRow()
	}
	sw.raw("</sheetData></worksheet>")
	_ = sw.flush() // a bytesWriter does not fail
	return out.b
}

// bytesWriter collects what is written to it.
type bytesWriter struct{ b []byte }

func (w *bytesWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

type summaryRow struct {
	key   string
	value any // string, int, or nil for no value
}

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

// timeText is t in RFC 3339, or no value for the zero time.
func timeText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.RFC3339)
}
