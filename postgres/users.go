package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
	"jhtbatch/credential"
)

// CreateUser gives the company npp a user with e-mail and password (at least
// batch.MinPasswordChars characters); only the argon2id hash is stored. An e-mail
// already used, by any company, is a conflict.
func (s *Store) CreateUser(ctx context.Context, npp, email, password string) (batch.User, error) {
	email = batch.NormalEmail(email)
	if err := batch.CheckAccountEmail(email); err != nil {
		return batch.User{}, err
	}
	if err := batch.CheckNewPassword(password); err != nil {
		return batch.User{}, err
	}
	c, err := s.CompanyByNPP(ctx, npp)
	if err != nil {
		return batch.User{}, err
	}
	hash, err := credential.HashPassword(s.random, password)
	if err != nil {
		return batch.User{}, err
	}
	u := batch.User{CompanyID: c.ID, CompanyNPP: c.NPP, Email: email}
	err = s.pool.QueryRow(ctx, `INSERT INTO users (company_id, email, password_hash) VALUES ($1, $2, $3)
		RETURNING id, created_at`, c.ID, email, hash).Scan(&u.ID, &u.CreatedAt)
	if isUniqueViolation(err, "users_email_key") {
		return batch.User{}, batch.Conflict(batch.CodeUserExists, email)
	}
	return u, translate(err, "create user")
}

// Users lists the users of company npp, or of every company when npp is "".
func (s *Store) Users(ctx context.Context, npp string) ([]batch.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.company_id, c.npp, u.email, u.created_at, u.disabled_at
		FROM users u JOIN companies c ON c.id = u.company_id
		WHERE $1 = '' OR c.npp = $1 ORDER BY c.npp, u.email`, batch.NormalNPP(npp))
	if err != nil {
		return nil, translate(err, "list users")
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[batch.User])
	return list, translate(err, "list users")
}

// DisableUser stops the user from signing in and ends every session of theirs.
func (s *Store) DisableUser(ctx context.Context, email string) error {
	return s.changeUser(ctx, email, `UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE email = $1 RETURNING id`)
}

// SetPassword changes the user's password and signs them out everywhere:
// every session made with the old password ends.
func (s *Store) SetPassword(ctx context.Context, email, password string) error {
	if err := batch.CheckNewPassword(password); err != nil {
		return err
	}
	hash, err := credential.HashPassword(s.random, password)
	if err != nil {
		return err
	}
	return s.changeUser(ctx, email, `UPDATE users SET password_hash = $2, password_changed_at = now()
		WHERE email = $1 RETURNING id`, hash)
}

// changeUser runs update (which returns the user's id) and deletes the
// user's sessions, in one transaction.
func (s *Store) changeUser(ctx context.Context, email, update string, args ...any) error {
	email = batch.NormalEmail(email)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, update, append([]any{email}, args...)...).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		return err
	})
	return translate(err, "user "+email)
}

// CompanyInfo is a company as `jhtbatch company list` shows it.
type CompanyInfo struct {
	ID         int64
	NPP        string
	Name       string
	CreatedAt  time.Time
	ActiveKeys int
	Users      int
}

// Companies lists every company with how many live keys and users it has.
func (s *Store) Companies(ctx context.Context) ([]CompanyInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.id, c.npp, c.name, c.created_at,
			(SELECT count(*) FROM api_keys k WHERE k.company_id = c.id AND k.revoked_at IS NULL)::int,
			(SELECT count(*) FROM users u WHERE u.company_id = c.id AND u.disabled_at IS NULL)::int
		FROM companies c ORDER BY c.npp`)
	if err != nil {
		return nil, translate(err, "list companies")
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[CompanyInfo])
	return list, translate(err, "list companies")
}

// KeyInfo is an API key as `jhtbatch key list` shows it: never the secret.
type KeyInfo struct {
	KeyID      string
	CompanyNPP string
	CreatedAt  time.Time
	RevokedAt  *time.Time
}

// Keys lists the API keys of company npp, or of every company when npp is "".
func (s *Store) Keys(ctx context.Context, npp string) ([]KeyInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT k.key_id, c.npp, k.created_at, k.revoked_at
		FROM api_keys k JOIN companies c ON c.id = k.company_id
		WHERE $1 = '' OR c.npp = $1 ORDER BY c.npp, k.created_at, k.id`, batch.NormalNPP(npp))
	if err != nil {
		return nil, translate(err, "list API keys")
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[KeyInfo])
	return list, translate(err, "list API keys")
}
