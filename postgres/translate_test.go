package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"jhtbatch/batch"
)

// TestTranslate checks the one translator of driver errors: a connection
// PostgreSQL closed without a word (unexpected EOF, as pgx reports a dead
// socket; a reset; a broken pipe), refused, timed out or told to go away is
// unavailable (503); no rows is not found; a refused statement stays an
// internal error.
func TestTranslate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		kind batch.Kind // "" = an internal error
	}{
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), batch.KindUnavailable},
		{fmt.Errorf("failed to receive message: %w", io.ErrUnexpectedEOF), batch.KindUnavailable},
		{&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, batch.KindUnavailable},
		{fmt.Errorf("write: %w", syscall.EPIPE), batch.KindUnavailable},
		{&pgconn.PgError{Code: "57P01"}, batch.KindUnavailable},
		{&pgconn.PgError{Code: "08006"}, batch.KindUnavailable},
		{context.DeadlineExceeded, batch.KindUnavailable}, // a query that took too long: try again
		{pgx.ErrNoRows, batch.KindNotFound},
		{&pgconn.PgError{Code: "22P02"}, ""},
		{&pgconn.PgError{Code: "23505"}, ""},
		{errors.New("something else"), ""},
	}
	for _, tt := range tests {
		got := translate(tt.err, "test")
		var kind batch.Kind
		if e := batch.ErrorOf(got); e != nil {
			kind = e.Kind
		}
		if kind != tt.kind {
			t.Errorf("translate(%v): kind %q, want %q", tt.err, kind, tt.kind)
		}
		if !errors.Is(got, tt.err) && tt.kind != batch.KindNotFound {
			t.Errorf("translate(%v) lost its cause: %v", tt.err, got)
		}
	}
}
