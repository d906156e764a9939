-- +goose Up
-- A company may be told when each of its batches finishes: a signed POST to
-- a URL the operator sets (never one a company sets itself through the API).
ALTER TABLE companies
    ADD COLUMN webhook_url    text,
    ADD COLUMN webhook_secret bytea,
    ADD COLUMN webhook_since  timestamptz;   -- batches finished before it are not announced

ALTER TABLE batches ADD COLUMN notified_at timestamptz;

CREATE INDEX batches_to_notify ON batches (finished_at) WHERE notified_at IS NULL AND finished_at IS NOT NULL;

-- +goose Down
DROP INDEX batches_to_notify;
ALTER TABLE batches DROP COLUMN notified_at;
ALTER TABLE companies DROP COLUMN webhook_url, DROP COLUMN webhook_secret, DROP COLUMN webhook_since;
