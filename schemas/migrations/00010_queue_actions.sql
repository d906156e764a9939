-- +goose Up
-- What an operator does in the queue dashboard (delete, retry, archive a
-- task) is audited too: such an action names no batch, so batch_id may be
-- empty, and detail says what was asked and how it was answered.
ALTER TABLE operator_actions ALTER COLUMN batch_id DROP NOT NULL;
ALTER TABLE operator_actions ADD COLUMN detail text NOT NULL DEFAULT '';

-- +goose Down
DELETE FROM operator_actions WHERE batch_id IS NULL;
ALTER TABLE operator_actions DROP COLUMN detail;
ALTER TABLE operator_actions ALTER COLUMN batch_id SET NOT NULL;
