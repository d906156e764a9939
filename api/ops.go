package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynqmon"
	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/batch"
	"jhtbatch/credential"
)

// operatorCookie carries an operator's token in the browser, set by the
// console's sign-in form: a browser cannot send a Bearer header when it
// navigates, and a token never goes in a URL.
const operatorCookie = "jht_ops"

// operatorCookieAge is how long the console stays signed in.
const operatorCookieAge = 8 * time.Hour

// ops is the state of the operators' and accounts' routes.
type ops struct {
	now           func() time.Time
	sessionLimits batch.SessionLimits
	stuckAfter    time.Duration

	reportBuilds prometheus.Gauge // reports being written right now

	queueUIOnce      sync.Once
	queueUI, queueRW http.Handler // the queue dashboard, read-only and read-write; made on first use
}

func newOps(cfg Config, reg prometheus.Registerer) *ops {
	o := &ops{now: cfg.Now, stuckAfter: cfg.StuckAfter,
		sessionLimits: batch.SessionLimits{Idle: cfg.SessionIdle, Max: cfg.SessionMax}}
	if o.now == nil {
		o.now = time.Now
	}
	if o.sessionLimits.Idle <= 0 {
		o.sessionLimits.Idle = DefaultSessionIdle
	}
	if o.sessionLimits.Max <= 0 {
		o.sessionLimits.Max = DefaultSessionMax
	}
	if o.stuckAfter <= 0 {
		o.stuckAfter = batch.DefaultStuckAfter
	}
	if cfg.Store != nil {
		credential.PrepareLogin()
	}
	o.reportBuilds = registerOpsMetrics(reg, cfg)
	return o
}

// operatorHandler is a handler that runs for an authenticated operator.
type operatorHandler func(w http.ResponseWriter, r *http.Request, op batch.Operator)

// operatorOf authenticates an operator by Bearer token or by the console's
// cookie. A company's key or session is 403 here, nothing is 401. A
// state-changing request signed in by cookie must come from our own origin.
func (s *server) operatorOf(r *http.Request) (batch.Operator, error) {
	if token, ok := bearerKey(r.Header.Get("Authorization")); ok {
		if credential.IsOperatorToken(token) {
			return s.store.AuthenticateOperator(r.Context(), token)
		}
		if _, err := s.store.Authenticate(r.Context(), token); err == nil {
			return batch.Operator{}, forbidden("company")
		}
		return batch.Operator{}, unauthorized()
	}
	if ck, err := r.Cookie(operatorCookie); err == nil && ck.Value != "" {
		op, err := s.store.AuthenticateOperator(r.Context(), ck.Value)
		if err != nil {
			return batch.Operator{}, err
		}
		if !safeMethod(r.Method) && !sameOrigin(r) {
			return batch.Operator{}, forbidden("origin")
		}
		return op, nil
	}
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if _, _, err := s.store.SessionUser(r.Context(), ck.Value, s.now(), s.sessionLimits); err == nil {
			return batch.Operator{}, forbidden("company")
		}
	}
	return batch.Operator{}, unauthorized()
}

// opsAuth runs h for an authenticated operator; otherwise it answers the
// error as JSON.
func (s *server) opsAuth(h operatorHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, err := s.operatorOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r, op)
	})
}

// opsBatchJSON is a batch as operators see it: any company's.
type opsBatchJSON struct {
	batchJSON
	CompanyNPP      string     `json:"company_npp"`
	UnfinishedSince *time.Time `json:"unfinished_since"`
	Stuck           bool       `json:"stuck"`
}

func toOpsBatchJSON(b batch.OpsBatch) opsBatchJSON {
	j := opsBatchJSON{batchJSON: toBatchJSON(b.Batch), CompanyNPP: b.CompanyNPP,
		UnfinishedSince: utc(b.UnfinishedSince), Stuck: b.Stuck}
	self := "/v1/ops/batches/" + b.ID
	j.Links = batchLinks{Self: batch.BatchPath(b.ID), Cancel: self + "/cancel"}
	return j
}

// opsFilter reads the filters of the operators' batch list from the query:
// status (one or several, comma-separated), company (an NPP), older_than
// and newer_than (ages like 30m or 24h), stuck_after, limit.
func (s *server) opsFilter(r *http.Request) (batch.OpsFilter, error) {
	q := r.URL.Query()
	f := batch.OpsFilter{CompanyNPP: q.Get("company"), StuckAfter: s.stuckAfter}
	for _, st := range strings.Split(q.Get("status"), ",") {
		st = strings.TrimSpace(st)
		if st == "" {
			continue
		}
		if !validStatus(st) {
			return f, invalidParam("status")
		}
		f.Statuses = append(f.Statuses, st)
	}
	for _, p := range []struct {
		name string
		dst  *time.Duration
	}{{"older_than", &f.OlderThan}, {"newer_than", &f.NewerThan}, {"stuck_after", &f.StuckAfter}} {
		if v := q.Get(p.name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return f, invalidParam(p.name)
			}
			*p.dst = d
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > batch.MaxOpsLimit {
			return f, invalidParam("limit")
		}
		f.Limit = n
	}
	return f, nil
}

