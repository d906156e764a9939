-- +goose Up
-- The raw rows of an upload are stored by one COPY before the 202, and the
-- foreign key to batches ran its check for every row (a lookup of the batch
-- row with a share lock): at 100,000 rows about 0.35-0.5 s of the 0.7-0.85 s
-- PostgreSQL spends storing them. The rows are only ever inserted in the
-- transaction that inserts their batch (the upload) or reads it (a batch made
-- from a check), and batches are never deleted, only their rows purged, so
-- the check cannot fail and ON DELETE CASCADE never runs. batch_outcomes has
-- no foreign key for the same reason.
ALTER TABLE batch_rows DROP CONSTRAINT IF EXISTS batch_rows_batch_id_fkey;

-- +goose Down
ALTER TABLE batch_rows ADD CONSTRAINT batch_rows_batch_id_fkey
    FOREIGN KEY (batch_id) REFERENCES batches (id) ON DELETE CASCADE;
