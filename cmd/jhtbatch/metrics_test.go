package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/testenv"
	"jhtbatch/worker"
)

// TestMetricsServeWorkerAndAPIMetrics checks that GET /metrics of the API
// shows, besides the API's own metrics, the Go and process collectors and
// the workers' metrics that README promises (rows by outcome, chunk
// durations, task failures): "jhtbatch all" runs both in one process.
func TestMetricsServeWorkerAndAPIMetrics(t *testing.T) {
	startWorkerMetrics()
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

// A workers-only process ("jhtbatch work") serves its metrics and a health
// check on METRICS_ADDR, so operators can watch it.
func TestWorkOnlyProcessServesMetrics(t *testing.T) {
	startWorkerMetrics()
	addr := testenv.FreeAddr(t)
	svc, err := metricsService(addr, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("metrics service: %v", err)
		}
	}()
	for path, want := range map[string]string{"/metrics": "jhtbatch_batches_finished_total", "/healthz": `"ok"`} {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, want 200 with %q; body %.300s", path, res.StatusCode, want, body)
		}
	}
}

// startWorkerMetrics registers the workers' metrics on the default registry,
// as starting the workers does (workerService), so that each test above
// holds on its own, not only after another test started workers.
func startWorkerMetrics() {
	worker.NewHandlers(nil, nil, worker.Config{Registry: prometheus.DefaultRegisterer,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func TestMetricsAddrSetting(t *testing.T) {
	for v, want := range map[string]string{"off": "", "": "", "127.0.0.1:9090": "127.0.0.1:9090"} {
		var c Config
		if err := setMetricsAddr(&c, v); err != nil || c.MetricsAddr != want {
			t.Errorf("METRICS_ADDR=%q: %q, %v; want %q", v, c.MetricsAddr, err, want)
		}
	}
	if err := setMetricsAddr(&Config{}, "9090"); err == nil {
		t.Error("METRICS_ADDR=9090 accepted; want host:port")
	}
}