// validStatus reports whether st is a batch status the API shows.
func validStatus(st string) bool {
	switch batch.Status(st) {
	case batch.StatusAccepted, batch.StatusProcessing, batch.StatusCompleted, batch.StatusCompletedWithErrors,
		batch.StatusFailed, batch.StatusCancelled:
		return true
	}
	return false
}

// handleOpsBatches lists every company's batches, failed and stuck first.
func (s *server) handleOpsBatches(w http.ResponseWriter, r *http.Request, _ batch.Operator) {
	f, err := s.opsFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.store.AllBatches(r.Context(), s.now(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		Batches []opsBatchJSON `json:"batches"`
	}{Batches: make([]opsBatchJSON, 0, len(list))}
	for _, b := range list {
		out.Batches = append(out.Batches, toOpsBatchJSON(b))
	}
	writeJSON(w, http.StatusOK, out)
}

// handleOpsRetry lets a failed batch continue from its unfinished chunks:
// 202 with the batch, now processing again; 409 NOT_RETRYABLE for any
// other batch.
func (s *server) handleOpsRetry(w http.ResponseWriter, r *http.Request, op batch.Operator) {
	b, err := s.retry(r.Context(), op, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	noteBatch(r, b.ID)
	writeJSON(w, http.StatusAccepted, toBatchJSON(b))
}

func (s *server) retry(ctx context.Context, op batch.Operator, id string) (batch.Batch, error) {
	b, err := s.store.RetryBatch(ctx, op.ID, id)
	if err != nil {
		return b, err
	}
	s.log.InfoContext(ctx, "batch retried by operator", "batch_id", b.ID, "operator_id", op.ID)
	if s.queue != nil {
		if err := s.queue.Resume(ctx, s.store, b.ID, b.Status); err != nil {
			// PostgreSQL says what is left; the reconciler queues it.
			s.log.WarnContext(ctx, "could not queue a retried batch; the reconciler will", "batch_id", b.ID, "err", err)
		}
	}
	return b, nil
}

// handleOpsCancel cancels any company's unfinished batch.
func (s *server) handleOpsCancel(w http.ResponseWriter, r *http.Request, op batch.Operator) {
	b, err := s.store.OperatorCancelBatch(r.Context(), op.ID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	noteBatch(r, b.ID)
	s.log.InfoContext(r.Context(), "batch cancelled by operator", "batch_id", b.ID, "operator_id", op.ID)
	writeJSON(w, http.StatusOK, toBatchJSON(b))
}

// queuePath is where the Asynq queue dashboard is mounted.
const queuePath = "/ops/queues"

// handleQueues serves the Asynq queue dashboard: read-only, unless the
// operator's token was made with --write-queues.
func (s *server) handleQueues(w http.ResponseWriter, r *http.Request, op batch.Operator) {
	if s.queue == nil {
		s.writeError(w, r, &batch.Error{Kind: batch.KindUnavailable, Code: batch.CodeQueueUnavailable})
		return
	}
	s.queueUIOnce.Do(func() {
		opt := s.queue.RedisOpt()
		s.queueUI = asynqmon.New(asynqmon.Options{RootPath: queuePath, RedisConnOpt: opt, ReadOnly: true})
		s.queueRW = asynqmon.New(asynqmon.Options{RootPath: queuePath, RedisConnOpt: opt})
	})
	ui := s.queueUI
	if op.WriteQueues {
		ui = s.queueRW
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		ui.ServeHTTP(w, r)
		return
	}
	// A change (delete, run, archive a task): audited with its answer, as
	// the console's retry and cancel are. The request is served first so
	// that the record says what happened, not what was tried.
	rec := &statusRecorder{ResponseWriter: w}
	ui.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	detail := fmt.Sprintf("%s %s -> %d", r.Method, r.URL.Path, rec.status)
	ctx := context.WithoutCancel(r.Context())
	if err := s.store.AuditQueueAction(ctx, op.ID, detail); err != nil {
		s.log.ErrorContext(ctx, "queue dashboard action not audited", "operator_id", op.ID, "err", err)
	}
}
