package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"jhtbatch/batch"
)

// PlanBatch prepares an accepted batch for the workers in one transaction:
// it splits the rows into chunks of chunkRows and moves the batch to
// processing. It returns the chunks not yet done, so running it again (a
// retried task) returns the same work and changes nothing; a batch that is
// finished or cancelled has none. today becomes the batch's processing
// date: every row is judged at it, even when the batch runs past midnight.
//
// The rows that repeat an earlier row's KPJ or NIK were found as they were
// stored (batch.Repeats, in CreateBatch; a batch made from a check copies
// its check's), so there is no search over the batch here. The pages the
// rows were stored in are summarized for the chunks first (summarizeRows).
func (s *Store) PlanBatch(ctx context.Context, id string, chunkRows int, today time.Time) ([]batch.Chunk, error) {
	if chunkRows < 1 {
		return nil, fmt.Errorf("plan batch %s: chunk size %d", id, chunkRows)
	}
	if err := s.summarizeRows(ctx, id); err != nil {
		return nil, translate(err, "plan batch "+id)
	}
	var chunks []batch.Chunk
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var status batch.Status
		err := tx.QueryRow(ctx, `SELECT status FROM batches WHERE id = $1 FOR UPDATE`, id).Scan(&status)
		if err != nil {
			return err
		}
		if status == batch.StatusAccepted {
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

// summarizeRows has PostgreSQL summarize the pages of batch_rows that its
// BRIN index (batch_rows_range, migration 00017) does not cover yet in the
// partition that holds batch id: the pages of the batches stored there
// since its last summary, this one's among them. A page range without a
// summary is read whole by every query of its partition; summarized, a
// chunk reads its own rows' pages and little more. It reads the new pages
// once: about 30 ms for 100,000 rows.
//
// Only the batch's own partition: on a connection that had not opened
// them yet, summarizing all sixteen partitions' indexes cost 26 ms even
// with nothing new in them (opening each index), one of them 4.5 ms (psql,
// a new session each). Every batch's plan summarizes its own partition,
// so no batch's pages wait for another's. The partition is the one whose
// hash bounds the batch id satisfies (satisfies_hash_partition, the test
// PostgreSQL itself applies to a row); should none be found, every
// partition is summarized, as before.
//
// It needs a lock that VACUUM (and another summary) also takes, so it
// waits for at most lockWaitSummary, and the plan goes on without it when
// the lock or the right to summarize (the table's owner's) is lacking: the
// chunks then read more pages, never other rows, and the next summary, by
// another plan or by autovacuum, covers them.
func (s *Store) summarizeRows(ctx context.Context, id string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('lock_timeout', $1, true)`, lockWaitSummary); err != nil {
			return err
		}
		// batch_rows_range is partitioned, as its table: each partition's
		// index is summarized on its own.
		var n int
		err := tx.QueryRow(ctx, `
			SELECT count(brin_summarize_new_values(i.inhrelid::regclass))
			FROM pg_inherits i
			JOIN pg_index x ON x.indexrelid = i.inhrelid
			JOIN pg_class t ON t.oid = x.indrelid,
			LATERAL regexp_match(pg_get_expr(t.relpartbound, t.oid), 'modulus (\d+), remainder (\d+)') b
			WHERE i.inhparent = 'batch_rows_range'::regclass
				AND satisfies_hash_partition('batch_rows'::regclass, b[1]::int, b[2]::int, $1::uuid)`, id).Scan(&n)
		if err != nil || n > 0 {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT brin_summarize_new_values(inhrelid::regclass)
			FROM pg_inherits WHERE inhparent = 'batch_rows_range'::regclass`)
		return err
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "55P03" || pe.Code == "42501") { // lock_not_available, insufficient_privilege
		return nil
	}
	if err != nil {
		return fmt.Errorf("summarize the new rows: %w", err)
	}
	return nil
}

// lockWaitSummary bounds summarizeRows' wait for its lock.
const lockWaitSummary = "2s"

