package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/postgres"
	"jhtbatch/testenv"
)

// TestOutcomesMigrationKeepsReports processes a batch, then takes the
// database back to before migration 00009 (outcomes written into the raw
// rows, as the earlier releases did) and forward again: the batch's report
// must read the same, so batches processed before the upgrade keep their
// reports.
func TestOutcomesMigrationKeepsReports(t *testing.T) {
	ctx := context.Background()
	pool, dsn := testenv.DB(t)
	s := postgres.NewStore(pool)
	c, _ := newCompany(t, s, "AB123456")
	reg, file := batchtest.ValidFile(3, "AB123456")
	if _, err := s.ImportParticipants(ctx, strings.NewReader(reg)); err != nil {
		t.Fatal(err)
	}
	file += "99999999999,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n"
	b, _, err := upload(t, s, c.ID, file, batch.ModeCreate, "")
	if err != nil {
		t.Fatal(err)
	}
	process(t, s, b.ID, 2)
	before := reportOf(t, s, b.ID, c.ID)
	if len(before) != 4 || before[0].ClaimNumber == "" || before[3].Outcome != batch.OutcomeRejected {
		t.Fatalf("report before the round trip: %+v", before)
	}

	migrateDownAndUp(t, dsn, 8, func() {
		var old int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM batch_rows WHERE batch_id = $1 AND outcome IS NOT NULL`, b.ID).Scan(&old); err != nil || old != 4 {
			t.Fatalf("rows with an outcome in batch_rows before 00009: %d, %v; want 4", old, err)
		}
	})
	if diff := cmp.Diff(before, reportOf(t, s, b.ID, c.ID)); diff != "" {
		t.Errorf("report after the migration (-before +after):\n%s", diff)
	}
}

// process plans batch id in chunks of chunkRows, runs every chunk and
// finalizes it, as the workers would.
func process(t *testing.T, s *postgres.Store, id string, chunkRows int) {
	t.Helper()
	ctx := context.Background()
	chunks, err := s.PlanBatch(ctx, id, chunkRows, today)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chunks {
		if _, err := s.RunChunk(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.FinalizeBatch(ctx, id); err != nil {
		t.Fatal(err)
	}
}

func reportOf(t *testing.T, s *postgres.Store, id string, companyID int64) []batch.ReportLine {
	t.Helper()
	b, err := s.Batch(context.Background(), companyID, id)
	if err != nil {
		t.Fatal(err)
	}
	var lines []batch.ReportLine
	err = s.ReportLines(context.Background(), b, false, func(l batch.ReportLine) error {
		lines = append(lines, l)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return lines
}
