package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/postgres"
	"jhtbatch/testenv"
)

// TestReportLinesAsOneJoin: the lines of ReportLines (windows of three
// queries without ORDER BY, read from their binary forms and put in order
// in Go) are the lines of one plain join ordered by row number and scanned
// by pgx (joinedReport). The batch spans several windows and has created
// rows (claims, one of them READY) and rejected ones (issues), and its raw
// rows, outcomes and claims were updated in place, which moves them out of
// row order on disk. It is read through the binary forms, also by
// sequential scans (rows in their order on disk), and through the text
// forms (the simple protocol, which the raw decoders leave to Scan), all
// rows and only the rejected ones.
func TestReportLinesAsOneJoin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, dsn := testenv.DB(t)
	s := postgres.NewStore(pool)
	c, _ := newCompany(t, s, "AB123456")
	const n = 2*postgres.ReportPageRows + 321
	reg, file := batchtest.ValidFile(n, "AB123456")
	if _, err := s.ImportParticipants(ctx, strings.NewReader(reg)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(file, "\n")
	for i := 1; i < len(lines)-1; i += 7 { // a KPJ of the wrong form: rejected
		lines[i] = "1234" + lines[i][len("10000000000"):]
	}
	b, _, err := uploadWith(t, s, c.ID, strings.Join(lines, "\n"), batch.ModeCreate, "", n)
	if err != nil {
		t.Fatal(err)
	}
	process(t, s, b.ID, 500)
	for _, q := range []string{
		`UPDATE batch_rows SET line_no = line_no WHERE batch_id = $1 AND row_no % 3 = 0`,
		`UPDATE batch_outcomes SET outcome = outcome WHERE batch_id = $1 AND row_no % 5 = 0`,
		`UPDATE claims SET status = 'READY' WHERE batch_id = $1 AND row_no % 4 = 0`,
	} {
		if _, err := pool.Exec(ctx, q, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	if b, err = s.Batch(ctx, c.ID, b.ID); err != nil {
		t.Fatal(err)
	}

	var want, wantRejected []batch.ReportLine
	if err := joinedReport(ctx, pool, b.ID, func(l batch.ReportLine) error {
		want = append(want, l)
		if l.Outcome == batch.OutcomeRejected {
			wantRejected = append(wantRejected, l)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(want) != n || len(wantRejected) < n/8 || want[2].ClaimNumber == "" || want[3].ClaimStatus != batch.ClaimReady {
		t.Fatalf("the batch is not what the test needs: %d lines, %d rejected, line 3 %+v, line 4 %+v",
			len(want), len(wantRejected), want[2], want[3])
	}

	stores := map[string]*postgres.Store{"binary": s}
	for name, params := range map[string]string{
		"text": "&default_query_exec_mode=simple_protocol",
		// Sequential scans give the rows in the order they lie on disk.
		"binary, on-disk order": "&enable_indexscan=off&enable_bitmapscan=off",
	} {
		p, err := postgres.ConnectPool(ctx, dsn+params, 2, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		stores[name] = postgres.NewStore(p)
	}
	for name, store := range stores {
		for _, rejected := range []bool{false, true} {
			var got []batch.ReportLine
			if err := store.ReportLines(ctx, b, rejected, func(l batch.ReportLine) error {
				got = append(got, l)
				return nil
			}); err != nil {
				t.Fatalf("%s, only rejected %v: %v", name, rejected, err)
			}
			w := want
			if rejected {
				w = wantRejected
			}
			if diff := cmp.Diff(w, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s, only rejected %v: ReportLines (-one join +got):\n%s", name, rejected, diff)
			}
		}
	}
}

// TestReportLinesStopsWithFn: an error from fn ends ReportLines at once,
// with that error, whatever windows were read ahead.
func TestReportLinesStopsWithFn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	c, _ := newCompany(t, s, "AB123456")
	const n = 3*postgres.ReportPageRows + 5
	_, file := batchtest.ValidFile(n, "AB123456")
	b, _, err := uploadWith(t, s, c.ID, file, batch.ModeValidate, "", n)
	if err != nil {
		t.Fatal(err)
	}
	for _, stop := range []int{1, postgres.ReportPageRows, postgres.ReportPageRows + 1, n} {
		calls := 0
		stopped := fmt.Errorf("stop at %d", stop)
		err := s.ReportLines(ctx, b, false, func(l batch.ReportLine) error {
			calls++
			if l.Row != calls {
				t.Fatalf("line %d is row %d", calls, l.Row)
			}
			if calls == stop {
				return stopped
			}
			return nil
		})
		if err != stopped || calls != stop {
			t.Errorf("fn failing at row %d: %d calls, err %v; want %d calls and its error", stop, calls, err, stop)
		}
	}
}

// joinedReport reads the report lines of batch id by one join, ordered by
// row number, every value scanned by pgx: the reference ReportLines is
// held to. A claim without an outcome row is a row created without any
// issue (no outcome row is stored for it).
func joinedReport(ctx context.Context, db *pgxpool.Pool, id string, fn func(batch.ReportLine) error) error {
	rows, err := db.Query(ctx, `
		SELECT r.row_no, r.line_no, unpack_fields(r.fields),
			coalesce(o.outcome, CASE WHEN c.claim_number IS NOT NULL THEN 'CREATED' END, ''),
			coalesce(o.issues, '[]'::jsonb), coalesce(o.claim_number, c.claim_number, ''), coalesce(c.status, ''),
			coalesce(o.eligible_on, c.eligible_on), coalesce(o.gross_amount, c.gross_amount),
			coalesce(o.tax_amount, c.tax_amount), coalesce(o.net_amount, c.net_amount)
		FROM batch_rows r
		LEFT JOIN batch_outcomes o ON o.batch_id = r.batch_id AND o.row_no = r.row_no
		LEFT JOIN claims c ON c.batch_id = r.batch_id AND c.row_no = r.row_no
		WHERE r.batch_id = $1 ORDER BY r.row_no`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l batch.ReportLine
		var eligible *time.Time
		var gross, tax, net *int64
		if err := rows.Scan(&l.Row, &l.Line, &l.Fields, &l.Outcome, &l.Issues, &l.ClaimNumber, &l.ClaimStatus,
			&eligible, &gross, &tax, &net); err != nil {
			return err
		}
		if eligible != nil {
			l.EligibleOn = *eligible
		}
		if gross != nil && tax != nil && net != nil {
			l.Gross, l.Tax, l.Net, l.HasAmounts = *gross, *tax, *net, true
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return rows.Err()
}
