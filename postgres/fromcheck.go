package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// CreateFromCheck starts a create-mode batch of the rows of the company's
// finished validate-only batch id (a check): the same file (name, SHA-256,
// header, layout) and the same raw rows, copied in SQL in one transaction,
// judged afresh by the workers under the current rules. The new batch names
// the check as its source.
//
// Any other batch of the company is a NOT_A_CHECKED_BATCH conflict (so is a
// check whose rows retention already removed); another company's is not
// found. The new batch holds the check's bytes in create mode, so while
// one made from the same check (or the same file uploaded for claims) is
// live, another is a DUPLICATE_FILE conflict naming it: a second click
// makes no second set of claims. by records who asked, as an upload's
// UploadedBy does.
func (s *Store) CreateFromCheck(ctx context.Context, companyID int64, id, by string) (batch.Batch, error) {
	src, err := s.Batch(ctx, companyID, id)
	if err != nil {
		return batch.Batch{}, err
	}
	if reason := notACheck(src); reason != "" {
		return batch.Batch{}, batch.Conflict(batch.CodeNotACheckedBatch, reason)
	}
	newID := uuid.New()
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			INSERT INTO batches (id, company_id, status, mode, filename, file_sha256, file_size, encoding,
				delimiter, header, layout, rules_version, total_rows, source_batch_id, uploaded_by)
			SELECT $1, company_id, 'accepted', 'create', filename, file_sha256, file_size, encoding,
				delimiter, header, layout, $3, total_rows, id, nullif($5, '')
			FROM batches
			WHERE id = $2 AND company_id = $4 AND mode = 'validate' AND purged_at IS NULL
				AND status IN ('completed', 'completed_with_errors', 'failed', 'cancelled')`,
			newID, src.ID, batch.RulesVersion, companyID, by)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			// Purged between the read above and now.
			return batch.Conflict(batch.CodeNotACheckedBatch, "purged")
		}
		if _, err := tx.Exec(ctx, indexPlansSQL); err != nil {
			return fmt.Errorf("set planner options: %w", err)
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO batch_rows (batch_id, row_no, line_no, fields, kpj_key, nik_key, duplicate_of, duplicate_line)
			SELECT $1, row_no, line_no, fields, kpj_key, nik_key, duplicate_of, duplicate_line
			FROM batch_rows WHERE batch_id = $2`,
			newID, src.ID)
		return err
	})
	var e *batch.Error
	switch {
	case isUniqueViolation(err, "batches_one_live_file"):
		return batch.Batch{}, s.duplicateFile(ctx, batch.Upload{CompanyID: companyID, Info: batch.FileInfo{SHA256: src.SHA256}})
	case errors.As(err, &e):
		return batch.Batch{}, e
	case err != nil:
		return batch.Batch{}, translate(err, fmt.Sprintf("create batch from check %s", src.ID))
	}
	return s.batchByID(ctx, newID.String())
}

// notACheck says why b cannot become claims, or "" when it can: it must be
// a finished validate-only batch whose rows are still kept.
func notACheck(b batch.Batch) string {
	switch {
	case b.Mode != batch.ModeValidate:
		return "mode " + string(b.Mode)
	case !b.Status.Finished():
		return "status " + string(b.Status)
	case b.PurgedAt != nil:
		return "purged"
	}
	return ""
}
