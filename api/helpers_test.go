package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"jhtbatch/api"
	"jhtbatch/batch"
	"jhtbatch/postgres"
	"jhtbatch/testenv"
	"jhtbatch/worker"
)

func TestMain(m *testing.M) {
	testenv.Migrate = postgres.Migrate
	// Every request's goroutines (the report producer above all) must end
	// with the request.
	goleak.VerifyTestMain(m)
}

// env is one API under test on its own database and Redis database, with
// two companies: a (the caller in most tests) and b (the foreigner).
type env struct {
	t      *testing.T
	store  *postgres.Store
	db     *pgxpool.Pool // the store's database, for setup and checks in plain SQL
	redis  asynq.RedisClientOpt
	srv    *httptest.Server
	keyA   string
	keyB   string
	compA  batch.Company
	compB  batch.Company
	header http.Header // sent with every request, e.g. Accept-Language
}

// newEnv starts an API; cfg may change the Config before the server is made.
func newEnv(t *testing.T, cfg ...func(*api.Config)) *env {
	t.Helper()
	return newEnvDSN(t, func(_ string, c *api.Config) {
		for _, f := range cfg {
			f(c)
		}
	})
}

// newEnvDSN is newEnv for a cfg that needs the database's DSN, e.g. to give
// the API a pool of its own.
func newEnvDSN(t *testing.T, cfg func(dsn string, c *api.Config)) *env {
	t.Helper()
	pool, dsn := testenv.DB(t)
	_, redisOpt := testenv.Redis(t)
	queue := worker.NewEnqueuer(redisOpt)
	t.Cleanup(func() { _ = queue.Close() })
	e := &env{t: t, store: postgres.NewStore(pool), db: pool, redis: redisOpt, header: http.Header{}}
	e.compA, e.keyA = e.company("AA000001", "PT Alpha")
	e.compB, e.keyB = e.company("BB000002", "PT Beta")
	reg := prometheus.NewRegistry()
	c := api.Config{
		Store:    e.store,
		Queue:    queue,
		Logger:   slog.New(slog.NewTextHandler(t.Output(), nil)),
		TempDir:  t.TempDir(),
		Registry: reg,
		Gatherer: reg,
	}
	cfg(dsn, &c)
	e.srv = httptest.NewServer(api.NewServer(c))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) company(npp, name string) (batch.Company, string) {
	e.t.Helper()
	c, key, err := e.store.CreateCompany(context.Background(), npp, name)
	if err != nil {
		e.t.Fatalf("create company %s: %v", npp, err)
	}
	return c, key
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
	close  bool // the server closes the connection after the answer
}

// do sends a request with key (none when "") and reads the answer.
func (e *env) do(method, path, key string, body io.Reader, header http.Header) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatalf("new request %s %s: %v", method, path, err)
	}
	for k, v := range e.header {
		req.Header[k] = v
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("read answer of %s %s: %v", method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b, close: res.Close}
}

func (e *env) get(path, key string) response { return e.do(http.MethodGet, path, key, nil, nil) }

// upload posts content as the multipart field "file" named filename, to
// POST /v1/batches with query (e.g. "?mode=validate").
func (e *env) upload(key, query, filename, content string, header http.Header) response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := io.WriteString(fw, content); err != nil {
		e.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		e.t.Fatal(err)
	}
	h := http.Header{"Content-Type": {mw.FormDataContentType()}}
	for k, v := range header {
		h[k] = v
	}
	return e.do(http.MethodPost, "/v1/batches"+query, key, &buf, h)
}

// mustUpload uploads content as company a and returns the accepted batch.
func (e *env) mustUpload(query, content string) batchJSON {
	e.t.Helper()
	res := e.upload(e.keyA, query, "karyawan.csv", content, nil)
	if res.status != http.StatusAccepted {
		e.t.Fatalf("upload: status %d, want 202; body %s", res.status, res.body)
	}
	return decode[batchJSON](e.t, res)
}

