package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
	"jhtbatch/postgres"
)

// TestDroppedConnectionsAreUnavailable makes PostgreSQL drop the store's
// connection (pg_terminate_backend, as a restart or failover does), then
// calls each read the API makes at once, on the dead connection: each
// answers, or says unavailable (HTTP 503); none fails as an internal error
// (500). It repeats the drop before each call, so every call meets a dead
// connection first.
func TestDroppedConnectionsAreUnavailable(t *testing.T) {
	t.Parallel()
	base, db := newStoreDB(t)
	ctx := context.Background()
	c, key := newCompany(t, base, "AB123456")
	b, _, err := upload(t, base, c.ID, header+row, batch.ModeCreate, "")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := postgres.ConnectPool(ctx, db.Config().ConnString(), 1, "dropped-test")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := postgres.NewStore(pool)
	admin, err := pgx.Connect(ctx, db.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)

	calls := []struct {
		name string
		call func() error
	}{
		{"authenticate", func() error { _, err := s.Authenticate(ctx, key); return err }},
		{"batch", func() error { _, err := s.Batch(ctx, c.ID, b.ID); return err }},
		{"list batches", func() error { _, _, err := s.Batches(ctx, c.ID, 10, ""); return err }},
		{"receipt", func() error { _, err := s.Receipt(ctx, c.ID, b.ID); return err }},
		{"claim", func() error {
			_, err := s.Claim(ctx, c.ID, "JHT-2026-00000001")
			if kindOf(err) == batch.KindNotFound {
				return nil
			}
			return err
		}},
		{"report", func() error { return s.ReportLines(ctx, b, false, func(batch.ReportLine) error { return nil }) }},
		{"cancel", func() error { _, err := s.CancelBatch(ctx, c.ID, b.ID); return err }},
	}
	unavailable := 0
	for _, tt := range calls {
		// A fresh use of the one connection, then the drop: the call below
		// runs on a connection the server has closed.
		if err := pool.Ping(ctx); err != nil {
			t.Fatalf("%s: ping before the drop: %v", tt.name, err)
		}
		if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE application_name = 'dropped-test'`); err != nil {
			t.Fatal(err)
		}
		err := tt.call()
		switch kindOf(err) {
		case "":
			if err != nil {
				t.Errorf("%s after the connection was dropped: %v, an internal error (500); want unavailable (503)", tt.name, err)
			}
		case batch.KindUnavailable:
			unavailable++
			if e := batch.ErrorOf(err); e.Code != "DATABASE_UNAVAILABLE" {
				t.Errorf("%s: code %s, want DATABASE_UNAVAILABLE", tt.name, e.Code)
			}
		default:
			if !strings.Contains(tt.name, "cancel") || kindOf(err) != batch.KindConflict {
				t.Errorf("%s after the connection was dropped: %v (kind %s)", tt.name, err, kindOf(err))
			}
		}
	}
	if unavailable == 0 {
		t.Error("no call met the dropped connection: the test proves nothing")
	}
}
