package api

import (
	"bytes"
	"embed"
	"mime"
	"net/http"
	"path"
	"time"

	"jhtbatch/batch"
)

// webFiles is the HR web page: one HTML page, its script and its style,
// embedded so the binary serves it without a CDN or a build step.
//
//go:embed web
var webFiles embed.FS

// contentSecurityPolicy lets the page load only its own script and style
// and talk only to this server: an API key pasted into it cannot leave.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// webPage serves the HR page at /.
func (s *server) webPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveWebFile(w, r, "index.html")
	})
}

// webStatic serves the page's script and style at /static/{name}.
func (s *server) webStatic() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveWebFile(w, r, r.PathValue("name"))
	})
}

// serveWebFile serves one embedded file; a name that is not one (or tries
// to leave the folder: embed.FS refuses "..") is not found.
func (s *server) serveWebFile(w http.ResponseWriter, r *http.Request, name string) {
	data, err := webFiles.ReadFile("web/" + name)
	if err != nil {
		s.writeError(w, r, &batch.Error{Kind: batch.KindNotFound, Code: batch.CodeNotFound})
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-cache")
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		h.Set("Content-Type", ct)
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}
