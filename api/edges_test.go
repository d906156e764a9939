package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

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
	err := e.db.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE status <> 'rejected'),
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
	e := newEnvDSN(t, func(dsn string, c *api.Config) {
		var err error
		small, err = postgres.ConnectPool(context.Background(), dsn, 4, "")
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
	if _, err := e.db.Exec(ctx, `INSERT INTO batch_outcomes (batch_id, row_no, outcome, issues, has_warnings)
		SELECT batch_id, row_no, 'REJECTED', $2, false FROM batch_rows WHERE batch_id = $1`, id, issues); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(ctx, `UPDATE batches SET status = 'completed_with_errors', started_at = now(),
		finished_at = now(), processed_rows = total_rows, rejected = total_rows WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// syncBuf is a log sink safe for the server's goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestClientGoneIsNotAnError hangs up in the middle of a raw upload, of a
// multipart upload, and of a report download. Each is logged at INFO as
// "client went away", never at ERROR, and counted with status 499, never
// as a 5xx.
func TestClientGoneIsNotAnError(t *testing.T) {
	t.Parallel()
	logs := &syncBuf{}
	reg := prometheus.NewRegistry()
	e := newEnv(t, func(c *api.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c.Registry, c.Gatherer = reg, reg
	})
	big := bigBatch(t, e, 5000)
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	send := func(s string) net.Conn {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(conn, s); err != nil {
			t.Fatal(err)
		}
		return conn
	}
	auth := "Authorization: Bearer " + e.keyA + "\r\n"
	part := header + row1 + row2
	// A raw body cut short.
	c := send("POST /v1/batches HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\n" + part)
	time.Sleep(100 * time.Millisecond)
	c.Close()
	// A multipart body cut short.
	c = send("POST /v1/batches HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Type: multipart/form-data; boundary=XX\r\n" +
		"Content-Length: 100000\r\n\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n" + part)
	time.Sleep(100 * time.Millisecond)
	c.Close()
	// A report download closed after its head.
	c = send("GET /v1/batches/" + big + "/report.csv HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n")
	if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
		t.Fatal(err)
	}
	c.Close()

	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(logs.String(), `"msg":"client went away"`) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("want 3 \"client went away\" records; logs:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // the request log lines follow
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"level":"ERROR"`) {
			t.Errorf("a client that went away was logged as an error: %s", line)
		}
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	gone := 0.0
	for _, mf := range mfs {
		if mf.GetName() != "http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() != "code" {
					continue
				}
				if strings.HasPrefix(l.GetValue(), "5") {
					t.Errorf("a request counted as %s: %v", l.GetValue(), m)
				}
				if l.GetValue() == "499" {
					gone += m.GetCounter().GetValue()
				}
			}
		}
	}
	if gone < 2 {
		t.Errorf("%v requests counted with 499, want the two uploads at least", gone)
	}
}

// TestSpoolLeavesNothing checks the upload spool: PrepareSpool removes the
// service's own files a crash left (and makes a new directory private),
// and nothing else, since SPOOL_DIR may name a shared directory; while an
// upload is in progress its spool file is already unlinked (open, but no
// name, so a kill -9 leaves nothing); after the upload nothing is left.
func TestSpoolLeavesNothing(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc to see open files")
	}
	dir := filepath.Join(t.TempDir(), "jhtbatch-spool")
	if err := api.PrepareSpool(dir); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("new spool directory: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
	if err := os.MkdirAll(filepath.Join(dir, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"upload-123", "xlsx-report-7", "excelize-9", "old/x", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("3171011708850001"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := api.PrepareSpool(dir); err != nil {
		t.Fatal(err)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"notes.txt", "old"}; !slices.Equal(left, want) {
		t.Fatalf("PrepareSpool left %v, want %v: the service's files gone, nothing else touched", left, want)
	}
	if err := os.RemoveAll(filepath.Join(dir, "old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "notes.txt")); err != nil {
		t.Fatal(err)
	}

	e := newEnv(t, func(c *api.Config) { c.TempDir = dir })
	body := sampleFile + strings.Repeat(row1, 20)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/batches?mode=validate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: text/csv\r\nContent-Length: %d\r\n\r\n%s", e.keyA, len(body), body[:len(body)/2])
	// The server is now spooling: its file is open but has no name.
	deadline := time.Now().Add(10 * time.Second)
	for !openDeletedIn(dir) {
		if time.Now().After(deadline) {
			t.Fatal("no open spool file seen in the spool directory")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("spool file has a name while the upload runs: %v", entries)
	}
	io.WriteString(conn, body[len(body)/2:])
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %v, status %v", err, res)
	}
	res.Body.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("spool directory after the upload: %v", entries)
	}
	if openDeletedIn(dir) {
		t.Error("a spool file is still open after the upload")
	}
}

// openDeletedIn reports whether this process holds an unlinked file of dir
// open.
func openDeletedIn(dir string) bool {
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, dir+"/") && strings.HasSuffix(target, " (deleted)") {
			return true
		}
	}
	return false
}
