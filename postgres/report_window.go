package postgres

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"jhtbatch/batch"
)

// reportWindowSQL reads one window of row numbers of a batch, table by
// table: three range scans of one index each, ordered by row number, which
// reportWindow merges. One query joining the three tables costs more
// whatever its plan (a nested loop probing two indexes per row, 3-12 ms per
// 1,000 rows; a merge join 2 ms, but only when the planner is told to), and
// with the statistics of a freshly loaded batch the planner can pick far
// worse (a nested loop comparing every pair of the window's rows: 112 ms).
// A single-table range scan has no plan to get wrong.
var reportWindowSQL = [3]string{
	`SELECT row_no, line_no, fields FROM batch_rows
		WHERE batch_id = $1 AND row_no > $2 AND row_no <= $3 ORDER BY row_no`,
	`SELECT row_no, outcome, nullif(issues, '[]'::jsonb), coalesce(claim_number, ''), eligible_on,
			gross_amount, tax_amount, net_amount
		FROM batch_outcomes WHERE batch_id = $1 AND row_no > $2 AND row_no <= $3 ORDER BY row_no`,
	`SELECT row_no, status, claim_number, eligible_on, gross_amount, tax_amount, net_amount FROM claims
		WHERE batch_id = $1 AND row_no > $2 AND row_no <= $3 ORDER BY row_no`,
}

// reportWindow appends to page the report rows of batch id numbered after+1
// to upTo (only the rejected ones when onlyRejected), and returns how many
// rows the window held before that filter. The three queries go in one
// round trip (a pgx batch) and the connection goes back to the pool before
// it returns. A row's claim status is the claim's current one.
func (s *Store) reportWindow(ctx context.Context, id string, onlyRejected bool, after, upTo int, page []batch.ReportLine) ([]batch.ReportLine, int, error) {
	ctx, cancel := context.WithTimeout(ctx, reportPageTimeout)
	defer cancel()
	var b pgx.Batch
	for _, q := range reportWindowSQL {
		b.Queue(q, id, after, upTo)
	}
	br := s.pool.SendBatch(ctx, &b)
	defer br.Close()
	start := len(page)
	page, err := readWindowRows(br, page)
	if err != nil {
		return page, 0, translate(err, "read report rows")
	}
	lines := page[start:]
	if err := readWindowOutcomes(br, lines); err != nil {
		return page, 0, translate(err, "read report outcomes")
	}
	if err := readWindowClaims(br, lines); err != nil {
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

// readWindowRows appends the window's raw rows to page.
func readWindowRows(br pgx.BatchResults, page []batch.ReportLine) ([]batch.ReportLine, error) {
	rows, err := br.Query()
	if err != nil {
		return page, err
	}
	defer rows.Close()
	raw := true
	for _, fd := range rows.FieldDescriptions() {
		raw = raw && fd.Format == pgx.BinaryFormatCode
	}
	var l batch.ReportLine // one variable: Scan's pointers make it escape
	for rows.Next() {
		l = batch.ReportLine{}
		if raw {
			err = scanRawRow(rows.RawValues(), &l)
		} else {
			err = rows.Scan(&l.Row, &l.Line, &l.Fields)
		}
		if err != nil {
			return page, err
		}
		page = append(page, l)
	}
	return page, rows.Err()
}

// scanRawRow decodes row_no, line_no and fields in their binary forms. The
// fields are cut out of one string per row: pgx's array decoding allocates
// every element on its own, through an interface, and was a fifth of the Go
// CPU of reading a report.
func scanRawRow(vals [][]byte, l *batch.ReportLine) error {
	if len(vals) != 3 || len(vals[0]) != 4 || len(vals[1]) != 4 {
		return errors.New("report row: unexpected row number or line")
	}
	l.Row = int(int32(binary.BigEndian.Uint32(vals[0])))
	l.Line = int(int32(binary.BigEndian.Uint32(vals[1])))
	var err error
	l.Fields, err = decodeTextArray(vals[2])
	return err
}

var errBadFieldsArray = errors.New("report row: unexpected fields array")

// decodeTextArray decodes a one-dimensional text[] in binary form (the
// form appendTextArray writes); a NULL element reads as "".
func decodeTextArray(src []byte) ([]string, error) {
	bad := errBadFieldsArray
	if len(src) < 12 {
		return nil, bad
	}
	switch binary.BigEndian.Uint32(src) {
	case 0:
		return []string{}, nil
	case 1:
	default:
		return nil, bad
	}
	if len(src) < 20 {
		return nil, bad
	}
	n := int(int32(binary.BigEndian.Uint32(src[12:])))
	if n < 0 || n > len(src) {
		return nil, bad
	}
	elems := src[20:]
	all := string(elems) // the one allocation of the elements' text
	out := make([]string, n)
	at := 0
	for i := range out {
		if at+4 > len(elems) {
			return nil, bad
		}
		size := int(int32(binary.BigEndian.Uint32(elems[at:])))
		at += 4
		if size < 0 { // NULL
			continue
		}
		if at+size > len(elems) {
			return nil, bad
		}
		out[i] = all[at : at+size]
		at += size
	}
	return out, nil
}

// readWindowOutcomes sets the outcome of each of lines (in row order) that
// has one.
func readWindowOutcomes(br pgx.BatchResults, lines []batch.ReportLine) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	// The scan targets are declared once: Scan's pointers make them escape,
	// and inside the loop that was eight allocations a row.
	var (
		no              int
		outcome, claim  string
		issues          []byte
		eligible        pgtype.Date
		gross, tax, net pgtype.Int8 // values, not pointers: no allocation per row
	)
	i := 0
	for rows.Next() {
		issues = nil
		if err := rows.Scan(&no, &outcome, &issues, &claim, &eligible, &gross, &tax, &net); err != nil {
			return err
		}
		for i < len(lines) && lines[i].Row < no {
			i++
		}
		if i == len(lines) || lines[i].Row != no {
			continue // an outcome without its raw row: nothing to show it with
		}
		l := &lines[i]
		l.Outcome, l.ClaimNumber = batch.Outcome(outcome), claim
		// The issues come as JSON text, NULL when there are none (most
		// rows), and are decoded only when there are some: pgx decoding
		// "[]" through encoding/json was 15% of the Go CPU of a report.
		if issues != nil {
			if err := json.Unmarshal(issues, &l.Issues); err != nil {
				return fmt.Errorf("decode issues of row %d: %w", no, err)
			}
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

// readWindowClaims sets the claim status of each of lines (in row order)
// that has a claim. A claim without an outcome row is a row that became a
// claim without any issue (saveOutcomes stores no outcome for it): its
// outcome is CREATED and its number, date and amounts are the claim's.
func readWindowClaims(br pgx.BatchResults, lines []batch.ReportLine) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		no              int
		status, number  string
		eligible        pgtype.Date
		gross, tax, net int64
	)
	i := 0
	for rows.Next() {
		if err := rows.Scan(&no, &status, &number, &eligible, &gross, &tax, &net); err != nil {
			return err
		}
		for i < len(lines) && lines[i].Row < no {
			i++
		}
		if i == len(lines) || lines[i].Row != no {
			continue
		}
		l := &lines[i]
		if l.Outcome == "" {
			l.Outcome, l.ClaimNumber, l.EligibleOn = batch.OutcomeCreated, number, eligible.Time
			l.Gross, l.Tax, l.Net, l.HasAmounts = gross, tax, net, true
		}
		l.ClaimStatus = batch.ClaimStatus(status)
	}
	return rows.Err()
}
