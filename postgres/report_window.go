package postgres

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"jhtbatch/batch"
)

// reportWindowSQL reads one window of row numbers of a batch, table by
// table: three range scans of one index each (sequential scans and
// parallel workers off: indexPlansSQL), which reportWindow merges by row
// number. One query joining the three tables costs more whatever its
// plan (a nested loop probing two indexes per row, 3-12 ms per 1,000 rows;
// a merge join 2 ms, but only when the planner is told to), and with the
// statistics of a freshly loaded batch the planner can pick far worse (a
// nested loop comparing every pair of the window's rows: 112 ms). A
// single-table range scan has no plan to get wrong.
//
// They have no ORDER BY: the rows are put in order here. Without
// statistics (a batch just loaded) the scans are bitmap scans, and sorting
// their rows was a third of PostgreSQL's CPU for a report (0.14 -> 0.10 s
// for the raw rows of 100,000, 0.09 -> 0.05 s for the outcomes); they come
// in row order anyway (the order COPY wrote them), which reportWindow
// checks, sorting only when they do not.
var reportWindowSQL = [3]string{
	`SELECT row_no, line_no, fields FROM batch_rows
		WHERE batch_id = $1 AND row_no > $2 AND row_no <= $3`,
	`SELECT row_no, outcome, nullif(issues, '[]'::jsonb), coalesce(claim_number, ''), eligible_on,
			gross_amount, tax_amount, net_amount
		FROM batch_outcomes WHERE batch_id = $1 AND row_no > $2 AND row_no <= $3`,
	// The claims of the window's rows: numbered by row (reserveClaimNumbers),
	// a range of numbers in the primary key, given as one or two ranges
	// ($4-$5, $6-$7: batch.ClaimNumberRanges; NULL when none); and claims
	// stored before migration 00019, by row in their partial index. The
	// batch_id test keeps any other batch's claim out of the report, were
	// a number ever in the wrong range.
	`SELECT row_no, status, claim_number, eligible_on, gross_amount, tax_amount, net_amount FROM claims
		WHERE batch_id = $1 AND (claim_number BETWEEN $4 AND $5 OR claim_number BETWEEN $6 AND $7)
		UNION ALL
		SELECT row_no, status, claim_number, eligible_on, gross_amount, tax_amount, net_amount FROM claims
		WHERE legacy AND batch_id = $1 AND row_no > $2 AND row_no <= $3`,
}

// claimNumbering is how a batch's claims are numbered: row r's has the
// serial base + r of year (reserveClaimNumbers); base is not valid for a
// batch that has no block (it creates no claims, or was never planned).
type claimNumbering struct {
	base pgtype.Int8
	year int
}

// claimNumberingOf reads the numbering of batch id's claims.
func (s *Store) claimNumberingOf(ctx context.Context, id string) (claimNumbering, error) {
	var n claimNumbering
	var day pgtype.Date
	err := s.pool.QueryRow(ctx, `SELECT claim_base, processing_date FROM batches WHERE id = $1`, id).Scan(&n.base, &day)
	if err != nil {
		return n, translate(err, "read the claim numbers of batch "+id)
	}
	if !day.Valid {
		n.base.Valid = false // not planned: no claims
	}
	n.year = day.Time.Year()
	return n, nil
}

// windowArgs are the claims query's $4-$7 for the rows after+1 to upTo:
// their numbers' ranges, NULL where there is none.
func (n claimNumbering) windowArgs(after, upTo int) [4]any {
	var args [4]any
	if !n.base.Valid {
		return args
	}
	for i, r := range batch.ClaimNumberRanges(n.year, n.base.Int64+int64(after)+1, n.base.Int64+int64(upTo)) {
		if i < 2 { // a window of ReportPageRows rows crosses one length at most
			args[2*i], args[2*i+1] = r[0], r[1]
		}
	}
	return args
}

