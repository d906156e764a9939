package worker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hibiken/asynq"
)

// orphanPageSize is how many active tasks of a queue one look takes:
// far more than the tasks the workers can run at once.
const orphanPageSize = 1000

// How a dead worker's tasks are found. Asynq (v0.26, both fixed there)
// gives a task it hands out a lease of asynqLease, and the heartbeat of the
// worker running it extends the lease to asynqLease ahead every 5 s. Asynq
// itself takes a task back only 30 s after its lease ran out (its
// recoverer), so a kill -9 stalled the dead worker's chunks, and with them
// their batch, for a minute or more. A lease not extended for leaseStale is
// one whose worker missed its heartbeat by 2 s: dead, frozen or cut off
// from Redis. Looking every rescueEvery, a dead worker's chunks run again
// 2-8 s after the kill.
const (
	asynqLease  = 30 * time.Second
	leaseStale  = 7 * time.Second
	rescueEvery = time.Second
	// rescueRetention keeps a finished copy's TaskID for longer than the
	// original can stay active (its lease, the recoverer's 30 s and its
	// one-minute round), so the next looks do not queue it again.
	rescueRetention = 5 * time.Minute
)

// rescueLoop rescues orphans every rescueEvery until ctx is done. Every
// worker process runs one; a copy's TaskID makes their copies one. A
// failure is logged when it starts, not every second while Redis is away.
func (h *Handlers) rescueLoop(ctx context.Context) {
	t := time.NewTicker(rescueEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := h.rescueOrphans(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			h.log.Warn("rescue of orphaned tasks failed; looking again every second", "err", err)
		case err == nil && failing:
			h.log.Info("rescue of orphaned tasks works again")
		}
		failing = err != nil
		if n > 0 {
			h.log.Info("orphaned tasks queued again", "tasks", n)
		}
	}
}

// rescueOrphans queues again the work of tasks that a dead worker left
// "active". Meanwhile the task's TaskID keeps the reconciler and the other
// chunks from queuing that work again. A copy under another TaskID runs
// now; PostgreSQL makes the work happen once (the chunk's row lock: a
// worker that was alive after all and the copy take turns, and the second
// finds the chunk done), so the original finds nothing to do when Asynq
// retries it.
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
		if len(tasks) == 0 {
			continue
		}
		leases, err := h.enq.leases(ctx, q)
		if err != nil {
			return n, err
		}
		// Leases are Asynq's, on the real clock: not the injected one.
		now := time.Now()
		for _, t := range tasks {
			c := rescueCopy(t, leases[t.ID], now)
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

// orphaned tells whether an active task whose lease runs to lease (zero:
// not known) has lost its worker at now.
func orphaned(t *asynq.TaskInfo, lease, now time.Time) bool {
	return t.IsOrphaned || (!lease.IsZero() && lease.Before(now.Add(asynqLease-leaseStale)))
}

// rescueCopy is the copy of an orphaned pipeline task, or nil for a task
// that is not orphaned or not the pipeline's.
func rescueCopy(t *asynq.TaskInfo, lease, now time.Time) *asynq.Task {
	if !orphaned(t, lease, now) {
		return nil
	}
	switch t.Type {
	case TypePlan, TypeChunk, TypeFinalize:
	default:
		return nil
	}
	return newRescueTask(t, rescueID(t.ID, lease, now))
}

// rescueID is the TaskID of the copy of task id: its base and the second
// its lease ends, which stays the same once the worker is dead. So every
// rescuer names the same copy, and a copy that is itself orphaned later
// (another lease) is rescued in turn. Without a known lease, the minute.
func rescueID(id string, lease, now time.Time) string {
	base, _, _ := strings.Cut(id, ":rescue")
	if lease.IsZero() {
		return fmt.Sprintf("%s:rescue-m%d", base, now.Unix()/60)
	}
	return fmt.Sprintf("%s:rescue%d", base, lease.Unix())
}
