package api

import (
	"context"
	"net/http"
	"time"

	"jhtbatch/schemas"
)

// handleHealthz answers while the process serves: liveness only, no
// dependency is asked (a database outage must not get the process killed).
func (s *server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readiness is the answer of GET /readyz: each dependency and whether it
// answered.
type readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
	Failed []string          `json:"failed,omitempty"`
}

// handleReadyz answers 200 when PostgreSQL and Redis both answer, else 503
// naming the ones that did not. The causes are logged, not shown.
func (s *server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := []struct {
		name string
		ping func(context.Context) error
	}{
		{"postgres", s.store.Ping},
		{"redis", s.queue.Ping},
	}
	out := readiness{Status: "ok", Checks: map[string]string{}}
	for _, c := range checks {
		if err := c.ping(ctx); err != nil {
			s.log.WarnContext(r.Context(), "readiness check failed", "dependency", c.name, "err", err)
			out.Checks[c.name] = "unavailable"
			out.Failed = append(out.Failed, c.name)
			continue
		}
		out.Checks[c.name] = "ok"
	}
	status := http.StatusOK
	if len(out.Failed) > 0 {
		out.Status = "unavailable"
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, out)
}

// handleTemplate serves the CSV template (?delimiter=semicolon: the ';'
// dialect with a BOM); it needs no API key.
func (s *server) handleTemplate(w http.ResponseWriter, r *http.Request) {
	body, err := templateCSV(r.URL.Query().Get("delimiter"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="jhtbatch-template.csv"`)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(body)
}

// handleOpenAPI serves the OpenAPI document of this API.
func (s *server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	_, _ = w.Write(schemas.OpenAPI)
}
