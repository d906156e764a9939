package postgres

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

const batchColumns = `id::text, company_id, status, mode, filename, file_sha256, file_size, encoding, delimiter,
	header, layout, coalesce(idempotency_key, ''), rules_version, total_rows, processed_rows, created, valid,
	rejected, warnings, coalesce(reject_code, ''), created_at, started_at, finished_at, purged_at,
	coalesce(source_batch_id::text, ''),
	coalesce(uploaded_by, '')`

func scanBatch(row pgx.Row) (batch.Batch, error) {
	var b batch.Batch
	var sha []byte
	var delim, status, mode, enc, code string
	var layout []string
	err := row.Scan(&b.ID, &b.CompanyID, &status, &mode, &b.Filename, &sha, &b.Size, &enc, &delim,
		&b.Header, &layout, &b.IdempotencyKey, &b.RulesVersion, &b.TotalRows, &b.ProcessedRows, &b.Created,
		&b.Valid, &b.Rejected, &b.Warnings, &code, &b.CreatedAt, &b.StartedAt, &b.FinishedAt, &b.PurgedAt,
		&b.SourceBatchID,
		&b.UploadedBy)
	if err != nil {
		return batch.Batch{}, err
	}
	b.Status, b.Mode, b.Encoding, b.RejectCode = batch.Status(status), batch.Mode(mode), batch.Encoding(enc), batch.Code(code)
	copy(b.SHA256[:], sha)
	if r := []rune(delim); len(r) > 0 {
		b.Delimiter = r[0]
	}
	for _, c := range layout {
		b.Layout = append(b.Layout, batch.Column(c))
	}
	return b, nil
}

// CreateBatch stores the batch and every record dec yields in one
// transaction (COPY), so the batch exists with all its rows or not at all.
// A file-level problem from the decoder comes back as the decoder's
// *batch.Error and nothing is stored. The same file already accepted in
// create mode gives a DUPLICATE_FILE conflict naming the earlier batch.
//
// An Idempotency-Key already used by the company gives back the batch it
// created with replayed true, or IDEMPOTENCY_KEY_REUSED (422) for other
// bytes or another mode. The key is decided first and without a race: the
// batch row is inserted ON CONFLICT DO NOTHING on the unique index of
// (company, key), so parallel requests with one key wait for the first and
// then replay it. A request that loses the race on another unique index
// (the same file, in flight) looks the key up again before it says
// DUPLICATE_FILE, since by then the winner has committed.
func (s *Store) CreateBatch(ctx context.Context, up batch.Upload, dec *batch.Decoder) (batch.Batch, bool, error) {
	id := uuid.New()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		inserted, err := insertBatch(ctx, tx, id, up, dec)
		if err != nil {
			return err
		}
		if !inserted {
			return errKeyUsed
		}
		src := newRecordSource(dec)
		tag, err := tx.Conn().PgConn().CopyFrom(ctx, newRowStream(id, src), copyRowsSQL)
		if src.err != nil {
			return src.err // pgx reports it only as text; keep the decoder's *batch.Error
		}
		if err != nil {
			return err
		}
		n := tag.RowsAffected()
		if n == 0 {
			return batch.FileError(batch.KindInvalid, batch.CodeNoDataRows)
		}
		_, err = tx.Exec(ctx, `UPDATE batches SET total_rows = $2 WHERE id = $1`, id, n)
		return err
	})
	switch {
	case errors.Is(err, errKeyUsed):
		return s.replay(ctx, up)
	case isUniqueViolation(err, ""):
		if up.IdempotencyKey != "" {
			if b, replayed, rerr := s.replay(ctx, up); replayed || rerr != nil {
				return b, replayed, rerr
			}
		}
		if isUniqueViolation(err, "batches_one_live_file") {
			return batch.Batch{}, false, s.duplicateFile(ctx, up)
		}
		return batch.Batch{}, false, translate(err, "store batch")
	case err != nil:
		return batch.Batch{}, false, translate(err, "store batch")
	}
	b, err := s.batchByID(ctx, id.String())
	return b, false, err
}

// errKeyUsed rolls back a CreateBatch whose Idempotency-Key has a batch.
var errKeyUsed = errors.New("idempotency key already used")

