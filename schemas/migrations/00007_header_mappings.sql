-- +goose Up
-- A company's remembered header mappings: how the columns of its own
-- spreadsheet (headers as uploaded) map to the batch file's columns, so the
-- next upload with the same headers needs no mapping step. Keyed by the
-- normalised set of the headers, which the page computes the same way.
CREATE TABLE header_mappings (
    company_id bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    header_key text NOT NULL,
    headers    text[] NOT NULL,   -- as uploaded, in file order
    mapping    jsonb NOT NULL,    -- uploaded header -> column name, or null (ignored)
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, header_key)
);

-- +goose Down
DROP TABLE header_mappings;
