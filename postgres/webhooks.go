package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
	"jhtbatch/credential"
)

// SetWebhook sets the URL the company's finished batches are announced to
// and returns the new secret that signs them, in clear this once. An empty
// url turns announcements off. Only batches finished from now on are
// announced.
func (s *Store) SetWebhook(ctx context.Context, npp, rawURL string) (string, error) {
	c, err := s.CompanyByNPP(ctx, npp)
	if err != nil {
		return "", err
	}
	if rawURL == "" {
		_, err := s.pool.Exec(ctx, `UPDATE companies SET webhook_url = NULL, webhook_secret = NULL,
			webhook_since = NULL WHERE id = $1`, c.ID)
		return "", translate(err, "clear webhook")
	}
	u, err := batch.ParseWebhookURL(rawURL)
	if err != nil {
		return "", err
	}
	secret, err := credential.NewWebhookSecret(s.random)
	if err != nil {
		return "", err
	}
	_, err = s.pool.Exec(ctx, `UPDATE companies SET webhook_url = $2, webhook_secret = $3, webhook_since = now()
		WHERE id = $1`, c.ID, u, []byte(secret))
	if err != nil {
		return "", translate(err, "set webhook")
	}
	return secret, nil
}

// PendingNotice returns the announcement batch id still needs, or false when
// it needs none: not finished, already announced, or its company has no
// webhook (or set it after the batch finished).
func (s *Store) PendingNotice(ctx context.Context, id string) (batch.Notice, bool, error) {
	var n batch.Notice
	err := s.pool.QueryRow(ctx, `
		SELECT c.webhook_url, c.webhook_secret FROM batches b JOIN companies c ON c.id = b.company_id
		WHERE b.id = $1 AND b.notified_at IS NULL AND b.finished_at IS NOT NULL AND b.status <> 'rejected'
			AND c.webhook_url IS NOT NULL AND b.finished_at >= c.webhook_since`, id).Scan(&n.URL, &n.Secret)
	if errors.Is(err, pgx.ErrNoRows) {
		return batch.Notice{}, false, nil
	}
	if err != nil {
		return batch.Notice{}, false, translate(err, "read webhook of batch "+id)
	}
	if n.Batch, err = s.batchByID(ctx, id); err != nil {
		return batch.Notice{}, false, err
	}
	return n, true, nil
}

// MarkNotified records that batch id was announced.
func (s *Store) MarkNotified(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, `UPDATE batches SET notified_at = now() WHERE id = $1`, id)
	return translate(err, "mark batch notified")
}

// unannounced lists finished batches whose company wants them announced and
// that were not yet (at most a day back: an endpoint down longer than that
// is not called for old news).
// announceBatchSize bounds the batches one reconcile queues announcements
// for; the next reconcile takes the rest. Batches finished more than a day
// ago are not announced late.
const announceBatchSize = 1000

func unannounced(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.Query(ctx, `
		SELECT b.id::text FROM batches b JOIN companies c ON c.id = b.company_id
		WHERE b.notified_at IS NULL AND b.finished_at IS NOT NULL AND b.status <> 'rejected'
			AND c.webhook_url IS NOT NULL AND b.finished_at >= c.webhook_since
			AND b.finished_at > now() - interval '1 day'
		ORDER BY b.finished_at LIMIT $1`, announceBatchSize)
	if err != nil {
		return nil, translate(err, "list batches to announce")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, translate(err, "list batches to announce")
	}
	return ids, nil
}
