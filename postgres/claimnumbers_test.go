package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/batch"
	"jhtbatch/postgres"
	"jhtbatch/testenv"
)

// uploadAndRun uploads reg's file as a batch that creates claims and
// processes it in chunks of chunkRows.
func uploadAndRun(t *testing.T, reg registered, chunkRows int) batch.Batch {
	t.Helper()
	b, _, err := uploadWith(t, reg.s, reg.company.ID, reg.file, batch.ModeCreate, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	process(t, reg.s, b.ID, chunkRows)
	return b
}

// claimBase is the claim_base of batch id.
func claimBase(t *testing.T, db *pgxpool.Pool, id string) int64 {
	t.Helper()
	var base int64
	if err := db.QueryRow(context.Background(), `SELECT claim_base FROM batches WHERE id = $1`, id).Scan(&base); err != nil {
		t.Fatal(err)
	}
	return base
}

// claimNumbersByRow returns batch id's claims, number by row.
func claimNumbersByRow(t *testing.T, db *pgxpool.Pool, id string) map[int]string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT row_no, claim_number FROM claims WHERE batch_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[int]string{}
	for rows.Next() {
		var no int
		var number string
		if err := rows.Scan(&no, &number); err != nil {
			t.Fatal(err)
		}
		m[no] = number
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return m
}

// A batch's claim of row r is numbered claim_base + r (migration 00019):
// the rows that make no claim leave their numbers unused, two batches
// planned at the same time get blocks of their own, and the report reads
// every claim back by its number.
func TestClaimsAreNumberedByRow(t *testing.T) {
	t.Parallel()
	reg := newRegistered(t, 600)
	s, db, c := reg.s, reg.db, reg.company
	lines := strings.Split(strings.TrimSuffix(reg.file, "\n"), "\n")
	for i := 7; i < len(lines); i += 7 {
		lines[i] = lines[i-1] // DUPLICATE_IN_FILE: rejected, no claim
	}
	files := []string{strings.Join(lines[:301], "\n") + "\n", lines[0] + "\n" + strings.Join(lines[301:], "\n") + "\n"}
	var ids [2]string
	for i, f := range files {
		b, _, err := uploadWith(t, s, c.ID, f, batch.ModeCreate, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = b.ID
	}
	// The two plans reserve their blocks at the same time; then each batch
	// is processed (planning again returns its chunks).
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.PlanBatch(context.Background(), id, 40, today); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, id := range ids {
		process(t, s, id, 40)
	}

	var bases [2]int64
	for i, id := range ids {
		bases[i] = claimBase(t, db, id)
		got := claimNumbersByRow(t, db, id)
		report := reportOf(t, s, id, c.ID)
		if len(report) != 300 {
			t.Fatalf("batch %d: %d report lines, want 300", i, len(report))
		}
		created := 0
		for _, l := range report {
			want := ""
			if l.Outcome == batch.OutcomeCreated {
				want = batch.FormatClaimNumber(today.Year(), bases[i]+int64(l.Row))
				created++
			}
			if l.ClaimNumber != want || got[l.Row] != want {
				t.Errorf("batch %d row %d (%s): claim number %q in the report, %q stored; want %q",
					i, l.Row, l.Outcome, l.ClaimNumber, got[l.Row], want)
			}
		}
		if created < 250 || created == 300 || len(got) != created {
			t.Errorf("batch %d: %d rows created, %d claims stored; want the same, some rows rejected", i, created, len(got))
		}
	}
	if lo, hi := min(bases[0], bases[1]), max(bases[0], bases[1]); lo+300 > hi {
		t.Errorf("blocks overlap: bases %d and %d for 300 rows each", bases[0], bases[1])
	}
}

// Claims stored before migration 00019 (legacy) are found by row, through
// their partial index, beside the ones numbered by row: a batch that was
// processing when the migration ran has both.
func TestReportReadsClaimsOfBothNumberings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := newRegistered(t, 30)
	s, db, c := reg.s, reg.db, reg.company
	b := uploadAndRun(t, reg, 10)
	if _, err := db.Exec(ctx, `UPDATE claims SET legacy = true, claim_number = 'JHT-2025-' || lpad((90000 + row_no)::text, 8, '0')
		WHERE batch_id = $1 AND row_no <= 10`, b.ID); err != nil {
		t.Fatal(err)
	}
	base := claimBase(t, db, b.ID)
	for _, l := range reportOf(t, s, b.ID, c.ID) {
		want := batch.FormatClaimNumber(today.Year(), base+int64(l.Row))
		if l.Row <= 10 {
			want = fmt.Sprintf("JHT-2025-%08d", 90000+l.Row)
		}
		if l.Outcome != batch.OutcomeCreated || l.ClaimNumber != want || l.ClaimStatus == "" {
			t.Errorf("row %d: %s %q (%s); want CREATED %q", l.Row, l.Outcome, l.ClaimNumber, l.ClaimStatus, want)
		}
	}
}

// A block of numbers that grows a digit (…-99999999, then …-100000000)
// still reads back whole: the report window's numbers are two ranges.
func TestClaimNumbersThatGrowADigit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := newRegistered(t, 30)
	s, db, c := reg.s, reg.db, reg.company
	if _, err := db.Exec(ctx, `SELECT setval('claim_number_seq', 99999990)`); err != nil {
		t.Fatal(err)
	}
	b := uploadAndRun(t, reg, 10)
	report := reportOf(t, s, b.ID, c.ID)
	if len(report) != 30 {
		t.Fatalf("%d report lines, want 30", len(report))
	}
	for _, l := range report {
		want := batch.FormatClaimNumber(today.Year(), 99999990+int64(l.Row))
		if l.Outcome != batch.OutcomeCreated || l.ClaimNumber != want {
			t.Errorf("row %d: %s %q; want CREATED %q", l.Row, l.Outcome, l.ClaimNumber, want)
		}
	}
	page, _, err := s.RowPage(ctx, mustBatch(t, s, c.ID, b.ID), false, 5, 10)
	if err != nil || len(page) != 10 || page[9].ClaimNumber != "JHT-2026-100000005" {
		t.Errorf("rows 6-15: %d rows, last %+v, %v; want 10, the last numbered JHT-2026-100000005", len(page), page[len(page)-1], err)
	}
}

