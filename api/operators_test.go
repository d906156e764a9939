package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"jhtbatch/batch"
	"jhtbatch/worker"
)

// operator makes an operator and returns its token.
func (e *env) operator(name string, writeQueues bool) (batch.Operator, string) {
	e.t.Helper()
	op, token, err := e.store.CreateOperator(context.Background(), name, writeQueues)
	if err != nil {
		e.t.Fatalf("create operator: %v", err)
	}
	return op, token
}

// TestOperatorAuthPairs: every operator route answers 401 without
// credentials and 403 with a company's key or session; every company route
// answers 403 to an operator's token or cookie.
func TestOperatorAuthPairs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, opToken := e.operator("Rina", false)
	revoked, revokedToken := e.operator("Old", false)
	if err := e.store.RevokeOperator(context.Background(), revoked.ID); err != nil {
		t.Fatal(err)
	}
	session := sessionOf(t, e.login(e.user("hr@alpha.example"), password))
	b := e.mustUpload("", sampleFile)

	type cred struct {
		name   string
		bearer string
		cookie string
	}
	none := cred{name: "nothing"}
	companyKey := cred{name: "company key", bearer: e.keyA}
	companySession := cred{name: "company session", cookie: session}
	opBearer := cred{name: "operator token", bearer: opToken}
	opCookie := cred{name: "operator cookie", cookie: "jht_ops=" + opToken}
	revokedOp := cred{name: "revoked operator", bearer: revokedToken}

	opsRoutes := []struct{ method, path string }{
		{http.MethodGet, "/v1/ops/batches"},
		{http.MethodPost, "/v1/ops/batches/" + b.ID + "/retry"},
		{http.MethodPost, "/v1/ops/batches/" + b.ID + "/cancel"},
		{http.MethodGet, "/ops/"},
		{http.MethodGet, "/ops/queues/"},
		{http.MethodGet, "/ops/queues/api/queues"},
	}
	companyRoutes := []struct{ method, path string }{
		{http.MethodGet, "/v1/batches"},
		{http.MethodPost, "/v1/batches"},
		{http.MethodGet, "/v1/batches/" + b.ID},
		{http.MethodPost, "/v1/batches/" + b.ID + "/cancel"},
	}
	send := func(method, path string, c cred) response {
		h := http.Header{"Origin": {e.srv.URL}}
		if c.cookie != "" {
			h.Set("Cookie", c.cookie)
		}
		return e.do(method, path, c.bearer, nil, h)
	}
	for _, r := range opsRoutes {
		for _, tc := range []struct {
			c    cred
			want int
		}{{none, 401}, {revokedOp, 401}, {companyKey, 403}, {companySession, 403}} {
			if got := send(r.method, r.path, tc.c); got.status != tc.want {
				t.Errorf("%s %s with %s: %d, want %d; body %.200s", r.method, r.path, tc.c.name, got.status, tc.want, got.body)
			}
		}
		for _, c := range []cred{opBearer, opCookie} {
			if got := send(r.method, r.path, c); got.status == 401 || got.status == 403 {
				t.Errorf("%s %s with %s: %d, want it let through; body %.200s", r.method, r.path, c.name, got.status, got.body)
			}
		}
	}
	for _, r := range companyRoutes {
		for _, c := range []cred{opBearer, opCookie} {
			if got := send(r.method, r.path, c); got.status != http.StatusForbidden {
				t.Errorf("%s %s with %s: %d, want 403; body %.200s", r.method, r.path, c.name, got.status, got.body)
			}
		}
		if got := send(r.method, r.path, revokedOp); got.status != http.StatusUnauthorized {
			t.Errorf("%s %s with a revoked operator token: %d, want 401", r.method, r.path, got.status)
		}
	}
	// A foreign origin may not use the operator's cookie to change anything.
	res := e.do(http.MethodPost, "/v1/ops/batches/"+b.ID+"/retry", "", nil,
		http.Header{"Cookie": {"jht_ops=" + opToken}, "Origin": {"https://evil.example"}})
	wantError(t, res, http.StatusForbidden, "FORBIDDEN")
}

