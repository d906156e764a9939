package postgres

import (
	"context"
	"sync"
	"time"

	"jhtbatch/batch"
)

// ReportPageRows is how many report rows one query reads. Each window costs
// its three queries' plans and round trips besides its rows: report.csv of
// 100,000 rows, alternating runs, 0.155-0.178 s with windows of 1,000,
// 0.134-0.157 s with 2,000, 0.132-0.152 s with 4,000 (more memory held).
const ReportPageRows = 2000

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
	num, err := s.claimNumberingOf(ctx, b.ID)
	if err != nil {
		return err
	}
	read := func(k int, wr *windowReader) windowRead {
		var page []batch.ReportLine
		select {
		case page = <-free:
		default:
			page = make([]batch.ReportLine, 0, ReportPageRows)
		}
		after := k * ReportPageRows
		var r windowRead
		r.page, r.held, r.err = s.reportWindow(ctx, b.ID, num, onlyRejected, after, after+ReportPageRows, page[:0], wr)
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
