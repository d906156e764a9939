package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/testenv"
)

// TestRawRowsAreReadThroughTheRangeIndex: after a batch is stored and
// planned, its pages are summarized in batch_rows_range, and a window of a
// report reads its rows through that index, not by a sequential scan,
// although the statistics were taken before the upload and say the table
// is empty, and with parallel workers made cheap. Without the summary a
// query reads every new page; without indexPlansSQL the planner scans the
// whole table for every window, or starts parallel workers for it.
func TestRawRowsAreReadThroughTheRangeIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := testenv.DB(t)
	s := NewStore(pool)
	if _, err := pool.Exec(ctx, `ANALYZE batch_rows`); err != nil {
		t.Fatal(err)
	}
	b := storeValidBatch(t, s, 3000)
	if _, err := s.PlanBatch(ctx, b.ID, 1000, time.Now()); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT sum(brin_summarize_new_values(inhrelid::regclass))
		FROM pg_inherits WHERE inhparent = 'batch_rows_range'::regclass`).Scan(&left); err != nil || left != 0 {
		t.Errorf("page ranges left to summarize after the plan: %d, %v; want 0", left, err)
	}

	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	// Parallel workers made as cheap as can be: indexPlansSQL must still
	// keep them out (a BRIN index's estimates made the planner start two for
	// each window of 1,000 rows).
	for _, set := range []string{"parallel_setup_cost = 0", "parallel_tuple_cost = 0",
		"min_parallel_table_scan_size = 0", "min_parallel_index_scan_size = 0"} {
		if _, err := conn.Exec(ctx, "SET "+set); err != nil {
			t.Fatal(err)
		}
	}
	var q pgx.Batch
	q.Queue(indexPlansSQL) // as reportWindow does
	q.Queue(`EXPLAIN `+reportWindowSQL[0], b.ID, 1000, 2000)
	br := conn.SendBatch(ctx, &q)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		t.Fatal(err)
	}
	rows, err := br.Query()
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	// One partition, through its part of batch_rows_range.
	if !strings.Contains(text, "batch_rows_p") || !strings.Contains(text, "Bitmap Index Scan") ||
		strings.Count(text, "Bitmap Index Scan") != 1 || strings.Contains(text, "Seq Scan") ||
		strings.Contains(text, "Parallel") {
		t.Errorf("a report window's rows are not read through batch_rows_range:\n%s", text)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	var seq string
	if err := conn.QueryRow(ctx, `SHOW enable_seqscan`).Scan(&seq); err != nil || seq != "on" {
		t.Errorf("enable_seqscan after the batch: %q, %v; want on (set for the batch only)", seq, err)
	}
}

// TestPurgeLeavesNoSummaryOfThePurgedRows: after the retention purge, the
// BRIN index no longer points a query for a purged batch at its old pages
// (its summaries only ever grow; PurgeBefore builds it again).
func TestPurgeLeavesNoSummaryOfThePurgedRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := testenv.DB(t)
	s := NewStore(pool)
	b := storeValidBatch(t, s, 2000)
	chunks, err := s.PlanBatch(ctx, b.ID, 1000, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chunks {
		if _, err := s.RunChunk(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.FinalizeBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	pagesRead := func() string {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // read-only
		if _, err := tx.Exec(ctx, indexPlansSQL); err != nil {
			t.Fatal(err)
		}
		rows, err := tx.Query(ctx, `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
			SELECT row_no FROM batch_rows WHERE batch_id = $1 AND row_no > 0`, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(plan, "\n")
	}
	if plan := pagesRead(); !strings.Contains(plan, "Heap Blocks: lossy=") {
		t.Fatalf("before the purge the batch's pages are not read through the index:\n%s", plan)
	}
	if _, err := pool.Exec(ctx, `UPDATE batches SET finished_at = now() - interval '100 days' WHERE id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PurgeBefore(ctx, time.Now().AddDate(0, 0, -30)); err != nil || n != 2000 {
		t.Fatalf("purge: %d rows, %v; want 2000", n, err)
	}
	if plan := pagesRead(); strings.Contains(plan, "Heap Blocks") {
		t.Errorf("after the purge a query for the purged batch still reads its old pages:\n%s", plan)
	}
}

// storeValidBatch stores a validate-only batch of n valid rows of a new
// company, as an upload does.
func storeValidBatch(t *testing.T, s *Store, n int) batch.Batch {
	t.Helper()
	ctx := context.Background()
	c, _, err := s.CreateCompany(ctx, "AB123456", "PT Range")
	if err != nil {
		t.Fatal(err)
	}
	_, file := batchtest.ValidFile(n, "AB123456")
	var spool strings.Builder
	info, err := batch.Inspect(strings.NewReader(file), &spool, 0)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := batch.NewDecoder(strings.NewReader(spool.String()), info.Encoding, batch.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.CreateBatch(ctx, batch.Upload{CompanyID: c.ID, Mode: batch.ModeValidate, Filename: "f.csv", Info: info}, dec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
