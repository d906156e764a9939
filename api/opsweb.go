package api

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"time"

	"jhtbatch/batch"
	"jhtbatch/worker"
)

// The operators' console is one server-rendered page: no script, so it
// works behind the strictest Content-Security-Policy. The browser signs in
// with a form that puts the token in an HttpOnly cookie; a script, curl or
// the tests may send the token as a Bearer header instead.

// consolePage is what the console's template shows.
type consolePage struct {
	Operator string
	Error    string
	Notice   string
	Filter   map[string]string
	Batches  []consoleBatch
	Queues   []consoleQueue
	QueueErr string
	Now      time.Time
}

type consoleBatch struct {
	batch.OpsBatch
	Age        string // of the oldest unfinished chunk
	Retryable  bool
	Cancelable bool
}

type consoleQueue struct {
	Name                                        string
	Pending, Active, Scheduled, Retry, Archived int
}

var consoleTmpl = template.Must(template.New("console").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>jhtbatch operators</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}tr.failed{background:#fde2e2}
tr.stuck{background:#fff3cd}.err{color:#a00}.note{color:#070}form.inline{display:inline}
</style></head><body>
<h1>jhtbatch — operators</h1>
{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
{{if not .Operator}}
<form method="post" action="/ops/login">
<label>Operator token <input type="password" name="token" autocomplete="off" required></label>
<button>Sign in</button></form>
<p>Make a token with <code>jhtbatch operator create --name NAME</code>.</p>
{{else}}
<p>Signed in as {{.Operator}}. <a href="/ops/queues/">Queue dashboard</a>
<form class="inline" method="post" action="/ops/logout"><button>Sign out</button></form></p>
{{if .Notice}}<p class="note">{{.Notice}}</p>{{end}}
<h2>Queues</h2>
{{if .QueueErr}}<p class="err">{{.QueueErr}}</p>{{else}}
<table><tr><th>queue</th><th>pending</th><th>active</th><th>scheduled</th><th>retry</th><th>archived</th></tr>
{{range .Queues}}<tr><td>{{.Name}}</td><td>{{.Pending}}</td><td>{{.Active}}</td><td>{{.Scheduled}}</td><td>{{.Retry}}</td><td>{{.Archived}}</td></tr>{{end}}
</table>{{end}}
<h2>Batches</h2>
<form method="get" action="/ops/">
<label>status <input name="status" value="{{.Filter.status}}" placeholder="failed,processing"></label>
<label>company (NPP) <input name="company" value="{{.Filter.company}}" size="9"></label>
<label>older than <input name="older_than" value="{{.Filter.older_than}}" size="5" placeholder="1h"></label>
<label>newer than <input name="newer_than" value="{{.Filter.newer_than}}" size="5" placeholder="24h"></label>
<label>stuck after <input name="stuck_after" value="{{.Filter.stuck_after}}" size="5" placeholder="15m"></label>
<button>Filter</button></form>
<p>Failed and stuck batches come first.</p>
<table><tr><th>company</th><th>batch</th><th>status</th><th>file</th><th>rows done</th><th>created</th><th>uploaded by</th><th>oldest unfinished chunk</th><th></th></tr>
{{range .Batches}}<tr class="{{if eq .Status "failed"}}failed{{else if .Stuck}}stuck{{end}}">
<td>{{.CompanyNPP}}</td><td><code>{{.ID}}</code></td><td>{{.Status}}{{if .Stuck}} (stuck){{end}}</td><td>{{.Filename}}</td>
<td>{{.ProcessedRows}} / {{.TotalRows}}</td><td>{{when .CreatedAt}}</td><td>{{.UploadedBy}}</td><td>{{.Age}}</td>
<td>{{if .Retryable}}<form class="inline" method="post" action="/ops/batches/{{.ID}}/retry"><button>Retry</button></form>{{end}}
{{if .Cancelable}}<form class="inline" method="post" action="/ops/batches/{{.ID}}/cancel"><button>Cancel</button></form>{{end}}</td></tr>
{{else}}<tr><td colspan="9">No batches.</td></tr>{{end}}
</table>
{{end}}
</body></html>
`))

// renderConsole writes the page with status.
func (s *server) renderConsole(w http.ResponseWriter, status int, p consolePage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = consoleTmpl.Execute(w, p)
}

// consoleError renders err as the console shows it: the sign-in form for
// 401, a message for the rest.
func (s *server) consoleError(w http.ResponseWriter, r *http.Request, err error) {
	e := batch.ErrorOf(err)
	if e == nil || e.Kind == batch.KindInternal || e.Kind == batch.KindUnavailable {
		s.logCause(r, err)
		e = &batch.Error{Kind: batch.KindInternal, Code: batch.CodeInternal}
	}
	if n := noteOf(r); n != nil {
		n.errorCode = string(e.Code)
	}
	status := statusOf[e.Kind]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="jhtbatch operators"`)
	}
	s.renderConsole(w, status, consolePage{Error: errorOf(e, batch.LangEN).Message})
}

