package batch

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// sharedStrings is a workbook's table of shared strings: their text one
// after the other, and where each ends. Text cells of a workbook written by
// Excel are indexes into it.
type sharedStrings struct {
	text []byte
	ends []uint32
}

func (ss *sharedStrings) get(i int) (string, bool) {
	if ss == nil || i < 0 || i >= len(ss.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = ss.ends[i-1]
	}
	return string(ss.text[start:ss.ends[i]]), true
}

// readSharedStrings streams the shared strings part (absent: no table). An
// item's text is the text of its runs; phonetic hints (rPh) are not text.
func readSharedStrings(f *zip.File) (*sharedStrings, error) {
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open shared strings: %w", err)
	}
	defer rc.Close()
	ss := &sharedStrings{}
	x := newXMLScanner(rc)
	inSI, inT, phonetic := false, false, 0
	for {
		var text *[]byte
		if inT {
			text = &ss.text
		}
		err := x.next(text)
		if errors.Is(err, io.EOF) {
			return ss, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read shared strings: %w", err)
		}
		switch string(x.local) {
		case "si":
			inSI = !x.end && !x.empty
			if x.end || x.empty {
				if len(ss.text) > math.MaxUint32 {
					return nil, errors.New("shared strings too large")
				}
				ss.ends = append(ss.ends, uint32(len(ss.text)))
			}
		case "rPh":
			phonetic = x.nest(phonetic)
		case "t":
			inT = inSI && phonetic == 0 && !x.end && !x.empty
		}
	}
}

// sheetSource streams the rows of one worksheet as records.
type sheetSource struct {
	wb     *workbook
	rc     io.ReadCloser
	x      *xmlScanner
	inData bool   // inside <sheetData>
	row    int    // number of the last row read
	layout Layout // set once the header is read
	width  int    // fields of the header record
	done   bool
	// per cell, reused
	val []byte
}

// maxColumns is the widest worksheet Excel makes (column XFD).
const maxColumns = 16384

func (wb *workbook) openSheet(s sheetRef) (*sheetSource, error) {
	f := wb.parts[s.part]
	if f == nil {
		return nil, fmt.Errorf("worksheet part %s missing", s.part)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open worksheet: %w", err)
	}
	return &sheetSource{wb: wb, rc: rc, x: newXMLScanner(rc)}, nil
}

// setLayout tells the source the header's columns and width: data rows
// are padded to that width (a workbook leaves trailing empty cells out),
// and numeric cells of identifier columns are written as the rules expect.
func (s *sheetSource) setLayout(l Layout, width int) {
	s.layout, s.width = l, width
}

// cell is one <c> element as read.
type cell struct {
	col   int // 0-based
	style int
	typ   string
	isStr bool // an inline string (<is>)
}

func (s *sheetSource) read() ([]string, int, error) {
	if s.done {
		return nil, 0, io.EOF
	}
	fields, line, err := s.readRow()
	if err != nil {
		s.done = true
		s.rc.Close()
		if !errors.Is(err, io.EOF) {
			err = workbookError(err)
		}
		return nil, 0, err
	}
	// Trailing empty cells are no data: a workbook keeps formatted cells
	// right of the table. The header's width is restored for data rows.
	n := len(fields)
	for n > 0 && fields[n-1] == "" {
		n--
	}
	fields = fields[:n]
	for len(fields) < s.width {
		fields = append(fields, "")
	}
	return fields, line, nil
}

// readRow reads the next <row> element: its cells' values by position,
// and its row number.
func (s *sheetSource) readRow() ([]string, int, error) {
	x := s.x
	for !s.inData { // skip what comes before <sheetData>
		if err := x.next(nil); err != nil {
			return nil, 0, err
		}
		s.inData = x.is("sheetData") && !x.empty
		if x.is("sheetData") && x.empty {
			return nil, 0, io.EOF
		}
	}
	var fields []string
	var c cell
	inRow, inV, inT, phonetic := false, false, false, 0
	for {
		var text *[]byte
		if inV || inT {
			text = &s.val
		}
		if err := x.next(text); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, 0, err
		}
		switch string(x.local) {
		case "row":
			if x.end {
				return fields, s.row, nil
			}
			if inRow {
				return nil, 0, errors.New("row inside a row")
			}
			if err := s.startRow(); err != nil {
				return nil, 0, err
			}
			fields = make([]string, 0, s.width)
			if x.empty {
				return fields, s.row, nil
			}
			inRow = true
		case "c":
			if !x.end {
				var err error
				if c, err = s.startCell(len(fields)); err != nil {
					return nil, 0, err
				}
			}
			if x.end || x.empty {
				var err error
				if fields, err = s.endCell(c, fields); err != nil {
					return nil, 0, err
				}
			}
		case "v":
			inV = !x.end && !x.empty
		case "is":
			c.isStr = true
		case "rPh":
			phonetic = x.nest(phonetic)
		case "t":
			inT = c.isStr && phonetic == 0 && !x.end && !x.empty
		case "sheetData":
			if x.end {
				return nil, 0, io.EOF
			}
		}
	}
}

// startRow reads the row number of a <row> tag (the next one when it has
// none).
func (s *sheetSource) startRow() error {
	s.row++
	for a := s.x.attrs; ; {
		key, val, rest, ok := nextAttr(a)
		if !ok {
			return nil
		}
		if string(key) == "r" {
			n, ok := smallInt(val)
			if !ok || n < s.row {
				return fmt.Errorf("bad row number %q", shorten(string(val)))
			}
			s.row = n
			return nil
		}
		a = rest
	}
}

