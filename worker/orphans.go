package worker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hibiken/asynq"
)

// orphanPageSize is how many active tasks of a queue one reconcile looks at:
// far more than the tasks the workers can run at once.
const orphanPageSize = 1000

// rescueOrphans queues again the work of tasks that a dead worker left
// "active". Asynq gives such a task back only once its lease has expired and
// its recoverer has looked (up to about two minutes after a kill -9), and
// meanwhile the task's TaskID keeps the reconciler from queuing that work
// again. A copy under another TaskID runs now; PostgreSQL makes the work
// happen once, so the original finds nothing to do when Asynq retries it.
func (h *Handlers) rescueOrphans(ctx context.Context) (int, error) {
	ins := h.enq.inspector()
	n := 0
	for _, q := range []string{QueueControl, QueueChunks} {
		tasks, err := ins.ListActiveTasks(q, asynq.PageSize(orphanPageSize))
		if errors.Is(err, asynq.ErrQueueNotFound) {
			continue // nothing was ever queued there (or Redis lost it all)
		}
		if err != nil {
			return n, fmt.Errorf("list active %s tasks: %w", q, err)
		}
		for _, t := range tasks {
			c := rescueCopy(t, h.now())
			if c == nil {
				continue
			}
			if err := h.enq.enqueue(ctx, c, asynq.Queue(t.Queue)); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// rescueCopy is the copy of an orphaned pipeline task, or nil for a task
// that is not orphaned or not the pipeline's. Its TaskID names the minute,
// so that several reconcilers queue one copy, and a copy that is itself
// orphaned later can be rescued in turn.
func rescueCopy(t *asynq.TaskInfo, now time.Time) *asynq.Task {
	if !t.IsOrphaned {
		return nil
	}
	switch t.Type {
	case TypePlan, TypeChunk, TypeFinalize:
	default:
		return nil
	}
	return newRescueTask(t, now)
}

// rescueID is the TaskID of the copy of task id made at now.
func rescueID(id string, now time.Time) string {
	base, _, _ := strings.Cut(id, ":rescue")
	return fmt.Sprintf("%s:rescue%d", base, now.Unix()/60)
}
