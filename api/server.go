// Package api serves jhtbatch over HTTP: the JSON API of docs/api.md, the
// HR web page, health checks and Prometheus metrics. Handlers translate
// between HTTP and the store; every rule lives below, in package batch.
package api

import (
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/worker"
)

// Defaults of the upload limits (docs/operations.md).
const (
	DefaultMaxUploadBytes = 64 << 20
	DefaultMaxRows        = 200000
)

// Config holds what the API needs: its dependencies and its limits.
type Config struct {
	// Store is the source of truth (a *postgres.Store). A nil interface, not
	// a nil pointer in one, means none: tests of what needs no database.
	Store          Store
	Queue          *worker.Enqueuer
	Logger         *slog.Logger
	MaxUploadBytes int64  // MAX_UPLOAD_BYTES; 0 means DefaultMaxUploadBytes
	MaxRows        int    // MAX_ROWS; 0 means DefaultMaxRows
	MaxRecordBytes int    // longest record accepted; 0 means the decoder's default (1 MiB)
	TempDir        string // where uploads and XLSX reports are spooled; "" means os.TempDir()
	// ReportConcurrency caps the reports built at once (REPORT_CONCURRENCY),
	// a company's at half of it; 0 means DefaultReportConcurrency. Beyond
	// it a download is answered 429 with Retry-After.
	ReportConcurrency int
	// ReportStallTimeout cuts a report download whose client has not taken
	// a write for that long; 0 means one minute.
	ReportStallTimeout time.Duration
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
	// batch.DefaultStuckAfter.
	StuckAfter time.Duration
}

// server is the state the handlers share; it is read-only after NewServer.
type server struct {
	store   Store
	queue   *worker.Enqueuer
	log     *slog.Logger
	maxSize int64
	maxRows int
	maxRec  int
	tempDir string
	reports *reportSlots
	// logins bounds the password checks running at once (session.go).
	logins chan struct{}
	// reportStall cuts a download whose client stopped reading.
	reportStall time.Duration
	metrics     *metrics
	gather      prometheus.Gatherer
	mux         *http.ServeMux // the routes, to tell a wrong method (405) from a wrong path (404)
	*ops                       // operators and accounts: clock, session limits, queue dashboard
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
		store:       cfg.Store,
		queue:       cfg.Queue,
		log:         cfg.Logger,
		maxSize:     cfg.MaxUploadBytes,
		maxRows:     cfg.MaxRows,
		maxRec:      cfg.MaxRecordBytes,
		tempDir:     cfg.TempDir,
		reports:     newReportSlots(cfg.ReportConcurrency),
		reportStall: cfg.ReportStallTimeout,
		logins:      make(chan struct{}, loginConcurrency()),
	}
	if s.reportStall <= 0 {
		s.reportStall = time.Minute
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

// serverTimeouts are the limits NewHTTPServer sets against slow and idle
// clients.
type serverTimeouts struct {
	readHeader, read, write, idle time.Duration
}

// defaultTimeouts: the read timeout is generous, since a 64 MiB upload over a
// slow office line takes minutes; a report download sets a deadline per
// write of its own (ReportStallTimeout), so a long download that keeps
// moving is not cut by the write timeout, and one that stops is.
var defaultTimeouts = serverTimeouts{
	readHeader: 10 * time.Second,
	read:       5 * time.Minute,
	write:      10 * time.Minute,
	idle:       2 * time.Minute,
}

// NewHTTPServer returns an http.Server for h on addr with timeouts set, so
// a slow or idle client cannot hold a connection forever.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return newHTTPServer(addr, h, defaultTimeouts)
}

func newHTTPServer(addr string, h http.Handler, t serverTimeouts) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		MaxHeaderBytes:    64 << 10,
	}
}