// TestOperatorBatches: every company's batches with company_npp, filtered
// by status and company, failed ones first.
func TestOperatorBatches(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, token := e.operator("Rina", false)
	a := e.mustUpload("", sampleFile)
	bres := e.upload(e.keyB, "", "beta.csv", sampleFile, nil)
	if bres.status != http.StatusAccepted {
		t.Fatalf("upload as b: %d %s", bres.status, bres.body)
	}
	bb := decode[batchJSON](t, bres)
	if err := e.store.FailBatch(context.Background(), bb.ID, "test"); err != nil {
		t.Fatal(err)
	}
	type list struct {
		Batches []struct {
			ID         string `json:"id"`
			Status     string `json:"status"`
			CompanyNPP string `json:"company_npp"`
		} `json:"batches"`
	}
	tests := []struct {
		query string
		want  []string // "npp status" in order
	}{
		{"", []string{e.compB.NPP + " failed", e.compA.NPP + " accepted"}},
		{"?company=" + e.compA.NPP, []string{e.compA.NPP + " accepted"}},
		{"?status=failed", []string{e.compB.NPP + " failed"}},
		{"?status=accepted,failed&company=" + strings.ToLower(e.compB.NPP), []string{e.compB.NPP + " failed"}},
		{"?older_than=1h", nil},
	}
	for _, tc := range tests {
		res := e.get("/v1/ops/batches"+tc.query, token)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.query, res.status, res.body)
		}
		var got []string
		for _, b := range decode[list](t, res).Batches {
			got = append(got, b.CompanyNPP+" "+b.Status)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q: got %v, want %v", tc.query, got, tc.want)
		}
	}
	wantError(t, e.get("/v1/ops/batches?status=nonsense", token), http.StatusBadRequest, "INVALID_PARAMETER")
	// Retrying what did not fail is refused.
	wantError(t, e.do(http.MethodPost, "/v1/ops/batches/"+a.ID+"/retry", token, nil, nil), http.StatusConflict, "NOT_RETRYABLE")
	// (Only the status: the not-found code's spelling is another branch's business.)
	if res := e.do(http.MethodPost, "/v1/ops/batches/not-a-uuid/retry", token, nil, nil); res.status != http.StatusNotFound {
		t.Errorf("retry of a malformed id: %d, want 404; body %s", res.status, res.body)
	}
	// The console shows both, the failed one with a retry button.
	page := e.get("/ops/", token)
	if page.status != http.StatusOK || !strings.Contains(string(page.body), bb.ID+"/retry") || !strings.Contains(string(page.body), a.ID) {
		t.Errorf("console: %d, want both batches and a retry of the failed one; body %.500s", page.status, page.body)
	}
	if !strings.Contains(string(page.body), "<td>key:jht_") {
		t.Errorf("console does not show who uploaded (key:jht_…); body %.500s", page.body)
	}
}

