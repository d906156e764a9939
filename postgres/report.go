package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// ReportPageRows is how many report rows one query reads.
const ReportPageRows = 1000

// reportPageTimeout bounds one page's query: a page is a short index range
// scan, so a slow one means a database in trouble.
const reportPageTimeout = 30 * time.Second

// ReportLines calls fn for every row of b in input order (only rejected rows
// when onlyRejected). The rows are read a window at a time, each window by
// its own short queries (a window of row numbers) whose connection goes
// back to the pool before fn sees the window's rows: a client that reads
// the report slowly, or never, holds no database connection while it waits
// (fn blocks on the client). The claim status is the claim's current one.
//
// The next windows are read while fn takes the rows of this one: reading
// (PostgreSQL and pgx) and writing (fn) then run side by side instead of
// taking turns. At most a few windows wait for fn (readWindows), so memory
// stays bounded however big the batch.
func (s *Store) ReportLines(ctx context.Context, b batch.Batch, onlyRejected bool, fn func(batch.ReportLine) error) error {
	if b.PurgedAt != nil {
		return batch.Conflict(batch.CodeReportPurged, b.PurgedAt.Format(time.DateOnly))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	windows := make(chan []batch.ReportLine, 1)
	// Pages fn is done with go back to the readers, to be filled again.
	free := make(chan []batch.ReportLine, windowReaders+2)
	read := make(chan error, 1)
	go func() {
		defer close(windows)
		read <- s.readWindows(ctx, b, onlyRejected, windows, free)
	}()
	var err error
	for page := range windows {
		for _, l := range page {
			if err != nil {
				break
			}
			if err = fn(l); err != nil {
				cancel() // the readers stop; the windows they queued are dropped
			}
		}
		select {
		case free <- page[:0]:
		default:
		}
	}
	if readErr := <-read; err == nil {
		err = readErr
	}
	return err
}

// windowReaders is how many windows of a report are read at once, each on
// its own connection for the time of its queries. With one, PostgreSQL's
// side of a report ran on one core while the other waited for it: at
// 100,000 rows, see the commit that made it two.
const windowReaders = 2

// windowRead is one window as a reader read it.
type windowRead struct {
	page []batch.ReportLine
	held int // rows in the window before the onlyRejected filter
	err  error
}

// readWindows reads the windows of b and sends each to windows in order,
// until the batch ends, ctx is cancelled or a read fails. Window k is read
// by reader k % windowReaders; each reader hands over one window at a time,
// so at most 2 × windowReaders windows are read ahead of fn.
func (s *Store) readWindows(ctx context.Context, b batch.Batch, onlyRejected bool, windows chan<- []batch.ReportLine, free chan []batch.ReportLine) error {
	// Windows are of row numbers, not "the next 1,000 rows": row numbers
	// run from 1 to total_rows without gaps, so each window is a bounded
	// range scan whatever the planner believes about the batch (its
	// statistics are stale right after the upload, and a plan made for "a
	// few rows" then read the whole rest of the batch for every page:
	// 150 ms a page at 100,000 rows against 2-5 ms now).
	last := max(0, (b.TotalRows-1)/ReportPageRows) // the last window total_rows says there is
	read := func(k int, wr *windowReader) windowRead {
		var page []batch.ReportLine
		select {
		case page = <-free:
		default:
			page = make([]batch.ReportLine, 0, ReportPageRows)
		}
		after := k * ReportPageRows
		var r windowRead
		r.page, r.held, r.err = s.reportWindow(ctx, b.ID, onlyRejected, after, after+ReportPageRows, page[:0], wr)
		return r
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	var reads [windowReaders]chan windowRead
	for i := range reads {
		reads[i] = make(chan windowRead, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(reads[i])
			var wr windowReader // its scratch, reused from window to window
			for k := i; k <= last; k += windowReaders {
				r := read(k, &wr)
				select {
				case reads[i] <- r:
				case <-ctx.Done():
					return
				}
				if r.err != nil {
					return
				}
			}
		}()
	}
	var wr windowReader
	for k := 0; ; k++ {
		var r windowRead
		if k <= last {
			var ok bool
			if r, ok = <-reads[k%windowReaders]; !ok {
				return ctx.Err() // its reader stopped: cancelled
			}
		} else {
			// A full window past total_rows means total_rows is short;
			// read on, one window at a time, until a window is not full
			// rather than lose a row.
			r = read(k, &wr)
		}
		if r.err != nil {
			return r.err
		}
		if len(r.page) > 0 { // a window of rejected rows only may have none
			select {
			case windows <- r.page:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if k >= last && r.held < ReportPageRows {
			return nil
		}
	}
}

// reportPage appends to page the report rows of batch id after row number
// after and up to upTo, at most limit of them. The claim status is the
// claim's current one; a claim without an outcome row is a row that became a
// claim without any issue (saveOutcomes), CREATED.
//
// The outcome and the claim are read through LATERAL subqueries that
// OFFSET 0 keeps from being flattened: one index probe per row of the page
// (two per row, 3-5 ms per 1,000 rows), never a hash join over the batch's
// outcomes and claims, which is what the planner picks when its statistics
// of a freshly loaded batch are stale.
func (s *Store) reportPage(ctx context.Context, id string, onlyRejected bool, after, upTo, limit int, page []batch.ReportLine) ([]batch.ReportLine, error) {
	ctx, cancel := context.WithTimeout(ctx, reportPageTimeout)
	defer cancel()
	rows, err := s.pool.Query(ctx, `
		SELECT r.row_no, r.line_no, r.fields,
			coalesce(o.outcome, CASE WHEN c.claim_number IS NOT NULL THEN 'CREATED' END, ''),
			nullif(o.issues, '[]'::jsonb), coalesce(o.claim_number, c.claim_number, ''), coalesce(c.status, ''),
			coalesce(o.eligible_on, c.eligible_on), coalesce(o.gross_amount, c.gross_amount),
			coalesce(o.tax_amount, c.tax_amount), coalesce(o.net_amount, c.net_amount)
		FROM batch_rows r
		LEFT JOIN LATERAL (SELECT * FROM batch_outcomes o
			WHERE o.batch_id = $1 AND o.row_no = r.row_no OFFSET 0) o ON true
		LEFT JOIN LATERAL (SELECT c.status, c.claim_number, c.eligible_on, c.gross_amount, c.tax_amount,
				c.net_amount FROM claims c
			WHERE c.batch_id = $1 AND c.row_no = r.row_no OFFSET 0) c ON true
		WHERE r.batch_id = $1 AND r.row_no > $3 AND r.row_no <= $4 AND (NOT $2 OR o.outcome = 'REJECTED')
		ORDER BY r.row_no
		LIMIT $5`, id, onlyRejected, after, upTo, limit)
	if err != nil {
		return page, translate(err, "read report rows")
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanReportLine(rows)
		if err != nil {
			return page, translate(err, "read report row")
		}
		page = append(page, l)
	}
	return page, translate(rows.Err(), "read report rows")
}

func scanReportLine(rows pgx.Rows) (batch.ReportLine, error) {
	var l batch.ReportLine
	var outcome, status string
	var eligible *time.Time
	var gross, tax, net *int64
	// The issues come as JSON text, NULL when there are none (most rows),
	// and are decoded here only when there are some: pgx decoding "[]"
	// through encoding/json was 15% of the Go CPU of a report's rows.
	var issues, packed []byte
	if err := rows.Scan(&l.Row, &l.Line, &packed, &outcome, &issues, &l.ClaimNumber, &status,
		&eligible, &gross, &tax, &net); err != nil {
		return l, err
	}
	fields, err := decodePackedFields(packed)
	if err != nil {
		return l, fmt.Errorf("row %d: %w", l.Row, err)
	}
	l.Fields = fields
	if issues != nil {
		if err := json.Unmarshal(issues, &l.Issues); err != nil {
			return l, fmt.Errorf("decode issues of row %d: %w", l.Row, err)
		}
	}
	l.Outcome, l.ClaimStatus = batch.Outcome(outcome), batch.ClaimStatus(status)
	if eligible != nil {
		l.EligibleOn = *eligible
	}
	if gross != nil && tax != nil && net != nil {
		l.Gross, l.Tax, l.Net, l.HasAmounts = *gross, *tax, *net, true
	}
	return l, nil
}
