package postgres

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// Batch is a batch as stored.
type Batch struct {
	ID             string
	CompanyID      int64
	Status         batch.Status
	Mode           batch.Mode
	Filename       string
	SHA256         [32]byte
	Size           int64
	Encoding       batch.Encoding
	Delimiter      rune
	Header         []string
	Layout         batch.Layout
	IdempotencyKey string
	RulesVersion   string
	TotalRows      int
	ProcessedRows  int
	Created        int
	Valid          int
	Rejected       int
	Warnings       int
	RejectCode     batch.Code
	CreatedAt      time.Time
	StartedAt      *time.Time
	FinishedAt     *time.Time
	PurgedAt       *time.Time
	SourceBatchID  string // the check a batch from POST .../create was made of; "" when none
	UploadedBy     string // "user:<e-mail>" or "key:<key id>"; "" for batches older than the record
}

// Upload describes an uploaded file about to be stored.
type Upload struct {
	CompanyID      int64
	Mode           batch.Mode
	Filename       string
	Info           batch.FileInfo
	IdempotencyKey string // "" when none
	UploadedBy     string // who: "user:<e-mail>" or "key:<key id>"
	// Mapping is the upload's own header mapping (nil: none); its effect
	// is stored as the batch's layout.
	Mapping batch.Mapping
}

const batchColumns = `id::text, company_id, status, mode, filename, file_sha256, file_size, encoding, delimiter,
	header, layout, coalesce(idempotency_key, ''), rules_version, total_rows, processed_rows, created, valid,
	rejected, warnings, coalesce(reject_code, ''), created_at, started_at, finished_at, purged_at,
	coalesce(source_batch_id::text, ''), coalesce(uploaded_by, '')`

func scanBatch(row pgx.Row) (Batch, error) {
	var b Batch
	var sha []byte
	var delim, status, mode, enc, code string
	var layout []string
	err := row.Scan(&b.ID, &b.CompanyID, &status, &mode, &b.Filename, &sha, &b.Size, &enc, &delim,
		&b.Header, &layout, &b.IdempotencyKey, &b.RulesVersion, &b.TotalRows, &b.ProcessedRows, &b.Created,
		&b.Valid, &b.Rejected, &b.Warnings, &code, &b.CreatedAt, &b.StartedAt, &b.FinishedAt, &b.PurgedAt,
		&b.SourceBatchID, &b.UploadedBy)
	if err != nil {
		return Batch{}, err
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
// create mode gives a DUPLICATE_FILE conflict naming the earlier batch. An
// Idempotency-Key already used by the company gives back the batch it created
// with replayed true (or an IDEMPOTENCY_KEY_REUSED conflict for other bytes).
func (s *Store) CreateBatch(ctx context.Context, up Upload, dec *batch.Decoder) (Batch, bool, error) {
	if up.IdempotencyKey != "" {
		if b, replayed, err := s.replay(ctx, up); replayed || err != nil {
			return b, replayed, err
		}
	}
	id := uuid.New()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := insertBatch(ctx, tx, id, up, dec); err != nil {
			return err
		}
		src := &recordSource{batchID: id, dec: dec}
		n, err := tx.CopyFrom(ctx, pgx.Identifier{"batch_rows"},
			[]string{"batch_id", "row_no", "line_no", "fields", "kpj_key", "nik_key"}, src)
		if src.err != nil {
			return src.err // pgx reports it only as text; keep the decoder's *batch.Error
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return batch.FileError(batch.KindInvalid, batch.CodeNoDataRows)
		}
		_, err = tx.Exec(ctx, `UPDATE batches SET total_rows = $2 WHERE id = $1`, id, n)
		return err
	})
	switch {
	case isUniqueViolation(err, "batches_one_live_file"):
		return Batch{}, false, s.duplicateFile(ctx, up)
	case isUniqueViolation(err, "batches_idempotency"):
		return s.replay(ctx, up)
	case err != nil:
		return Batch{}, false, translate(err, "store batch")
	}
	b, err := s.batchByID(ctx, id.String())
	return b, false, err
}

