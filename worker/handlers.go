package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"jhtbatch/batch"
)

// Handlers processes the pipeline's tasks. Every handler asks PostgreSQL
// what is still to do, so running a task twice does its work once.
type Handlers struct {
	store    Store
	enq      *Enqueuer
	log      *slog.Logger
	now      func() time.Time
	loc      *time.Location
	rows     int // rows per chunk
	inFlight int // chunks of one batch queued at a time, so one big batch cannot starve the others
	keepDays int
	metrics  *metrics
}

// NewHandlers returns the handlers for cfg (defaults filled in).
func NewHandlers(store Store, enq *Enqueuer, cfg Config) *Handlers {
	cfg = cfg.withDefaults()
	return &Handlers{store: store, enq: enq, log: cfg.Logger, now: cfg.Now, loc: cfg.Location,
		rows: cfg.ChunkRows, inFlight: cfg.BatchChunks, keepDays: cfg.RetentionDays,
		metrics: newMetrics(cfg.Registry)}
}

// today is the processing date: the civil date now in the business zone.
func (h *Handlers) today() time.Time {
	return batch.BusinessDay(h.now(), h.loc)
}

// HandlePlan finds the batch's duplicates, splits it into chunks and queues
// the first of them.
func (h *Handlers) HandlePlan(ctx context.Context, t *asynq.Task) error {
	var p PlanPayload
	if err := decode(t, &p); err != nil {
		return err
	}
	start := time.Now()
	chunks, err := h.store.PlanBatch(ctx, p.BatchID, h.rows, h.today())
	if err != nil {
		return permanentIfNotFound(err)
	}
	h.log.Info("batch planned", "batch_id", p.BatchID, "chunks_pending", len(chunks), "duration", time.Since(start))
	if len(chunks) == 0 {
		return h.enq.enqueueFinalize(ctx, p.BatchID)
	}
	return h.enq.enqueueChunks(ctx, limit(chunks, h.inFlight))
}

// HandleChunk judges one chunk of rows and records the outcomes, then queues
// the batch's next chunks, or its finalize once every row has an outcome.
func (h *Handlers) HandleChunk(ctx context.Context, t *asynq.Task) error {
	var p ChunkPayload
	if err := decode(t, &p); err != nil {
		return err
	}
	start := time.Now()
	c := batch.Chunk{BatchID: p.BatchID, No: p.ChunkNo, FirstRow: p.FirstRow, LastRow: p.LastRow}
	res, err := h.store.RunChunk(ctx, c)
	if err != nil {
		return err // retried with backoff: nothing of the chunk was committed
	}
	if !res.Skipped {
		h.metrics.observeChunk(res, time.Since(start))
		h.log.Info("chunk done", "batch_id", p.BatchID, "chunk", p.ChunkNo, "rows", res.Rows,
			"created", res.Created, "rejected", res.Rejected, "duration", time.Since(start))
	}
	if res.BatchDone {
		// Finalize here rather than through a task: the batch is done
		// one queue hop sooner. FinalizeBatch does nothing twice; when it
		// fails, the finalize task takes over (with its retries).
		if err := h.finalize(ctx, p.BatchID); err != nil {
			h.log.Warn("finalize after the last chunk failed; queued", "batch_id", p.BatchID, "err", err)
			return h.enq.enqueueFinalize(ctx, p.BatchID)
		}
		return nil
	}
	return h.queueNext(ctx, p.BatchID)
}

// queueNext queues the lowest pending chunks of the batch; those already
// queued or running keep their place (TaskID).
func (h *Handlers) queueNext(ctx context.Context, batchID string) error {
	next, err := h.store.PendingChunks(ctx, batchID, h.inFlight)
	if err != nil {
		return err
	}
	return h.enq.enqueueChunks(ctx, next)
}

// HandleFinalize closes a batch whose rows all have their outcome.
func (h *Handlers) HandleFinalize(ctx context.Context, t *asynq.Task) error {
	var p FinalizePayload
	if err := decode(t, &p); err != nil {
		return err
	}
	return permanentIfNotFound(h.finalize(ctx, p.BatchID))
}

// finalize closes the batch when all its chunks are done and queues its
// announcement.
func (h *Handlers) finalize(ctx context.Context, batchID string) error {
	done, err := h.store.FinalizeBatch(ctx, batchID)
	if err != nil || !done {
		return err
	}
	h.log.Info("batch finished", "batch_id", batchID)
	h.metrics.batchesFinished.Inc()
	return h.enq.enqueueNotify(ctx, batchID)
}

// HandleReconcile queues again whatever PostgreSQL says is unfinished:
// batches not planned, chunks not done, batches not finalized. It is what
// makes the pipeline survive a Redis that lost its tasks. (The tasks a
// dead worker left are rescued apart, every second: orphans.go.)
func (h *Handlers) HandleReconcile(ctx context.Context, _ *asynq.Task) error {
	u, err := h.store.UnfinishedWork(ctx, h.inFlight)
	if err != nil {
		return err
	}
	for _, id := range u.Plan {
		if err := h.enq.EnqueuePlan(ctx, id); err != nil {
			return err
		}
	}
	if err := h.enq.enqueueChunks(ctx, u.Chunks); err != nil {
		return err
	}
	for _, id := range u.Finalize {
		if err := h.enq.enqueueFinalize(ctx, id); err != nil {
			return err
		}
	}
	for _, id := range u.Notify {
		if err := h.enq.enqueueNotify(ctx, id); err != nil {
			return err
		}
	}
	if n := len(u.Plan) + len(u.Chunks) + len(u.Finalize); n > 0 {
		h.log.Debug("reconciled", "plans", len(u.Plan), "chunks", len(u.Chunks), "finalizes", len(u.Finalize))
	}
	return nil
}

// HandlePromote moves WAITING claims whose date has come to READY.
func (h *Handlers) HandlePromote(ctx context.Context, _ *asynq.Task) error {
	n, err := h.store.PromoteClaims(ctx, h.today())
	if err == nil && n > 0 {
		h.log.Info("claims ready", "count", n)
	}
	return err
}

// HandleRetention purges the raw rows of batches finished more than the
// retention period ago.
// Dead sessions are forgotten too (ops.go); a failure of one never keeps
// the other from running: personal data must not outlive its day because
// of a session table.
func (h *Handlers) HandleRetention(ctx context.Context, _ *asynq.Task) error {
	sessions := h.forgetSessions(ctx)
	if h.keepDays <= 0 {
		return sessions
	}
	n, err := h.store.PurgeBefore(ctx, h.now().AddDate(0, 0, -h.keepDays))
	if err == nil && n > 0 {
		h.log.Info("raw rows purged", "rows", n, "older_than_days", h.keepDays)
	}
	return errors.Join(err, sessions)
}

func decode(t *asynq.Task, v any) error {
	if err := json.Unmarshal(t.Payload(), v); err != nil {
		return fmt.Errorf("decode %s payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return nil
}

// permanentIfNotFound stops retrying a task whose batch does not exist.
func permanentIfNotFound(err error) error {
	if e := batch.ErrorOf(err); e != nil && e.Kind == batch.KindNotFound {
		return fmt.Errorf("%v: %w", err, asynq.SkipRetry)
	}
	return err
}

func limit[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}
