package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"jhtbatch/batch"
)

// TestConcurrentChunksKeepTheirRows runs the chunks of one batch four at a
// time, as the worker does. Chunks reuse memory from chunks done before
// (chunkScratch, the COPY buffers): every claim and every line of the
// report must still be its own row's, not another chunk's. Every seventh
// row names someone the registry does not know (rejected, with an outcome
// row); the rest become claims.
func TestConcurrentChunksKeepTheirRows(t *testing.T) {
	t.Parallel()
	const n = 600
	ctx := context.Background()
	reg := newRegistered(t, n)
	lines := strings.Split(strings.TrimSuffix(reg.file, "\n"), "\n")
	for i := 1; i < len(lines); i += 7 {
		f := strings.Split(lines[i], ",")
		f[2], f[8] = "Nama Lain", "Nama Lain" // full_name and account_name
		lines[i] = strings.Join(f, ",")
	}
	b, _, err := uploadWith(t, reg.s, reg.company.ID, strings.Join(lines, "\n")+"\n", batch.ModeCreate, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := reg.s.PlanBatch(ctx, b.ID, 40, today)
	if err != nil {
		t.Fatal(err)
	}
	work := make(chan batch.Chunk)
	errs := make(chan error, len(chunks))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for ch := range work {
				if _, err := reg.s.RunChunk(ctx, ch); err != nil {
					errs <- fmt.Errorf("chunk %d: %w", ch.No, err)
				}
			}
		})
	}
	for _, ch := range chunks {
		work <- ch
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if _, err := reg.s.FinalizeBatch(ctx, b.ID); err != nil {
		t.Fatal(err)
	}

	type claim struct{ KPJ, NIK, Name, Account string }
	got := map[int]claim{}
	rows, err := reg.db.Query(ctx, `SELECT row_no, kpj, nik, full_name, bank_account FROM claims WHERE batch_id = $1`, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var no int
		var c claim
		if err := rows.Scan(&no, &c.KPJ, &c.NIK, &c.Name, &c.Account); err != nil {
			t.Fatal(err)
		}
		got[no] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[int]claim{}
	for no := 1; no < len(lines); no++ {
		if (no-1)%7 != 0 {
			f := strings.Split(lines[no], ",")
			want[no] = claim{f[0], f[1], f[2], f[7]}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims by row (-want +got):\n%s", diff)
	}
	numbers := map[string]int{}
	for i, l := range reportOf(t, reg.s, b.ID, reg.company.ID) {
		no := i + 1
		rejected := (no-1)%7 == 0
		if diff := cmp.Diff(strings.Split(lines[no], ","), l.Fields); l.Row != no || diff != "" {
			t.Errorf("report line %d: row %d, fields (-want +got):\n%s", no, l.Row, diff)
		}
		errs, _ := l.Issues.Codes()
		switch {
		case rejected && (l.Outcome != batch.OutcomeRejected || l.ClaimNumber != "" ||
			!cmp.Equal(errs, []batch.Code{batch.CodeParticipantNameMismatch})):
			t.Errorf("row %d: %s %q %v, want REJECTED for the name alone", no, l.Outcome, l.ClaimNumber, errs)
		case !rejected && (l.Outcome != batch.OutcomeCreated || l.ClaimNumber == "" || len(errs) > 0 ||
			l.Gross != int64(1_000_000+(no-1)*1000)):
			t.Errorf("row %d: %s %q gross %d %v, want CREATED with its own balance", no, l.Outcome, l.ClaimNumber, l.Gross, errs)
		}
		if at, seen := numbers[l.ClaimNumber]; seen && l.ClaimNumber != "" {
			t.Errorf("rows %d and %d: claim number %s twice", at, no, l.ClaimNumber)
		}
		numbers[l.ClaimNumber] = no
	}
}
