package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// PlanBatch prepares an accepted batch for the workers in one transaction:
// it finds the rows that repeat an earlier row's KPJ or NIK (across the whole
// file, in SQL), splits the rows into chunks of chunkRows, and moves the
// batch to processing. It returns the chunks not yet done, so running it
// again (a retried task) returns the same work and changes nothing; a batch
// that is finished or cancelled has none. today becomes the batch's
// processing date: every row is judged at it, even when the batch runs past
// midnight.
func (s *Store) PlanBatch(ctx context.Context, id string, chunkRows int, today time.Time) ([]batch.Chunk, error) {
	if chunkRows < 1 {
		return nil, fmt.Errorf("plan batch %s: chunk size %d", id, chunkRows)
	}
	var chunks []batch.Chunk
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var status batch.Status
		err := tx.QueryRow(ctx, `SELECT status FROM batches WHERE id = $1 FOR UPDATE`, id).Scan(&status)
		if err != nil {
			return err
		}
		if status == batch.StatusAccepted {
			// planRows disables nested loops; PostgreSQL does so by adding a
			// huge cost to them, and a plan that costly is JIT-compiled
			// (jit_above_cost): 120-220 ms of compiling to plan even a
			// one-row batch, for statements that run in milliseconds.
			if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
				return fmt.Errorf("set planner options: %w", err)
			}
			if err := planRows(ctx, tx, id, chunkRows, today); err != nil {
				return err
			}
		} else if status != batch.StatusProcessing {
			return nil
		}
		chunks, err = pendingChunks(ctx, tx, id, 0)
		return err
	})
	if err != nil {
		return nil, translate(err, "plan batch "+id)
	}
	return chunks, nil
}

