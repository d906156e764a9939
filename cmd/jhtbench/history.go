package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// History sizes for -history: what a database holds after a season of
// batches, so that a batch measured on it shows whether its cost grows with
// the data already there (the goal: at most 1.2 times its time on a fresh
// database).
const (
	historyBatches = 100
	historyRows    = 11_000 // per batch: 10,000 claims and 1,000 rejected rows
	historyClaims  = historyBatches * historyRows * 10 / 11
)

// historySQL seeds historyBatches finished batches of a company of their
// own (NPP HS000001) with their raw rows, the outcomes of their rejected
// rows, their claims (1,000,000; the last 100,000 still READY, so the
// active-claim index holds them) and a registry of their 1,100,000
// participants, then refreshes the planner's statistics, as autovacuum
// would have long since. Its KPJs (9xxxxxxxxxx) and claim numbers
// (JHT-2025-…) meet nothing of the measured batch's.
const historySQL = `
INSERT INTO companies (npp, name) VALUES ('HS000001', 'PT Riwayat Benchmark') ON CONFLICT (npp) DO NOTHING;
INSERT INTO participants (kpj, nik, full_name, birth_date, npp, jht_balance, membership_start)
SELECT lpad((90000000000 + i)::text, 11, '0'), lpad((3171010000000000 + i)::text, 16, '0'), 'Riwayat ' || i,
	date '1970-01-01' + (i % 9000), 'HS000001', 1000000 + i, date '2000-01-01'
FROM generate_series(0, 1099999) i;
INSERT INTO batches (id, company_id, status, mode, filename, file_sha256, rules_version, chunk_rows, total_rows,
	processed_rows, created, rejected, header, layout, created_at, planned_at, started_at, finished_at, processing_date)
SELECT md5('jhtbench history ' || b)::uuid, (SELECT id FROM companies WHERE npp = 'HS000001'), 'completed_with_errors',
	'create', 'history-' || b || '.csv', decode(md5('jhtbench history ' || b), 'hex'), 'history', 2000, 11000, 11000,
	10000, 1000,
	ARRAY['kpj','nik','full_name','birth_date','termination_date','reason','bank_code','bank_account','account_name','phone','email','npwp'],
	ARRAY['kpj','nik','full_name','birth_date','termination_date','reason','bank_code','bank_account','account_name','phone','email','npwp'],
	now() - (101 - b) * interval '1 day', now() - (101 - b) * interval '1 day', now() - (101 - b) * interval '1 day',
	now() - (101 - b) * interval '1 day', current_date - (101 - b)
FROM generate_series(1, 100) b;
INSERT INTO batch_rows (batch_id, row_no, line_no, fields, kpj_key, nik_key)
SELECT md5('jhtbench history ' || (i / 11000 + 1))::uuid, i % 11000 + 1, i % 11000 + 2,
	pack_fields(ARRAY[lpad((90000000000 + i)::text, 11, '0'), lpad((3171010000000000 + i)::text, 16, '0'),
		'Riwayat ' || i, '1980-01-01', '2026-01-31', 'RESIGN', '014', '1234567890', 'Riwayat ' || i, '081234567890',
		'', '']),
	lpad((90000000000 + i)::text, 11, '0'), lpad((3171010000000000 + i)::text, 16, '0')
FROM generate_series(0, 1099999) i;
INSERT INTO batch_outcomes (batch_id, row_no, outcome, issues, has_warnings)
SELECT md5('jhtbench history ' || (i / 11000 + 1))::uuid, i % 11000 + 1, 'REJECTED',
	'[{"code":"PARTICIPANT_NOT_FOUND","column":"kpj"}]', false
FROM generate_series(0, 1099999) i WHERE i % 11 = 10;
INSERT INTO claims (claim_number, batch_id, row_no, company_id, kpj, nik, full_name, reason, termination_date,
	eligible_on, status, bank_code, bank_account, account_name, phone, email, npwp, gross_amount, tax_amount,
	net_amount, rules_version)
SELECT 'JHT-2025-' || lpad(i::text, 8, '0'), md5('jhtbench history ' || (i / 11000 + 1))::uuid, i % 11000 + 1,
	(SELECT id FROM companies WHERE npp = 'HS000001'), lpad((90000000000 + i)::text, 11, '0'),
	lpad((3171010000000000 + i)::text, 16, '0'), 'Riwayat ' || i, 'RESIGN', '2026-01-31', '2026-03-02',
	CASE WHEN i >= 990000 THEN 'READY' ELSE 'PAID' END, '014', '1234567890', 'Riwayat ' || i, '+6281234567890',
	'', '', 1000000 + i, 0, 1000000 + i, 'history'
FROM generate_series(0, 1099999) i WHERE i % 11 <> 10;
VACUUM ANALYZE;
`

// seedHistory runs historySQL on the run's database (after the binary
// migrated it) and returns how long it took.
func seedHistory(ctx context.Context, dsn string) (time.Duration, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.Background())
	start := time.Now()
	// One statement at a time: VACUUM cannot run in the implicit
	// transaction of a multi-statement query.
	for _, stmt := range strings.Split(historySQL, ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return 0, fmt.Errorf("seed history: %w", err)
		}
	}
	// The seed writes about 1 GB of WAL in 15 s, and PostgreSQL starts a
	// checkpoint for it (max_wal_size) that was still writing through the
	// first seconds of the measured batch, and each existing page the batch
	// changed for the first time since that checkpoint began went to the
	// WAL whole. A database that gathered its history over a
	// season has long since checkpointed it, so the seed is checkpointed
	// here, as the fresh database's creation is (CREATE DATABASE does it).
	// CHECKPOINT needs a superuser or pg_checkpoint; without either the
	// run goes on and the ratio may read high.
	if _, err := conn.Exec(ctx, "CHECKPOINT"); err != nil {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" { // insufficient_privilege
			return 0, fmt.Errorf("seed history: checkpoint: %w", err)
		}
	}
	return time.Since(start), nil
}
