package batch

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ReportLine is one line of the result report: one input data row and what
// became of it (docs/report.md).
type ReportLine struct {
	Row, Line       int
	Fields          []string // raw uploaded fields
	Outcome         Outcome  // "" when the row was never processed (batch cancelled)
	ClaimNumber     string
	ClaimStatus     ClaimStatus
	EligibleOn      time.Time // zero = none
	Gross, Tax, Net int64
	HasAmounts      bool // amounts are shown only when true
	Issues          Issues
}

// ReportMeta describes the batch a report is about.
type ReportMeta struct {
	BatchID, Filename string
	Status            Status
	Mode              Mode
	RulesVersion      string
	Header            []string // uploaded header names
	Layout            Layout   // the column of each header position; nil: found from Header
	Delimiter         rune     // the upload's; ',' when zero
	Encoding          Encoding
	TotalRows         int
	ProcessedRows     int
	Created, Valid    int
	Rejected          int
	Warnings          int
	CreatedAt         time.Time
	FinishedAt        time.Time
	Lang              Lang
	TempDir           string // where the XLSX writer may spool its sheet; "" means os.TempDir()
}

// reportColumns follow the uploaded columns in every report.
var reportColumns = []string{"outcome", "claim_number", "claim_status", "eligible_on",
	"gross_amount", "tax_amount", "net_amount", "error_codes", "warning_codes", "messages"}

// messageSeparator joins the messages of one row in the messages column. It
// holds none of the accepted delimiters, so it reads as one cell's text.
const messageSeparator = " | "

// codeSeparator joins the codes of one row (docs/report.md).
const codeSeparator = ";"

// reportHeader is the header row of a report for an upload with header.
func reportHeader(header []string) []string {
	h := make([]string, 0, 2+len(header)+len(reportColumns))
	h = append(h, "row", "line")
	h = append(h, header...)
	return append(h, reportColumns...)
}

// reportCells are the text of one report line, column by column, before any
// formula escaping: what both the CSV and the XLSX report show.
type reportCells struct {
	fields          []string // padded or cut to the header's width
	eligibleOn      string
	errs, warns     string
	messages        string
	amounts         bool
	outcome         string
	claimNumber     string
	claimStatus     string
	gross, tax, net int64
}

// renderer turns report lines into cells for one batch: the uploaded
// columns it shows, the language of the messages, and the uploaded name of
// each column, so that a message names the column as the user wrote it
// ("Kolom Nama Lengkap"), not by its canonical name. The report-only
// columns of a report uploaded again are not shown again (the new report
// adds its own); a column the mapping ignored is shown as uploaded.
type renderer struct {
	width  int      // uploaded columns
	keep   []int    // the positions shown
	header []string // their names
	lang   Lang
	names  map[Column]string
}

func newRenderer(m ReportMeta) renderer {
	layout := m.Layout
	if len(layout) != len(m.Header) {
		layout = make(Layout, len(m.Header))
		for i, h := range m.Header {
			layout[i] = columnsByKey[headerKey(h)]
		}
	}
	r := renderer{width: len(m.Header), lang: m.Lang, names: make(map[Column]string, len(m.Header))}
	for i, h := range m.Header {
		if layout[i] == ColReportOnly {
			continue
		}
		r.keep, r.header = append(r.keep, i), append(r.header, h)
		if layout[i] != "" && layout[i] != ColIgnored {
			r.names[layout[i]] = h
		}
	}
	return r
}

// cells renders l.
func (r renderer) cells(l ReportLine) reportCells {
	c := reportCells{
		fields:      r.shown(fitFields(l.Fields, r.width)),
		amounts:     l.HasAmounts,
		outcome:     string(l.Outcome),
		claimNumber: l.ClaimNumber,
		claimStatus: string(l.ClaimStatus),
		gross:       l.Gross, tax: l.Tax, net: l.Net,
	}
	if !l.EligibleOn.IsZero() {
		c.eligibleOn = l.EligibleOn.Format(time.DateOnly)
	}
	c.errs, c.warns, c.messages = r.issueCells(l.Issues)
	return c
}

// issueCells are the error_codes, warning_codes and messages cells of a
// row with issues is.
func (r renderer) issueCells(is Issues) (errs, warns, messages string) {
	if len(is) == 0 {
		return "", "", ""
	}
	e, w := is.Codes()
	msgs := make([]string, len(is))
	for i, issue := range is {
		msgs[i] = issue.message(r.lang, r.names)
	}
	return joinCodes(e), joinCodes(w), strings.Join(msgs, messageSeparator)
}

// shown returns the fields at the positions the report shows.
func (r renderer) shown(fields []string) []string {
	if len(r.keep) == len(fields) {
		return fields
	}
	out := make([]string, len(r.keep))
	for i, k := range r.keep {
		out[i] = fields[k]
	}
	return out
}

// fitFields pads fields with empty values, or cuts them, to width: a row
// with a different number of fields than the header (FIELD_COUNT) still
// fills exactly the uploaded columns.
func fitFields(fields []string, width int) []string {
	if len(fields) >= width {
		return fields[:width]
	}
	out := make([]string, width)
	copy(out, fields)
	return out
}

func joinCodes(codes []Code) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return strings.Join(s, codeSeparator)
}

// amount formats a whole-rupiah amount, or nothing when there is none.
func (c reportCells) amount(v int64) string {
	if !c.amounts {
		return ""
	}
	return strconv.FormatInt(v, 10)
}

// safeCell defuses a cell a spreadsheet would run as a formula, in any
// dialect: see QuoteCell.
func safeCell(s string) string { return QuoteCell(s) }

// unquoteCell undoes safeCell: where s is what safeCell makes of some
// value, it returns that value. A report uploaded again (fix and send
// again) so gives back the values of the upload it reports on, and a phone
// typed '+628… reads as +628…; any other ' stays. It relies only on
// safeCell itself, so it follows whatever safeCell defuses: it tries the
// value without one ' before each trigger (marks anywhere in the cell),
// then without the leading ' alone, and keeps the candidate safeCell turns
// back into s.
func unquoteCell(s string) string {
	if t := dropMarks(s); t != s && safeCell(t) == s {
		return t
	}
	if len(s) > 1 && s[0] == '\'' && safeCell(s[1:]) == s {
		return s[1:]
	}
	return s
}

// markTriggers are what a formula starts with in some spreadsheet.
const markTriggers = "=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20"

// dropMarks removes one ' from every run of ' that a formula trigger follows.
func dropMarks(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' && (i == 0 || s[i-1] != '\'') {
			rest := strings.TrimLeft(s[i:], "'")
			if r, size := utf8.DecodeRuneInString(rest); size > 0 && strings.ContainsRune(markTriggers, r) {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unquoteCells applies unquoteCell to every field, in place.
func unquoteCells(fields []string) []string {
	for i, f := range fields {
		if strings.IndexByte(f, '\'') >= 0 {
			fields[i] = unquoteCell(f)
		}
	}
	return fields
}
