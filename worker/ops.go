package worker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hibiken/asynq"

	"jhtbatch/batch"
)

// Queues lists the pipeline's queues, for the operators' views.
var Queues = []string{QueueControl, QueueChunks}

// resumeChunks is how many chunks a retried batch gets queued at once; each
// chunk done queues the next ones, as in a first run.
const resumeChunks = 4

// RedisOpt returns the Redis connection the Enqueuer uses, for the queue
// dashboard.
func (e *Enqueuer) RedisOpt() asynq.RedisConnOpt { return e.redis }

// Inspector returns the Enqueuer's Asynq inspector (closed with it), for
// the operators' views and the queue metrics.
func (e *Enqueuer) Inspector() *asynq.Inspector { return e.inspector() }

// Resume queues the work of a batch an operator retried (already set back
// to accepted or processing in PostgreSQL): its plan when it was never
// planned, else its lowest pending chunks, else its finalize. The archived
// tasks of the batch — those that used all their retries and failed it —
// are deleted first: their TaskIDs would otherwise keep the new tasks out.
// When Redis is down, the reconciler queues the work later.
func (e *Enqueuer) Resume(ctx context.Context, store ChunkLister, batchID string, status batch.Status) error {
	if err := e.dropArchived(batchID); err != nil {
		return err
	}
	if status == batch.StatusAccepted {
		return e.EnqueuePlan(ctx, batchID)
	}
	chunks, err := store.PendingChunks(ctx, batchID, resumeChunks)
	if err != nil {
		return err
	}
	if len(chunks) == 0 {
		return e.enqueueFinalize(ctx, batchID)
	}
	return e.enqueueChunks(ctx, chunks)
}

// archivedPageSize is how many archived tasks one call of the inspector
// lists.
const archivedPageSize = 100

// dropArchived deletes the archived tasks of batch id from every queue.
func (e *Enqueuer) dropArchived(batchID string) error {
	in := e.inspector()
	existing, err := in.Queues()
	if err != nil {
		return fmt.Errorf("list queues: %w", err)
	}
	for _, q := range Queues {
		if !slices.Contains(existing, q) {
			continue
		}
		var ids []string
		for page := 1; ; page++ {
			tasks, err := in.ListArchivedTasks(q, asynq.PageSize(archivedPageSize), asynq.Page(page))
			if errors.Is(err, asynq.ErrQueueNotFound) {
				break
			}
			if err != nil {
				return fmt.Errorf("list archived tasks of queue %s: %w", q, err)
			}
			for _, t := range tasks {
				if strings.Contains(t.ID, batchID) {
					ids = append(ids, t.ID)
				}
			}
			if len(tasks) < archivedPageSize {
				break
			}
		}
		for _, id := range ids {
			if err := in.DeleteTask(q, id); err != nil && !errors.Is(err, asynq.ErrTaskNotFound) {
				return fmt.Errorf("delete archived task %s: %w", id, err)
			}
		}
	}
	return nil
}

// forgetSessions deletes dead HR sessions and old sign-in failures; it runs
// with the daily retention task, whatever RETENTION_DAYS says.
func (h *Handlers) forgetSessions(ctx context.Context) error {
	n, err := h.store.ForgetSessions(ctx, h.now())
	if err == nil && n > 0 {
		h.log.Info("old sessions deleted", "count", n)
	}
	return err
}
