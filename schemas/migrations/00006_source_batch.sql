-- +goose Up
-- A create-mode batch started from a finished validate-only batch (a check)
-- names it: POST /v1/batches/{id}/create copies the check's rows.
ALTER TABLE batches ADD COLUMN source_batch_id uuid REFERENCES batches (id);
CREATE INDEX batches_source ON batches (source_batch_id) WHERE source_batch_id IS NOT NULL;

-- +goose Down
DROP INDEX batches_source;
ALTER TABLE batches DROP COLUMN source_batch_id;