// planRows creates the chunks, reserves the batch's claim numbers
// (reserveClaimNumbers) and moves the batch to processing.
func planRows(ctx context.Context, tx pgx.Tx, id string, chunkRows int, today time.Time) error {
	if err := reserveClaimNumbers(ctx, tx, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
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

// reserveClaimNumbers gives a batch that creates claims its block of
// claim numbers, once: total_rows serials of claim_number_seq, the claim
// of row r numbered claim_base + r (migration 00019). Rows that create no
// claim leave their number unused. The primary key then keeps one claim
// per row, and a report reads a window's claims as a range of numbers.
//
// nextval and setval are two steps: two plans taking them at once could
// hand out overlapping blocks. The transaction's advisory lock
// claimNumbersLock makes them take turns (no one else draws from the
// sequence); it is held until the plan commits, a few milliseconds. A
// sequence is not rolled back with the transaction, so a plan that fails
// afterwards leaves its block unused, and the next plan reserves another.
func reserveClaimNumbers(ctx context.Context, tx pgx.Tx, id string) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, claimNumbersLock); err != nil {
		return fmt.Errorf("reserve claim numbers: %w", err)
	}
	_, err := tx.Exec(ctx, `UPDATE batches
		SET claim_base = setval('claim_number_seq', nextval('claim_number_seq') + total_rows - 1) - total_rows
		WHERE id = $1 AND mode = 'create' AND claim_base IS NULL AND total_rows > 0`, id)
	if err != nil {
		return fmt.Errorf("reserve claim numbers: %w", err)
	}
	return nil
}

// claimNumbersLock is the advisory lock under which claim numbers are
// reserved ("JHT" and a version, as a number).
const claimNumbersLock int64 = 0x4a485401

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

// FinalizeBatch closes a batch whose chunks are all done: its status
// becomes batch.FinalStatus of its counters. It returns whether the batch
// is finished (already, or by this call). A batch with chunks still
// pending is left alone.
//
// The counters are what the rows say: each chunk adds its outcomes to them
// in the transaction that stores those outcomes and marks it done
// (closeChunk), and only chunks store outcomes. Counting the rows again
// here cost 20-25 ms at 100,000 rows, between the last chunk and the
// batch's end. The batch's row is locked first, so no chunk is
// half-committed while it is read.
func (s *Store) FinalizeBatch(ctx context.Context, id string) (bool, error) {
	finished := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var status batch.Status
		var pending bool
		var c batch.Counts
		err := tx.QueryRow(ctx, `SELECT status,
				EXISTS (SELECT 1 FROM batch_chunks WHERE batch_id = $1 AND done_at IS NULL),
				processed_rows, created, valid, rejected, warnings
			FROM batches WHERE id = $1 FOR UPDATE`, id).Scan(&status, &pending,
			&c.Processed, &c.Created, &c.Valid, &c.Rejected, &c.Warnings)
		if errors.Is(err, pgx.ErrNoRows) {
			return batch.NotFound("batch")
		}
		if err != nil || status != batch.StatusProcessing || pending {
			finished = status.Finished()
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE batches SET status = $2, finished_at = now() WHERE id = $1`,
			id, batch.FinalStatus(c))
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
	if n > 0 {
		if err := s.rebuildRowsIndex(ctx); err != nil {
			return n, translate(err, fmt.Sprintf("purged %d rows", n))
		}
	}
	return n, nil
}

// rebuildRowsIndex vacuums batch_rows and builds its BRIN index again,
// after a purge. A BRIN summary only ever grows: the ids of the purged
// batches would stay in the bloom filters of their pages, the batches later
// stored in that freed space would add theirs, and in time a filter says
// yes to every batch and its pages are read by every query. Vacuumed
// first (a build still counts rows deleted but not yet vacuumed), the
// index then summarizes only the rows that are left. Both read the table
// once; uploads and chunks go on meanwhile (VACUUM takes no lock they
// need, REINDEX … CONCURRENTLY none either), and a plan waits at most
// lockWaitSummary for its summary, then goes on without it.
func (s *Store) rebuildRowsIndex(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `VACUUM batch_rows`); err != nil {
		return fmt.Errorf("vacuum batch_rows: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `REINDEX INDEX CONCURRENTLY batch_rows_range`); err != nil {
		return fmt.Errorf("rebuild batch_rows_range: %w", err)
	}
	return nil
}

// PendingChunks returns the lowest chunks of batch id not yet done, at most
// limit of them, while the batch is processing.
func (s *Store) PendingChunks(ctx context.Context, id string, limit int) ([]batch.Chunk, error) {
	return pendingChunks(ctx, s.pool, id, limit)
}