func mustBatch(t *testing.T, s *postgres.Store, companyID int64, id string) batch.Batch {
	t.Helper()
	b, err := s.Batch(context.Background(), companyID, id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// One claim per row is the primary key's to keep: a chunk run again after
// its claims were paid (no longer active, so the index of active claims
// says nothing) cannot store a second claim for any of its rows.
func TestSecondClaimForARowIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := newRegistered(t, 10)
	s, db := reg.s, reg.db
	b := uploadAndRun(t, reg, 10)
	if _, err := db.Exec(ctx, `UPDATE claims SET status = 'PAID' WHERE batch_id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE batch_chunks SET done_at = NULL WHERE batch_id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE batches SET status = 'processing' WHERE id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.RunChunk(ctx, batch.Chunk{BatchID: b.ID, No: 0, FirstRow: 1, LastRow: 10})
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.ConstraintName != "claims_pkey" {
		t.Errorf("the chunk run again: %v; want the primary key's unique violation", err)
	}
	if n := len(claimNumbersByRow(t, db, b.ID)); n != 10 {
		t.Errorf("%d claims for 10 rows", n)
	}
}

// Migration 00019 down and up: the index by row comes back on the way
// down; on the way up, the claims already stored become legacy (found by
// row), a batch still processing gets its block past every number given
// out, and one not planned yet gets none until its plan.
func TestClaimsNumberedByRowDownAndUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dsn := testenv.DB(t)
	s := postgres.NewStore(pool)
	c, _ := newCompany(t, s, "AB123456")
	var processing, accepted string
	var last int64
	migrateDownAndUp(t, dsn, 18, func() {
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_constraint WHERE conname = 'claims_batch_id_row_no_key'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("below 00019: %d constraints claims_batch_id_row_no_key, %v; want 1", n, err)
		}
		for _, id := range []*string{&processing, &accepted} {
			if err := pool.QueryRow(ctx, `INSERT INTO batches (id, company_id, status, mode, filename, file_sha256,
				file_size, encoding, delimiter, header, rules_version, total_rows)
				VALUES (gen_random_uuid(), $1, 'accepted', 'create', 'f.csv', decode(md5(random()::text), 'hex'), 1, 'utf-8', ',', '{}', 'test', 50)
				RETURNING id::text`, c.ID).Scan(id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := pool.Exec(ctx, `UPDATE batches SET status = 'processing' WHERE id = $1`, processing); err != nil {
			t.Fatal(err)
		}
		if err := pool.QueryRow(ctx, `INSERT INTO claims (claim_number, batch_id, row_no, company_id, kpj, nik,
			full_name, reason, termination_date, eligible_on, status, bank_code, bank_account, account_name, phone,
			gross_amount, tax_amount, net_amount, rules_version)
			SELECT 'JHT-2026-' || lpad(nextval('claim_number_seq')::text, 8, '0'), $1, 1, $2, '11111111111',
				'3171010101700001', 'X', 'RESIGN', '2026-09-01', '2026-10-01', 'READY', '014', '1', 'X', '+62', 1, 0, 1, 'test'
			RETURNING currval('claim_number_seq')`, processing, c.ID).Scan(&last); err != nil {
			t.Fatal(err)
		}
	})
	var legacy bool
	if err := pool.QueryRow(ctx, `SELECT legacy FROM claims WHERE batch_id = $1`, processing).Scan(&legacy); err != nil || !legacy {
		t.Errorf("the claim stored before: legacy %v, %v; want true", legacy, err)
	}
	var base *int64
	if err := pool.QueryRow(ctx, `SELECT claim_base FROM batches WHERE id = $1`, processing).Scan(&base); err != nil || base == nil || *base < last {
		t.Errorf("the batch processing: claim_base %v, %v; want one past the last number given out (%d)", base, err, last)
	}
	if err := pool.QueryRow(ctx, `SELECT claim_base FROM batches WHERE id = $1`, accepted).Scan(&base); err != nil || base != nil {
		t.Errorf("the batch not planned: claim_base %v, %v; want none", base, err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_constraint WHERE conname = 'claims_batch_id_row_no_key'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after 00019: %d constraints claims_batch_id_row_no_key, %v; want none", n, err)
	}
}