// reportWindow appends to page the report rows of batch id numbered after+1
// to upTo (only the rejected ones when onlyRejected), and returns how many
// rows the window held before that filter. The three queries go in one
// round trip (a pgx batch) and the connection goes back to the pool before
// it returns. A row's claim status is the claim's current one. wr is the reader's scratch, reused from window
// to window.
func (s *Store) reportWindow(ctx context.Context, id string, num claimNumbering, onlyRejected bool, after, upTo int, page []batch.ReportLine, wr *windowReader) ([]batch.ReportLine, int, error) {
	ctx, cancel := context.WithTimeout(ctx, reportPageTimeout)
	defer cancel()
	var b pgx.Batch
	b.Queue(indexPlansSQL)
	b.Queue(reportWindowSQL[0], id, after, upTo)
	b.Queue(reportWindowSQL[1], id, after, upTo)
	r := num.windowArgs(after, upTo)
	b.Queue(reportWindowSQL[2], id, after, upTo, r[0], r[1], r[2], r[3])
	br := s.pool.SendBatch(ctx, &b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return page, 0, translate(err, "set planner options")
	}
	start := len(page)
	page, err := readWindowRows(br, page, wr)
	if err != nil {
		return page, 0, translate(err, "read report rows")
	}
	lines := page[start:]
	wr.index(lines, after, upTo)
	if err := readWindowOutcomes(br, lines, wr); err != nil {
		return page, 0, translate(err, "read report outcomes")
	}
	if err := readWindowClaims(br, lines, wr); err != nil {
		return page, 0, translate(err, "read report claims")
	}
	if err := br.Close(); err != nil {
		return page, 0, translate(err, "read report window")
	}
	held := len(lines)
	if onlyRejected {
		kept := page[:start]
		for _, l := range lines {
			if l.Outcome == batch.OutcomeRejected {
				kept = append(kept, l)
			}
		}
		page = kept
	}
	return page, held, nil
}

// windowReader is the scratch of reading windows: the text of a window's
// lines (their fields, then their claim numbers) as it is read, made one
// string when read; and where each row number of the window is among its
// lines. A string per field, as pgx's array decoding makes them (each
// through an interface), was a fifth of the Go CPU of reading a report,
// and a string per row still two allocations a row. Its buffers are
// reused from window to window: only the strings made of them leave it.
type windowReader struct {
	text []byte
	ends []int32 // where each field ends in text
	// counts: for each line read raw, how many of ends are its fields;
	// claims: the lines whose claim number is in text, and where it ends.
	counts []int32
	claims []textAt
	after  int
	at     []int32 // at[no-after-1]: the index of row number no in the lines, -1 when none
}

type textAt struct{ line, end int32 }

// index puts lines in row order and notes where each row number is.
func (w *windowReader) index(lines []batch.ReportLine, after, upTo int) {
	byRow := func(a, b batch.ReportLine) int { return a.Row - b.Row }
	if !slices.IsSortedFunc(lines, byRow) {
		slices.SortFunc(lines, byRow)
	}
	w.after = after
	w.at = slices.Grow(w.at[:0], upTo-after)[:upTo-after]
	for i := range w.at {
		w.at[i] = -1
	}
	for i, l := range lines {
		if k := l.Row - after - 1; k >= 0 && k < len(w.at) {
			w.at[k] = int32(i)
		}
	}
}

// line returns the index of row number no among the window's lines, or
// -1: an outcome or claim whose raw row is not in the window has nothing
// to be shown with.
func (w *windowReader) line(no int) int {
	if k := no - w.after - 1; k >= 0 && k < len(w.at) {
		return int(w.at[k])
	}
	return -1
}

var errBadFields = errors.New("raw row: damaged packed fields")

// addPacked adds the fields of a row packed as appendPackedFields writes
// them (a uvarint length, then the bytes, for each) as the fields of the
// next line.
func (w *windowReader) addPacked(src []byte) error {
	n := int32(0)
	for len(src) > 0 {
		size, k := binary.Uvarint(src)
		if k <= 0 || size > uint64(len(src)-k) {
			return errBadFields
		}
		end := k + int(size)
		w.text = append(w.text, src[k:end]...)
		w.ends = append(w.ends, int32(len(w.text)))
		src = src[end:]
		n++
	}
	w.counts = append(w.counts, n)
	return nil
}

// placeFields gives the lines read raw (all or none; in the order read)
// their fields, cut out of one string.
func (w *windowReader) placeFields(lines []batch.ReportLine) {
	all := string(w.text)
	fields := make([]string, len(w.ends))
	begin := int32(0)
	for i, end := range w.ends {
		fields[i] = all[begin:end]
		begin = end
	}
	at := 0
	for i, n := range w.counts {
		lines[i].Fields = fields[at : at+int(n) : at+int(n)]
		at += int(n)
	}
	w.text, w.ends, w.counts = w.text[:0], w.ends[:0], w.counts[:0]
}

// addClaim adds the claim number of lines[line].
func (w *windowReader) addClaim(line int, number []byte) {
	w.text = append(w.text, number...)
	w.claims = append(w.claims, textAt{int32(line), int32(len(w.text))})
}