// startCell reads the attributes of a <c> tag; next is the column of a cell
// without a reference.
func (s *sheetSource) startCell(next int) (cell, error) {
	c := cell{col: next}
	s.val = s.val[:0]
	for a := s.x.attrs; ; {
		key, val, rest, ok := nextAttr(a)
		if !ok {
			return c, nil
		}
		a = rest
		switch string(key) {
		case "r":
			col, err := columnIndex(val)
			if err != nil {
				return c, err
			}
			c.col = col
		case "t":
			c.typ = cellTypes[string(val)]
			if c.typ == "" {
				c.typ = string(val)
			}
		case "s":
			c.style, _ = smallInt(val)
		}
	}
}

// cellTypes are the values of a cell's t attribute, so that reading one
// allocates nothing.
var cellTypes = map[string]string{"s": "s", "n": "n", "str": "str", "inlineStr": "inlineStr", "b": "b", "e": "e", "d": "d"}

// smallInt parses the decimal digits of b (at most 9 of them).
func smallInt(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// endCell adds the value of cell c to fields.
func (s *sheetSource) endCell(c cell, fields []string) ([]string, error) {
	if c.col < len(fields) || c.col >= maxColumns {
		return nil, fmt.Errorf("row %d: cell out of order or beyond column %d", s.row, maxColumns)
	}
	v, err := s.value(c)
	if err != nil || v == "" {
		return fields, err
	}
	for len(fields) < c.col {
		fields = append(fields, "")
	}
	return append(fields, v), nil
}

// columnIndex returns the 0-based column of a cell reference such as "AB12".
func columnIndex(ref []byte) (int, error) {
	col, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
		if col > maxColumns {
			return 0, fmt.Errorf("cell reference %q beyond column %d", shorten(string(ref)), maxColumns)
		}
	}
	if i == 0 {
		return 0, fmt.Errorf("bad cell reference %q", shorten(string(ref)))
	}
	return col - 1, nil
}

// value is the text of cell c, whose raw value is in s.val.
func (s *sheetSource) value(c cell) (string, error) {
	if c.typ == "s" {
		i, ok := smallInt(bytes.TrimSpace(s.val))
		if !ok {
			return "", fmt.Errorf("bad shared string index %q", shorten(string(s.val)))
		}
		v, ok := s.wb.strings.get(i)
		if !ok {
			return "", fmt.Errorf("shared string %d missing", i)
		}
		return v, nil
	}
	raw := string(s.val)
	switch c.typ {
	case "inlineStr", "str", "e":
		return raw, nil
	case "b":
		if raw == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	case "d": // an ISO 8601 date cell (rare; Strict workbooks)
		if len(raw) >= 10 {
			if _, err := time.Parse(time.DateOnly, raw[:10]); err == nil {
				return raw[:10], nil
			}
		}
		return raw, nil
	}
	if c.isStr || raw == "" {
		return raw, nil
	}
	if c.style >= 0 && c.style < len(s.wb.dateStyles) && s.wb.dateStyles[c.style] {
		if d, ok := serialDate(raw, s.wb.date1904); ok {
			return d, nil
		}
	}
	var col Column
	if c.col < len(s.layout) {
		col = s.layout[c.col]
	}
	return numberText(raw, col), nil
}

// serialDate returns the YYYY-MM-DD of a spreadsheet date serial number;
// a time of day is dropped. The 1900 system counts the 29 February 1900
// that never was (serial 60), as Excel does.
func serialDate(raw string, date1904 bool) (string, bool) {
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || f < 1 || f >= 2958466 { // 2958466 is 10000-01-01
		return "", false
	}
	days := int(math.Floor(f))
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days < 60:
		base = base.AddDate(0, 0, 1)
	case days == 60:
		return "", false
	}
	return base.AddDate(0, 0, days).Format(time.DateOnly), true
}

// maxExactDigits is the most significant digits a spreadsheet keeps of a
// number.
const maxExactDigits = 15

// numberText writes the raw value of a numeric cell of column col: an
// integer exactly, without exponent or ".0"; other numbers rounded to 15
// significant digits, as a spreadsheet shows them. A nik or npwp, and an
// integer of more than 15 significant digits in another identifier column,
// is written in scientific notation with every digit held: such a value was
// cut by the spreadsheet, and the rules flag it as SPREADSHEET_NUMBER.
func numberText(raw string, col Column) string {
	neg, digits, exp, ok := decimalParts(raw)
	if !ok {
		return raw
	}
	if digits == "" {
		return "0"
	}
	sign := ""
	if neg {
		sign = "-"
	}
	integer := exp >= 0
	switch {
	case col == ColNIK || col == ColNPWP,
		integer && len(digits) > maxExactDigits && spreadsheetColumns[col]:
		e := len(digits) - 1 + exp
		mant := digits[:1]
		if len(digits) > 1 {
			mant += "." + digits[1:]
		}
		es := "E+"
		if e < 0 {
			es, e = "E-", -e
		}
		return sign + mant + es + strconv.Itoa(e)
	case integer && len(digits)+exp <= 30:
		return sign + digits + strings.Repeat("0", exp)
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', maxExactDigits, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// decimalParts splits a decimal number [-]d*[.d*][E[+-]d+] into its sign
// and its value digits × 10^exp, digits without leading or trailing zeros
// ("" for zero).
func decimalParts(s string) (neg bool, digits string, exp int, ok bool) {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	mant, e, hasExp := strings.Cut(strings.ToUpper(s), "E")
	if hasExp {
		n, err := strconv.Atoi(e)
		if err != nil || n > 400 || n < -400 {
			return false, "", 0, false
		}
		exp = n
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart+frac == "" || !allDigits(intPart+frac) {
		return false, "", 0, false
	}
	digits = strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	return neg, trimmed, exp, true
}
