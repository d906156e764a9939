package postgres_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/postgres"
)

// BenchmarkReportLines reads the report rows of a 20,000-row batch two
// ways: the baseline is the one query that streams every row while it holds
// its connection (the design before the paged reads); "paged" is
// Store.ReportLines, one short keyset query per 1,000 rows. Compare ns/op
// and B/op in one run; held-ms is, in the baseline, the longest time one
// connection stayed taken, which is what a client that stops reading can
// stretch to forever; in the paged reads, the longest wait of fn for a
// page, at most one page's queries (the next page is read while fn takes
// this one, so it is often none).
func BenchmarkReportLines(b *testing.B) {
	const n = 20000
	s, db := newStoreDB(b)
	ctx := context.Background()
	c, _, _ := s.CreateCompany(ctx, "AB123456", "PT Bench")
	_, file := batchtest.ValidFile(n, "AB123456")
	bt, _, err := uploadWith(b, s, c.ID, file, batch.ModeValidate, "", n)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO batch_outcomes (batch_id, row_no, outcome, issues, has_warnings)
		SELECT batch_id, row_no, 'VALID', '[]', false FROM batch_rows WHERE batch_id = $1`, bt.ID); err != nil {
		b.Fatal(err)
	}
	// The consumer does a little work per line, as a report writer does.
	sink := 0
	consume := func(l batch.ReportLine) error {
		sink += len(l.Fields) + len(strings.Join(l.Fields, ","))
		return nil
	}
	b.Run("baseline-one-query", func(b *testing.B) {
		var held time.Duration
		b.ReportAllocs()
		for b.Loop() {
			start := time.Now()
			if err := oneQueryReport(ctx, db, bt.ID, consume); err != nil {
				b.Fatal(err)
			}
			held = max(held, time.Since(start))
		}
		b.ReportMetric(float64(held.Microseconds())/1000, "held-ms")
	})
	b.Run("paged", func(b *testing.B) {
		var held time.Duration
		b.ReportAllocs()
		for b.Loop() {
			last := time.Now()
			err := s.ReportLines(ctx, bt, false, func(l batch.ReportLine) error {
				if l.Row%postgres.ReportPageRows == 1 { // first line of a page: its query just ended
					held = max(held, time.Since(last))
				}
				err := consume(l)
				if l.Row%postgres.ReportPageRows == 0 {
					last = time.Now()
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(held.Microseconds())/1000, "held-ms")
	})
	runtime.KeepAlive(sink)
}

// oneQueryReport is the baseline: every row in one query, fn called while
// the rows (and the connection) are open: joinedReport, the reference the
// correctness test holds ReportLines to.
func oneQueryReport(ctx context.Context, db *pgxpool.Pool, id string, fn func(batch.ReportLine) error) error {
	return joinedReport(ctx, db, id, fn)
}