// placeClaims gives the lines their claim numbers, cut out of one string.
func (w *windowReader) placeClaims(lines []batch.ReportLine) {
	all := string(w.text)
	begin := int32(0)
	for _, c := range w.claims {
		lines[c.line].ClaimNumber = all[begin:c.end]
		begin = c.end
	}
	w.text, w.claims = w.text[:0], w.claims[:0]
}

// binaryColumns reports whether the columns the raw decoders read as
// binary came so; a text column reads the same in both formats.
func binaryColumns(rows pgx.Rows, cols ...int) bool {
	fds := rows.FieldDescriptions()
	for _, c := range cols {
		if c >= len(fds) || fds[c].Format != pgx.BinaryFormatCode {
			return false
		}
	}
	return true
}

// readWindowRows appends the window's raw rows to page, in the order they
// come.
func readWindowRows(br pgx.BatchResults, page []batch.ReportLine, w *windowReader) ([]batch.ReportLine, error) {
	rows, err := br.Query()
	if err != nil {
		return page, err
	}
	defer rows.Close()
	start := len(page)
	raw := binaryColumns(rows, 0, 1, 2)
	var l batch.ReportLine // one variable: Scan's pointers make it escape
	var packed []byte
	for rows.Next() {
		l = batch.ReportLine{}
		if raw {
			err = scanRawRow(rows.RawValues(), &l, w)
		} else if err = rows.Scan(&l.Row, &l.Line, &packed); err == nil {
			err = w.addPacked(packed)
		}
		if err != nil {
			return page, err
		}
		page = append(page, l)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	w.placeFields(page[start:])
	return page, nil
}

// scanRawRow decodes row_no, line_no and fields in their binary forms.
func scanRawRow(vals [][]byte, l *batch.ReportLine, w *windowReader) error {
	if len(vals) != 3 || len(vals[0]) != 4 || len(vals[1]) != 4 {
		return errors.New("report row: unexpected row number or line")
	}
	l.Row = int(int32(binary.BigEndian.Uint32(vals[0])))
	l.Line = int(int32(binary.BigEndian.Uint32(vals[1])))
	return w.addPacked(vals[2])
}

// readWindowOutcomes sets the outcome of each of lines that has one.
func readWindowOutcomes(br pgx.BatchResults, lines []batch.ReportLine, w *windowReader) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	if binaryColumns(rows, 0, 4, 5, 6, 7) {
		return readRawOutcomes(rows, lines, w)
	}
	// The scan targets are declared once: Scan's pointers make them escape,
	// and inside the loop that was eight allocations a row.
	var (
		no              int
		outcome, claim  string
		issues          []byte
		eligible        pgtype.Date
		gross, tax, net pgtype.Int8 // values, not pointers: no allocation per row
	)
	for rows.Next() {
		issues = nil
		if err := rows.Scan(&no, &outcome, &issues, &claim, &eligible, &gross, &tax, &net); err != nil {
			return err
		}
		i := w.line(no)
		if i < 0 {
			continue
		}
		l := &lines[i]
		l.Outcome, l.ClaimNumber = batch.Outcome(outcome), claim
		if err := decodeIssues(l, issues); err != nil {
			return err
		}
		if eligible.Valid {
			l.EligibleOn = eligible.Time
		}
		if gross.Valid && tax.Valid && net.Valid {
			l.Gross, l.Tax, l.Net, l.HasAmounts = gross.Int64, tax.Int64, net.Int64, true
		}
	}
	return rows.Err()
}

// decodeIssues sets l's issues from their JSON text. They come NULL when
// there are none (most rows), and are decoded only when there are some:
// pgx decoding "[]" through encoding/json was 15% of the Go CPU of a report.
func decodeIssues(l *batch.ReportLine, issues []byte) error {
	if issues == nil {
		return nil
	}
	if err := json.Unmarshal(issues, &l.Issues); err != nil {
		return fmt.Errorf("decode issues of row %d: %w", l.Row, err)
	}
	return nil
}

