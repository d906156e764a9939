package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/api"
	"jhtbatch/batch"
	"jhtbatch/postgres"
)

// TestIdempotencyKeyRace sends the same upload with the same
// Idempotency-Key from many clients at once, many times: every answer is a
// 202 with one and the same batch, one batch is stored, and nothing is
// refused (no 409 DUPLICATE_FILE, no audit row of a refused upload). The
// same key with other bytes, in parallel too, is 422 IDEMPOTENCY_KEY_REUSED.
func TestIdempotencyKeyRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const rounds, parallel = 12, 10
	for round := range rounds {
		key := http.Header{"Idempotency-Key": {fmt.Sprintf("race-%d", round)}}
		// Each round its own file, else later rounds are DUPLICATE_FILEs of
		// the first; odd rounds also race a different file on the same key.
		file := sampleFile + strings.Replace(row1, "23012345678", fmt.Sprintf("2301%07d", round), 1)
		other := header + strings.Replace(row2, "23012345679", fmt.Sprintf("2302%07d", round), 1)
		res := make([]response, parallel)
		var wg sync.WaitGroup
		for i := range parallel {
			wg.Go(func() {
				body := file
				if round%2 == 1 && i == parallel-1 {
					body = other
				}
				res[i] = e.upload(e.keyA, "", "a.csv", body, key)
			})
		}
		wg.Wait()
		ids := map[string]int{}
		var reused int
		for i, r := range res {
			if r.status == http.StatusUnprocessableEntity {
				wantError(t, r, http.StatusUnprocessableEntity, "IDEMPOTENCY_KEY_REUSED")
				reused++
				continue
			}
			if r.status != http.StatusAccepted {
				t.Fatalf("round %d request %d: status %d, want 202; body %s", round, i, r.status, r.body)
			}
			ids[decode[batchJSON](t, r).ID]++
		}
		if len(ids) != 1 {
			t.Fatalf("round %d: %d different batches answered, want 1: %v", round, len(ids), ids)
		}
		// With another file in the race, either it won (the others are
		// all 422) or it lost (it alone is 422).
		if round%2 == 0 && reused != 0 || round%2 == 1 && reused != 1 && reused != parallel-1 {
			t.Errorf("round %d: %d answers IDEMPOTENCY_KEY_REUSED", round, reused)
		}
	}
	var batches, refused int
	err := e.store.Pool().QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE status <> 'rejected'),
		count(*) FILTER (WHERE status = 'rejected') FROM batches WHERE company_id = $1`, e.compA.ID).Scan(&batches, &refused)
	if err != nil {
		t.Fatal(err)
	}
	if batches != rounds || refused != 0 {
		t.Errorf("stored %d batches and %d refused uploads, want %d and 0", batches, refused, rounds)
	}
}

// TestStalledReportReadersHoldNothing opens raw connections that ask for
// the report of a 20,000-row batch and never read the answer, more of them
// than the API has database connections (4 here, the pool of the incident).
// While they hang: no database connection is held for them, and other
// companies' requests (list, upload, status, their own report) and the
// same company's status answer. A further report beyond the company's
// report slots is answered 429 TOO_MANY_REQUESTS with Retry-After.
func TestStalledReportReadersHoldNothing(t *testing.T) {
	t.Parallel()
	var small *pgxpool.Pool
	e := newEnv(t, func(c *api.Config) {
		var err error
		small, err = postgres.ConnectPool(context.Background(), c.Store.Pool().Config().ConnString(), 4, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(small.Close)
		c.Store = postgres.NewStore(small)
		c.ReportConcurrency = 4
		c.ReportStallTimeout = time.Hour // the stalled readers must stay stalled during the test
	})
	big := bigBatch(t, e, 20000)

	// Raw sockets that send the request and never read: the server's writes
	// block once the socket buffers are full.
	var stalled []net.Conn
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	// CSV downloads: a compressed XLSX of repeated rows could fit in the
	// socket buffers, finish, and free its slot.
	paths := []string{"/v1/batches/" + big + "/report.csv", "/v1/batches/" + big + "/report.csv?outcome=REJECTED",
		"/v1/batches/" + big + "/report.csv", "/v1/batches/" + big + "/report.csv?outcome=rejected"}
	for _, p := range paths {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.(*net.TCPConn).SetReadBuffer(4096)
		t.Cleanup(func() { conn.Close() })
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", p, e.keyA)
		stalled = append(stalled, conn)
	}
	// Read each answer's head only: the download has started; its body is
	// then never read.
	started := 0
	for i, conn := range stalled {
		_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
		res, err := http.ReadResponse(bufio.NewReaderSize(conn, 512), nil)
		if err != nil {
			t.Fatalf("stalled reader %d: read the answer's head: %v", i, err)
		}
		if res.StatusCode == http.StatusOK {
			started++
		}
	}
	if started == 0 {
		t.Fatal("no stalled download started")
	}
	// The downloads fill the socket buffers and block. Until then they take
	// a connection now and then, a page at a time; once blocked, none. A
	// design that holds a connection while it waits on the client never
	// gets here (liveness bound: 30 s).
	deadline, quiet := time.Now().Add(30*time.Second), time.Time{}
	for quiet.IsZero() || time.Since(quiet) < time.Second {
		if small.Stat().AcquiredConns() > 0 {
			quiet = time.Time{}
		} else if quiet.IsZero() {
			quiet = time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d database connections still held by stalled report downloads", small.Stat().AcquiredConns())
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Others are served, within a generous bound (a liveness check).
	client := &http.Client{Timeout: 5 * time.Second}
	get := func(path, key string) int {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s while reports stall: %v", path, err)
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		return res.StatusCode
	}
	own := decode[batchJSON](t, e.upload(e.keyB, "?mode=validate", "b.csv", sampleFile, nil))
	e.finish(own.ID, nil)
	for _, c := range []struct {
		path, key string
		want      int
	}{
		{"/v1/batches", e.keyB, http.StatusOK},
		{"/v1/batches/" + own.ID, e.keyB, http.StatusOK},
		{"/v1/batches/" + own.ID + "/report.csv", e.keyB, http.StatusOK},
		{"/v1/batches/" + own.ID + "/report.xlsx", e.keyB, http.StatusOK},
		{"/v1/batches/" + big, e.keyA, http.StatusOK},
		{"/readyz", "", http.StatusOK},
	} {
		if got := get(c.path, c.key); got != c.want {
			t.Errorf("GET %s while reports stall: %d, want %d", c.path, got, c.want)
		}
	}
	// Company a already has its share of the report slots.
	res := e.get("/v1/batches/"+big+"/report.csv", e.keyA)
	wantError(t, res, http.StatusTooManyRequests, "TOO_MANY_REQUESTS")
	if res.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	for _, c := range stalled {
		c.Close()
	}
}

// bigBatch stores a finished batch of company a with n rows, every row
// rejected with five issues (long messages: a report of over 10 MB, more
// than socket buffers hold), and returns its id.
func bigBatch(t *testing.T, e *env, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(header)
	for i := range n {
		fmt.Fprintf(&b, "%011d,3171011708850001,Budi Santoso Wijaya Kusuma,1985-08-17,2026-10-01,PHK,014,1234567890,Budi Santoso Wijaya Kusuma,081234567890\n", 23000000000+i)
	}
	id := e.mustUpload("?mode=validate", b.String()).ID
	ctx := context.Background()
	issues := batch.Issues{{Code: batch.CodeKPJFormat, Column: batch.ColKPJ}, {Code: batch.CodeNIKFormat, Column: batch.ColNIK},
		{Code: batch.CodePhoneFormat, Column: batch.ColPhone}, {Code: batch.CodeBankAccountFormat, Column: batch.ColBankAccount},
		{Code: batch.CodeAccountNameMismatch, Column: batch.ColAccountName}}
	if _, err := e.store.Pool().Exec(ctx, `UPDATE batch_rows SET outcome = 'REJECTED', issues = $2 WHERE batch_id = $1`, id, issues); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Pool().Exec(ctx, `UPDATE batches SET status = 'completed_with_errors', started_at = now(),
		finished_at = now(), processed_rows = total_rows, rejected = total_rows WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return id
}
