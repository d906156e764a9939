package api

import (
	"net/http"
	"strings"

	"jhtbatch/batch"
)

// Route is one route of the API, as the route table registers it; tests
// walk Routes() so that a new route cannot escape the auth, method and
// path checks.
type Route struct {
	Method   string // GET, POST, PUT, DELETE
	Path     string // a net/http pattern path: /v1/batches/{id}
	Auth     bool   // needs credentials: 401 without
	Operator bool   // the credentials are an operator's token; a company's get 403
}

// route is an entry of the route table: a Route and its handler, either a
// company's (behind the API key or session) or one that does its own
// authentication (public, operators', the session's own).
type route struct {
	Route
	company companyHandler
	public  http.Handler
}

// routeTable is every route of the API (docs/api.md), in one place.
// Routes under /v1 other than the template need an API key.
func (s *server) routeTable() []route {
	c := func(method, path string, h companyHandler) route {
		return route{Route: Route{Method: method, Path: path, Auth: true}, company: h}
	}
	p := func(method, path string, h http.Handler) route {
		return route{Route: Route{Method: method, Path: path}, public: h}
	}
	o := func(method, path string, h operatorHandler) route {
		return route{Route: Route{Method: method, Path: path, Auth: true, Operator: true}, public: s.opsAuth(h)}
	}
	return []route{
		c("POST", "/v1/batches", s.handleUpload),
		c("GET", "/v1/batches", s.handleListBatches),
		// The batch's and its report's paths are batch's: the links the API
		// and the workers' webhook notices give are built by the same
		// functions.
		c("GET", batch.BatchPath("{id}"), s.handleGetBatch),
		c("GET", batch.ReportCSVPath("{id}"), s.handleReportCSV),
		c("GET", "/v1/batches/{id}/report.xlsx", s.handleReportXLSX),
		c("POST", "/v1/batches/{id}/cancel", s.handleCancel),
		c("GET", "/v1/batches/{id}/receipt", s.handleReceipt),
		c("GET", "/v1/batches/{id}/receipt.html", s.handleReceiptHTML),
		c("POST", "/v1/batches/{id}/create", s.handleCreateFromCheck),
		c("GET", "/v1/batches/{id}/rows", s.handleRows),
		c("GET", "/v1/claims/{number}", s.handleGetClaim),
		c("GET", "/v1/mappings", s.handleListMappings),
		c("PUT", "/v1/mappings", s.handlePutMapping),
		p("GET", "/v1/template.csv", http.HandlerFunc(s.handleTemplate)),
		p("GET", "/v1/template.xlsx", http.HandlerFunc(s.handleTemplateXLSX)),

		// HR accounts (session.go): signing in needs no credentials; who
		// am I needs the session it asks about.
		p("POST", "/v1/session", http.HandlerFunc(s.handleLogin)),
		p("DELETE", "/v1/session", http.HandlerFunc(s.handleLogout)),
		{Route: Route{Method: "GET", Path: "/v1/session", Auth: true}, public: http.HandlerFunc(s.handleWhoAmI)},

		// Operators (ops.go); their console and queue dashboard are pages,
		// registered by consoleRoutes.
		o("GET", "/v1/ops/batches", s.handleOpsBatches),
		o("POST", "/v1/ops/batches/{id}/retry", s.handleOpsRetry),
		o("POST", "/v1/ops/batches/{id}/cancel", s.handleOpsCancel),

		p("GET", "/healthz", http.HandlerFunc(s.handleHealthz)),
		p("GET", "/readyz", http.HandlerFunc(s.handleReadyz)),
		p("GET", "/metrics", s.metricsHandler()),
		p("GET", "/openapi.yaml", http.HandlerFunc(s.handleOpenAPI)),
		p("GET", "/{$}", s.webPage()),
		p("GET", "/static/{name}", s.webStatic()),
	}
}

// routes registers the route table on mux. Every path value is checked
// (validPath) before the handler, and so before any SQL, runs.
func (s *server) routes(mux *http.ServeMux) {
	for _, rt := range s.routeTable() {
		h := rt.public
		if rt.company != nil {
			h = s.auth(rt.company)
		}
		mux.Handle(rt.Method+" "+rt.Path, s.validPath(h))
	}
	s.consoleRoutes(mux)
	// Anything else under /v1 answers with the API's JSON error, not the
	// mux's plain-text 404.
	mux.HandleFunc("/v1/", s.handleNoRoute)
}

// Routes lists the routes of the API, for tests and documentation.
func Routes() []Route {
	s := &server{}
	var out []Route
	for _, rt := range s.routeTable() {
		out = append(out, rt.Route)
	}
	return out
}

// pathRules says what each path wildcard of the route table may hold. A
// wildcard not named here holds whatever the mux lets through (static
// file names, checked by their handler).
var pathRules = map[string]struct {
	valid func(string) bool
	what  string // what a 404 says was not found, as the store says it
}{
	"id":     {batch.ValidBatchID, "batch"},
	"number": {batch.ValidClaimNumber, "claim"},
}

// validPath answers 404 NOT_FOUND when a path value of the request is not
// what its wildcard may hold: a malformed id never reaches the store.
func (s *server) validPath(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, rule := range pathRules {
			if strings.Contains(r.Pattern, "{"+name+"}") && !rule.valid(r.PathValue(name)) {
				s.writeError(w, r, batch.NotFound(rule.what))
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}
