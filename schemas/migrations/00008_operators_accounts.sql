-- +goose Up
-- Operators (the service's own staff) and company users (HR staff who sign
-- in with e-mail and password). Of every secret only a hash is stored.

-- An operator token is shown once; only its SHA-256 is kept.
CREATE TABLE operators (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL,
    token_id     text NOT NULL UNIQUE,      -- public prefix, to name a token in lists and logs
    token_hash   bytea NOT NULL UNIQUE,
    write_queues boolean NOT NULL DEFAULT false, -- may change the queues in the queue dashboard
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

-- Every operator action on a batch: who, what, when, which batch.
CREATE TABLE operator_actions (
    id          bigserial PRIMARY KEY,
    operator_id bigint NOT NULL REFERENCES operators (id),
    action      text NOT NULL,
    batch_id    uuid NOT NULL REFERENCES batches (id),
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operator_actions_batch ON operator_actions (batch_id, at);

-- A company user. The e-mail is stored lower-cased; the password as an
-- argon2id PHC string.
CREATE TABLE users (
    id                  bigserial PRIMARY KEY,
    company_id          bigint NOT NULL REFERENCES companies (id),
    email               text NOT NULL UNIQUE,
    password_hash       text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    disabled_at         timestamptz
);

-- A signed-in browser: only the SHA-256 of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, per e-mail (lower-cased, whether or not a user has it),
-- for the sign-in throttle.
CREATE TABLE login_failures (
    email text NOT NULL,
    at    timestamptz NOT NULL
);
CREATE INDEX login_failures_email_at ON login_failures (email, at);

-- Who uploaded a batch: "user:<e-mail>" or "key:<key id>".
ALTER TABLE batches ADD COLUMN uploaded_by text;

-- +goose Down
ALTER TABLE batches DROP COLUMN uploaded_by;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE operator_actions;
DROP TABLE operators;
