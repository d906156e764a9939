-- +goose Up
-- From this version a row that became a claim without any issue has no row
-- in batch_outcomes: its claim (claims (batch_id, row_no)) is its outcome,
-- and readers take a claim without an outcome row as CREATED. Outcomes
-- already stored stay as they are; nothing to change on the way up.
SELECT 1;

-- +goose Down
-- The releases before this one read every outcome from batch_outcomes:
-- give the rows created without issues their outcome row back.
INSERT INTO batch_outcomes (batch_id, row_no, outcome, issues, has_warnings, claim_number, eligible_on,
    gross_amount, tax_amount, net_amount)
SELECT c.batch_id, c.row_no, 'CREATED', '[]'::jsonb, false, c.claim_number, c.eligible_on,
    c.gross_amount, c.tax_amount, c.net_amount
FROM claims c JOIN batch_rows r ON r.batch_id = c.batch_id AND r.row_no = c.row_no
WHERE NOT EXISTS (SELECT FROM batch_outcomes o WHERE o.batch_id = c.batch_id AND o.row_no = c.row_no);
