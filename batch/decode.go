package batch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// DecodeOptions bound what a decoder accepts.
type DecodeOptions struct {
	// MaxRows is the most data rows a file may hold; 0 means no limit.
	MaxRows int
	// MaxRecordBytes is the most bytes (as UTF-8) one record may span,
	// line breaks inside quotes included; 0 means defaultMaxRecordBytes.
	MaxRecordBytes int
	// Mapping maps uploaded header names to columns, before the aliases.
	Mapping Mapping
	// Checked says that the bytes of a UTF-8 file are known to be valid
	// UTF-8 without a NUL byte: Inspect found them so, or an Inspector will
	// before anything decoded is kept. The decoder then does not check
	// every value again (FILE_ENCODING can only come from Inspect). It
	// changes nothing for the other encodings.
	Checked bool
}

// defaultMaxRecordBytes is far above any real row (about 200 bytes) and low
// enough that a file without line breaks cannot fill the memory.
const defaultMaxRecordBytes = 1 << 20

// headBytes is the read buffer of a decoder; the delimiter is sniffed from
// the header line within the first headBytes of the file.
const headBytes = 64 << 10

// Record is one data record of a batch file.
type Record struct {
	// Line is the line in the file where the record starts (line 1 is the
	// first line of the file, blank or not).
	Line int
	// Fields are the values as uploaded: not trimmed; a CRLF inside a
	// quoted field reads as LF; a leading ' that a report put before a
	// value a spreadsheet would run is removed (unquoteCell). A record may have more or fewer fields than
	// the header (the rules flag FIELD_COUNT), except that empty fields under
	// the header's trailing empty names are dropped (see dropEmptyTail). A later Next never
	// changes them.
	Fields []string
}

// Decoder streams the records of a batch file (docs/file-format.md). It holds one
// record and a fixed read buffer in memory, never the whole file.
//
// Blank records are skipped everywhere, before the header too: empty lines,
// lines of white space, and lines of nothing but delimiters (";;;;", which
// spreadsheets write for empty rows); see blankRecord.
type Decoder struct {
	src        rowSource
	guard      *recordGuard
	header     []string
	rawWidth   int // fields of the header record, trailing empty names included
	layout     Layout
	comma      rune
	headerLine int
	checkUTF8  bool // the bytes are not transcoded, so nothing made them valid UTF-8
	checked    bool // the values need no checkText: DecodeOptions.Checked
	maxRows    int
	mapping    Mapping
	rows       int
	err        error // sticky: once Next fails it fails the same way
}

// NewDecoder converts the file from enc to UTF-8, strips a BOM, detects the
// delimiter from the header line (',', ';' or tab: the one most frequent
// outside quotes, ',' on a tie) and reads and checks the header: opt.Mapping
// first, then names compared with case and everything but letters and
// digits ignored, aliases mapping to canonical columns (Columns); a
// report's own columns are ignored (ColReportOnly); empty names after the
// last named one are not columns (headerNames).
//
// Errors are *Error: FILE_EMPTY when the file has no non-blank line;
// CSV_SYNTAX or FILE_ENCODING with the header's line; HEADER_UNKNOWN_COLUMN,
// HEADER_DUPLICATE_COLUMN or HEADER_MISSING_COLUMN (the first of these
// kinds that occurs) with one Detail per problem of every kind, each with
// the header's line and Column set to the name as uploaded (the canonical
// name for a missing column). A duplicate's Value names the canonical
// column it repeats; an empty name's Value is its 1-based position; an
// unknown name's Suggestion is the likeliest column. At most
// maxHeaderDetails details are listed.
func NewDecoder(r io.Reader, enc Encoding, opt DecodeOptions) (*Decoder, error) {
	src, err := utf8Reader(r, enc)
	if err != nil {
		return nil, err
	}
	if opt.MaxRecordBytes <= 0 {
		opt.MaxRecordBytes = defaultMaxRecordBytes
	}
	guard := &recordGuard{r: src, max: opt.MaxRecordBytes, line: 1}
	br := bufio.NewReaderSize(guard, headBytes)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\uFEFF")) {
		_, _ = br.Discard(3)
	}
	// A read error here is met again by the csv reader: the guard repeats it.
	head, _ := br.Peek(headBytes)
	d := &Decoder{
		guard:     guard,
		comma:     sniffDelimiter(head),
		checkUTF8: enc == EncUTF8 || enc == EncUTF8BOM,
		checked:   opt.Checked && (enc == EncUTF8 || enc == EncUTF8BOM),
		maxRows:   opt.MaxRows,
		mapping:   opt.Mapping,
	}
	// csv.NewReader uses br itself (it is a large enough *bufio.Reader).
	cr := csv.NewReader(br)
	cr.Comma = d.comma
	cr.FieldsPerRecord = -1
	// ReuseRecord stays off: Fields must outlive the next call, and a copy
	// would cost the same allocation the csv reader makes.
	d.src = csvSource{cr}
	if err := d.readHeader(); err != nil {
		return nil, err
	}
	return d, nil
}