// planRows marks duplicates and creates the chunks. A row repeats an
// earlier one when it has the same trimmed KPJ or NIK; the first occurrence
// is processed, the later ones point at the earliest row they repeat.
func planRows(ctx context.Context, tx pgx.Tx, id string, chunkRows int, today time.Time) error {
	// The statement below joins a batch's rows with aggregates over the
	// same rows (it used to be a window). Planned generically (pgx prepares statements, and PostgreSQL
	// switches a prepared statement to a generic plan after five runs) while
	// batches were small, it became a nested loop that reran the window for
	// every row: a 100k-row batch planned for over ten minutes. Plan it for
	// this batch, and never as a nested loop.
	if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
		return fmt.Errorf("set plan cache mode: %w", err)
	}
	if _, err := tx.Exec(ctx, `SET LOCAL enable_nestloop = off`); err != nil {
		return fmt.Errorf("set planner options: %w", err)
	}
	// Each key's hash table holds every row of the batch: with the default
	// work_mem (4 MB) a 100,000-row batch's spilled to disk in 5 batches
	// each; in memory the search took 275 -> 205 ms (three runs each).
	// Only this statement's transaction gets it, once per batch.
	if _, err := tx.Exec(ctx, `SET LOCAL work_mem = '64MB'`); err != nil {
		return fmt.Errorf("set planner options: %w", err)
	}
	// The keys that repeat are found by hashing (GROUP BY … HAVING), and
	// only the rows of those keys are joined and updated. The earlier form,
	// min(row_no) over two windows partitioned by each key, sorted every
	// row of the batch twice: 100,000 rows of which none repeats, 918 ms ->
	// 303 ms (on a loaded machine; the same rows updated). When most rows
	// repeat (rare: each becomes DUPLICATE_IN_FILE) it costs more than the
	// windows did, 0.97 s -> 1.6 s at 100,000.
	_, err := tx.Exec(ctx, `
		WITH kpj AS (
			SELECT kpj_key AS key, min(row_no) AS first FROM batch_rows
			WHERE batch_id = $1 AND kpj_key <> '' GROUP BY kpj_key HAVING count(*) > 1
		), nik AS (
			SELECT nik_key AS key, min(row_no) AS first FROM batch_rows
			WHERE batch_id = $1 AND nik_key <> '' GROUP BY nik_key HAVING count(*) > 1
		), repeats AS (
			SELECT r.row_no, k.first FROM batch_rows r JOIN kpj k ON r.kpj_key = k.key WHERE r.batch_id = $1
			UNION ALL
			SELECT r.row_no, n.first FROM batch_rows r JOIN nik n ON r.nik_key = n.key WHERE r.batch_id = $1
		)
		UPDATE batch_rows r SET duplicate_of = d.first
		FROM (SELECT row_no, min(first) AS first FROM repeats GROUP BY row_no) d
		WHERE r.batch_id = $1 AND r.row_no = d.row_no AND d.first < d.row_no`, id)
	if err != nil {
		return fmt.Errorf("find duplicate rows: %w", err)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO batch_chunks (batch_id, chunk_no, first_row, last_row)
		SELECT $1, n, n * $2 + 1, least((n + 1) * $2, b.total_rows)
		FROM batches b, generate_series(0, (b.total_rows - 1) / $2) AS n
		WHERE b.id = $1
		ON CONFLICT DO NOTHING`, id, chunkRows)
	if err != nil {
		return fmt.Errorf("create chunks: %w", err)
	}
	_, err = tx.Exec(ctx, `UPDATE batches SET status = 'processing', chunk_rows = $2, processing_date = $3,
		planned_at = now(), started_at = coalesce(started_at, now()) WHERE id = $1`, id, chunkRows, today)
	return err
}

// querier is what a pool and a transaction have in common.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// pendingChunks returns the chunks of batch id not yet done, in order, while
// the batch is processing; at most limit of them when limit > 0.
func pendingChunks(ctx context.Context, q querier, id string, limit int) ([]batch.Chunk, error) {
	rows, err := q.Query(ctx, `SELECT c.batch_id::text, c.chunk_no, c.first_row, c.last_row
		FROM batch_chunks c JOIN batches b ON b.id = c.batch_id
		WHERE c.batch_id = $1 AND c.done_at IS NULL AND b.status = 'processing'
		ORDER BY c.chunk_no LIMIT CASE WHEN $2 > 0 THEN $2 END`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("list pending chunks of %s: %w", id, err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[batch.Chunk])
}

// FinalizeBatch closes a batch whose chunks are all done: its counters are
// set from what its rows say, and its status is batch.FinalStatus of them.
// It returns whether the batch is finished (already, or by this call). A
// batch with chunks still pending is left alone.
//
// The batch's row is locked first: a chunk updates it in the transaction
// that records its outcomes and marks it done, so once the lock is held no
// chunk is half-committed, and the counts read next are every outcome of
// a batch whose chunks are all done.
func (s *Store) FinalizeBatch(ctx context.Context, id string) (bool, error) {
	finished := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var status batch.Status
		var pending bool
		err := tx.QueryRow(ctx, `SELECT status,
				EXISTS (SELECT 1 FROM batch_chunks WHERE batch_id = $1 AND done_at IS NULL)
			FROM batches WHERE id = $1 FOR UPDATE`, id).Scan(&status, &pending)
		if errors.Is(err, pgx.ErrNoRows) {
			return batch.NotFound("batch")
		}
		if err != nil || status != batch.StatusProcessing || pending {
			finished = status.Finished()
			return err
		}
		var c batch.Counts
		// A claim of the batch without an outcome row is a row created
		// without any issue (saveOutcomes stores no outcome for it).
		if err := tx.QueryRow(ctx, `
			SELECT o.n + clean.n, o.created + clean.n, o.valid, o.rejected, o.warnings
			FROM (SELECT count(*) AS n, count(*) FILTER (WHERE outcome = 'CREATED') AS created,
					count(*) FILTER (WHERE outcome = 'VALID') AS valid,
					count(*) FILTER (WHERE outcome = 'REJECTED') AS rejected,
					count(*) FILTER (WHERE has_warnings) AS warnings
				FROM batch_outcomes WHERE batch_id = $1) o,
				(SELECT count(*) AS n FROM claims c WHERE c.batch_id = $1
					AND NOT EXISTS (SELECT FROM batch_outcomes o WHERE o.batch_id = $1 AND o.row_no = c.row_no)) clean`,
			id).Scan(&c.Processed, &c.Created, &c.Valid, &c.Rejected, &c.Warnings); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE batches SET processed_rows = $2, created = $3, valid = $4,
				rejected = $5, warnings = $6, status = $7, finished_at = now()
			WHERE id = $1`, id, c.Processed, c.Created, c.Valid, c.Rejected, c.Warnings, batch.FinalStatus(c))
		finished = err == nil
		return err
	})
	if err != nil {
		return false, translate(err, "finalize batch "+id)
	}
	return finished, nil
}