// readRawOutcomes is readWindowOutcomes for the binary forms of the
// outcomes' number, date and amounts: pgx's Scan of the eight columns was
// a fifth of the Go CPU of a report.
func readRawOutcomes(rows pgx.Rows, lines []batch.ReportLine, w *windowReader) error {
	jsonbBinary := rows.FieldDescriptions()[2].Format == pgx.BinaryFormatCode
	for rows.Next() {
		v := rows.RawValues()
		if len(v) != 8 || len(v[0]) != 4 || v[1] == nil {
			return errors.New("report outcome: unexpected row")
		}
		no := int(int32(binary.BigEndian.Uint32(v[0])))
		i := w.line(no)
		if i < 0 {
			continue
		}
		l := &lines[i]
		l.Outcome = outcomeOf(v[1])
		if len(v[3]) > 0 {
			w.addClaim(i, v[3])
		}
		issues := v[2]
		if jsonbBinary && issues != nil {
			if len(issues) == 0 || issues[0] != 1 {
				return fmt.Errorf("report outcome of row %d: unknown jsonb version", no)
			}
			issues = issues[1:]
		}
		if err := decodeIssues(l, issues); err != nil {
			return err
		}
		if err := setRawDateAmounts(l, v[4:8]); err != nil {
			return fmt.Errorf("report outcome of row %d: %w", no, err)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	w.placeClaims(lines)
	return nil
}

// setRawDateAmounts sets l's eligible date and amounts from the binary
// forms of a date and three bigints (NULL: none).
func setRawDateAmounts(l *batch.ReportLine, v [][]byte) error {
	if d := v[0]; d != nil {
		if len(d) != 4 {
			return errors.New("unexpected date")
		}
		// As pgtype.Date reads it; an infinite date shows as none.
		if days := int32(binary.BigEndian.Uint32(d)); days != math.MaxInt32 && days != math.MinInt32 {
			l.EligibleOn = time.Date(2000, 1, 1+int(days), 0, 0, 0, 0, time.UTC)
		}
	}
	if g, t, n := v[1], v[2], v[3]; len(g) == 8 && len(t) == 8 && len(n) == 8 {
		l.Gross = int64(binary.BigEndian.Uint64(g))
		l.Tax = int64(binary.BigEndian.Uint64(t))
		l.Net = int64(binary.BigEndian.Uint64(n))
		l.HasAmounts = true
	}
	return nil
}

// outcomeOf returns the outcome named v without a new string for the
// known ones.
func outcomeOf(v []byte) batch.Outcome {
	switch string(v) {
	case string(batch.OutcomeCreated):
		return batch.OutcomeCreated
	case string(batch.OutcomeValid):
		return batch.OutcomeValid
	case string(batch.OutcomeRejected):
		return batch.OutcomeRejected
	}
	return batch.Outcome(v)
}

// claimStatusOf returns the claim status named v without a new string for
// the known ones.
func claimStatusOf(v []byte) batch.ClaimStatus {
	switch string(v) {
	case string(batch.ClaimWaiting):
		return batch.ClaimWaiting
	case string(batch.ClaimReady):
		return batch.ClaimReady
	}
	return batch.ClaimStatus(v)
}

// readWindowClaims sets the claim status of each of lines that has a
// claim. A claim without an outcome row is a row that became a claim
// without any issue (saveOutcomes stores no outcome for it): its outcome is
// CREATED and its number, date and amounts are the claim's.
func readWindowClaims(br pgx.BatchResults, lines []batch.ReportLine, w *windowReader) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	raw := binaryColumns(rows, 0, 3, 4, 5, 6)
	var (
		no              int
		status, number  []byte
		eligible        pgtype.Date
		gross, tax, net pgtype.Int8
	)
	for rows.Next() {
		var v [][]byte
		if raw {
			v = rows.RawValues()
			if len(v) != 7 || len(v[0]) != 4 {
				return errors.New("report claim: unexpected row")
			}
			no, status, number = int(int32(binary.BigEndian.Uint32(v[0]))), v[1], v[2]
		} else if err := rows.Scan(&no, &status, &number, &eligible, &gross, &tax, &net); err != nil {
			return err
		}
		i := w.line(no)
		if i < 0 {
			continue
		}
		l := &lines[i]
		l.ClaimStatus = claimStatusOf(status)
		if l.Outcome != "" {
			continue
		}
		l.Outcome = batch.OutcomeCreated
		w.addClaim(i, number)
		if raw {
			if err := setRawDateAmounts(l, v[3:7]); err != nil {
				return fmt.Errorf("report claim of row %d: %w", no, err)
			}
			continue
		}
		l.EligibleOn = eligible.Time
		l.Gross, l.Tax, l.Net, l.HasAmounts = gross.Int64, tax.Int64, net.Int64, gross.Valid && tax.Valid && net.Valid
	}
	if err := rows.Err(); err != nil {
		return err
	}
	w.placeClaims(lines)
	return nil
}
