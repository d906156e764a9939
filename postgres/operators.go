package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
	"jhtbatch/credential"
)

// CreateOperator registers an operator and returns its token, in clear this
// once; only its SHA-256 is stored.
func (s *Store) CreateOperator(ctx context.Context, name string, writeQueues bool) (batch.Operator, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return batch.Operator{}, "", &batch.Error{Kind: batch.KindInvalid, Code: batch.CodeRequired,
			Details: []batch.Detail{{Code: batch.CodeRequired, Column: "name"}}}
	}
	token, err := credential.NewOperatorToken(s.random)
	if err != nil {
		return batch.Operator{}, "", err
	}
	op := batch.Operator{Name: name, TokenID: credential.ID(token), WriteQueues: writeQueues}
	err = s.pool.QueryRow(ctx, `INSERT INTO operators (name, token_id, token_hash, write_queues)
		VALUES ($1, $2, $3, $4) RETURNING id, created_at`, name, op.TokenID, credential.Hash(token), writeQueues).Scan(&op.ID, &op.CreatedAt)
	if err != nil {
		return batch.Operator{}, "", translate(err, "create operator")
	}
	return op, token, nil
}

// Operators lists every operator, revoked ones included, oldest first.
func (s *Store) Operators(ctx context.Context) ([]batch.Operator, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, token_id, write_queues, created_at, revoked_at
		FROM operators ORDER BY id`)
	if err != nil {
		return nil, translate(err, "list operators")
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[batch.Operator])
	return list, translate(err, "list operators")
}

// RevokeOperator revokes operator id's token; an unknown or already revoked
// operator is not found.
func (s *Store) RevokeOperator(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE operators SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
	if err != nil {
		return translate(err, "revoke operator")
	}
	if tag.RowsAffected() == 0 {
		return batch.NotFound(fmt.Sprintf("operator %d", id))
	}
	return nil
}

// RevokeOperatorToken revokes the operator whose token starts with tokenID
// (its public id, or the whole token).
func (s *Store) RevokeOperatorToken(ctx context.Context, tokenID string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE operators SET revoked_at = now() WHERE token_id = $1 AND revoked_at IS NULL`, credential.ID(tokenID))
	if err != nil {
		return translate(err, "revoke operator")
	}
	if tag.RowsAffected() == 0 {
		return batch.NotFound("operator " + credential.ID(tokenID))
	}
	return nil
}

// AuthenticateOperator returns the operator whose token is token; an unknown
// or revoked token is unauthorized. As with API keys, the lookup is by hash
// and the hashes are compared again in constant time.
func (s *Store) AuthenticateOperator(ctx context.Context, token string) (batch.Operator, error) {
	unauthorized := batch.Fail(batch.CodeUnauthorized)
	if !credential.IsOperatorToken(token) || len(token) > credential.MaxLen {
		return batch.Operator{}, unauthorized
	}
	hash := credential.Hash(token)
	var op batch.Operator
	var stored []byte
	err := s.pool.QueryRow(ctx, `SELECT id, name, token_id, write_queues, created_at, token_hash
		FROM operators WHERE token_hash = $1 AND revoked_at IS NULL`, hash).
		Scan(&op.ID, &op.Name, &op.TokenID, &op.WriteQueues, &op.CreatedAt, &stored)
	if err == pgx.ErrNoRows || (err == nil && !credential.Equal(stored, hash)) {
		return batch.Operator{}, unauthorized
	}
	if err != nil {
		return batch.Operator{}, translate(err, "authenticate operator")
	}
	return op, nil
}

