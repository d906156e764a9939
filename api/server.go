// Package api serves jhtbatch over HTTP: the JSON API of CONTRACT.md §4, the
// HR web page, health checks and Prometheus metrics. Handlers translate
// between HTTP and the store; every rule lives below, in package batch.
package api

import (
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/postgres"
	"jhtbatch/worker"
)

// Defaults of the upload limits (CONTRACT.md §5).
const (
	DefaultMaxUploadBytes = 64 << 20
	DefaultMaxRows        = 200000
)

// Config holds what the API needs: its dependencies and its limits.
type Config struct {
	Store          *postgres.Store
	Queue          *worker.Enqueuer
	Logger         *slog.Logger
	MaxUploadBytes int64  // MAX_UPLOAD_BYTES; 0 means DefaultMaxUploadBytes
	MaxRows        int    // MAX_ROWS; 0 means DefaultMaxRows
	MaxRecordBytes int    // longest record accepted; 0 means the decoder's default (1 MiB)
	TempDir        string // where uploads are spooled; "" means os.TempDir()
	// Registry receives the API's metrics; nil means
	// prometheus.DefaultRegisterer. Tests pass a fresh registry.
	Registry prometheus.Registerer
	// Gatherer is what GET /metrics serves; nil means Registry when it is
	// also a Gatherer, else prometheus.DefaultGatherer.
	Gatherer prometheus.Gatherer
	// Now is the clock of sessions, the sign-in throttle and the operators'
	// views; nil means time.Now. Tests inject one.
	Now func() time.Time
	// SessionIdle and SessionMax bound an HR user's session; 0 means
	// DefaultSessionIdle and DefaultSessionMax.
	SessionIdle, SessionMax time.Duration
	// StuckAfter is how long a chunk may stay unfinished before the
	// operators' console calls its batch stuck; 0 means
	// postgres.DefaultStuckAfter.
	StuckAfter time.Duration
}

// server is the state the handlers share; it is read-only after NewServer.
type server struct {
	store   *postgres.Store
	queue   *worker.Enqueuer
	log     *slog.Logger
	maxSize int64
	maxRows int
	maxRec  int
	tempDir string
	metrics *metrics
	gather  prometheus.Gatherer
	mux     *http.ServeMux // the routes, to tell a wrong method (405) from a wrong path (404)
	*ops                   // operators and accounts: clock, session limits, queue dashboard
}

// NewServer returns the handler of every route of the API, wrapped in the
// request log and the metrics.
func NewServer(cfg Config) http.Handler {
	s := newServer(cfg)
	mux := http.NewServeMux()
	s.routes(mux)
	s.mux = mux
	return s.observe(mux)
}

func newServer(cfg Config) *server {
	s := &server{
		store:   cfg.Store,
		queue:   cfg.Queue,
		log:     cfg.Logger,
		maxSize: cfg.MaxUploadBytes,
		maxRows: cfg.MaxRows,
		maxRec:  cfg.MaxRecordBytes,
		tempDir: cfg.TempDir,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.maxSize <= 0 {
		s.maxSize = DefaultMaxUploadBytes
	}
	if s.maxRows <= 0 {
		s.maxRows = DefaultMaxRows
	}
	if s.tempDir == "" {
		s.tempDir = os.TempDir()
	}
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.DefaultRegisterer
	}
	s.metrics = newMetrics(reg)
	s.ops = newOps(cfg, reg)
	s.gather = cfg.Gatherer
	if s.gather == nil {
		if g, ok := reg.(prometheus.Gatherer); ok {
			s.gather = g
		} else {
			s.gather = prometheus.DefaultGatherer
		}
	}
	return s
}

// NewHTTPServer returns an http.Server for h on addr with timeouts set, so
// a slow or idle client cannot hold a connection forever. The read timeout
// is generous: a 64 MiB upload over a slow office line takes minutes.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      10 * time.Minute, // a 200k-row report is written while rows stream from the database
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}
