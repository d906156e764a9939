// Package postgres keeps jhtbatch's state in PostgreSQL through pgx: companies
// and API keys, the participant registry, batches, their rows and chunks, and
// claims. PostgreSQL is the source of truth; every other component asks it.
package postgres

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for goose
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"jhtbatch/batch"
	"jhtbatch/schemas"
)

// Store is the PostgreSQL-backed state of jhtbatch. It is safe for
// concurrent use.
type Store struct {
	pool *pgxpool.Pool
	// random is where new keys, tokens and secrets come from.
	random io.Reader
}

// NewStore returns a Store over pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, random: rand.Reader} }

// Connect opens a pool to dsn and checks that the server answers.
func Connect(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	return ConnectPool(ctx, dsn, 0, "")
}

// ConnectPool opens a pool of at most size connections (0: pgx's default,
// the larger of 4 and the number of CPUs, or pool_max_conns in dsn) whose
// sessions PostgreSQL shows as application_name name ("" keeps dsn's), and
// checks that the server answers. A process that runs the API and the
// workers opens one pool for each, so that neither can starve the other.
func ConnectPool(ctx context.Context, dsn string, size int, name string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	if size > 0 {
		cfg.MaxConns = int32(min(size, 1<<16))
	}
	if name != "" && cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = name
	}
	cfg.ConnConfig.BuildFrontend = bufferedFrontend
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	return pool, nil
}

// readBufferSize is how much a connection reads from its socket at once.
// pgx reads into 8 KiB, PostgreSQL's send buffer; a chunk's 4,000 rows
// (about 1 MB) and a report's windows then take a read system call per
// 8 KiB, and system calls are dear on a virtual machine (on this project's
// 2-CPU machine, reads were an eighth of the workers' CPU). A larger
// buffer takes whatever has arrived in one call.
const readBufferSize = 64 << 10

// bufferedFrontend is pgproto3.NewFrontend reading through a buffer of
// readBufferSize. pgx reads r only through the Frontend (it would need to
// bypass it only to hijack the connection, which this package never does).
func bufferedFrontend(r io.Reader, w io.Writer) *pgproto3.Frontend {
	return pgproto3.NewFrontend(bufio.NewReaderSize(r, readBufferSize), w)
}

// Ping checks that PostgreSQL answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Migrate applies the embedded migrations of package schemas to dsn with
// goose. It is safe to run from several processes at once: goose takes a
// PostgreSQL advisory lock.
func Migrate(ctx context.Context, dsn string) error {
	if err := createDatabase(ctx, dsn); err != nil {
		return err
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("open database for migrations: %w", err)
	}
	defer db.Close()
	migrations, err := fs.Sub(schemas.Migrations, "migrations")
	if err != nil {
		return fmt.Errorf("read embedded migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("prepare migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// createDatabase creates the database dsn names when it does not exist yet,
// through the server's maintenance database, so that a first start on a
// fresh server needs no manual step.
func createDatabase(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err == nil {
		return conn.Close(ctx)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "3D000" { // invalid_catalog_name
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	name := cfg.Database
	cfg.Database = "postgres"
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL to create database %s: %w", name, err)
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	if err != nil && !isUniqueViolation(err, "") && !isDuplicateDatabase(err) {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func isDuplicateDatabase(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42P04"
}

// translate is the one place that turns driver errors into application
// errors: no rows → not found; a server that cannot be reached, or that is
// shutting down → unavailable (503, try again); anything else is wrapped
// with what was being done.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return batch.NotFound(what)
	}
	if batch.ErrorOf(err) != nil {
		return err
	}
	if unreachable(err) {
		return &batch.Error{Kind: batch.KindUnavailable, Code: batch.CodeDatabaseUnavailable,
			Details: []batch.Detail{{Code: batch.CodeDatabaseUnavailable}}, Err: fmt.Errorf("%s: %w", what, err)}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// unreachable reports whether err says PostgreSQL could not be reached or
// dropped the connection (SQLSTATE classes 08 and 57P), rather than refused
// the statement. A connection the server closed while pgx read from it
// surfaces as an unexpected EOF, a reset or a broken pipe: the first request
// after PostgreSQL dropped its connections sees that, not a PgError.
func unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.Timeout(err):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNREFUSED):
		return true
	case pgconn.SafeToRetry(err): // failed before the statement was sent: the connection is gone
		return true
	case errors.As(err, &pe):
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P")
	}
	return false
}

// isUniqueViolation reports whether err is a unique violation of constraint
// (any constraint when constraint is "").
func isUniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" {
		return false
	}
	return constraint == "" || pe.ConstraintName == constraint
}
