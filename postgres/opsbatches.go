package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

func validUUID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil
}

// unfinishedSince is the SQL of batch.OpsBatch.UnfinishedSince for batches b.
const unfinishedSince = `CASE WHEN b.status = 'accepted' THEN b.created_at
	WHEN b.status = 'processing' THEN coalesce(b.planned_at, b.created_at) END`

// AllBatches lists every company's batches for operators: failed ones
// first, then stuck ones, then the others, newest first within each group.
// Files refused at upload are no batches here either.
func (s *Store) AllBatches(ctx context.Context, now time.Time, f batch.OpsFilter) ([]batch.OpsBatch, error) {
	if f.StuckAfter <= 0 {
		f.StuckAfter = batch.DefaultStuckAfter
	}
	if f.Limit <= 0 {
		f.Limit = batch.DefaultOpsLimit
	}
	var older, newer *time.Time
	if f.OlderThan > 0 {
		t := now.Add(-f.OlderThan)
		older = &t
	}
	if f.NewerThan > 0 {
		t := now.Add(-f.NewerThan)
		newer = &t
	}
	var statuses []string
	if len(f.Statuses) > 0 {
		statuses = f.Statuses
	}
	rows, err := s.pool.Query(ctx, `
		SELECT `+batchColumns+`, npp, since, coalesce(since < $5, false) AS stuck
		FROM (
			SELECT b.*, c.npp, `+unfinishedSince+` AS since
			FROM batches b JOIN companies c ON c.id = b.company_id
			WHERE b.status <> 'rejected'
				AND ($1::text[] IS NULL OR b.status = ANY($1))
				AND ($2 = '' OR c.npp = $2)
				AND ($3::timestamptz IS NULL OR b.created_at <= $3)
				AND ($4::timestamptz IS NULL OR b.created_at >= $4)
		) x
		ORDER BY x.status = 'failed' DESC, stuck DESC, x.created_at DESC, x.id DESC
		LIMIT $6`,
		statuses, batch.NormalNPP(f.CompanyNPP), older, newer, now.Add(-f.StuckAfter), f.Limit)
	if err != nil {
		return nil, translate(err, "list all batches")
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (batch.OpsBatch, error) {
		var ob batch.OpsBatch
		b, err := scanBatchPlus(r, &ob.CompanyNPP, &ob.UnfinishedSince, &ob.Stuck)
		ob.Batch = b
		return ob, err
	})
	if err != nil {
		return nil, translate(err, "list all batches")
	}
	return list, nil
}

// scanBatchPlus scans the batch columns followed by more columns into more.
func scanBatchPlus(row pgx.Row, more ...any) (batch.Batch, error) {
	return scanBatch(multiRow{row: row, more: more})
}

// multiRow lets scanBatch scan a row that carries more columns after the
// batch's: the extra destinations are appended to its Scan.
type multiRow struct {
	row  pgx.Row
	more []any
}

func (m multiRow) Scan(dest ...any) error { return m.row.Scan(append(dest, m.more...)...) }

// Flight returns the pipeline's batch.FlightStats at now.
func (s *Store) Flight(ctx context.Context, now time.Time) (batch.FlightStats, error) {
	st := batch.FlightStats{ByStatus: map[string]int{"accepted": 0, "processing": 0}}
	rows, err := s.pool.Query(ctx, `SELECT b.status, count(*), min(`+unfinishedSince+`)
		FROM batches b WHERE b.status IN ('accepted', 'processing') GROUP BY b.status`)
	if err != nil {
		return st, translate(err, "count batches in flight")
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		var since *time.Time
		if err := rows.Scan(&status, &n, &since); err != nil {
			return st, translate(err, "count batches in flight")
		}
		st.ByStatus[status] = n
		if since != nil && now.Sub(*since) > st.OldestUnfinished {
			st.OldestUnfinished = now.Sub(*since)
		}
	}
	return st, translate(rows.Err(), "count batches in flight")
}
