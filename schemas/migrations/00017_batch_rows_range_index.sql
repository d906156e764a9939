-- +goose Up
-- The raw rows lose their primary key (batch_id, row_no) for a BRIN index
-- on the same columns, and are split into 16 partitions by batch id.
--
-- The B-tree took an entry per row, inserted while the upload's COPY ran
-- before the 202: COPY of the same 100,000 rows in psql, three runs each on
-- a loaded machine, with the key 230-320 ms, with this layout 160-227 ms.
-- Nothing needs the key:
-- - the rows of a batch are written once, by one COPY (or one INSERT of a
--   check's rows) that numbers them 1..n itself, so (batch_id, row_no) is
--   unique by construction, and never updated;
-- - every read is of a batch's rows, or of a range of their numbers (a
--   chunk, a window of a report), which a BRIN index answers: a bloom
--   filter of the batch ids and the range of row numbers of every 16
--   pages. The rows of a batch are stored together, in order, so a window
--   of 1,000 rows reads its ~22 pages and at most two ranges' worth more;
-- - the one lookup by row number, the line of the earlier row a duplicate
--   repeats, is stored with the row (duplicate_line).
-- A BRIN index is read whole by every query (2 µs a range): on one table
-- of 1,200,000 rows that was 3-4 ms a query, growing with the table. Each
-- query reads one partition's, a sixteenth.
-- The plan summarizes the new pages before any chunk reads them (an
-- unsummarized range is read whole by every query); the readers turn
-- sequential scans and parallel workers off, since the statistics of a
-- batch just loaded know nothing of it (postgres/planner.go).
ALTER TABLE batch_rows RENAME TO batch_rows_keyed;
CREATE TABLE batch_rows (LIKE batch_rows_keyed INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY HASH (batch_id);
-- +goose StatementBegin
DO $$
BEGIN
    FOR i IN 0..15 LOOP
        EXECUTE format('CREATE TABLE batch_rows_p%s PARTITION OF batch_rows FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
            lpad(i::text, 2, '0'), i);
    END LOOP;
END
$$;
-- +goose StatementEnd
ALTER TABLE batch_rows ADD COLUMN duplicate_line int;
INSERT INTO batch_rows (batch_id, row_no, line_no, fields, kpj_key, nik_key, duplicate_of, outcome, issues,
    has_warnings, claim_number, eligible_on, gross_amount, tax_amount, net_amount, duplicate_line)
SELECT r.batch_id, r.row_no, r.line_no, r.fields, r.kpj_key, r.nik_key, r.duplicate_of, r.outcome, r.issues,
    r.has_warnings, r.claim_number, r.eligible_on, r.gross_amount, r.tax_amount, r.net_amount, d.line_no
FROM batch_rows_keyed r
LEFT JOIN batch_rows_keyed d ON r.duplicate_of IS NOT NULL AND d.batch_id = r.batch_id AND d.row_no = r.duplicate_of
ORDER BY r.batch_id, r.row_no;
DROP TABLE batch_rows_keyed;
CREATE INDEX batch_rows_range ON batch_rows
    USING brin (batch_id uuid_bloom_ops, row_no int4_minmax_ops) WITH (pages_per_range = 16);

-- +goose Down
ALTER TABLE batch_rows RENAME TO batch_rows_parted;
CREATE TABLE batch_rows (LIKE batch_rows_parted INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE batch_rows DROP COLUMN duplicate_line;
INSERT INTO batch_rows (batch_id, row_no, line_no, fields, kpj_key, nik_key, duplicate_of, outcome, issues,
    has_warnings, claim_number, eligible_on, gross_amount, tax_amount, net_amount)
SELECT batch_id, row_no, line_no, fields, kpj_key, nik_key, duplicate_of, outcome, issues,
    has_warnings, claim_number, eligible_on, gross_amount, tax_amount, net_amount
FROM batch_rows_parted ORDER BY batch_id, row_no;
DROP TABLE batch_rows_parted;
ALTER TABLE batch_rows ADD PRIMARY KEY (batch_id, row_no);
