package batch

import (
	"io"
	"strconv"
	"unicode/utf8"
)

// The cell styles of the XLSX report: indexes into cellXfs of xlsxStyles.
const (
	styleNone   = 0
	styleBold   = 1 // header row, summary keys
	styleText   = 2 // the "@" number format: typing into the cell stays text
	styleAmount = 3 // whole numbers with thousands separators
)

const (
	nsMain  = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	xmlDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	ctSheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
)

// packageParts are the parts of the report's package besides its two
// worksheets: the least a spreadsheet needs to open a workbook of two
// sheets with cell styles.
var packageParts = []struct{ name, body string }{
	{"[Content_Types].xml", xmlDecl +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="` + ctSheet + `"/>` +
		`<Override PartName="/xl/worksheets/sheet2.xml" ContentType="` + ctSheet + `"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`</Types>`},
	{"_rels/.rels", xmlDecl +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/>` +
		`</Relationships>`},
	{"xl/workbook.xml", xmlDecl +
		`<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
		`<workbookPr/><bookViews><workbookView/></bookViews><sheets>` +
		`<sheet name="` + reportSheet + `" sheetId="1" r:id="rId1"/>` +
		`<sheet name="` + summarySheet + `" sheetId="2" r:id="rId2"/>` +
		`</sheets></workbook>`},
	{"xl/_rels/workbook.xml.rels", xmlDecl +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + nsRel + `/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="` + nsRel + `/worksheet" Target="worksheets/sheet2.xml"/>` +
		`<Relationship Id="rId3" Type="` + nsRel + `/styles" Target="styles.xml"/>` +
		`</Relationships>`},
	{"xl/styles.xml", xmlDecl + `<styleSheet xmlns="` + nsMain + `">` +
		`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
		`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="4">` +
		`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` + // styleNone
		`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` + // styleBold
		`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` + // styleText: "@"
		`<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` + // styleAmount: #,##0
		`</cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
		`<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>` +
		`</styleSheet>`},
}

// reportSheetStart opens the Report sheet: the selected tab, its header row
// kept in view.
const reportSheetStart = xmlDecl + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
	`<sheetViews><sheetView tabSelected="1" workbookViewId="0">` +
	`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
	`</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>`

// summarySheetStart opens the Summary sheet: two columns, the keys bold.
const summarySheetStart = xmlDecl + `<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `">` +
	`<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>` +
	`<cols><col min="1" max="1" width="24" customWidth="1" style="1"/><col min="2" max="2" width="24" customWidth="1"/></cols>`

// The rest of a cell's start tag after its reference, by style: text
// cells are inline strings, so a sheet needs no shared-string table and is
// written in one pass.
var (
	textCellTag   = [...]string{`" t="inlineStr"><is><t`, `" s="1" t="inlineStr"><is><t`, `" s="2" t="inlineStr"><is><t`, `" s="3" t="inlineStr"><is><t`}
	numberCellTag = [...]string{`"><v>`, `" s="1"><v>`, `" s="2"><v>`, `" s="3"><v>`}
)

// sheetFlushAt is how much XML a sheetWriter holds before it writes it on.
const sheetFlushAt = 32 << 10

// sheetWriter writes the rows of a worksheet as XML. A failed write is kept
// in err, and later writes do nothing.
type sheetWriter struct {
	w      io.Writer
	buf    []byte
	cols   []string // the column names: A, B, …
	rowNum []byte   // the current row's number
	err    error
}

func newSheetWriter(w io.Writer, width int) *sheetWriter {
	cols := make([]string, width)
	for i := range cols {
		cols[i] = columnName(i)
	}
	return &sheetWriter{w: w, buf: make([]byte, 0, sheetFlushAt+8<<10), cols: cols}
}

// columnName is the name of the 0-based column i: A … Z, AA …
func columnName(i int) string {
	var b [4]byte
	n := len(b)
	for i++; i > 0; i = (i - 1) / 26 {
		n--
		b[n] = byte('A' + (i-1)%26)
	}
	return string(b[n:])
}

func (sw *sheetWriter) raw(s string) { sw.buf = append(sw.buf, s...) }

