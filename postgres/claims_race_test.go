package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/batch"
)

// TestClaimCommittedMeanwhileIsAlreadyActive makes the race that the
// chunk's COPY of claims cannot decide by itself: another batch's claim for
// one of the chunk's KPJs is not yet committed when the chunk looks the
// KPJs up, and is committed while the chunk inserts. The chunk must not
// fail, nor give that KPJ a second active claim: the row becomes
// CLAIM_ALREADY_ACTIVE and every other row still gets its claim. With the
// other transaction rolled back instead, every row gets its claim.
func TestClaimCommittedMeanwhileIsAlreadyActive(t *testing.T) {
	for _, commit := range []bool{true, false} {
		name := map[bool]string{true: "other committed", false: "other rolled back"}[commit]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			reg := newRegistered(t, 3)
			s, pool, c, file := reg.s, reg.db, reg.company, reg.file
			other, _, err := upload(t, s, c.ID, file+"\n", batch.ModeValidate, "")
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := upload(t, s, c.ID, file, batch.ModeCreate, "")
			if err != nil {
				t.Fatal(err)
			}
			chunks, err := s.PlanBatch(ctx, b.ID, 10, today)
			if err != nil || len(chunks) != 1 {
				t.Fatalf("plan: %v, %v", chunks, err)
			}
			kpj := strings.Split(strings.Split(file, "\n")[2], ",")[0] // the second row's

			// The other batch's claim, inserted and held uncommitted.
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, `INSERT INTO claims (claim_number, batch_id, row_no, company_id, kpj, nik,
				full_name, reason, termination_date, eligible_on, status, bank_code, bank_account, account_name, phone,
				gross_amount, tax_amount, net_amount, rules_version)
				VALUES ('JHT-2026-99999999', $1, 1, $2, $3, '3171010101700001', 'X', 'RESIGN', '2026-09-01',
				'2026-10-01', 'READY', '014', '1', 'X', '+62', 1, 0, 1, 'test')`, other.ID, c.ID, kpj); err != nil {
				t.Fatal(err)
			}
			type result struct {
				res batch.ChunkResult
				err error
			}
			done := make(chan result, 1)
			go func() {
				r, err := s.RunChunk(ctx, chunks[0])
				done <- result{r, err}
			}()
			// The chunk judged the row a new claim and now waits on the
			// other transaction's index entry for the same KPJ.
			waitForLockWait(t, pool)
			if commit {
				err = tx.Commit(ctx)
			} else {
				err = tx.Rollback(ctx)
			}
			if err != nil {
				t.Fatal(err)
			}
			var r result
			select {
			case r = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the chunk did not finish")
			}
			if r.err != nil {
				t.Fatalf("run chunk: %v", r.err)
			}
			wantCreated, wantRejected := 2, 1
			if !commit {
				wantCreated, wantRejected = 3, 0
			}
			if r.res.Created != wantCreated || r.res.Rejected != wantRejected {
				t.Errorf("chunk: %+v, want %d created, %d rejected", r.res, wantCreated, wantRejected)
			}
			var active int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM claims WHERE kpj = $1 AND status IN ('WAITING', 'READY')`,
				kpj).Scan(&active); err != nil || active != 1 {
				t.Errorf("active claims of the KPJ: %d, %v; want 1", active, err)
			}
			if _, err := s.FinalizeBatch(ctx, b.ID); err != nil {
				t.Fatal(err)
			}
			lines := reportOf(t, s, b.ID, c.ID)
			for i, l := range lines {
				wantErrors := []batch.Code(nil)
				if commit && i == 1 {
					wantErrors = []batch.Code{batch.CodeClaimAlreadyActive}
				}
				errs, _ := l.Issues.Codes()
				if diff := cmp.Diff(wantErrors, errs); diff != "" || (wantErrors == nil) != (l.ClaimNumber != "") {
					t.Errorf("row %d: claim %q, errors (-want +got):\n%s", i+1, l.ClaimNumber, diff)
				}
			}
		})
	}
}

// waitForLockWait waits until a backend of the test's database waits for a
// lock (the transaction of the other insert of the same unique key).
func waitForLockWait(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var waiting bool
		if err := pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
	}
	t.Fatal("the chunk never waited for the other transaction")
}

// TestActiveClaimsReadAsInACheck: a batch that creates claims does not look
// up its rows' active claims before judging them (the index of active
// claims refuses the claim of a row that has one, and the rows rejected for
// other reasons are looked up after judging). Its rows must still read as a
// check of the same file reads them: CLAIM_ALREADY_ACTIVE alone on an
// otherwise valid row, beside the other issues of a row rejected for them
// too, nothing on the rest. Rows 1 and 2 have active claims of an earlier
// batch; rows 2 and 4 have a name the registry does not know.
func TestActiveClaimsReadAsInACheck(t *testing.T) {
	t.Parallel()
	reg := newRegistered(t, 4)
	s, c := reg.s, reg.company
	lines := strings.Split(strings.TrimSuffix(reg.file, "\n"), "\n")
	earlier, _, err := upload(t, s, c.ID, strings.Join(lines[:3], "\n")+"\n", batch.ModeCreate, "")
	if err != nil {
		t.Fatal(err)
	}
	process(t, s, earlier.ID, 10)
	for _, i := range []int{2, 4} {
		fields := strings.Split(lines[i], ",")
		fields[2], fields[8] = "Nama Lain", "Nama Lain" // full_name and account_name
		lines[i] = strings.Join(fields, ",")
	}
	file := strings.Join(lines, "\n") + "\n"
	issues := func(mode batch.Mode, file string) ([]batch.Issues, []batch.Outcome) {
		b, _, err := upload(t, s, c.ID, file, mode, "")
		if err != nil {
			t.Fatal(err)
		}
		process(t, s, b.ID, 10)
		var is []batch.Issues
		var outcomes []batch.Outcome
		for _, l := range reportOf(t, s, b.ID, c.ID) {
			is, outcomes = append(is, l.Issues), append(outcomes, l.Outcome)
		}
		return is, outcomes
	}
	inCheck, checked := issues(batch.ModeValidate, file)
	created, outcomes := issues(batch.ModeCreate, file+"\n")
	if diff := cmp.Diff(inCheck, created); diff != "" {
		t.Errorf("issues by row (-check +create):\n%s", diff)
	}
	active := batch.Issue{Code: batch.CodeClaimAlreadyActive, Column: batch.ColKPJ}
	if len(created) != 4 || !slices.Contains(created[0], active) || len(created[0]) != 1 ||
		!slices.Contains(created[1], active) || len(created[1]) < 2 || slices.Contains(created[3], active) {
		t.Errorf("issues by row: %+v", created)
	}
	want := []batch.Outcome{batch.OutcomeRejected, batch.OutcomeRejected, batch.OutcomeCreated, batch.OutcomeRejected}
	if !slices.Equal(outcomes, want) {
		t.Errorf("outcomes %v, want %v (the check's: %v)", outcomes, want, checked)
	}
}
