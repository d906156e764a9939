package postgres

import (
	"context"
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
	"jhtbatch/credential"
)

// The sign-in throttle: after LoginMaxFailures failures for one e-mail
// within LoginFailureWindow, sign-ins for it are refused until the window
// has passed over the oldest of them.
const (
	LoginMaxFailures   = 5
	LoginFailureWindow = 15 * time.Minute
)

// Login checks email and password at now and starts a session: the token
// it returns goes in the cookie, only its SHA-256 is stored. A wrong e-mail
// and a wrong password are the same LOGIN_FAILED, and take about as long (an
// unknown e-mail is checked against a dummy hash). After LoginMaxFailures
// failures within LoginFailureWindow the answer is LOGIN_THROTTLED, with the
// seconds to wait as the detail's value, whatever the password.
func (s *Store) Login(ctx context.Context, email, password string, now time.Time) (string, batch.User, error) {
	email = batch.NormalEmail(email)
	var token string
	var u batch.User
	var refused error // LOGIN_FAILED or LOGIN_THROTTLED, after the transaction has recorded what it must
	// One transaction holding a lock on the e-mail: the throttle check, the
	// password check and the failure's record happen for one attempt at a
	// time, so parallel guesses cannot all pass the check before any of
	// them is counted.
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('login:' || $1, 0))`, email); err != nil {
			return err
		}
		wait, err := throttled(ctx, tx, email, now)
		if err != nil {
			return err
		}
		if wait > 0 {
			secs := strconv.Itoa(int(math.Ceil(wait.Seconds())))
			refused = batch.Fail(batch.CodeLoginThrottled, batch.Detail{Code: batch.CodeLoginThrottled, Value: secs})
			return nil
		}
		var hash string
		err = tx.QueryRow(ctx, `SELECT u.id, u.company_id, c.npp, u.email, u.created_at, u.password_hash
			FROM users u JOIN companies c ON c.id = u.company_id
			WHERE u.email = $1 AND u.disabled_at IS NULL`, email).
			Scan(&u.ID, &u.CompanyID, &u.CompanyNPP, &u.Email, &u.CreatedAt, &hash)
		if errors.Is(err, pgx.ErrNoRows) {
			hash, err = credential.DummyHash(), nil
			u = batch.User{}
		}
		if err != nil {
			return err
		}
		if !credential.CheckPassword(hash, password) || u.ID == 0 {
			// Failures older than the window count no more: they go as new ones come.
			refused = batch.Fail(batch.CodeLoginFailed)
			_, err := tx.Exec(ctx, `WITH gone AS (DELETE FROM login_failures WHERE email = $1 AND at <= $3)
				INSERT INTO login_failures (email, at) VALUES ($1, $2)`, email, now, now.Add(-LoginFailureWindow))
			return err
		}
		if token, err = credential.NewSessionToken(s.random); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, email); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)`,
			credential.Hash(token), u.ID, now)
		return err
	})
	if err != nil {
		return "", batch.User{}, translate(err, "sign in")
	}
	if refused != nil {
		return "", batch.User{}, refused
	}
	return token, u, nil
}

// throttled returns how long sign-ins for email must wait at now (0: they
// may go ahead): until the LoginMaxFailures-th most recent failure leaves
// the window.
func throttled(ctx context.Context, q pgx.Tx, email string, now time.Time) (time.Duration, error) {
	var at time.Time
	err := q.QueryRow(ctx, `SELECT at FROM login_failures WHERE email = $1 AND at > $2 AND at <= $3
		ORDER BY at DESC OFFSET $4 LIMIT 1`, email, now.Add(-LoginFailureWindow), now, LoginMaxFailures-1).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, translate(err, "check sign-in throttle")
	}
	return at.Add(LoginFailureWindow).Sub(now), nil
}

// SessionUser returns the signed-in user of session token at now and marks
// the session used. A session unused for longer than lim.Idle, older than
// lim.Max, of a disabled user, or unknown, is unauthorized (and an expired
// one is deleted).
func (s *Store) SessionUser(ctx context.Context, token string, now time.Time, lim batch.SessionLimits) (batch.User, batch.Company, error) {
	unauthorized := batch.Fail(batch.CodeUnauthorized)
	if !credential.IsSessionToken(token) {
		return batch.User{}, batch.Company{}, unauthorized
	}
	th := credential.Hash(token)
	var u batch.User
	var c batch.Company
	var created, seen time.Time
	err := s.pool.QueryRow(ctx, `SELECT u.id, u.company_id, c.npp, c.name, u.email, u.created_at, s.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN companies c ON c.id = u.company_id
		WHERE s.token_hash = $1 AND u.disabled_at IS NULL`, th).
		Scan(&u.ID, &u.CompanyID, &c.NPP, &c.Name, &u.Email, &u.CreatedAt, &created, &seen)
	if errors.Is(err, pgx.ErrNoRows) {
		return batch.User{}, batch.Company{}, unauthorized
	}
	if err != nil {
		return batch.User{}, batch.Company{}, translate(err, "read session")
	}
	if now.Sub(seen) > lim.Idle || now.Sub(created) > lim.Max {
		if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, th); err != nil {
			return batch.User{}, batch.Company{}, translate(err, "end session")
		}
		return batch.User{}, batch.Company{}, unauthorized
	}
	if _, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2`,
		th, now); err != nil {
		return batch.User{}, batch.Company{}, translate(err, "touch session")
	}
	c.ID, u.CompanyNPP = u.CompanyID, c.NPP
	return u, c, nil
}

// Logout ends session token; an unknown token is no error.
func (s *Store) Logout(ctx context.Context, token string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, credential.Hash(token))
	return translate(err, "end session")
}

// SessionForgetAfter is how long an unused session is kept before the daily
// clean-up deletes it; far longer than any idle limit, so that only dead
// sessions go.
const SessionForgetAfter = 7 * 24 * time.Hour

// ForgetSessions deletes, at now, the sessions unused for SessionForgetAfter
// and the sign-in failures that have left the throttle's window: neither
// counts any more, and neither should pile up.
func (s *Store) ForgetSessions(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE last_seen_at < $1`, now.Add(-SessionForgetAfter))
	if err != nil {
		return 0, translate(err, "delete old sessions")
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM login_failures WHERE at <= $1`, now.Add(-LoginFailureWindow)); err != nil {
		return 0, translate(err, "delete old sign-in failures")
	}
	return tag.RowsAffected(), nil
}