// finish marks a batch finished as the workers would, with the given
// outcome and issues per row number (rows not named become VALID).
func (e *env) finish(id string, rejected map[int]batch.Issues) {
	e.t.Helper()
	ctx := context.Background()
	pool := e.db
	if _, err := pool.Exec(ctx, `INSERT INTO batch_outcomes (batch_id, row_no, outcome, issues, has_warnings)
		SELECT batch_id, row_no, 'VALID', '[]', false FROM batch_rows WHERE batch_id = $1`, id); err != nil {
		e.t.Fatalf("mark rows valid: %v", err)
	}
	for row, issues := range rejected {
		if _, err := pool.Exec(ctx, `UPDATE batch_outcomes SET outcome = 'REJECTED', issues = $3
			WHERE batch_id = $1 AND row_no = $2`, id, row, issues); err != nil {
			e.t.Fatalf("mark row %d rejected: %v", row, err)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE batches SET status = 'completed_with_errors', started_at = now(),
		finished_at = now(), processed_rows = total_rows, rejected = $2, valid = total_rows - $2
		WHERE id = $1`, id, len(rejected)); err != nil {
		e.t.Fatalf("mark batch finished: %v", err)
	}
}

// batchJSON mirrors the API's batch answer.
type batchJSON struct {
	ID            string     `json:"id"`
	Status        string     `json:"status"`
	Mode          string     `json:"mode"`
	Filename      string     `json:"filename"`
	TotalRows     int        `json:"total_rows"`
	ProcessedRows int        `json:"processed_rows"`
	Created       int        `json:"created"`
	Valid         int        `json:"valid"`
	Rejected      int        `json:"rejected"`
	Warnings      int        `json:"warnings"`
	RulesVersion  string     `json:"rules_version"`
	CreatedAt     time.Time  `json:"created_at"`
	StartedAt     *time.Time `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
	Encoding      string     `json:"encoding"`
	Delimiter     string     `json:"delimiter"`
	FileSHA256    string     `json:"file_sha256"`
	Links         struct {
		Self       string `json:"self"`
		ReportCSV  string `json:"report_csv"`
		ReportXLSX string `json:"report_xlsx"`
		Receipt    string `json:"receipt"`
		Cancel     string `json:"cancel"`
	} `json:"links"`
}

// errorJSON mirrors the API's error answer.
type errorJSON struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		BatchID string `json:"batch_id"`
		Details []struct {
			Code    string `json:"code"`
			Line    int    `json:"line"`
			Column  string `json:"column"`
			Value   string `json:"value"`
			Message string `json:"message"`
		} `json:"details"`
	} `json:"error"`
}

func decode[T any](t *testing.T, res response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(res.body, &v); err != nil {
		t.Fatalf("decode answer (status %d): %v; body %s", res.status, err, res.body)
	}
	return v
}

// wantError checks that res is an error answer with status and code.
func wantError(t *testing.T, res response, status int, code string) errorJSON {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d; body %s", res.status, status, res.body)
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	e := decode[errorJSON](t, res)
	if e.Error.Code != code {
		t.Errorf("error code %q, want %q; body %s", e.Error.Code, code, res.body)
	}
	if e.Error.Message == "" || len(e.Error.Details) == 0 {
		t.Errorf("error without message or details: %s", res.body)
	}
	for i, d := range e.Error.Details {
		if d.Message == "" {
			t.Errorf("detail %d without message: %s", i, res.body)
		}
	}
	return e
}

// Sample files. Rows are only stored at upload, not judged, so their
// values need only be well-formed CSV under a valid header.
const (
	header     = "kpj,nik,full_name,birth_date,termination_date,reason,bank_code,bank_account,account_name,phone\n"
	row1       = "23012345678,3171011708850001,Budi Santoso,1985-08-17,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890\n"
	row2       = "23012345679,3171015505900002,Siti Aminah,1990-05-15,2026-09-30,RESIGN,008,1234567890123,Siti Aminah,081234567891\n"
	row3       = "23012345680,3171010101800003,Agus Salim,1980-01-01,2026-08-31,PENSIUN,009,1234567890,Agus Salim,081234567892\n"
	sampleFile = header + row1 + row2 + row3
)
