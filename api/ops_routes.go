package api

import "net/http"

// accountRoutes registers the routes of HR accounts and of operators. The
// operators' routes take an operator token only: a company's credentials
// get 403 there, as an operator's do on the company routes.
func (s *server) accountRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/session", s.handleLogin)
	mux.HandleFunc("DELETE /v1/session", s.handleLogout)
	mux.HandleFunc("GET /v1/session", s.handleWhoAmI)

	mux.Handle("GET /v1/ops/batches", s.opsAuth(s.handleOpsBatches))
	mux.Handle("POST /v1/ops/batches/{id}/retry", s.opsAuth(s.handleOpsRetry))
	mux.Handle("POST /v1/ops/batches/{id}/cancel", s.opsAuth(s.handleOpsCancel))

	mux.HandleFunc("GET /ops", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ops/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /ops/{$}", s.handleConsole)
	mux.HandleFunc("POST /ops/login", s.handleConsoleLogin)
	mux.HandleFunc("POST /ops/logout", s.handleConsoleLogout)
	mux.HandleFunc("POST /ops/batches/{id}/{action}", s.handleConsoleAction)
	mux.Handle(queuePath+"/", s.opsAuth(s.handleQueues))
}
