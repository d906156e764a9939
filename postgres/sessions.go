package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// The sign-in throttle: after LoginMaxFailures failures for one e-mail
// within LoginFailureWindow, sign-ins for it are refused until the window
// has passed over the oldest of them.
const (
	LoginMaxFailures   = 5
	LoginFailureWindow = 15 * time.Minute
)

// Codes of signing in.
const (
	CodeLoginFailed    batch.Code = "LOGIN_FAILED"
	CodeLoginThrottled batch.Code = "LOGIN_THROTTLED"
)

// sessionPrefix starts every session token, to tell it from keys in a leak.
const sessionPrefix = "jhts_"

// SessionLimits bound a session's life: it ends after Idle without a
// request, and after Max whatever happens.
type SessionLimits struct {
	Idle time.Duration
	Max  time.Duration
}

// Login checks email and password at now and starts a session: the token
// it returns goes in the cookie, only its SHA-256 is stored. A wrong e-mail
// and a wrong password are the same LOGIN_FAILED, and take about as long (an
// unknown e-mail is checked against a dummy hash). After LoginMaxFailures
// failures within LoginFailureWindow the answer is LOGIN_THROTTLED, with the
// seconds to wait as the detail's value, whatever the password.
func (s *Store) Login(ctx context.Context, email, password string, now time.Time) (string, User, error) {
	email = normalEmail(email)
	if wait, err := s.throttled(ctx, email, now); err != nil {
		return "", User{}, err
	} else if wait > 0 {
		secs := strconv.Itoa(int(math.Ceil(wait.Seconds())))
		return "", User{}, &batch.Error{Kind: batch.KindTooManyRequests, Code: CodeLoginThrottled,
			Details: []batch.Detail{{Code: CodeLoginThrottled, Value: secs}}}
	}
	var u User
	var hash string
	err := s.pool.QueryRow(ctx, `SELECT u.id, u.company_id, c.npp, u.email, u.created_at, u.password_hash
		FROM users u JOIN companies c ON c.id = u.company_id
		WHERE u.email = $1 AND u.disabled_at IS NULL`, email).
		Scan(&u.ID, &u.CompanyID, &u.CompanyNPP, &u.Email, &u.CreatedAt, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		hash, err = dummyHash(), nil
		u = User{}
	}
	if err != nil {
		return "", User{}, translate(err, "sign in")
	}
	if !checkPassword(hash, password) || u.ID == 0 {
		// Failures older than the window count no more: they go as new ones come.
		if _, err := s.pool.Exec(ctx, `WITH gone AS (DELETE FROM login_failures WHERE email = $1 AND at <= $3)
			INSERT INTO login_failures (email, at) VALUES ($1, $2)`, email, now, now.Add(-LoginFailureWindow)); err != nil {
			return "", User{}, translate(err, "record failed sign-in")
		}
		return "", User{}, &batch.Error{Kind: batch.KindUnauthorized, Code: CodeLoginFailed,
			Details: []batch.Detail{{Code: CodeLoginFailed}}}
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", User{}, fmt.Errorf("make session token: %w", err)
	}
	token := sessionPrefix + base64.RawURLEncoding.EncodeToString(secret)
	th := sha256.Sum256([]byte(token))
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, email); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)`,
			th[:], u.ID, now)
		return err
	})
	if err != nil {
		return "", User{}, translate(err, "start session")
	}
	return token, u, nil
}

// throttled returns how long sign-ins for email must wait at now (0: they
// may go ahead): until the LoginMaxFailures-th most recent failure leaves
// the window.
func (s *Store) throttled(ctx context.Context, email string, now time.Time) (time.Duration, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT at FROM login_failures WHERE email = $1 AND at > $2 AND at <= $3
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
func (s *Store) SessionUser(ctx context.Context, token string, now time.Time, lim SessionLimits) (User, batch.Company, error) {
	unauthorized := &batch.Error{Kind: batch.KindUnauthorized, Code: "UNAUTHORIZED",
		Details: []batch.Detail{{Code: "UNAUTHORIZED"}}}
	if !strings.HasPrefix(token, sessionPrefix) || len(token) > 200 {
		return User{}, batch.Company{}, unauthorized
	}
	th := sha256.Sum256([]byte(token))
	var u User
	var c batch.Company
	var created, seen time.Time
	err := s.pool.QueryRow(ctx, `SELECT u.id, u.company_id, c.npp, c.name, u.email, u.created_at, s.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN companies c ON c.id = u.company_id
		WHERE s.token_hash = $1 AND u.disabled_at IS NULL`, th[:]).
		Scan(&u.ID, &u.CompanyID, &c.NPP, &c.Name, &u.Email, &u.CreatedAt, &created, &seen)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, batch.Company{}, unauthorized
	}
	if err != nil {
		return User{}, batch.Company{}, translate(err, "read session")
	}
	if now.Sub(seen) > lim.Idle || now.Sub(created) > lim.Max {
		if _, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, th[:]); err != nil {
			return User{}, batch.Company{}, translate(err, "end session")
		}
		return User{}, batch.Company{}, unauthorized
	}
	if _, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2`,
		th[:], now); err != nil {
		return User{}, batch.Company{}, translate(err, "touch session")
	}
	c.ID, u.CompanyNPP = u.CompanyID, c.NPP
	return u, c, nil
}

// Logout ends session token; an unknown token is no error.
func (s *Store) Logout(ctx context.Context, token string) error {
	th := sha256.Sum256([]byte(token))
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, th[:])
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
