-- +goose Up
-- The raw rows lose their primary key (batch_id, row_no) for a BRIN index
-- on the same columns. The B-tree took an entry per row, inserted while the
-- upload's COPY ran before the 202: about 0.1 s of PostgreSQL's 0.22-0.35 s
-- for 100,000 rows (COPY in psql, four runs each: with the key 230-370 ms,
-- with this index 140-230 ms). Nothing needs the key:
-- - the rows of a batch are written once, by one COPY (or one INSERT of a
--   check's rows) that numbers them 1..n itself, so (batch_id, row_no) is
--   unique by construction, and never updated;
-- - every read is of a batch's rows, or of a range of their numbers (a
--   chunk, a window of a report), which a BRIN index answers: a bloom
--   filter of the batch ids and the range of row numbers of every 16
--   pages. The rows of a batch are stored together, in order, so a chunk of
--   2,000 rows reads its ~45 pages and at most two ranges' worth more;
-- - the one lookup by row number, the line of the earlier row a duplicate
--   repeats, is stored with the row (duplicate_line).
-- The plan summarizes the new pages before any chunk reads them (an
-- unsummarized range is read whole by every query); the readers turn
-- sequential scans off, since the statistics of a batch just loaded know
-- nothing of it.
ALTER TABLE batch_rows ADD COLUMN duplicate_line int;
UPDATE batch_rows r SET duplicate_line = d.line_no
FROM batch_rows d
WHERE r.duplicate_of IS NOT NULL AND d.batch_id = r.batch_id AND d.row_no = r.duplicate_of;
ALTER TABLE batch_rows DROP CONSTRAINT batch_rows_pkey;
CREATE INDEX batch_rows_range ON batch_rows
    USING brin (batch_id uuid_bloom_ops, row_no int4_minmax_ops) WITH (pages_per_range = 16);

-- +goose Down
DROP INDEX batch_rows_range;
ALTER TABLE batch_rows ADD PRIMARY KEY (batch_id, row_no);
ALTER TABLE batch_rows DROP COLUMN duplicate_line;
