package postgres_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/postgres"
)

// BenchmarkUpload stores a 10,000-row file (decode + COPY + one
// transaction) against a baseline that COPYs the same rows, already split,
// into a table of the same shape. Compare the two ns/op in one run.
func BenchmarkUpload(b *testing.B) {
	const n = 10000
	s, db := newStoreDB(b)
	c, _, _ := s.CreateCompany(context.Background(), "AB123456", "PT Bench")
	_, file := batchtest.ValidFile(n, "AB123456")
	b.Run("baseline-copy", func(b *testing.B) {
		ctx := context.Background()
		var rows [][]any
		for i, line := range strings.Split(strings.TrimSpace(file), "\n")[1:] {
			rows = append(rows, []any{i + 1, i + 2, strings.Split(line, ",")})
		}
		_, _ = db.Exec(ctx, `CREATE TABLE bench_rows (row_no int, line_no int, fields text[])`)
		for b.Loop() {
			if _, err := db.CopyFrom(ctx, pgx.Identifier{"bench_rows"}, []string{"row_no", "line_no", "fields"}, pgx.CopyFromRows(rows)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	// uploads counts across the runs of "store": with -count, b.Run runs it
	// again on the same database, and every file must have other bytes.
	uploads := 0
	b.Run("store", func(b *testing.B) {
		for b.Loop() {
			uploads++
			f := file + strings.Repeat("\n", uploads) // other bytes each time (blank lines), so no DUPLICATE_FILE
			var spool bytes.Buffer
			info, err := batch.Inspect(strings.NewReader(f), &spool, 0)
			if err != nil {
				b.Fatal(err)
			}
			dec, err := batch.NewDecoder(&spool, info.Encoding, batch.DecodeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := s.CreateBatch(context.Background(), batch.Upload{CompanyID: c.ID, Mode: batch.ModeCreate, Info: info}, dec); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkJudgeAndStore judges and stores 10,000 rows in chunks of 2,000
// (RunChunk: set-based SQL) against a baseline that writes the same claims
// and outcomes with one statement per row in one transaction, the design
// docs/architecture.md rules out.
func BenchmarkJudgeAndStore(b *testing.B) {
	const n, chunkRows = 10000, 2000
	reg, file := batchtest.ValidFile(n, "AB123456")
	ctx := context.Background()
	// setup gives each sub-benchmark its own database, so neither pays for
	// the other's dead tuples.
	setup := func(b *testing.B) (*postgres.Store, *pgxpool.Pool, int64, func(i int) string) {
		s, db := newStoreDB(b)
		c, _, _ := s.CreateCompany(ctx, "AB123456", "PT Bench")
		if _, err := s.ImportParticipants(ctx, strings.NewReader(reg)); err != nil {
			b.Fatal(err)
		}
		newBatch := func(i int) string {
			b.StopTimer()
			defer b.StartTimer()
			// Earlier iterations' claims are no longer active, so this one creates them again.
			_, _ = db.Exec(ctx, `UPDATE claims SET status = 'PAID' WHERE status <> 'PAID'`)
			var spool bytes.Buffer
			info, _ := batch.Inspect(strings.NewReader(file+strings.Repeat("\n", i+1)), &spool, 0)
			dec, err := batch.NewDecoder(&spool, info.Encoding, batch.DecodeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			bt, _, err := s.CreateBatch(ctx, batch.Upload{CompanyID: c.ID, Mode: batch.ModeCreate, Info: info}, dec)
			if err != nil {
				b.Fatal(err)
			}
			return bt.ID
		}
		return s, db, c.ID, newBatch
	}
	b.Run("baseline-per-row", func(b *testing.B) {
		_, db, companyID, newBatch := setup(b)
		for i := 0; b.Loop(); i++ {
			perRow(b, db, newBatch(i), companyID, n)
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("chunks", func(b *testing.B) {
		s, _, _, newBatch := setup(b)
		for i := 0; b.Loop(); i++ {
			chunks, err := s.PlanBatch(ctx, newBatch(i), chunkRows, today)
			if err != nil {
				b.Fatal(err)
			}
			for _, ch := range chunks {
				if res, err := s.RunChunk(ctx, ch); err != nil || res.Created != ch.LastRow-ch.FirstRow+1 {
					b.Fatalf("chunk %+v: %+v, %v", ch, res, err)
				}
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// perRow is the baseline: per row, one query for the participant, one
// INSERT of the claim and one UPDATE of the row, in one transaction.
func perRow(b *testing.B, db *pgxpool.Pool, id string, companyID int64, n int) {
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		for no := 1; no <= n; no++ {
			var kpj, nik, name string
			var balance int64
			if err := tx.QueryRow(ctx, `SELECT p.kpj, p.nik, p.full_name, p.jht_balance FROM batch_rows r
				JOIN participants p ON p.kpj = r.kpj_key WHERE r.batch_id = $1 AND r.row_no = $2`, id, no).
				Scan(&kpj, &nik, &name, &balance); err != nil {
				return err
			}
			tax := batch.Tax(balance)
			if _, err := tx.Exec(ctx, `INSERT INTO claims (claim_number, batch_id, row_no, company_id, kpj, nik,
				full_name, reason, termination_date, eligible_on, status, bank_code, bank_account, account_name, phone,
				gross_amount, tax_amount, net_amount, rules_version)
				VALUES ('B-' || $1::text || '-' || $2::int::text, $1::uuid, $2::int, $3, $4, $5, $6, 'PHK', '2026-09-01', '2026-10-01', 'READY',
				'014', '0', $6, '+62', $7, $8, $9, 'bench')`, id, no, companyID, kpj, nik, name, balance, tax, balance-tax); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO batch_outcomes (batch_id, row_no, outcome, issues, has_warnings)
				VALUES ($1, $2, 'CREATED', '[]', false)`, id, no); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPlan plans a 20,000-row batch on a fresh database (the baseline)
// and after 40 one-row batches were planned on the same pool. The two must
// cost about the same: when the plan searched the batch for repeated rows
// and PostgreSQL's generic plan of that search was a nested loop, the
// second took minutes (quadratic). The search is now the upload's.
func BenchmarkPlan(b *testing.B) {
	const n = 20000
	_, file := batchtest.ValidFile(n, "AB123456")
	run := func(b *testing.B, small int) {
		s := newStore(b)
		c, _, _ := s.CreateCompany(context.Background(), "AB123456", "PT Bench")
		for i := range small {
			bt, _, err := uploadWith(b, s, c.ID, header+strings.Replace(row, "Budi Santoso,1985", "Budi "+batchtest.Letters(i)+",1985", 1), batch.ModeCreate, "", 0)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.PlanBatch(context.Background(), bt.ID, 2000, today); err != nil {
				b.Fatal(err)
			}
		}
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			bt, _, err := uploadWith(b, s, c.ID, file+strings.Repeat("\n", i+1), batch.ModeValidate, "", 0)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := s.PlanBatch(context.Background(), bt.ID, 2000, today); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("baseline-fresh", func(b *testing.B) { run(b, 0) })
	b.Run("after-40-small", func(b *testing.B) { run(b, 40) })
}

// BenchmarkRunChunk times the chunks of a 10,000-row batch of valid rows,
// 5 of 2,000 run one after the other (RunChunk alone: the upload and the
// plan are outside the timer), for the Go side of the chunk path: run it
// with -benchmem and compare allocations too. Chunks run back to back, as
// a worker runs them, so that what one chunk gives back the next can reuse.
func BenchmarkRunChunk(b *testing.B) {
	const n, chunkRows = 10000, 2000
	reg, file := batchtest.ValidFile(n, "AB123456")
	ctx := context.Background()
	s, db := newStoreDB(b)
	c, _, _ := s.CreateCompany(ctx, "AB123456", "PT Bench")
	if _, err := s.ImportParticipants(ctx, strings.NewReader(reg)); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		// Earlier iterations' claims are no longer active, so this one creates them again.
		_, _ = db.Exec(ctx, `UPDATE claims SET status = 'PAID' WHERE status <> 'PAID'`)
		bt, _, err := uploadWith(b, s, c.ID, file+strings.Repeat("\n", i+1), batch.ModeCreate, "", 0)
		if err != nil {
			b.Fatal(err)
		}
		chunks, err := s.PlanBatch(ctx, bt.ID, chunkRows, today)
		if err != nil || len(chunks) != n/chunkRows {
			b.Fatalf("plan: %v, %v", chunks, err)
		}
		b.StartTimer()
		for _, ch := range chunks {
			if res, err := s.RunChunk(ctx, ch); err != nil || res.Created != chunkRows {
				b.Fatalf("chunk %+v: %+v, %v", ch, res, err)
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