// FailBatch marks an unfinished batch failed (a chunk failed for good).
// Rows already processed keep their outcomes and claims.
func (s *Store) FailBatch(ctx context.Context, id, reason string) error {
	_, err := s.pool.Exec(ctx, `UPDATE batches SET status = 'failed', finished_at = now(),
		reject_code = $3, reject_details = jsonb_build_array(jsonb_build_object('code', $3::text, 'value', $2::text))
		WHERE id = $1 AND status IN ('accepted', 'processing')`, id, reason, batch.CodeProcessingFailed)
	if err != nil {
		return translate(err, "fail batch "+id)
	}
	return nil
}

// UnfinishedWork lists what the reconciler must make sure is queued.
func (s *Store) UnfinishedWork(ctx context.Context, perBatch int) (batch.Unfinished, error) {
	var u batch.Unfinished
	rows, err := s.pool.Query(ctx, `SELECT id::text FROM batches WHERE status = 'accepted' ORDER BY created_at`)
	if err != nil {
		return u, translate(err, "list batches to plan")
	}
	if u.Plan, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return u, translate(err, "list batches to plan")
	}
	rows, err = s.pool.Query(ctx, `
		SELECT c.batch_id::text, c.chunk_no, c.first_row, c.last_row
		FROM batches b
		CROSS JOIN LATERAL (
			SELECT * FROM batch_chunks c WHERE c.batch_id = b.id AND c.done_at IS NULL
			ORDER BY c.chunk_no LIMIT $1
		) c
		WHERE b.status = 'processing'
		ORDER BY b.created_at, c.chunk_no`, perBatch)
	if err != nil {
		return u, translate(err, "list pending chunks")
	}
	if u.Chunks, err = pgx.CollectRows(rows, pgx.RowToStructByPos[batch.Chunk]); err != nil {
		return u, translate(err, "list pending chunks")
	}
	rows, err = s.pool.Query(ctx, `SELECT id::text FROM batches b WHERE status = 'processing'
		AND NOT EXISTS (SELECT 1 FROM batch_chunks c WHERE c.batch_id = b.id AND c.done_at IS NULL)`)
	if err != nil {
		return u, translate(err, "list batches to finalize")
	}
	if u.Finalize, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return u, translate(err, "list batches to finalize")
	}
	u.Notify, err = unannounced(ctx, s.pool)
	return u, err
}

// PromoteClaims moves WAITING claims whose eligible date has come to READY.
// Running it twice changes nothing more.
func (s *Store) PromoteClaims(ctx context.Context, today time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE claims SET status = 'READY', updated_at = now()
		WHERE status = 'WAITING' AND eligible_on <= $1`, today)
	if err != nil {
		return 0, translate(err, "promote claims")
	}
	return tag.RowsAffected(), nil
}

// PurgeBefore deletes the raw rows (the personal data of the file) and
// their outcomes (the report) of batches finished before cutoff, keeping
// the batch record and the claims (UU 27/2022: keep personal data no
// longer than needed).
func (s *Store) PurgeBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM batch_rows WHERE batch_id IN (
			SELECT id FROM batches WHERE finished_at < $1 AND purged_at IS NULL)`, cutoff)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM batch_outcomes WHERE batch_id IN (
			SELECT id FROM batches WHERE finished_at < $1 AND purged_at IS NULL)`, cutoff)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `UPDATE batches SET purged_at = now()
			WHERE finished_at < $1 AND purged_at IS NULL`, cutoff)
		return err
	})
	if err != nil {
		return 0, translate(err, "purge old batches")
	}
	return n, nil
}

// PendingChunks returns the lowest chunks of batch id not yet done, at most
// limit of them, while the batch is processing.
func (s *Store) PendingChunks(ctx context.Context, id string, limit int) ([]batch.Chunk, error) {
	return pendingChunks(ctx, s.pool, id, limit)
}
