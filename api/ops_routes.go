package api

import "net/http"

// consoleRoutes registers the operators' pages: the console and its
// forms, and the Asynq queue dashboard, a subtree of its own. They are not
// in the route table: they answer HTML, not the API's JSON, and the
// dashboard takes every method under its prefix.
func (s *server) consoleRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /ops", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/ops/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /ops/{$}", s.handleConsole)
	mux.HandleFunc("POST /ops/login", s.handleConsoleLogin)
	mux.HandleFunc("POST /ops/logout", s.handleConsoleLogout)
	mux.Handle("POST /ops/batches/{id}/{action}", s.validPath(http.HandlerFunc(s.handleConsoleAction)))
	mux.Handle(queuePath+"/", s.opsAuth(s.handleQueues))
}
