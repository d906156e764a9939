package api

import "net/http"

// routes registers every route of the API (CONTRACT.md §4) in one place.
// Routes under /v1 other than the template need an API key.
func (s *server) routes(mux *http.ServeMux) {
	mux.Handle("POST /v1/batches", s.auth(s.handleUpload))
	mux.Handle("GET /v1/batches", s.auth(s.handleListBatches))
	mux.Handle("GET /v1/batches/{id}", s.auth(s.handleGetBatch))
	mux.Handle("GET /v1/batches/{id}/report.csv", s.auth(s.handleReportCSV))
	mux.Handle("GET /v1/batches/{id}/report.xlsx", s.auth(s.handleReportXLSX))
	mux.Handle("POST /v1/batches/{id}/cancel", s.auth(s.handleCancel))
	mux.Handle("GET /v1/batches/{id}/receipt", s.auth(s.handleReceipt))
	mux.Handle("GET /v1/batches/{id}/receipt.html", s.auth(s.handleReceiptHTML))
	mux.Handle("POST /v1/batches/{id}/create", s.auth(s.handleCreateFromCheck))
	mux.Handle("GET /v1/claims/{number}", s.auth(s.handleGetClaim))
	mux.HandleFunc("GET /v1/template.csv", s.handleTemplate)
	mux.HandleFunc("GET /v1/template.xlsx", s.handleTemplateXLSX)
	mux.Handle("GET /v1/batches/{id}/rows", s.auth(s.handleRows))
	mux.Handle("GET /v1/mappings", s.auth(s.handleListMappings))
	mux.Handle("PUT /v1/mappings", s.auth(s.handlePutMapping))
	s.accountRoutes(mux) // operators and HR accounts (ops_routes.go)

	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /openapi.yaml", s.handleOpenAPI)
	mux.Handle("GET /{$}", s.webPage())
	mux.Handle("GET /static/{name}", s.webStatic())

	// Anything else under /v1 answers with the API's JSON error, not the
	// mux's plain-text 404.
	mux.HandleFunc("/v1/", s.handleNoRoute)
}
