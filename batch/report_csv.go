package batch

import (
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CSVReport writes the result report as CSV: UTF-8 with a BOM (so Excel
// reads it as UTF-8), the upload's delimiter and CRLF line ends (RFC 4180,
// what Excel writes). Codes in one cell are joined by ';' and messages by
// " | "; every cell is defused with safeCell, and every cell holding ',', ';'
// or a tab is quoted, whatever the delimiter.
//
// A report line is appended cell by cell to one buffer, which goes to the
// writer in blocks of csvReportBlock bytes: no string is made for a cell,
// and a cell that needs neither a mark nor quotes (nearly all) is looked
// at once, byte by byte, through a table (plain, lead). The rest go the
// long way, through safeCell and csvQuotedField, so the table only decides
// which way a cell takes, never what is written.
type CSVReport struct {
	w     io.Writer
	r     renderer
	comma rune
	buf   []byte
	// plain[c] is true for a byte c that a cell may hold anywhere and still
	// be written as it is; lead[c] for such a byte that may also start a
	// cell (no trigger, no ' " or space before one, no non-ASCII rune,
	// which may be a full-width trigger).
	plain, lead *[256]bool
	digits      bool // whether a number's digits are plain too (a digit delimiter is not)
	issues      map[issuesKey][]byte
	day         time.Time
	dayText     []byte // the text of day
}

// csvReportBlock is the size of the blocks the report is written in:
// the API's buffer (64 KiB) passes a block this big straight on.
const csvReportBlock = 64 << 10

// NewCSVReport writes the BOM and the header row of a report on m's batch.
func NewCSVReport(w io.Writer, m ReportMeta) (*CSVReport, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, fmt.Errorf("write report BOM: %w", err)
	}
	r := &CSVReport{w: w, r: newRenderer(m), comma: ',', buf: make([]byte, 0, csvReportBlock+4<<10)}
	if m.Delimiter != 0 {
		r.comma = m.Delimiter
	}
	r.plain, r.lead = plainBytes(r.comma)
	r.digits = true
	for c := '0'; c <= '9'; c++ {
		r.digits = r.digits && r.lead[c]
	}
	b := r.buf
	for i, h := range reportHeader(r.r.header) {
		b = r.appendSep(b, i)
		b = r.appendCell(b, h)
	}
	r.buf = append(b, '\r', '\n')
	return r, nil
}

// plainBytes builds the tables of CSVReport for delimiter comma.
func plainBytes(comma rune) (plain, lead *[256]bool) {
	plain, lead = new([256]bool), new([256]bool)
	for c := range 256 {
		plain[c] = !cellStarts[c] && !csvQuoted[c] && !(comma >= utf8.RuneSelf && c >= utf8.RuneSelf)
	}
	if comma < utf8.RuneSelf {
		plain[comma] = false
	}
	*lead = *plain
	for c := range 256 {
		if c >= utf8.RuneSelf || asciiTriggers[c] {
			lead[c] = false
		}
	}
	lead['\''], lead[' '], lead['"'] = false, false, false
	return plain, lead
}

// Write writes the report line of one data row.
func (r *CSVReport) Write(l ReportLine) error {
	b := appendIntCell(r, r.buf, int64(l.Row))
	b = r.sep(b)
	b = appendIntCell(r, b, int64(l.Line))
	// The uploaded fields at the positions shown, padded with empty cells
	// or cut to the header's width (fitFields, shown). The check of a
	// cell is inlined here, where most of a row's cells are: a call to
	// appendCell for each was about a tenth of the time of a row.
	for _, k := range r.r.keep {
		b = r.sep(b)
		if k >= len(l.Fields) {
			continue
		}
		if s := l.Fields[k]; plainCell(r, s) {
			b = append(b, s...)
		} else {
			b = r.appendQuoted(b, s)
		}
	}
	for _, s := range [...]string{string(l.Outcome), l.ClaimNumber, string(l.ClaimStatus)} {
		b = r.sep(b)
		if plainCell(r, s) {
			b = append(b, s...)
		} else {
			b = r.appendQuoted(b, s)
		}
	}
	b = r.sep(b)
	if !l.EligibleOn.IsZero() {
		// Rows of a batch mostly share their date: it is formatted once.
		// (==, not Equal: the same instant in another zone is another day.)
		if l.EligibleOn != r.day || r.dayText == nil {
			r.day, r.dayText = l.EligibleOn, l.EligibleOn.AppendFormat(r.dayText[:0], time.DateOnly)
		}
		b = r.appendBytesCell(b, r.dayText)
	}
	for _, v := range [...]int64{l.Gross, l.Tax, l.Net} {
		b = r.sep(b)
		if l.HasAmounts {
			b = appendIntCell(r, b, v)
		}
	}
	b = r.appendIssueCells(b, l.Issues)
	b = append(b, '\r', '\n')
	r.buf = b
	if len(b) < csvReportBlock {
		return nil
	}
	if err := r.flush(); err != nil {
		return fmt.Errorf("write report row %d: %w", l.Row, err)
	}
	return nil
}

// issuesKey is a row's issues, when it has no more than four.
type issuesKey struct {
	n      int
	issues [4]Issue
}

// maxIssueCells bounds the issue cells CSVReport remembers.
const maxIssueCells = 4096

// appendIssueCells appends the error_codes, warning_codes and messages
// cells of a row with issues is, each after a delimiter. The rejected rows
// of a batch mostly share a few combinations of issues, and rendering,
// defusing and quoting their messages was most of the time of writing
// such a row: the cells of each combination are made once.
func (r *CSVReport) appendIssueCells(b []byte, is Issues) []byte {
	if len(is) == 0 {
		return r.sep(r.sep(r.sep(b)))
	}
	var k issuesKey
	if len(is) > len(k.issues) {
		return r.appendIssues(b, is)
	}
	k.n = copy(k.issues[:], is)
	if c, ok := r.issues[k]; ok {
		return append(b, c...)
	}
	c := r.appendIssues(nil, is)
	if r.issues == nil {
		r.issues = make(map[issuesKey][]byte)
	}
	if len(r.issues) < maxIssueCells {
		r.issues[k] = c
	}
	return append(b, c...)
}

func (r *CSVReport) appendIssues(b []byte, is Issues) []byte {
	errs, warns, messages := r.r.issueCells(is)
	for _, s := range [...]string{errs, warns, messages} {
		b = r.sep(b)
		b = r.appendCell(b, s)
	}
	return b
}

// appendSep appends the delimiter before the cell at position i.
func (r *CSVReport) appendSep(b []byte, i int) []byte {
	if i == 0 {
		return b
	}
	return r.sep(b)
}

// sep appends the delimiter. It is inlined (appendWideSep is kept out of
// it so that it stays small enough): a call for each of the 26 of a row
// was about a tenth of the time of a created row.
func (r *CSVReport) sep(b []byte) []byte {
	if r.comma < utf8.RuneSelf {
		return append(b, byte(r.comma))
	}
	return appendWideSep(b, r.comma)
}

//go:noinline
func appendWideSep(b []byte, comma rune) []byte { return utf8.AppendRune(b, comma) }

// appendCell appends cell s, defused and quoted as it needs: the header's
// and the issues' cells (Write checks its other cells itself, plainCell
// inlined in its loops, the long way kept out of them in appendQuoted).
func (r *CSVReport) appendCell(b []byte, s string) []byte {
	if plainCell(r, s) {
		return append(b, s...)
	}
	return r.appendQuoted(b, s)
}

// appendBytesCell is appendCell for a cell held in bytes.
func (r *CSVReport) appendBytesCell(b, s []byte) []byte {
	if plainCell(r, s) {
		return append(b, s...)
	}
	return r.appendQuoted(b, string(s))
}

// plainCell reports whether cell s is written as it is: empty, or with a
// lead byte, plain bytes, and no space at its end. The table is read
// through a local, so that it is loaded once a cell, not once a byte.
func plainCell[T string | []byte](r *CSVReport, s T) bool {
	if len(s) == 0 {
		return true
	}
	if !r.lead[s[0]] || s[len(s)-1] == ' ' {
		return false
	}
	plain := r.plain
	for i := 1; i < len(s); i++ {
		if !plain[s[i]] {
			return false
		}
	}
	return true
}

// appendQuoted appends cell s through safeCell and appendCSVField.
func (r *CSVReport) appendQuoted(b []byte, s string) []byte {
	return appendCSVField(b, safeCell(s), r.comma)
}

// appendIntCell appends the cell of a whole number.
func appendIntCell(r *CSVReport, b []byte, v int64) []byte {
	if v >= 0 && r.digits {
		return appendDigits(b, uint64(v))
	}
	var digits [20]byte
	return r.appendBytesCell(b, strconv.AppendInt(digits[:0], v, 10))
}

// appendDigits appends the decimal digits of v, as strconv.AppendUint
// does (TestAppendDigits), but straight into b: five numbers a row (row,
// line, three amounts) went through strconv's calls and a copy each, a
// fifth of the time of a created row.
func appendDigits(b []byte, v uint64) []byte {
	n := decimalLen(v)
	b = slices.Grow(b, n)
	d := b[len(b) : len(b)+n]
	i := n
	for v >= 100 {
		q := v / 100
		p := (v - q*100) * 2
		i -= 2
		d[i], d[i+1] = digitPairs[p], digitPairs[p+1]
		v = q
	}
	if v >= 10 {
		d[i-2], d[i-1] = digitPairs[v*2], digitPairs[v*2+1]
	} else {
		d[i-1] = byte('0' + v)
	}
	return b[:len(b)+n]
}

// digitPairs is 00 to 99, each in two digits.
const digitPairs = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" + "60616263646566676869" +
	"70717273747576777879" + "80818283848586878889" + "90919293949596979899"

// powersOf10 are 10⁰ to 10¹⁹.
var powersOf10 = [20]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// decimalLen is the number of decimal digits of v (1 for 0).
func decimalLen(v uint64) int {
	t := bits.Len64(v|1) * 1233 >> 12 // log₁₀ 2 ≈ 1233/4096: the digits, or one less
	if t == 0 || v >= powersOf10[t] {
		return t + 1
	}
	return t
}

// appendCSVField appends f as an RFC 4180 field: quoted, with its quotes
// doubled, when needsCSVQuotes says so.
func appendCSVField(b []byte, f string, comma rune) []byte {
	if !needsCSVQuotes(f, comma) {
		return append(b, f...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(f, '"')
		if i < 0 {
			break
		}
		b = append(b, f[:i+1]...)
		b = append(b, '"')
		f = f[i+1:]
	}
	b = append(b, f...)
	return append(b, '"')
}

func (r *CSVReport) flush() error {
	if len(r.buf) == 0 {
		return nil
	}
	_, err := r.w.Write(r.buf)
	r.buf = r.buf[:0]
	return err
}

// Close writes what is left of the report. It does not close the
// underlying writer.
func (r *CSVReport) Close() error {
	if err := r.flush(); err != nil {
		return fmt.Errorf("flush report: %w", err)
	}
	return nil
}