// utf8Reader returns r converted from enc to UTF-8.
func utf8Reader(r io.Reader, enc Encoding) (io.Reader, error) {
	switch enc {
	case EncUTF8, EncUTF8BOM:
		return r, nil
	case EncUTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Reader(r), nil
	case EncUTF16BE:
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder().Reader(r), nil
	case EncWindows1252:
		// A UTF-8 BOM before Windows-1252 bytes is no text of the file.
		br := bufio.NewReader(r)
		if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\uFEFF")) {
			_, _ = br.Discard(3)
		}
		return charmap.Windows1252.NewDecoder().Reader(br), nil
	}
	return nil, fmt.Errorf("decode batch file: unknown encoding %q", enc)
}

// readHeader reads the first non-blank record and maps it to columns.
func (d *Decoder) readHeader() error {
	for {
		fields, line, err := d.src.read()
		if errors.Is(err, io.EOF) {
			return FileError(KindInvalid, CodeFileEmpty)
		}
		if err != nil {
			return d.readError(err)
		}
		if blankRecord(fields) {
			continue
		}
		d.headerLine = line
		if err := d.checkText(fields, d.headerLine); err != nil {
			return err
		}
		d.header, d.rawWidth = headerNames(unquoteCells(fields)), len(fields)
		d.layout, err = mapHeader(d.header, d.headerLine, d.mapping)
		return err
	}
}

// Header returns the header names as uploaded (trimmed, BOM removed).
func (d *Decoder) Header() []string { return append([]string(nil), d.header...) }

// Layout returns the canonical column of each header position.
func (d *Decoder) Layout() Layout { return append(Layout(nil), d.layout...) }

// Delimiter returns the delimiter detected from the header line.
func (d *Decoder) Delimiter() rune { return d.comma }

// Next returns the next non-blank data record. At the end it returns io.EOF,
// or *Error{KindInvalid, NO_DATA_ROWS} when the file had no data row at all.
// Other errors are *Error with one Detail naming the record's line:
// CSV_SYNTAX (a bare or unterminated quote, or a record longer than
// MaxRecordBytes; Value describes it without quoting data), FILE_ENCODING (a
// NUL character or invalid UTF-8) and, with KindTooLarge, TOO_MANY_ROWS for
// the first row past MaxRows (Value is the limit). After an error Next
// keeps returning it.
func (d *Decoder) Next() (Record, error) {
	if d.err != nil {
		return Record{}, d.err
	}
	rec, err := d.next()
	if err != nil {
		d.err = err
		_ = d.Close() // the end, or an error: a workbook's part need not be read further
	}
	return rec, err
}

func (d *Decoder) next() (Record, error) {
	for {
		fields, line, err := d.src.read()
		if errors.Is(err, io.EOF) {
			if d.rows == 0 {
				return Record{}, FileError(KindInvalid, CodeNoDataRows, Detail{Code: CodeNoDataRows, Line: d.headerLine})
			}
			return Record{}, io.EOF
		}
		if err != nil {
			return Record{}, d.readError(err)
		}
		if blankRecord(fields) {
			continue
		}
		if err := d.checkText(fields, line); err != nil {
			return Record{}, err
		}
		if len(fields) <= d.rawWidth {
			fields = dropEmptyTail(fields, len(d.header))
		}
		d.rows++
		if d.maxRows > 0 && d.rows > d.maxRows {
			return Record{}, FileError(KindTooLarge, CodeTooManyRows,
				Detail{Code: CodeTooManyRows, Line: line, Value: strconv.Itoa(d.maxRows)})
		}
		return Record{Line: line, Fields: unquoteCells(fields)}, nil
	}
}

// dropEmptyTail drops the fields past width that are empty or white space.
// It applies to a row no wider than the header record: a spreadsheet that
// once formatted a column right of the data writes an empty name for it in
// the header and an empty cell on every line (a trailing ";"), and that
// column is not data. A value there keeps every field up to it, so that row
// is a FIELD_COUNT (no data is dropped silently); so is a row wider than the
// header record, as docs/codes.md says.
func dropEmptyTail(fields []string, width int) []string {
	n := len(fields)
	for n > width && trimSpace(fields[n-1]) == "" {
		n--
	}
	return fields[:n]
}

// checkText refuses values that cannot be stored as text: a NUL character,
// or bytes that are not UTF-8 in a file that was not transcoded.
func (d *Decoder) checkText(fields []string, line int) error {
	if d.checked {
		return nil
	}
	for i, f := range fields {
		var what FaultKind
		switch {
		case strings.IndexByte(f, 0) >= 0:
			what = FaultNULCharacter
		case d.checkUTF8 && !utf8.ValidString(f):
			what = FaultInvalidUTF8
		default:
			continue
		}
		col := ""
		if i < len(d.header) {
			col = shorten(d.header[i])
		}
		return FileError(KindInvalid, CodeFileEncoding, faultDetail(CodeFileEncoding, line, col, Fault{Kind: what}))
	}
	return nil
}