// AuditQueueAction writes to the audit trail a change an operator asked of
// the queue dashboard (detail: method, path and status; task ids carry no
// personal data).
func (s *Store) AuditQueueAction(ctx context.Context, operatorID int64, detail string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO operator_actions (operator_id, action, detail) VALUES ($1, $2, $3)`,
		operatorID, batch.ActionQueues, detail)
	return translate(err, "write operator action")
}

// OperatorActions returns the audit trail of batch id, oldest first.
func (s *Store) OperatorActions(ctx context.Context, batchID string) ([]batch.OperatorAction, error) {
	rows, err := s.pool.Query(ctx, `SELECT a.operator_id, o.name, a.action, a.batch_id::text, a.at
		FROM operator_actions a JOIN operators o ON o.id = a.operator_id
		WHERE a.batch_id = $1 ORDER BY a.at, a.id`, batchID)
	if err != nil {
		return nil, translate(err, "read operator actions")
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[batch.OperatorAction])
	return list, translate(err, "read operator actions")
}

func audit(ctx context.Context, tx pgx.Tx, operatorID int64, action, batchID string) error {
	_, err := tx.Exec(ctx, `INSERT INTO operator_actions (operator_id, action, batch_id) VALUES ($1, $2, $3)`,
		operatorID, action, batchID)
	if err != nil {
		return translate(err, "write operator action")
	}
	return nil
}

// RetryBatch lets a failed batch continue from its unfinished chunks: it
// becomes processing again (accepted when it failed before it was planned),
// its failure reason is cleared, and the operator's action is written to the
// audit trail in the same transaction. Any other batch is a NOT_RETRYABLE
// conflict, and so is a failed batch whose file the company has meanwhile
// uploaded again (two live batches of one file are never allowed), or whose
// rows retention has purged.
func (s *Store) RetryBatch(ctx context.Context, operatorID int64, id string) (batch.Batch, error) {
	err := s.operatorAction(ctx, operatorID, batch.ActionRetry, id, func(tx pgx.Tx, status batch.Status) error {
		if status != batch.StatusFailed {
			return batch.Conflict(batch.CodeNotRetryable, string(status))
		}
		// Retention removes the rows of a failed batch too: there is
		// nothing left to continue from.
		var purged bool
		if err := tx.QueryRow(ctx, `SELECT purged_at IS NOT NULL FROM batches WHERE id = $1`, id).Scan(&purged); err != nil {
			return err
		}
		if purged {
			return batch.Conflict(batch.CodeNotRetryable, "purged")
		}
		_, err := tx.Exec(ctx, `UPDATE batches SET
				status = CASE WHEN planned_at IS NULL THEN 'accepted' ELSE 'processing' END,
				finished_at = NULL, reject_code = NULL, reject_details = NULL, notified_at = NULL
			WHERE id = $1`, id)
		if isUniqueViolation(err, "batches_one_live_file") {
			return batch.Conflict(batch.CodeNotRetryable, string(batch.CodeDuplicateFile))
		}
		return err
	})
	if err != nil {
		return batch.Batch{}, err
	}
	return s.batchByID(ctx, id)
}

// OperatorCancelBatch cancels any company's unfinished batch, as
// CancelBatch does for the company, and writes the action to the audit trail.
func (s *Store) OperatorCancelBatch(ctx context.Context, operatorID int64, id string) (batch.Batch, error) {
	err := s.operatorAction(ctx, operatorID, batch.ActionCancel, id, func(tx pgx.Tx, status batch.Status) error {
		if status != batch.StatusAccepted && status != batch.StatusProcessing {
			return batch.Conflict(batch.CodeBatchFinished, string(status))
		}
		_, err := tx.Exec(ctx, `UPDATE batches SET status = 'cancelled', finished_at = now() WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return batch.Batch{}, err
	}
	return s.batchByID(ctx, id)
}

// operatorAction runs change on batch id, locked, and writes the audit row,
// all in one transaction: an action is audited exactly when it happened.
func (s *Store) operatorAction(ctx context.Context, operatorID int64, action, id string,
	change func(tx pgx.Tx, status batch.Status) error) error {
	if !validUUID(id) {
		return batch.NotFound("batch")
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var status batch.Status
		err := tx.QueryRow(ctx, `SELECT status FROM batches WHERE id = $1 AND status <> 'rejected' FOR UPDATE`, id).Scan(&status)
		if err != nil {
			return err
		}
		if err := change(tx, status); err != nil {
			return err
		}
		return audit(ctx, tx, operatorID, action, id)
	})
	return translate(err, "batch")
}
