package batch

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// sharedStrings is a workbook's table of shared strings: their text one
// after the other in one string, and where each ends. Text cells of a
// workbook written by Excel are indexes into it; a cell's value is a slice
// of text, so reading it allocates nothing.
type sharedStrings struct {
	text string
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
	return ss.text[start:ss.ends[i]], true
}

// maxSharedStringsGrow bounds what is reserved for the shared strings'
// text up front from the size their part declares.
const maxSharedStringsGrow = 64 << 20

// reserveSharedStrings sizes the table from what the <sst> tag says it
// holds (uniqueCount items) and the part's size, so that it is allocated
// once: the text is shorter than the XML by at least <si><t></t></si> per
// item. A count that lies only costs a regrowth.
func reserveSharedStrings(x *xmlScanner, text *strings.Builder, ends *[]uint32, size uint64) {
	n, _ := x.attr("uniqueCount")
	count, ok := smallInt([]byte(n))
	if !ok {
		count = 0
	}
	reserve := min(size, maxSharedStringsGrow)
	if c := uint64(count) * 16; c < reserve {
		reserve -= c
	}
	text.Grow(int(reserve))
	*ends = make([]uint32, 0, min(count, maxSharedStringsGrow/16))
}

// readSharedStrings streams the shared strings part (absent: no table). An
// item's text is the text of its runs, its escapes decoded
// (unescapeXString); phonetic hints (rPh) are not text.
func readSharedStrings(f *zip.File) (*sharedStrings, error) {
	if f == nil {
		return nil, nil
	}
	part, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open shared strings: %w", err)
	}
	rc := newAheadReader(part)
	defer rc.Close()
	var text strings.Builder
	var ends []uint32
	var item []byte
	x := newXMLScanner(rc)
	inSI, inT, phonetic := false, false, 0
	for {
		var dst *[]byte
		if inT {
			dst = &item
		}
		err := x.next(dst)
		if errors.Is(err, io.EOF) {
			return &sharedStrings{text: text.String(), ends: ends}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read shared strings: %w", err)
		}
		switch string(x.local) {
		case "sst":
			if !x.isEnd {
				reserveSharedStrings(x, &text, &ends, f.UncompressedSize64)
			}
		case "si":
			inSI = !x.isEnd && !x.empty
			short := false
			if inSI {
				// Most items are <si><t>…</t></si>: read that in one go.
				var v []byte
				if v, short = x.plainElement("t", "</t></si>"); short {
					item, inSI = append(item, v...), false
				}
			}
			if x.isEnd || x.empty || short {
				if bytes.Contains(item, []byte("_x")) {
					item = append(item[:0], unescapeXString(string(item))...)
				}
				text.Write(item)
				item = item[:0]
				if text.Len() > math.MaxUint32 {
					return nil, errors.New("shared strings too large")
				}
				ends = append(ends, uint32(text.Len()))
			}
		case "rPh":
			phonetic = x.nest(phonetic)
		case "t":
			inT = inSI && phonetic == 0 && !x.isEnd && !x.empty
		}
	}
}

// sheetSource streams the rows of one worksheet as records.
type sheetSource struct {
	wb     *workbook
	rc     io.ReadCloser // closed at the end, at an error, or by close
	x      *xmlScanner
	inData bool   // inside <sheetData>
	row    int    // number of the last row read
	layout Layout // set once the header is read
	width  int    // fields of the header record
	done   bool
	// next is the column of the row's next cell when it has no reference:
	// the one after the last cell read, empty or not (r is optional, and
	// empty cells add no field).
	next int
	// text is the size of the rows read so far as CSV would hold them
	// (values and separators); more than maxText (when > 0) is too large.
	text, maxText int64
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
	part, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open worksheet: %w", err)
	}
	rc := newAheadReader(part)
	return &sheetSource{wb: wb, rc: rc, x: newXMLScanner(rc)}, nil
}