// handleConsole shows every company's batches, failed and stuck first, and
// the queues; without an operator's credentials, the sign-in form (401).
func (s *server) handleConsole(w http.ResponseWriter, r *http.Request) {
	op, err := s.operatorOf(r)
	if err != nil {
		if isUnauthorized(err) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="jhtbatch operators"`)
			s.renderConsole(w, http.StatusUnauthorized, consolePage{})
			return
		}
		s.consoleError(w, r, err)
		return
	}
	p := consolePage{Operator: op.Name, Now: s.now(), Filter: map[string]string{}}
	for _, k := range []string{"status", "company", "older_than", "newer_than", "stuck_after"} {
		p.Filter[k] = r.URL.Query().Get(k)
	}
	if done := r.URL.Query().Get("done"); done == batch.ActionRetry || done == batch.ActionCancel {
		p.Notice = "Done: " + done + "."
	}
	f, err := s.opsFilter(r)
	if err != nil {
		p.Error = errorOf(batch.ErrorOf(err), batch.LangEN).Message
		s.renderConsole(w, http.StatusBadRequest, p)
		return
	}
	list, err := s.store.AllBatches(r.Context(), p.Now, f)
	if err != nil {
		s.consoleError(w, r, err)
		return
	}
	for _, b := range list {
		cb := consoleBatch{OpsBatch: b, Retryable: b.Status == batch.StatusFailed && b.PurgedAt == nil,
			Cancelable: b.Status == batch.StatusAccepted || b.Status == batch.StatusProcessing}
		if b.UnfinishedSince != nil {
			cb.Age = p.Now.Sub(*b.UnfinishedSince).Round(time.Second).String()
		}
		p.Batches = append(p.Batches, cb)
	}
	p.Queues, err = s.queueSummary()
	if err != nil {
		p.QueueErr = "Redis cannot be reached: the queues are unknown."
	}
	s.renderConsole(w, http.StatusOK, p)
}

// queueSummary counts the tasks of each pipeline queue by state.
func (s *server) queueSummary() ([]consoleQueue, error) {
	if s.queue == nil {
		return nil, errors.New("no queue")
	}
	in := s.queue.Inspector()
	existing, err := in.Queues()
	if err != nil {
		return nil, err
	}
	var out []consoleQueue
	for _, q := range worker.Queues {
		if !slices.Contains(existing, q) { // no task was ever put on it
			out = append(out, consoleQueue{Name: q})
			continue
		}
		info, err := in.GetQueueInfo(q)
		if err != nil {
			return nil, err
		}
		out = append(out, consoleQueue{Name: q, Pending: info.Pending, Active: info.Active,
			Scheduled: info.Scheduled, Retry: info.Retry, Archived: info.Archived})
	}
	return out, nil
}

// handleConsoleLogin checks the token typed into the sign-in form and puts
// it in the operator cookie.
func (s *server) handleConsoleLogin(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.consoleError(w, r, forbidden("origin"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	token := r.PostFormValue("token")
	if _, err := s.store.AuthenticateOperator(r.Context(), token); err != nil {
		if isUnauthorized(err) {
			s.renderConsole(w, http.StatusUnauthorized, consolePage{Error: "Unknown or revoked operator token."})
			return
		}
		s.consoleError(w, r, err)
		return
	}
	setCookie(w, r, operatorCookie, token, operatorCookieAge)
	http.Redirect(w, r, "/ops/", http.StatusSeeOther)
}

// handleConsoleLogout clears the operator cookie.
func (s *server) handleConsoleLogout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.consoleError(w, r, forbidden("origin"))
		return
	}
	clearCookie(w, r, operatorCookie)
	http.Redirect(w, r, "/ops/", http.StatusSeeOther)
}

// handleConsoleAction runs a console button: retry or cancel a batch, then
// back to the list.
func (s *server) handleConsoleAction(w http.ResponseWriter, r *http.Request) {
	op, err := s.operatorOf(r)
	if err != nil {
		s.consoleError(w, r, err)
		return
	}
	id := r.PathValue("id")
	switch action := r.PathValue("action"); action {
	case batch.ActionRetry:
		_, err = s.retry(r.Context(), op, id)
	case batch.ActionCancel:
		_, err = s.store.OperatorCancelBatch(r.Context(), op.ID, id)
	default:
		err = batch.NotFound("action")
	}
	if err != nil {
		s.consoleError(w, r, err)
		return
	}
	noteBatch(r, id)
	http.Redirect(w, r, "/ops/?done="+r.PathValue("action"), http.StatusSeeOther)
}