// insertBatch inserts the batch row; false when the company's
// Idempotency-Key already has one (committed, or committed while this
// statement waited for it).
func insertBatch(ctx context.Context, tx pgx.Tx, id uuid.UUID, up batch.Upload, dec *batch.Decoder) (bool, error) {
	layout := make([]string, len(dec.Layout()))
	for i, c := range dec.Layout() {
		layout[i] = string(c)
	}
	var idem *string
	if up.IdempotencyKey != "" {
		idem = &up.IdempotencyKey
	}
	err := tx.QueryRow(ctx, `
		INSERT INTO batches (id, company_id, status, mode, filename, file_sha256, file_size, encoding,
			delimiter, header, layout, idempotency_key, rules_version, uploaded_by)
		VALUES ($1, $2, 'accepted', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, nullif($13, ''))
		ON CONFLICT (company_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
		RETURNING true`,
		id, up.CompanyID, up.Mode, up.Filename, up.Info.SHA256[:], up.Info.Size, up.Info.Encoding,
		string(dec.Delimiter()), dec.Header(), layout, idem, batch.RulesVersion, up.UploadedBy).Scan(new(bool))
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Replay returns the batch an earlier upload with up's Idempotency-Key
// created (replayed true), IDEMPOTENCY_KEY_REUSED when that upload had other
// bytes or another mode, or replayed false when the key is new (or up has
// none). The upload asks it before it decodes the file, so that a key's
// answer does not depend on the new file; CreateBatch decides the races.
func (s *Store) Replay(ctx context.Context, up batch.Upload) (batch.Batch, bool, error) {
	if up.IdempotencyKey == "" {
		return batch.Batch{}, false, nil
	}
	return s.replay(ctx, up)
}

// replay returns the batch an earlier request with the same Idempotency-Key
// created, if any.
func (s *Store) replay(ctx context.Context, up batch.Upload) (batch.Batch, bool, error) {
	b, err := scanBatch(s.pool.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches
		WHERE company_id = $1 AND idempotency_key = $2`, up.CompanyID, up.IdempotencyKey))
	if errors.Is(err, pgx.ErrNoRows) {
		return batch.Batch{}, false, nil
	}
	if err != nil {
		return batch.Batch{}, false, translate(err, "look up idempotency key")
	}
	if !bytes.Equal(b.SHA256[:], up.Info.SHA256[:]) || b.Mode != up.Mode {
		return batch.Batch{}, false, &batch.Error{Kind: batch.KindUnprocessable, Code: batch.CodeIdempotencyKeyReused,
			Details: []batch.Detail{{Code: batch.CodeIdempotencyKeyReused}}, BatchID: b.ID}
	}
	return b, true, nil
}

func (s *Store) duplicateFile(ctx context.Context, up batch.Upload) error {
	var earlier string
	err := s.pool.QueryRow(ctx, `SELECT id::text FROM batches WHERE company_id = $1 AND file_sha256 = $2
		AND mode = 'create' AND status NOT IN ('cancelled', 'failed', 'rejected')`,
		up.CompanyID, up.Info.SHA256[:]).Scan(&earlier)
	if err != nil {
		return translate(err, "look up the earlier batch of a duplicate file")
	}
	e := batch.FileError(batch.KindConflict, batch.CodeDuplicateFile, batch.Detail{Code: batch.CodeDuplicateFile, Value: earlier})
	e.BatchID = earlier
	return e
}

// RecordRejectedUpload keeps a refused upload for audit: a batch with status
// rejected, its reason, and no rows. The API never shows it.
func (s *Store) RecordRejectedUpload(ctx context.Context, up batch.Upload, reason *batch.Error) (string, error) {
	id := uuid.New()
	_, err := s.pool.Exec(ctx, `
		INSERT INTO batches (id, company_id, status, mode, filename, file_sha256, file_size, encoding,
			rules_version, reject_code, reject_details, finished_at)
		VALUES ($1, $2, 'rejected', $3, $4, $5, $6, $7, $8, $9, $10, now())`,
		id, up.CompanyID, up.Mode, up.Filename, up.Info.SHA256[:], up.Info.Size, up.Info.Encoding,
		batch.RulesVersion, reason.Code, reason.Details)
	if err != nil {
		return "", translate(err, "record rejected upload")
	}
	return id.String(), nil
}

// Batch returns the company's batch id; another company's batch, an id that
// is not a UUID, or a file refused at upload (kept for audit only, its id
// never given out) is not found.
func (s *Store) Batch(ctx context.Context, companyID int64, id string) (batch.Batch, error) {
	if !batch.ValidBatchID(id) {
		return batch.Batch{}, batch.NotFound("batch")
	}
	b, err := scanBatch(s.pool.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches
		WHERE id = $1 AND company_id = $2 AND status <> 'rejected'`, id, companyID))
	return b, translate(err, "batch")
}

func (s *Store) batchByID(ctx context.Context, id string) (batch.Batch, error) {
	b, err := scanBatch(s.pool.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = $1`, id))
	return b, translate(err, "batch")
}

// Batches lists the company's batches, newest first, limit at a time (files
// refused at upload are not batches to the company: the 4xx said why);
// cursor is "" for the first page and the returned next cursor for the
// following ones ("" when there are no more).
func (s *Store) Batches(ctx context.Context, companyID int64, limit int, cursor string) ([]batch.Batch, string, error) {
	after, afterID, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+batchColumns+` FROM batches
		WHERE company_id = $1 AND status <> 'rejected' AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
		ORDER BY created_at DESC, id DESC LIMIT $4`, companyID, after, afterID, limit+1)
	if err != nil {
		return nil, "", translate(err, "list batches")
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (batch.Batch, error) { return scanBatch(r) })
	if err != nil {
		return nil, "", translate(err, "list batches")
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = base64.RawURLEncoding.EncodeToString([]byte(last.CreatedAt.Format(time.RFC3339Nano) + "|" + last.ID))
	}
	return list, next, nil
}

func decodeCursor(cursor string) (*time.Time, string, error) {
	if cursor == "" {
		return nil, uuid.Nil.String(), nil
	}
	bad := batch.Fail(batch.CodeCursorInvalid)
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return nil, "", bad
	}
	ts, id, ok := strings.Cut(string(raw), "|")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if _, uerr := uuid.Parse(id); !ok || err != nil || uerr != nil {
		return nil, "", bad
	}
	return &t, id, nil
}

// CancelBatch cancels the company's unfinished batch: chunks not yet done
// are not processed; claims already created stay. A finished batch gives a
// conflict. A chunk running at that moment either committed before (its
// claims stay) or finds the batch cancelled when it commits and rolls back.
func (s *Store) CancelBatch(ctx context.Context, companyID int64, id string) (batch.Batch, error) {
	b, err := s.Batch(ctx, companyID, id)
	if err != nil {
		return batch.Batch{}, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE batches SET status = 'cancelled', finished_at = now()
		WHERE id = $1 AND status IN ('accepted', 'processing')`, id)
	if err != nil {
		return batch.Batch{}, translate(err, "cancel batch")
	}
	if tag.RowsAffected() == 0 {
		return batch.Batch{}, batch.Conflict(batch.CodeBatchFinished, string(b.Status))
	}
	return s.batchByID(ctx, id)
}