// startNumberedRow opens row number row (1-based).
func (sw *sheetWriter) startNumberedRow(row int) {
	sw.rowNum = strconv.AppendInt(sw.rowNum[:0], int64(row), 10)
	sw.buf = append(sw.buf, `<row r="`...)
	sw.buf = append(sw.buf, sw.rowNum...)
	sw.buf = append(sw.buf, `">`...)
}

// startRow opens row 1 with the tag given.
func (sw *sheetWriter) startRow(tag string) {
	sw.rowNum = append(sw.rowNum[:0], '1')
	sw.buf = append(sw.buf, tag...)
}

// endRow closes the row, and writes the XML on once there is enough.
func (sw *sheetWriter) endRow() {
	sw.buf = append(sw.buf, "</row>"...)
	if len(sw.buf) >= sheetFlushAt {
		_ = sw.flush()
	}
}

func (sw *sheetWriter) flush() error {
	if sw.err == nil && len(sw.buf) > 0 {
		_, sw.err = sw.w.Write(sw.buf)
	}
	sw.buf = sw.buf[:0]
	return sw.err
}

// number writes a number cell in column col (0-based) of the current row.
func (sw *sheetWriter) number(col int, v int64, style int) {
	b := append(sw.buf, `<c r="`...)
	b = append(b, sw.cols[col]...)
	b = append(b, sw.rowNum...)
	b = append(b, numberCellTag[style]...)
	b = strconv.AppendInt(b, v, 10)
	sw.buf = append(b, "</v></c>"...)
}

// text writes s as a text cell in column col of the current row, or
// nothing when s is empty. The text is cut to what a cell holds; leading
// or trailing white space is kept (xml:space), as excelize did.
func (sw *sheetWriter) text(col int, s string, style int) {
	if s == "" {
		return
	}
	s = cutCell(s)
	b := append(sw.buf, `<c r="`...)
	b = append(b, sw.cols[col]...)
	b = append(b, sw.rowNum...)
	b = append(b, textCellTag[style]...)
	if isEdgeSpace(s[0]) || isEdgeSpace(s[len(s)-1]) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = appendCellText(b, s)
	sw.buf = append(b, "</t></is></c>"...)
}

func isEdgeSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// cellMaxUnits is what a cell holds: 32,767 UTF-16 code units.
const cellMaxUnits = 32767

// cutCell cuts s to the whole characters that fit in a cell.
func cutCell(s string) string {
	if len(s) <= cellMaxUnits { // a UTF-8 byte is at most one UTF-16 unit
		return s
	}
	n := 0
	for i, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		if n > cellMaxUnits {
			return s[:i]
		}
	}
	return s
}

// asciiEscape says what a cell's text does with each ASCII byte: 0 copy
// it, 1 look at it (escape it, replace it or check for _xHHHH_).
var asciiEscape = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = c < 0x20 && c != '\t' && c != '\n' || c == '&' || c == '<' || c == '>' || c == '_'
	}
	return t
}()

// appendCellText appends s as the character data of a cell's <t>: & < >
// escaped; CR as a reference, which XML would otherwise read as LF; each
// character XML cannot carry (a control character, invalid UTF-8, U+FFFE,
// U+FFFF) as U+FFFD; and the _ of every _xHHHH_ in s as _x005F_, because a
// spreadsheet reads _xHHHH_ as the character HHHH (ECMA-376 ST_Xstring) —
// where such sequences overlap (_x0041_x0042_), each is escaped.
func appendCellText(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !asciiEscape[c] {
				i++
				continue
			}
			var esc string
			switch c {
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\r':
				esc = "&#xD;"
			case '_':
				if !isXEscape(s[i:]) {
					i++
					continue
				}
				esc = "_x005F_"
			default:
				esc = "\uFFFD"
			}
			dst = append(dst, s[last:i]...)
			dst = append(dst, esc...)
			i++
			last = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			dst = append(dst, s[last:i]...)
			dst = append(dst, "\uFFFD"...)
			last = i + size
		}
		i += size
	}
	return append(dst, s[last:]...)
}

// isXEscape says whether s starts with _xHHHH_ (H a hexadecimal digit).
func isXEscape(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