// readError turns an error of the csv reader into the file error it means;
// a row source's own *Error is passed on as it is.
func (d *Decoder) readError(err error) error {
	if e := ErrorOf(err); e != nil {
		return e
	}
	var pe *csv.ParseError
	var long *recordTooLongError
	switch {
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote) && d.guard.unclosedQuote():
		return FileError(KindInvalid, CodeCSVSyntax, faultDetail(CodeCSVSyntax, pe.StartLine, "",
			Fault{Kind: FaultUnclosedQuote}))
	case errors.As(err, &pe):
		return FileError(KindInvalid, CodeCSVSyntax, faultDetail(CodeCSVSyntax, pe.StartLine, "", csvFault(pe)))
	case errors.As(err, &long):
		return FileError(KindInvalid, CodeCSVSyntax, faultDetail(CodeCSVSyntax, long.line, "",
			Fault{Kind: FaultRecordTooLong, Limit: long.max}))
	}
	return fmt.Errorf("read batch file: %w", err)
}

// csvFault is the fault of a parse error of encoding/csv.
func csvFault(pe *csv.ParseError) Fault {
	f := Fault{Kind: FaultCSV, At: true, Line: pe.Line, Column: pe.Column, Cause: pe.Err.Error()}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		f.Kind, f.Cause = FaultBareQuote, ""
	case errors.Is(pe.Err, csv.ErrQuote):
		f.Kind, f.Cause = FaultQuote, ""
	}
	return f
}

// Close releases what a decoder holds besides memory: the goroutine that
// inflates a workbook ahead of its rows, which ends by itself when the rows
// are read to the end or fail. Close a decoder given up earlier. It does
// nothing for CSV, and is safe to call more than once.
func (d *Decoder) Close() error {
	if c, ok := d.src.(interface{ close() }); ok {
		c.close()
	}
	return nil
}

// rowSource yields the raw records of a batch file, blank ones included,
// each with the line (CSV) or worksheet row (workbook) where it starts, and
// io.EOF at the end.
type rowSource interface {
	read() (fields []string, line int, err error)
}

// csvSource reads the records of a CSV file.
type csvSource struct{ r *csv.Reader }

func (c csvSource) read() ([]string, int, error) {
	fields, err := c.r.Read()
	if err != nil {
		return nil, 0, err
	}
	line, _ := c.r.FieldPos(0)
	return fields, line, nil
}

// recordTooLongError is what recordGuard reports.
type recordTooLongError struct{ line, max int }

func (e *recordTooLongError) Error() string {
	return fmt.Sprintf("record at line %d longer than %d bytes", e.line, e.max)
}

// recordGuard sits under the csv reader and stops a record that grows past
// max bytes, before the csv reader buffers it all: a file without line
// breaks, or with a quote never closed, would otherwise be held whole. It
// follows record boundaries the way RFC 4180 does (a line break ends a
// record unless inside quotes); where a file breaks the quoting rules the
// csv reader reports that first, since it sees those bytes before the guard
// can have counted max more. Errors, its own or the source's, are sticky.
type recordGuard struct {
	r       io.Reader
	max     int
	line    int  // line of the next byte
	recLine int  // line where the current record started
	recLen  int  // bytes of the current record so far
	quoted  bool // inside a quoted field
	err     error
}

// unclosedQuote reports whether the file ended inside a quoted field.
func (g *recordGuard) unclosedQuote() bool {
	return g.quoted && errors.Is(g.err, io.EOF)
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if at := g.scan(p[:n]); at >= 0 {
		g.err = &recordTooLongError{line: g.recLine, max: g.max}
		if at == 0 {
			return 0, g.err
		}
		return at, nil
	}
	if err != nil {
		g.err = err
	}
	return n, err
}

// scan follows the records in p. It returns the offset of the byte that
// makes a record longer than max, or -1. Runs of ordinary bytes are skipped
// whole: this loop sees every byte the decoder reads.
func (g *recordGuard) scan(p []byte) int {
	for off := 0; off < len(p); {
		if run := ordinaryRun(p[off:]); run > 0 {
			if g.recLen == 0 {
				g.recLine = g.line
			}
			if g.recLen+run > g.max {
				return off + g.max - g.recLen
			}
			g.recLen += run
			off += run
			continue
		}
		c := p[off]
		off++
		if c == '\n' && !g.quoted {
			g.line++
			g.recLen = 0
			continue
		}
		if g.recLen == 0 {
			g.recLine = g.line
		}
		if g.recLen++; g.recLen > g.max {
			return off - 1
		}
		if c == '"' {
			g.quoted = !g.quoted
		} else {
			g.line++ // a line break inside quotes
		}
	}
	return -1
}

// ordinaryRun returns how many bytes at the start of p are neither a quote
// nor a line feed.
func ordinaryRun(p []byte) int {
	n := bytes.IndexByte(p, '\n')
	if n < 0 {
		n = len(p)
	}
	if q := bytes.IndexByte(p[:n], '"'); q >= 0 {
		return q
	}
	return n
}
