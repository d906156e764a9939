// Package testenv gives tests their own PostgreSQL database and their own Redis database on the
// servers that scripts/services.sh makes available, and cleans both up when the test ends.
//
// Tests never skip when a server is missing: a suite that silently tests nothing is worse than one
// that fails and says which server to start.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Migrate, when set, is applied to every database DB creates. Tests set it in TestMain to
// postgres.Migrate; testenv cannot import package postgres itself because postgres's own tests
// import testenv. Set it before tests run, never while they run.
var Migrate func(ctx context.Context, dsn string) error

const (
	defaultAdminDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	setupTimeout    = time.Minute
	testDBPrefix    = "jhtbatch_test_"
)

// DB creates a fresh database jhtbatch_test_<random hex> on the server in TEST_DATABASE_URL (or
// DATABASE_URL's server, or 127.0.0.1:5432), applies Migrate to it when Migrate is set, and returns a
// pool on it and its DSN. At cleanup the pool is closed and the database dropped WITH (FORCE). When
// PostgreSQL is unreachable the test fails with a message that says how to start it.
func DB(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()

	admin := adminDSN()
	name := testDBPrefix + randomHex(t, 8)
	dsn, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if err := adminExec(ctx, admin, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+
		" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		t.Fatalf("testenv: create database %s on %s: %v\n%s", name, serverOf(admin), err, pgHint)
	}
	t.Cleanup(func() { dropDatabase(t, admin, name) })

	if Migrate != nil {
		if err := Migrate(ctx, dsn); err != nil {
			t.Fatalf("testenv: migrate database %s: %v", name, err)
		}
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatalf("testenv: open pool on %s: %v", name, err)
	}
	t.Cleanup(pool.Close) // registered after the drop, so it runs before it
	return pool, dsn
}

const pgHint = "testenv: is PostgreSQL running? `bash scripts/services.sh && source .local/env` starts or " +
	"finds one; set TEST_DATABASE_URL or DATABASE_URL to use another server"

// adminDSN is the connection used to create and drop test databases. DATABASE_URL names the
// application's database, which may not exist yet, so only its server is taken.
func adminDSN() string {
	if dsn := os.Getenv("TEST_DATABASE_URL"); dsn != "" {
		return dsn
	}
	if dsn := os.Getenv("DATABASE_URL"); dsn != "" {
		if admin, err := withDatabase(dsn, "postgres"); err == nil {
			return admin
		}
	}
	return defaultAdminDSN
}

// withDatabase returns dsn (URL or keyword/value form) pointing at database name instead.
func withDatabase(dsn, name string) (string, error) {
	if !strings.Contains(dsn, "://") {
		// keyword/value DSN: a later keyword overrides an earlier one.
		return dsn + " dbname=" + name, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("parse database URL %q: %w", redactURL(dsn), err)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// adminExec runs one statement on its own connection; CREATE/DROP DATABASE cannot run in a transaction.
func adminExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("exec: %w", err)
	}
	return nil
}

func dropDatabase(t testing.TB, admin, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	// FORCE ends connections a test left open, so one leaked connection cannot keep a database alive.
	err := adminExec(ctx, admin, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	if err != nil {
		t.Errorf("testenv: drop database %s: %v", name, err)
	}
}

// serverOf names the host and port of a DSN for messages, without credentials.
func serverOf(dsn string) string {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port))
}

// redactURL hides the password of a URL so that it can appear in a failure message.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("testenv: random name: %v", err)
	}
	return hex.EncodeToString(b)
}

// FreeAddr returns 127.0.0.1:<port> for a port that was free a moment ago, for servers under test
// that need an address before they listen.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testenv: find a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatalf("testenv: release port %s: %v", addr, err)
	}
	return addr
}