// TestOperatorRetry: a batch failed halfway continues from its unfinished
// chunks when an operator retries it, and finishes; the retry is audited.
func TestOperatorRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	op, token := e.operator("Rina", false)
	b := e.mustUpload("", sampleFile)
	ctx := context.Background()
	today := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	chunks, err := e.store.PlanBatch(ctx, b.ID, 1, today)
	if err != nil || len(chunks) != 3 {
		t.Fatalf("plan: %d chunks, %v", len(chunks), err)
	}
	if _, err := e.store.RunChunk(ctx, chunks[0]); err != nil {
		t.Fatal(err)
	}
	// The second chunk's task used all its retries: it lies archived, and
	// the batch failed.
	enq := asynq.NewClient(e.redis)
	defer enq.Close()
	task, err := worker.NewChunkTask(worker.ChunkPayload{BatchID: b.ID, ChunkNo: chunks[1].No, FirstRow: 2, LastRow: 2})
	if err != nil {
		t.Fatal(err)
	}
	info, err := enq.Enqueue(task)
	if err != nil {
		t.Fatal(err)
	}
	in := asynq.NewInspector(e.redis)
	defer in.Close()
	if err := in.ArchiveTask(info.Queue, info.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.store.FailBatch(ctx, b.ID, "batch:chunk failed: test"); err != nil {
		t.Fatal(err)
	}

	res := e.do(http.MethodPost, "/v1/ops/batches/"+b.ID+"/retry", token, nil, nil)
	if res.status != http.StatusAccepted {
		t.Fatalf("retry: %d %s", res.status, res.body)
	}
	if got := decode[batchJSON](t, res).Status; got != "processing" {
		t.Errorf("status after retry %q, want processing", got)
	}
	actions, err := e.store.OperatorActions(ctx, b.ID)
	if err != nil || len(actions) != 1 || actions[0].OperatorID != op.ID || actions[0].Action != "retry" || actions[0].At.IsZero() {
		t.Fatalf("audit trail %+v (%v), want one retry by operator %d", actions, err, op.ID)
	}

	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- worker.Run(wctx, e.store, worker.Config{Redis: e.redis, Concurrency: 2, ChunkRows: 1})
	}()
	defer func() { stop(); <-done }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := decode[batchJSON](t, e.get("/v1/batches/"+b.ID, e.keyA))
		if got.Status == "completed" || got.Status == "completed_with_errors" {
			if got.ProcessedRows != 3 {
				t.Errorf("processed_rows %d, want 3", got.ProcessedRows)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("retried batch still %s after 60 s", got.Status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Done now: no second retry, and the refusal is not audited.
	wantError(t, e.do(http.MethodPost, "/v1/ops/batches/"+b.ID+"/retry", token, nil, nil), http.StatusConflict, "NOT_RETRYABLE")
	if actions, _ := e.store.OperatorActions(ctx, b.ID); len(actions) != 1 {
		t.Errorf("audit trail has %d rows, want 1", len(actions))
	}
}

// TestOperatorRetryOfAPurgedBatch: retention removes a failed batch's rows
// too; such a batch is not retryable (it would "complete" with nothing
// processed), and the console offers no retry for it.
func TestOperatorRetryOfAPurgedBatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, token := e.operator("Rina", false)
	b := e.mustUpload("", sampleFile)
	ctx := context.Background()
	if err := e.store.FailBatch(ctx, b.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.PurgeBefore(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantError(t, e.do(http.MethodPost, "/v1/ops/batches/"+b.ID+"/retry", token, nil, nil), http.StatusConflict, "NOT_RETRYABLE")
	if page := e.get("/ops/", token); strings.Contains(string(page.body), b.ID+"/retry") {
		t.Errorf("the console offers a retry of a purged batch")
	}
}

// TestOperatorCancelAudited: an operator's cancel is written to the audit trail.
func TestOperatorCancelAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	op, token := e.operator("Rina", false)
	b := e.mustUpload("", sampleFile)
	res := e.do(http.MethodPost, "/v1/ops/batches/"+b.ID+"/cancel", token, nil, nil)
	if res.status != http.StatusOK || decode[batchJSON](t, res).Status != "cancelled" {
		t.Fatalf("cancel: %d %s", res.status, res.body)
	}
	actions, err := e.store.OperatorActions(context.Background(), b.ID)
	if err != nil || len(actions) != 1 || actions[0].Action != "cancel" || actions[0].OperatorName != op.Name {
		t.Fatalf("audit trail %+v (%v), want one cancel by %s", actions, err, op.Name)
	}
}

// TestQueueDashboard: asynqmon answers under /ops/queues/, read-only unless
// the operator's token allows writes.
func TestQueueDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, reader := e.operator("Reader", false)
	_, writer := e.operator("Writer", true)
	page := e.get("/ops/queues/", reader)
	if page.status != http.StatusOK || !strings.Contains(string(page.body), "<html") {
		t.Fatalf("dashboard page: %d %.300s", page.status, page.body)
	}
	api := e.get("/ops/queues/api/queues", reader)
	if api.status != http.StatusOK || !strings.Contains(string(api.body), "queues") {
		t.Fatalf("dashboard API: %d %.300s", api.status, api.body)
	}
	del := "/ops/queues/api/queues/chunks/pending_tasks/some-task"
	if got := e.do(http.MethodDelete, del, reader, nil, nil); got.status != http.StatusMethodNotAllowed {
		t.Errorf("read-only delete: %d, want 405; body %.200s", got.status, got.body)
	}
	if got := e.do(http.MethodDelete, del, writer, nil, nil); got.status == http.StatusMethodNotAllowed ||
		got.status == http.StatusUnauthorized || got.status == http.StatusForbidden {
		t.Errorf("write-queues delete: %d, want it tried; body %.200s", got.status, got.body)
	}
	// Both attempts are in the audit trail, with who asked and the answer.
	var trail []string
	rows, err := e.db.Query(context.Background(), `SELECT o.name || ': ' || a.detail
		FROM operator_actions a JOIN operators o ON o.id = a.operator_id
		WHERE a.action = 'queues' AND a.batch_id IS NULL ORDER BY a.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		trail = append(trail, s)
	}
	if len(trail) != 2 || !strings.HasPrefix(trail[0], "Reader: DELETE "+del+" -> 405") || !strings.HasPrefix(trail[1], "Writer: DELETE "+del+" -> ") {
		t.Errorf("audit trail of the dashboard %q, want the reader's refused delete and the writer's delete", trail)
	}
}

// TestConsoleSignIn: the console's form turns a token into an HttpOnly,
// SameSite=Strict cookie; a wrong token gets the form again with 401.
func TestConsoleSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, token := e.operator("Rina", false)
	form := func(tok string) response {
		return e.do(http.MethodPost, "/ops/login", "", strings.NewReader("token="+tok),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {e.srv.URL}})
	}
	if res := form("jhtop_wrong"); res.status != http.StatusUnauthorized || !strings.Contains(string(res.body), `name="token"`) {
		t.Errorf("wrong token: %d, want 401 and the form", res.status)
	}
	res := e.do(http.MethodGet, "/ops/", "", nil, nil)
	if res.status != http.StatusUnauthorized || !strings.Contains(string(res.body), `name="token"`) {
		t.Errorf("console without credentials: %d, want 401 and the form", res.status)
	}
	// The client follows the redirect to /ops/ without the cookie jar; read the cookie off the form's answer.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/ops/login", strings.NewReader("token="+token))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.srv.URL)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	var cookie *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == "jht_ops" {
			cookie = c
		}
	}
	if r.StatusCode != http.StatusSeeOther || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("sign-in: %d, cookie %+v; want 303 and an HttpOnly SameSite=Strict jht_ops", r.StatusCode, cookie)
	}
	if loc := r.Header.Get("Location"); strings.Contains(loc, token) {
		t.Errorf("the token is in the redirect URL %q", loc)
	}
	page := e.do(http.MethodGet, "/ops/", "", nil, http.Header{"Cookie": {"jht_ops=" + cookie.Value}})
	if page.status != http.StatusOK || !strings.Contains(string(page.body), "Signed in as Rina") {
		t.Errorf("console with the cookie: %d %.300s", page.status, page.body)
	}

	// The console's Cancel button: refused from another origin, done (and
	// audited) from our own.
	b := e.mustUpload("", sampleFile)
	button := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/ops/batches/"+b.ID+"/cancel", nil)
		req.Header.Set("Cookie", "jht_ops="+cookie.Value)
		req.Header.Set("Origin", origin)
		r, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r
	}
	if r := button("https://evil.example"); r.StatusCode != http.StatusForbidden {
		t.Errorf("cancel button from another origin: %d, want 403", r.StatusCode)
	}
	if r := button(e.srv.URL); r.StatusCode != http.StatusSeeOther {
		t.Errorf("cancel button: %d, want 303", r.StatusCode)
	}
	if got := decode[batchJSON](t, e.get("/v1/batches/"+b.ID, e.keyA)).Status; got != "cancelled" {
		t.Errorf("after the cancel button the batch is %s", got)
	}
	if actions, err := e.store.OperatorActions(context.Background(), b.ID); err != nil || len(actions) != 1 {
		t.Errorf("audit trail %+v (%v), want the one cancel", actions, err)
	}
}

// TestOpsMetrics: /metrics carries Asynq's queue gauges (0 for a queue no
// task has reached yet, the real size after), the batches in flight, the
// database's state and the report builds gauge.
func TestOpsMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	scrape := func() string {
		res := e.get("/metrics", "")
		if res.status != http.StatusOK {
			t.Fatalf("/metrics: %d %s", res.status, res.body)
		}
		return string(res.body)
	}
	tests := []struct {
		name string
		act  func()
		want []string
	}{
		{"fresh", func() {}, []string{
			`asynq_queue_size{queue="chunks"} 0`, `asynq_queue_size{queue="control"} 0`,
			`jhtbatch_batches_in_flight{status="accepted"} 0`, `jhtbatch_database_up 1`,
			`jhtbatch_oldest_unfinished_chunk_age_seconds 0`, `jhtbatch_report_builds_in_progress 0`,
		}},
		{"after an upload", func() { e.mustUpload("", sampleFile) }, []string{
			`asynq_queue_size{queue="control"} 1`, `asynq_queue_size{queue="chunks"} 0`,
			`asynq_tasks_enqueued_total{queue="control",state="pending"} 1`,
			`jhtbatch_batches_in_flight{status="accepted"} 1`,
		}},
	}
	for _, tc := range tests {
		tc.act()
		body := scrape()
		for _, w := range tc.want {
			if n := strings.Count(body, w+"\n"); n != 1 {
				t.Errorf("%s: %q appears %d times, want once", tc.name, w, n)
			}
		}
	}
}
