-- +goose Up
-- The whole first schema: companies and their API keys, the participant
-- registry, batches with their raw rows and chunks, and claims.

CREATE TABLE companies (
    id         bigserial PRIMARY KEY,
    npp        text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Only a SHA-256 of each key is stored; the key itself is shown once.
CREATE TABLE api_keys (
    id         bigserial PRIMARY KEY,
    company_id bigint NOT NULL REFERENCES companies (id),
    key_id     text NOT NULL UNIQUE,          -- public prefix, to name a key when revoking it
    key_hash   bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE participants (
    kpj              text PRIMARY KEY,
    nik              text NOT NULL,
    full_name        text NOT NULL,
    birth_date       date NOT NULL,
    npp              text NOT NULL,
    jht_balance      bigint NOT NULL,
    membership_start date NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE batches (
    id              uuid PRIMARY KEY,
    company_id      bigint NOT NULL REFERENCES companies (id),
    status          text NOT NULL CHECK (status IN ('accepted', 'processing', 'completed',
                        'completed_with_errors', 'failed', 'cancelled', 'rejected')),
    mode            text NOT NULL CHECK (mode IN ('create', 'validate')),
    filename        text NOT NULL,
    file_sha256     bytea NOT NULL,
    file_size       bigint NOT NULL DEFAULT 0,
    encoding        text NOT NULL DEFAULT '',
    delimiter       text NOT NULL DEFAULT ',',
    header          text[] NOT NULL DEFAULT '{}',   -- column names as uploaded
    layout          text[] NOT NULL DEFAULT '{}',   -- canonical column per position
    idempotency_key text,
    rules_version   text NOT NULL,
    chunk_rows      int NOT NULL DEFAULT 0,
    total_rows      int NOT NULL DEFAULT 0,
    processed_rows  int NOT NULL DEFAULT 0,
    created         int NOT NULL DEFAULT 0,
    valid           int NOT NULL DEFAULT 0,
    rejected        int NOT NULL DEFAULT 0,
    warnings        int NOT NULL DEFAULT 0,
    reject_code     text,                            -- file-level code when status = rejected
    reject_details  jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    planned_at      timestamptz,
    started_at      timestamptz,
    finished_at     timestamptz,
    purged_at       timestamptz                      -- raw rows removed by retention
);

CREATE INDEX batches_company_created ON batches (company_id, created_at DESC, id DESC);
CREATE INDEX batches_unfinished ON batches (status) WHERE status IN ('accepted', 'processing');
-- DUPLICATE_FILE: the same bytes accepted in create mode, not cancelled or failed.
CREATE UNIQUE INDEX batches_one_live_file ON batches (company_id, file_sha256)
    WHERE mode = 'create' AND status NOT IN ('cancelled', 'failed', 'rejected');
CREATE UNIQUE INDEX batches_idempotency ON batches (company_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- One row per data row of the file, raw values as uploaded, plus its outcome.
CREATE TABLE batch_rows (
    batch_id      uuid NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    row_no        int NOT NULL,
    line_no       int NOT NULL,
    fields        text[] NOT NULL,
    kpj_key       text NOT NULL DEFAULT '',   -- trimmed KPJ and NIK, for DUPLICATE_IN_FILE
    nik_key       text NOT NULL DEFAULT '',
    duplicate_of  int,                        -- earlier row with the same KPJ or NIK
    outcome       text CHECK (outcome IN ('CREATED', 'VALID', 'REJECTED')),
    issues        jsonb,                      -- []batch.Issue: errors and warnings
    has_warnings  boolean NOT NULL DEFAULT false,
    claim_number  text,
    eligible_on   date,
    gross_amount  bigint,
    tax_amount    bigint,
    net_amount    bigint,
    PRIMARY KEY (batch_id, row_no)
);

-- The unit of work of a batch:chunk task. done_at is set in the same
-- transaction that writes the chunk's outcomes, so a chunk is done exactly once.
CREATE TABLE batch_chunks (
    batch_id  uuid NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
    chunk_no  int NOT NULL,
    first_row int NOT NULL,
    last_row  int NOT NULL,
    done_at   timestamptz,
    PRIMARY KEY (batch_id, chunk_no)
);

CREATE SEQUENCE claim_number_seq;

CREATE TABLE claims (
    id               bigserial PRIMARY KEY,
    claim_number     text NOT NULL UNIQUE,
    batch_id         uuid NOT NULL REFERENCES batches (id),
    row_no           int NOT NULL,
    company_id       bigint NOT NULL REFERENCES companies (id),
    kpj              text NOT NULL,
    nik              text NOT NULL,
    full_name        text NOT NULL,
    reason           text NOT NULL,
    termination_date date NOT NULL,
    eligible_on      date NOT NULL,
    status           text NOT NULL CHECK (status IN ('WAITING', 'READY', 'PAID', 'CANCELLED')),
    bank_code        text NOT NULL,
    bank_account     text NOT NULL,
    account_name     text NOT NULL,
    phone            text NOT NULL,
    email            text NOT NULL DEFAULT '',
    npwp             text NOT NULL DEFAULT '',
    gross_amount     bigint NOT NULL,
    tax_amount       bigint NOT NULL,
    net_amount       bigint NOT NULL,
    rules_version    text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (batch_id, row_no),
    CHECK (net_amount = gross_amount - tax_amount)
);

-- One active claim per KPJ, even when two batches race (CLAIM_ALREADY_ACTIVE).
CREATE UNIQUE INDEX claims_one_active_per_kpj ON claims (kpj) WHERE status IN ('WAITING', 'READY');
CREATE INDEX claims_waiting ON claims (eligible_on) WHERE status = 'WAITING';
CREATE INDEX claims_company ON claims (company_id);

-- The key that signs submission receipts; made once, at the first start.
CREATE TABLE signing_keys (
    id          text PRIMARY KEY,
    private_key bytea NOT NULL,
    public_key  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE signing_keys;
DROP TABLE claims;
DROP SEQUENCE claim_number_seq;
DROP TABLE batch_chunks;
DROP TABLE batch_rows;
DROP TABLE batches;
DROP TABLE participants;
DROP TABLE api_keys;
DROP TABLE companies;