func insertBatch(ctx context.Context, tx pgx.Tx, id uuid.UUID, up Upload, dec *batch.Decoder) error {
	layout := make([]string, len(dec.Layout()))
	for i, c := range dec.Layout() {
		layout[i] = string(c)
	}
	var idem *string
	if up.IdempotencyKey != "" {
		idem = &up.IdempotencyKey
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO batches (id, company_id, status, mode, filename, file_sha256, file_size, encoding,
			delimiter, header, layout, idempotency_key, rules_version, uploaded_by)
		VALUES ($1, $2, 'accepted', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, nullif($13, ''))`,
		id, up.CompanyID, up.Mode, up.Filename, up.Info.SHA256[:], up.Info.Size, up.Info.Encoding,
		string(dec.Delimiter()), dec.Header(), layout, idem, batch.RulesVersion, up.UploadedBy)
	return err
}

// recordSource feeds the decoder's records to COPY. Only the trimmed KPJ
// and NIK are extracted here, for finding duplicates at plan time (a value a
// spreadsheet damaged is kept out of that: batch.DuplicateKey); the rules
// run later, in the workers.
type recordSource struct {
	batchID uuid.UUID
	dec     *batch.Decoder
	no      int
	rec     batch.Record
	err     error
}

func (r *recordSource) Next() bool {
	rec, err := r.dec.Next()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			r.err = err
		}
		return false
	}
	r.no++
	r.rec = rec
	return true
}

func (r *recordSource) Values() ([]any, error) {
	layout := r.dec.Layout()
	kpj, nik := "", ""
	if len(r.rec.Fields) == len(layout) {
		row := layout.RowOf(r.no, r.rec.Line, r.rec.Fields)
		kpj, nik = batch.DuplicateKey(row.KPJ), batch.DuplicateKey(row.NIK)
	}
	return []any{r.batchID, r.no, r.rec.Line, r.rec.Fields, kpj, nik}, nil
}

func (r *recordSource) Err() error { return r.err }

// replay returns the batch an earlier request with the same Idempotency-Key
// created, if any.
func (s *Store) replay(ctx context.Context, up Upload) (Batch, bool, error) {
	b, err := scanBatch(s.pool.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches
		WHERE company_id = $1 AND idempotency_key = $2`, up.CompanyID, up.IdempotencyKey))
	if errors.Is(err, pgx.ErrNoRows) {
		return Batch{}, false, nil
	}
	if err != nil {
		return Batch{}, false, fmt.Errorf("look up idempotency key: %w", err)
	}
	if !bytes.Equal(b.SHA256[:], up.Info.SHA256[:]) || b.Mode != up.Mode {
		e := batch.Conflict("IDEMPOTENCY_KEY_REUSED", "")
		e.BatchID = b.ID
		return Batch{}, false, e
	}
	return b, true, nil
}

func (s *Store) duplicateFile(ctx context.Context, up Upload) error {
	var earlier string
	err := s.pool.QueryRow(ctx, `SELECT id::text FROM batches WHERE company_id = $1 AND file_sha256 = $2
		AND mode = 'create' AND status NOT IN ('cancelled', 'failed', 'rejected')`,
		up.CompanyID, up.Info.SHA256[:]).Scan(&earlier)
	if err != nil {
		return fmt.Errorf("look up the earlier batch of a duplicate file: %w", err)
	}
	e := batch.FileError(batch.KindConflict, batch.CodeDuplicateFile, batch.Detail{Code: batch.CodeDuplicateFile, Value: earlier})
	e.BatchID = earlier
	return e
}

// RecordRejectedUpload keeps a refused upload for audit: a batch with status
// rejected, its reason, and no rows. The API never shows it.
func (s *Store) RecordRejectedUpload(ctx context.Context, up Upload, reason *batch.Error) (string, error) {
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
func (s *Store) Batch(ctx context.Context, companyID int64, id string) (Batch, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Batch{}, batch.NotFound("batch")
	}
	b, err := scanBatch(s.pool.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches
		WHERE id = $1 AND company_id = $2 AND status <> 'rejected'`, id, companyID))
	return b, translate(err, "batch")
}

func (s *Store) batchByID(ctx context.Context, id string) (Batch, error) {
	b, err := scanBatch(s.pool.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = $1`, id))
	return b, translate(err, "batch")
}

// Batches lists the company's batches, newest first, limit at a time (files
// refused at upload are not batches to the company: the 4xx said why);
// cursor is "" for the first page and the returned next cursor for the
// following ones ("" when there are no more).
func (s *Store) Batches(ctx context.Context, companyID int64, limit int, cursor string) ([]Batch, string, error) {
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
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Batch, error) { return scanBatch(r) })
	if err != nil {
		return nil, "", fmt.Errorf("list batches: %w", err)
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
	bad := &batch.Error{Kind: batch.KindInvalid, Code: "CURSOR_INVALID", Details: []batch.Detail{{Code: "CURSOR_INVALID"}}}
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
func (s *Store) CancelBatch(ctx context.Context, companyID int64, id string) (Batch, error) {
	b, err := s.Batch(ctx, companyID, id)
	if err != nil {
		return Batch{}, err
	}
	tag, err := s.pool.Exec(ctx, `UPDATE batches SET status = 'cancelled', finished_at = now()
		WHERE id = $1 AND status IN ('accepted', 'processing')`, id)
	if err != nil {
		return Batch{}, translate(err, "cancel batch")
	}
	if tag.RowsAffected() == 0 {
		return Batch{}, batch.Conflict("BATCH_FINISHED", string(b.Status))
	}
	return s.batchByID(ctx, id)
}

// ReportLines calls fn for every row of b in input order (only rejected rows
// when onlyRejected), streaming from the database. The claim status is the
// claim's current one.
func (s *Store) ReportLines(ctx context.Context, b Batch, onlyRejected bool, fn func(batch.ReportLine) error) error {
	if b.PurgedAt != nil {
		return batch.Conflict("REPORT_PURGED", b.PurgedAt.Format(time.DateOnly))
	}
	rows, err := s.pool.Query(ctx, reportLineSelect+`
		WHERE r.batch_id = $1 AND (NOT $2 OR r.outcome = 'REJECTED')
		ORDER BY r.row_no`, b.ID, onlyRejected)
	if err != nil {
		return translate(err, "read report rows")
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanReportLine(rows)
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return rows.Err()
}
