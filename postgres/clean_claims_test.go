package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"jhtbatch/batch"
	"jhtbatch/postgres"
)

// TestCleanClaimsStoreNoOutcome processes a batch of rows created without
// any issue, one created with a warning and one rejected: only the last two
// get an outcome row (a clean claim is its own outcome), and the report and
// the batch's counters still say what became of every row.
func TestCleanClaimsStoreNoOutcome(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRegistered(t, 3)
	s, pool, c, file := r.s, r.db, r.company, r.file
	lines := strings.Split(strings.TrimSpace(file), "\n")
	// Row 3: its bank code "014" written as a spreadsheet does, "14"
	// (LEADING_ZERO_RESTORED, a warning); row 4: a KPJ not in the registry.
	lines[3] = strings.Replace(lines[3], ",014,", ",14,", 1)
	lines = append(lines, "99999999999,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,")
	b, _, err := upload(t, s, c.ID, strings.Join(lines, "\n")+"\n", batch.ModeCreate, "")
	if err != nil {
		t.Fatal(err)
	}
	process(t, s, b.ID, 2)
	var stored []int
	rows, err := pool.Query(ctx, `SELECT row_no FROM batch_outcomes WHERE batch_id = $1 ORDER BY row_no`, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var no int
		if err := rows.Scan(&no); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, no)
	}
	if len(stored) != 2 || stored[0] != 3 || stored[1] != 4 {
		t.Errorf("rows with an outcome row: %v, want [3 4]", stored)
	}
	got, err := s.Batch(ctx, c.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != batch.StatusCompletedWithErrors || got.ProcessedRows != 4 || got.Created != 3 ||
		got.Rejected != 1 || got.Warnings != 1 {
		t.Errorf("batch %s: processed %d created %d rejected %d warnings %d; want completed_with_errors, 4, 3, 1, 1",
			got.Status, got.ProcessedRows, got.Created, got.Rejected, got.Warnings)
	}
	report := reportOf(t, s, b.ID, c.ID)
	for i, l := range report {
		errs, warns := l.Issues.Codes()
		created := i < 3
		switch {
		case created && (l.Outcome != batch.OutcomeCreated || l.ClaimNumber == "" || l.ClaimStatus == "" ||
			!l.HasAmounts || l.Gross == 0 || l.EligibleOn.IsZero() || len(errs) > 0):
			t.Errorf("row %d: %+v, want CREATED with its claim, status, date and amounts", i+1, l)
		case created && (len(warns) == 1) != (i == 2):
			t.Errorf("row %d: warnings %v", i+1, warns)
		case !created && (l.Outcome != batch.OutcomeRejected || l.ClaimNumber != "" || len(errs) != 1):
			t.Errorf("row %d: %+v, want REJECTED", i+1, l)
		}
	}
	// The rows endpoint's pages (RowPage) read the same as the report.
	page, _, err := s.RowPage(ctx, got, false, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(report, page); diff != "" {
		t.Errorf("RowPage differs from the report (-report +page):\n%s", diff)
	}
}

// TestChunkOnTheSimpleProtocol runs the chunks through a pool set to the
// simple protocol, where the rows' fields come as text, not in the binary
// form the chunk decodes itself (as the report's windows, which read both):
// the batch must be judged the same.
func TestChunkOnTheSimpleProtocol(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := newRegistered(t, 5)
	p, err := postgres.ConnectPool(ctx, reg.db.Config().ConnString()+"&default_query_exec_mode=simple_protocol", 2, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	b, _, err := upload(t, reg.s, reg.company.ID, reg.file, batch.ModeCreate, "")
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := reg.s.PlanBatch(ctx, b.ID, 2, today)
	if err != nil {
		t.Fatal(err)
	}
	simple := postgres.NewStore(p)
	for _, ch := range chunks {
		if _, err := simple.RunChunk(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := reg.s.FinalizeBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	report := reportOf(t, reg.s, b.ID, reg.company.ID)
	if len(report) != 5 {
		t.Fatalf("report: %d lines, want 5", len(report))
	}
	for i, l := range report {
		if l.Outcome != batch.OutcomeCreated || l.ClaimNumber == "" || len(l.Fields) != 12 {
			t.Errorf("row %d: %+v, want CREATED with its 12 fields", i+1, l)
		}
	}
}

// TestChunkRowsOutOfPageOrder: a chunk reads its rows in the order of their
// pages (no ORDER BY), which is the upload's order until a row is moved.
// Rows moved to the end of the table (an UPDATE writes a new version there)
// are still judged in row order: the claims are numbered by row, and every
// row has its claim.
func TestChunkRowsOutOfPageOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := newRegistered(t, 6)
	b, _, err := uploadWith(t, reg.s, reg.company.ID, reg.file, batch.ModeCreate, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	// Rows 1 and 2 now come last from their pages.
	if _, err := reg.db.Exec(ctx, `UPDATE batch_rows SET line_no = line_no WHERE batch_id = $1 AND row_no IN (1, 2)`,
		b.ID); err != nil {
		t.Fatal(err)
	}
	var first int
	if err := reg.db.QueryRow(ctx, `SELECT row_no FROM batch_rows WHERE batch_id = $1 LIMIT 1`, b.ID).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if first == 1 {
		t.Fatal("row 1 still comes first from the table: the test moves nothing")
	}
	process(t, reg.s, b.ID, 6)
	rows, err := reg.db.Query(ctx, `SELECT row_no, claim_number FROM claims WHERE batch_id = $1 ORDER BY claim_number`, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	for rows.Next() {
		var no int
		var number string
		if err := rows.Scan(&no, &number); err != nil {
			t.Fatal(err)
		}
		order = append(order, no)
	}
	if want := []int{1, 2, 3, 4, 5, 6}; !slices.Equal(order, want) {
		t.Errorf("rows in the order of their claim numbers: %v, want %v", order, want)
	}
}
