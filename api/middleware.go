package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jhtbatch/batch"
)

// note collects what the request log reports about a request, filled in by
// the handlers as they learn it. Only ids and codes go in: never query
// strings, bodies or personal data.
type note struct {
	companyID  int64
	batchID    string
	errorCode  string
	clientGone bool // the client went away before the answer (gone.go)
}

type noteKey struct{}

func noteOf(r *http.Request) *note {
	n, _ := r.Context().Value(noteKey{}).(*note)
	return n
}

// noteBatch records the batch a request concerns, for the request log.
func noteBatch(r *http.Request, id string) {
	if n := noteOf(r); n != nil {
		n.batchID = id
	}
}

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs every request and counts it in the metrics, labelled by the
// route pattern that served it, never the raw path: paths hold ids.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		n := &note{}
		r = r.WithContext(context.WithValue(r.Context(), noteKey{}, n))
		rec := &statusRecorder{ResponseWriter: w}
		// Deferred: a download aborted mid-way (http.ErrAbortHandler) is
		// logged and counted too.
		defer func() {
			status := rec.status
			switch {
			case n.clientGone:
				status = statusClientGone
			case status == 0:
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			route := routeOf(r)
			s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
			s.metrics.duration.WithLabelValues(route).Observe(elapsed.Seconds())
			s.logRequest(r, route, status, elapsed, n)
		}()
		next.ServeHTTP(rec, r)
	})
}

func (s *server) logRequest(r *http.Request, route string, status int, elapsed time.Duration, n *note) {
	attrs := []any{
		"method", r.Method, "route", route, "status", status,
		"duration_ms", float64(elapsed.Microseconds()) / 1000,
	}
	if n.companyID != 0 {
		attrs = append(attrs, "company_id", n.companyID)
	}
	if n.batchID != "" {
		attrs = append(attrs, "batch_id", n.batchID)
	}
	if n.errorCode != "" {
		attrs = append(attrs, "error_code", n.errorCode)
	}
	// Progress polls come every few seconds from every waiting client.
	if route == "GET /healthz" || route == "GET /readyz" || route == "GET /metrics" || route == "GET "+batch.BatchPath("{id}") {
		s.log.DebugContext(r.Context(), "http request", attrs...)
		return
	}
	s.log.InfoContext(r.Context(), "http request", attrs...)
}

// routeOf is the pattern that matched r, or "unmatched": a label with a
// bounded set of values.
func routeOf(r *http.Request) string {
	if r.Pattern == "" {
		return "unmatched"
	}
	return r.Pattern
}

// companyHandler is a handler that runs for an authenticated company.
type companyHandler func(w http.ResponseWriter, r *http.Request, c batch.Company)

// auth authenticates the request's Bearer API key (or HR session cookie)
// and calls h with the company that owns it; missing, unknown or revoked
// credentials are a 401, an operator's a 403.
func (s *server) auth(h companyHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, who, err := s.authenticateCompany(r) // API key or session cookie (session.go)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r = withPrincipal(r, who)
		if n := noteOf(r); n != nil {
			n.companyID = c.ID
		}
		h(w, r, c)
	})
}

// bearerKey returns the key of an "Authorization: Bearer <key>" header.
func bearerKey(header string) (string, bool) {
	scheme, key, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	key = strings.TrimSpace(key)
	return key, key != ""
}

func unauthorized() *batch.Error {
	return &batch.Error{Kind: batch.KindUnauthorized, Code: batch.CodeUnauthorized}
}
