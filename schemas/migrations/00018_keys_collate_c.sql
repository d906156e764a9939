-- +goose Up
-- The keys the pipeline looks up and compares, KPJs, NIKs and claim
-- numbers, compare as bytes (collation "C") instead of through the
-- database's locale. The databases use the libc locale C.UTF-8, which
-- PostgreSQL 15 does not take for "C": every comparison of two such texts,
-- each step down a B-tree included, went through strcoll. In a profile of
-- the chunks, text comparisons in B-trees were about 10% of PostgreSQL's
-- CPU. In psql, a database at 00017 against one at 00018, 24 rounds taking
-- turns on a busy 2-core machine (medians; the ratio is the median of each
-- round's pair; faster in 22 and 21 rounds of 24):
-- - 100,000 claims in 50 inserts of 2,000: 588 ms -> 546 ms (0.91);
-- - 50 lookups of 2,000 KPJs in a registry of 100,000, as a chunk makes
--   them: 260 ms -> 237 ms (0.92).
--
-- The columns go together. A comparison of a "C" column with one of the
-- database's default collation is made in "C" (a column's own collation
-- wins over the default), so it does not fail, but an index of the default
-- collation cannot answer it: were participants.kpj left as it was, the
-- chunk's probe "p.kpj = r.kpj_key" with a "C" kpj_key would read the whole
-- primary key for every row instead of one entry
-- (TestKeysCompareAsBytes). Two different non-default collations,
-- say "C" and "POSIX", would fail ("could not determine which collation to
-- use"). Compared with one another:
-- - batch_rows.kpj_key with participants.kpj (primary key) and claims.kpj
--   (claims_one_active_per_kpj), in the chunk's lookups;
-- - batch_rows.nik_key with itself (the duplicate search of 00016), and
--   kept like kpj_key;
-- - claims.claim_number (primary key) and batch_outcomes.claim_number, read
--   side by side by the report (coalesce), and each compared with a
--   parameter, which takes the column's collation.
-- The registry's staging table (CREATE TEMP TABLE ... LIKE participants)
-- takes kpj's collation with it. The legacy batch_rows.claim_number (not
-- read since 00009) is left as it was.
--
-- Nothing's order changes. The registry's KPJs are 11 digits and claim
-- numbers ASCII letters, digits and dashes, in the same order byte by byte
-- as in C.UTF-8. A raw row's keys are whatever the file had, but they are
-- only compared for equality, and in every deterministic collation two
-- texts are equal exactly when their bytes are.
--
-- Cost: changing only a column's collation does not rewrite the table (its
-- values are the same bytes; the table keeps its files), but every index on
-- the column is built again: the primary keys of participants and claims,
-- and claims_one_active_per_kpj (batch_rows and batch_outcomes have no index
-- on these columns). Each table is locked against reads and writes while
-- that runs; on a large database that is a sorted build of each index:
-- on a table of 1,000,000 claims (211 MB), rebuilding its primary key and
-- a partial index of 100,000 active ones took 0.67 s on a development
-- machine. Migrate while no batch runs. The change also drops the columns'
-- planner statistics, which the ANALYZE takes again (a sample, 0.1 s).
ALTER TABLE participants ALTER COLUMN kpj TYPE text COLLATE "C";
ALTER TABLE claims
    ALTER COLUMN claim_number TYPE text COLLATE "C",
    ALTER COLUMN kpj TYPE text COLLATE "C";
ALTER TABLE batch_rows
    ALTER COLUMN kpj_key TYPE text COLLATE "C",
    ALTER COLUMN nik_key TYPE text COLLATE "C";
ALTER TABLE batch_outcomes ALTER COLUMN claim_number TYPE text COLLATE "C";
ANALYZE participants (kpj), claims (claim_number, kpj), batch_rows (kpj_key, nik_key), batch_outcomes (claim_number);

-- +goose Down
ALTER TABLE batch_outcomes ALTER COLUMN claim_number TYPE text COLLATE "default";
ALTER TABLE batch_rows
    ALTER COLUMN kpj_key TYPE text COLLATE "default",
    ALTER COLUMN nik_key TYPE text COLLATE "default";
ALTER TABLE claims
    ALTER COLUMN claim_number TYPE text COLLATE "default",
    ALTER COLUMN kpj TYPE text COLLATE "default";
ALTER TABLE participants ALTER COLUMN kpj TYPE text COLLATE "default";
ANALYZE participants (kpj), claims (claim_number, kpj), batch_rows (kpj_key, nik_key), batch_outcomes (claim_number);
