package postgres_test

import (
	"context"
	"testing"
	"time"

	"jhtbatch/batch"
)

// TestForgetSessions: the daily clean-up deletes the sessions unused for a
// week and the sign-in failures out of the window, and nothing newer.
func TestForgetSessions(t *testing.T) {
	s, db := newStoreDB(t)
	ctx := context.Background()
	c, _ := newCompany(t, s, "ACCT0001")
	if _, err := s.CreateUser(ctx, c.NPP, "hr@acct.example", "kata-sandi-panjang"); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	lim := batch.SessionLimits{Idle: 30 * 24 * time.Hour, Max: 30 * 24 * time.Hour} // only the clean-up may end them
	old, _, err := s.Login(ctx, "hr@acct.example", "kata-sandi-panjang", t0)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _, err := s.Login(ctx, "hr@acct.example", "kata-sandi-panjang", t0.Add(6*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(ctx, "hr@acct.example", "wrong password!", t0.Add(7*24*time.Hour)); err == nil {
		t.Fatal("a wrong password signed in")
	}
	now := t0.Add(7*24*time.Hour + time.Minute)
	n, err := s.ForgetSessions(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("ForgetSessions deleted %d sessions (%v), want 1", n, err)
	}
	if _, _, err := s.SessionUser(ctx, old, now, lim); err == nil {
		t.Error("the week-old session survived the clean-up")
	}
	if _, _, err := s.SessionUser(ctx, fresh, now, lim); err != nil {
		t.Errorf("the day-old session was deleted: %v", err)
	}
	var failures int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM login_failures`).Scan(&failures); err != nil || failures != 1 {
		t.Errorf("%d sign-in failures kept (%v), want the recent one", failures, err)
	}
	if _, err := s.ForgetSessions(ctx, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM login_failures`).Scan(&failures); err != nil || failures != 0 {
		t.Errorf("%d sign-in failures kept an hour later (%v), want 0", failures, err)
	}
}