// close stops reading the worksheet (its reader inflates ahead).
func (s *sheetSource) close() {
	s.done = true
	s.rc.Close()
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
	// The rows' text is bounded like the unpacked file: a small package can
	// repeat one long shared string, or reach a far column, in every row.
	s.text += int64(len(fields))
	for _, f := range fields {
		s.text += int64(len(f))
	}
	if s.maxText > 0 && s.text > s.maxText {
		s.done = true
		s.rc.Close()
		return nil, 0, FileError(KindTooLarge, CodeFileTooLarge, Detail{Code: CodeFileTooLarge, Line: line, Value: fmt.Sprint(s.maxText)})
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
		if inRow && !inV && !inT && !c.isStr {
			var done bool
			var err error
			if fields, done, err = s.plainCell(fields); err != nil {
				return nil, 0, err
			} else if done {
				continue
			}
		}
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
			if x.isEnd {
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
			if !x.isEnd {
				var err error
				if c, err = s.startCell(s.next); err != nil {
					return nil, 0, err
				}
			}
			short := false
			if !x.isEnd && !x.empty {
				// Most cells are <c …><v>…</v></c>: read that in one go.
				var v []byte
				if v, short = x.plainElement("v", "</v></c>"); short {
					s.val = append(s.val, v...)
				}
			}
			if x.isEnd || x.empty || short {
				var err error
				if fields, err = s.endCell(c, fields); err != nil {
					return nil, 0, err
				}
			}
		case "v":
			inV = !x.isEnd && !x.empty
		case "is":
			c.isStr = true
		case "rPh":
			phonetic = x.nest(phonetic)
		case "t":
			inT = c.isStr && phonetic == 0 && !x.isEnd && !x.empty
		case "sheetData":
			if x.isEnd {
				return nil, 0, io.EOF
			}
		}
	}
}

// plainCell reads, when the scanner's window starts with one, a cell as
// Excel writes most of them, <c r="B2" s="1" t="s"><v>7</v></c>, in one
// pass, and adds its value to fields. Anything else (a name prefix,
// references, an inline string, a cell split across reads) is left to the
// general path: it returns false having read nothing.
func (s *sheetSource) plainCell(fields []string) ([]string, bool, error) {
	x := s.x
	w := x.buf[x.pos:x.end]
	if len(w) < 3 || w[0] != '<' || w[1] != 'c' || (w[2] != ' ' && w[2] != '>') {
		return fields, false, nil
	}
	c := cell{col: s.next}
	i := 2
	for {
		for i < len(w) && w[i] == ' ' {
			i++
		}
		if i >= len(w) {
			return fields, false, nil
		}
		if w[i] == '>' {
			i++
			break
		}
		k := i
		for i < len(w) && w[i] != '=' && w[i] != ' ' && w[i] != '>' && w[i] != '/' {
			i++
		}
		if i+1 >= len(w) || w[i] != '=' || w[i+1] != '"' {
			return fields, false, nil
		}
		key := w[k:i]
		i += 2
		v := i
		for i < len(w) && w[i] != '"' && w[i] != '&' {
			i++
		}
		if i >= len(w) || w[i] != '"' {
			return fields, false, nil
		}
		val := w[v:i]
		i++
		switch string(key) {
		case "r":
			col, err := columnIndex(val)
			if err != nil {
				return fields, false, nil
			}
			c.col = col
		case "s":
			c.style, _ = smallInt(val)
		case "t":
			c.typ = cellType(val)
		}
	}
	rest := w[i:]
	if len(rest) < 3 || string(rest[:3]) != "<v>" {
		return fields, false, nil
	}
	j := 3
	for j < len(rest) && rest[j] != '<' && rest[j] != '&' && rest[j] != '\r' {
		j++
	}
	if j+8 > len(rest) || string(rest[j:j+8]) != "</v></c>" {
		return fields, false, nil
	}
	s.val = append(s.val[:0], rest[3:j]...)
	x.pos += i + j + 8
	fields, err := s.endCell(c, fields)
	return fields, true, err
}

// startRow reads the row number of a <row> tag (the next one when it has
// none).
func (s *sheetSource) startRow() error {
	s.row++
	s.next = 0
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
			c.typ = cellType(val)
		case "s":
			c.style, _ = smallInt(val)
		}
	}
}

// cellType returns a cell's t attribute as a constant string, so that
// reading it allocates nothing; an unknown type reads as a number.
func cellType(t []byte) string {
	switch string(t) {
	case "s":
		return "s"
	case "str":
		return "str"
	case "inlineStr":
		return "inlineStr"
	case "b":
		return "b"
	case "e":
		return "e"
	case "d":
		return "d"
	}
	return "n"
}

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
	if c.col < s.next || c.col >= maxColumns {
		return nil, fmt.Errorf("row %d: cell out of order or beyond column %d", s.row, maxColumns)
	}
	s.next = c.col + 1
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
