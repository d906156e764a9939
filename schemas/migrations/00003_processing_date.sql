-- +goose Up
-- The date every row of a batch is judged at, set when the batch is planned,
-- so that a batch running past midnight is judged at one date.
-- (IF NOT EXISTS: early development databases had these columns in 00001.)
ALTER TABLE batches ADD COLUMN IF NOT EXISTS processing_date date;
ALTER TABLE batch_rows ADD COLUMN IF NOT EXISTS has_warnings boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE batches DROP COLUMN processing_date;
