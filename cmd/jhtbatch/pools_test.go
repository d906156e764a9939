package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jhtbatch/testenv"
)

// TestAllSeparatesThePools runs "jhtbatch all" with DB_API_POOL_SIZE=2 and
// DB_WORKER_POOL_SIZE=3 and hammers its API: PostgreSQL sees two pools,
// named "jhtbatch api <pid>" and "jhtbatch worker <pid>", each within its size, so the
// API's requests cannot take the workers' connections nor the reverse. The
// spool directory is made at start.
func TestAllSeparatesThePools(t *testing.T) {
	db, dsn := testenv.DB(t)
	redisURL, _ := testenv.Redis(t)
	addr := testenv.FreeAddr(t)
	spool := filepath.Join(t.TempDir(), "spool")
	getenv := envMap(map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redisURL, "HTTP_ADDR": addr,
		"DB_API_POOL_SIZE": "2", "DB_WORKER_POOL_SIZE": "3", "SPOOL_DIR": spool, "LOG_LEVEL": "warn"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		var out, logs syncBuffer
		done <- run(ctx, []string{"jhtbatch", "all"}, getenv, strings.NewReader(""), &out, &logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("all: %v", err)
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("all did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	count := func() (apiConns, workerConns int) {
		// "all" runs in this test's process: its sessions name this pid.
		err := db.QueryRow(context.Background(), `SELECT
			count(*) FILTER (WHERE application_name = 'jhtbatch api ' || $1),
			count(*) FILTER (WHERE application_name = 'jhtbatch worker ' || $1)
			FROM pg_stat_activity WHERE datname = current_database()`, strconv.Itoa(os.Getpid())).Scan(&apiConns, &workerConns)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 5 {
				if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
					res.Body.Close()
				}
			}
		})
	}
	maxAPI, maxWorker := 0, 0
	for range 20 {
		a, w := count()
		maxAPI, maxWorker = max(maxAPI, a), max(maxWorker, w)
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
	if maxAPI < 1 || maxAPI > 2 || maxWorker < 1 || maxWorker > 3 {
		t.Errorf("connections: api %d (want 1-2), worker %d (want 1-3)", maxAPI, maxWorker)
	}
	if fi, err := os.Stat(spool); err != nil || !fi.IsDir() {
		t.Errorf("the spool directory was not made at start: %v", err)
	}
}
