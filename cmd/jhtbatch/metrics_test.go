package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMetricsServeWorkerAndAPIMetrics checks that GET /metrics of the API
// shows, besides the API's own metrics, the Go and process collectors and
// the workers' metrics that README promises (rows by outcome, chunk
// durations, task failures): "jhtbatch all" runs both in one process.
func TestMetricsServeWorkerAndAPIMetrics(t *testing.T) {
	h := apiHandler(Config{}, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	get := func() string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /metrics: status %d, want 200\n%s", rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	get() // counted by the request metrics, which show from the second call on
	body := get()
	for _, name := range []string{
		"jhtbatch_chunk_duration_seconds_count", // worker
		"jhtbatch_batches_finished_total",       // worker
		"http_requests_total",                   // API
		"go_goroutines",                         // Go collector
		"process_cpu_seconds_total",             // process collector
	} {
		if !strings.Contains(body, "\n"+name) {
			t.Errorf("GET /metrics has no %s; got:\n%s", name, body)
		}
	}
}
