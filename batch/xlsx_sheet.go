package batch

import (
	"archive/zip"
	"encoding/xml"
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
	dec := xml.NewDecoder(rc)
	inSI, inT, phonetic := false, false, 0
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			return ss, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read shared strings: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
			case "rPh":
				phonetic++
			case "t":
				inT = inSI && phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if len(ss.text) > math.MaxUint32 {
					return nil, errors.New("shared strings too large")
				}
				inSI = false
				ss.ends = append(ss.ends, uint32(len(ss.text)))
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				ss.text = append(ss.text, t...)
			}
		}
	}
}

// sheetSource streams the rows of one worksheet as records.
type sheetSource struct {
	wb     *workbook
	rc     io.ReadCloser
	dec    *xml.Decoder
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
	return &sheetSource{wb: wb, rc: rc, dec: xml.NewDecoder(rc)}, nil
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
	var fields []string
	var c cell
	inRow, inV, inT, phonetic := false, false, false, 0
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) && inRow {
				err = io.ErrUnexpectedEOF
			}
			return nil, 0, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow = true
				s.row++
				if r, ok := attr(t, "r"); ok {
					n, err := strconv.Atoi(r)
					if err != nil || n < 1 {
						return nil, 0, fmt.Errorf("bad row number %q", r)
					}
					s.row = n
				}
				fields = make([]string, 0, s.width)
			case "c":
				col := len(fields)
				if r, ok := attr(t, "r"); ok {
					if col, err = columnIndex(r); err != nil {
						return nil, 0, err
					}
				}
				c = cell{col: col}
				c.typ, _ = attr(t, "t")
				if v, ok := attr(t, "s"); ok {
					c.style, _ = strconv.Atoi(v)
				}
				s.val = s.val[:0]
			case "v":
				inV = true
			case "is":
				c.isStr = true
			case "rPh":
				phonetic++
			case "t":
				inT = c.isStr && phonetic == 0
			}
		case xml.CharData:
			if inV || inT {
				s.val = append(s.val, t...)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inT = false
			case "rPh":
				phonetic--
			case "c":
				if c.col < len(fields) || c.col >= maxColumns {
					return nil, 0, fmt.Errorf("row %d: cell out of order or beyond column %d", s.row, maxColumns)
				}
				v, err := s.value(c)
				if err != nil {
					return nil, 0, err
				}
				if v != "" {
					for len(fields) < c.col {
						fields = append(fields, "")
					}
					fields = append(fields, v)
				}
			case "row":
				return fields, s.row, nil
			case "sheetData":
				return nil, 0, io.EOF
			}
		}
	}
}

func attr(t xml.StartElement, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

// columnIndex returns the 0-based column of a cell reference such as "AB12".
func columnIndex(ref string) (int, error) {
	col, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
		if col > maxColumns {
			return 0, fmt.Errorf("cell reference %q beyond column %d", shorten(ref), maxColumns)
		}
	}
	if i == 0 {
		return 0, fmt.Errorf("bad cell reference %q", shorten(ref))
	}
	return col - 1, nil
}

// value is the text of cell c, whose raw value is in s.val.
func (s *sheetSource) value(c cell) (string, error) {
	raw := string(s.val)
	switch c.typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return "", fmt.Errorf("bad shared string index %q", shorten(raw))
		}
		v, ok := s.wb.strings.get(i)
		if !ok {
			return "", fmt.Errorf("shared string %d missing", i)
		}
		return v, nil
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
