package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/api"
	"jhtbatch/batch"
	"jhtbatch/postgres"
	"jhtbatch/schemas"
	"jhtbatch/testenv"
	"jhtbatch/worker"
)

func TestReadyz(t *testing.T) {
	t.Parallel()
	goodPool, _ := testenv.DB(t)
	_, goodRedis := testenv.Redis(t)
	// Port 1 on the loopback refuses connections at once.
	badPool, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(badPool.Close)
	badRedis := asynq.RedisClientOpt{Addr: "127.0.0.1:1", DialTimeout: 500e6}

	tests := []struct {
		name   string
		pool   *pgxpool.Pool
		redis  asynq.RedisClientOpt
		status int
		failed []string
	}{
		{"both up", goodPool, goodRedis, http.StatusOK, nil},
		{"redis down", goodPool, badRedis, http.StatusServiceUnavailable, []string{"redis"}},
		{"postgres down", badPool, goodRedis, http.StatusServiceUnavailable, []string{"postgres"}},
		{"both down", badPool, badRedis, http.StatusServiceUnavailable, []string{"postgres", "redis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := worker.NewEnqueuer(tt.redis)
			defer q.Close()
			reg := prometheus.NewRegistry()
			h := api.NewServer(api.Config{Store: postgres.NewStore(tt.pool), Queue: q, Registry: reg,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			var got struct {
				Failed []string `json:"failed"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("decode %s: %v", rec.Body, err)
			}
			if rec.Code != tt.status || !cmp.Equal(got.Failed, tt.failed) {
				t.Errorf("status %d, failed %v; want %d, %v", rec.Code, got.Failed, tt.status, tt.failed)
			}
			if strings.Contains(rec.Body.String(), "127.0.0.1") {
				t.Errorf("the answer shows connection details: %s", rec.Body)
			}
		})
	}
}

func TestPublicRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		path        string
		contentType string
		contains    string
	}{
		{"/healthz", "application/json", `"ok"`},
		{"/v1/template.csv", "text/csv", "kpj,"},
		{"/v1/template.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04"},
		{"/openapi.yaml", "application/yaml", "openapi: 3.1"},
		{"/", "text/html", `<script type="module" src="/static/app.js"`},
		{"/static/app.js", "text/javascript", "/v1/session"},
		{"/static/core.js", "text/javascript", "credentials"},
		{"/static/style.css", "text/css", ":root"},
		{"/metrics", "text/plain", "http_requests_total"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := e.get(tt.path, "")
			if res.status != http.StatusOK {
				t.Fatalf("status %d, want 200; body %.300s", res.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.contentType)
			}
			if !bytes.Contains(res.body, []byte(tt.contains)) {
				t.Errorf("body does not contain %q: %.300s", tt.contains, res.body)
			}
		})
	}
	if res := e.get("/", ""); !strings.Contains(res.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("the page has no strict Content-Security-Policy: %q", res.header.Get("Content-Security-Policy"))
	}
	for _, path := range []string{"/static/nothing.js", "/static/..%2Fweb.go", "/v1/nothing"} {
		wantError(t, e.get(path, ""), http.StatusNotFound, "NOT_FOUND")
	}
	// A path of the route table, with a method it does not take: 405 and
	// Allow naming the methods it does take.
	allow := map[string][]string{}
	for _, r := range api.Routes() {
		allow[r.Path] = append(allow[r.Path], r.Method)
	}
	for p, methods := range allow {
		path := pathOf(api.Route{Path: p}, "0b9e8a5c-1f2d-4c3b-9a8e-7d6c5b4a3f21", "JHT-2026-00000001")
		res := e.do(http.MethodPatch, path, e.keyA, nil, nil)
		if strings.HasPrefix(p, "/v1/") {
			wantError(t, res, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
		} else if res.status != http.StatusMethodNotAllowed {
			t.Errorf("PATCH %s: status %d, want 405", path, res.status)
		}
		got := strings.Split(res.header.Get("Allow"), ", ")
		for _, m := range methods {
			if !slices.Contains(got, m) {
				t.Errorf("PATCH %s: Allow %q, want it to name %s", path, res.header.Get("Allow"), m)
			}
		}
	}
}

// TestTemplateUploads checks that the template served is itself a file the
// API accepts.
func TestTemplateUploads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.get("/v1/template.csv", "")
	if !bytes.Equal(res.body, schemas.TemplateCSV) {
		t.Fatalf("template answer differs from schemas.TemplateCSV")
	}
	b := e.mustUpload("?mode=validate", string(res.body))
	if b.TotalRows != 1 {
		t.Errorf("template upload has %d rows, want 1 example row", b.TotalRows)
	}
}

// TestOpenAPICoversRoutes checks that every route is in the OpenAPI document.
func TestOpenAPICoversRoutes(t *testing.T) {
	doc := string(schemas.OpenAPI)
	routes := map[string][]string{}
	for _, r := range api.Routes() {
		if r.Path == "/static/{name}" {
			continue // the page's own files
		}
		p := strings.TrimSuffix(r.Path, "{$}")
		routes[p] = append(routes[p], strings.ToLower(r.Method))
	}
	for path, methods := range routes {
		i := strings.Index(doc, "\n  "+path+":\n")
		if i < 0 {
			t.Errorf("OpenAPI has no path %s", path)
			continue
		}
		block := doc[i+1:]
		if end := regexp.MustCompile(`\n  \S`).FindStringIndex(block[1:]); end != nil {
			block = block[:end[0]+1]
		}
		for _, m := range methods {
			if !strings.Contains(block, "\n    "+m+":") {
				t.Errorf("OpenAPI path %s has no %s", path, m)
			}
		}
	}
}

func TestMessagesLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := strings.TrimSuffix(header, "\n") + ",alamat\n" + strings.TrimSuffix(row1, "\n") + ",Jl. X\n"
	tests := []struct {
		acceptLanguage string
		lang           batch.Lang
	}{
		{"", batch.LangID},
		{"id-ID,id;q=0.9", batch.LangID},
		{"en", batch.LangEN},
		{"en-GB,en;q=0.8,id;q=0.5", batch.LangEN},
		{"fr-FR", batch.LangID},
	}
	messages := map[batch.Lang]string{}
	for _, tt := range tests {
		t.Run(tt.acceptLanguage, func(t *testing.T) {
			h := http.Header{}
			if tt.acceptLanguage != "" {
				h.Set("Accept-Language", tt.acceptLanguage)
			}
			got := wantError(t, e.upload(e.keyA, "", "a.csv", file, h), http.StatusBadRequest,
				string(batch.CodeHeaderUnknownColumn))
			d := got.Error.Details[0]
			want := batch.Detail{Code: batch.Code(d.Code), Line: d.Line, Column: d.Column, Value: d.Value}.Message(tt.lang)
			if d.Message != want || got.Error.Message != want {
				t.Errorf("message %q, detail message %q; want %q", got.Error.Message, d.Message, want)
			}
			messages[tt.lang] = want

			unauth := wantError(t, e.do(http.MethodGet, "/v1/batches", "", nil, h), http.StatusUnauthorized, "UNAUTHORIZED")
			messages[tt.lang+"/401"] = unauth.Error.Message
		})
	}
	if messages[batch.LangID] == messages[batch.LangEN] || messages["id/401"] == messages["en/401"] {
		t.Errorf("Indonesian and English messages are the same: %q", messages)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	e.get("/v1/batches/"+b.ID, e.keyA)
	e.upload(e.keyA, "", "a.csv", "", nil) // FILE_EMPTY
	res := e.get("/metrics", "")
	body := string(res.body)
	for _, want := range []string{
		`http_requests_total{code="202",method="POST",route="POST /v1/batches"} 1`,
		`http_requests_total{code="400",method="POST",route="POST /v1/batches"} 1`,
		`http_requests_total{code="200",method="GET",route="GET /v1/batches/{id}"} 1`,
		`http_request_duration_seconds_count{route="GET /v1/batches/{id}"} 1`,
		`uploads_total{outcome="accepted"} 1`,
		`uploads_total{outcome="rejected"} 1`,
		`upload_rows_total 3`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, b.ID) {
		t.Error("metrics show a batch id: labels must be route patterns")
	}
}
