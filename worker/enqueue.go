package worker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"jhtbatch/batch"
)

// Enqueuer puts tasks on the queue for the API and the handlers.
type Enqueuer struct {
	client *asynq.Client
	redis  asynq.RedisConnOpt

	inspectOnce sync.Once
	inspect     *asynq.Inspector      // made on first use: only the reconciler and the rescuer need one
	rdb         redis.UniversalClient // the rescuer's reader of leases, made with inspect
}

// NewEnqueuer returns an Enqueuer that talks to Redis at opt.
func NewEnqueuer(opt asynq.RedisConnOpt) *Enqueuer {
	return &Enqueuer{client: asynq.NewClient(opt), redis: opt}
}

// Close releases the Redis connections.
func (e *Enqueuer) Close() error {
	err := e.client.Close()
	e.inspectOnce.Do(func() {}) // no inspector may be made after Close
	if e.inspect != nil {
		err = errors.Join(err, e.inspect.Close())
	}
	if e.rdb != nil {
		err = errors.Join(err, e.rdb.Close())
	}
	return err
}

// inspector returns the Enqueuer's Asynq inspector on the same Redis, made
// once and reused by every reconcile.
func (e *Enqueuer) inspector() *asynq.Inspector {
	e.inspectOnce.Do(e.makeInspector)
	return e.inspect
}

func (e *Enqueuer) makeInspector() {
	e.inspect = asynq.NewInspector(e.redis)
	e.rdb, _ = e.redis.MakeRedisClient().(redis.UniversalClient)
}

// leases returns when the lease of each active task of queue q ends.
// Asynq's Inspector does not show leases: they are read from its sorted set
// asynq:{<queue>}:lease (task id → Unix second), as asynq v0.26 keeps them.
// Should a new Asynq keep them elsewhere, the map comes back empty and only
// Asynq's own orphans are rescued: TestKilledWorkersChunksRunAgainBeforeTheLeaseEnds
// then fails.
func (e *Enqueuer) leases(ctx context.Context, q string) (map[string]time.Time, error) {
	e.inspectOnce.Do(e.makeInspector)
	if e.rdb == nil {
		return nil, errors.New("read leases: Asynq's Redis client is not a go-redis v9 client")
	}
	zs, err := e.rdb.ZRangeWithScores(ctx, "asynq:{"+q+"}:lease", 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("read leases of queue %s: %w", q, err)
	}
	out := make(map[string]time.Time, len(zs))
	for _, z := range zs {
		if id, ok := z.Member.(string); ok {
			out[id] = time.Unix(int64(z.Score), 0)
		}
	}
	return out, nil
}

// Ping checks that Redis answers.
// Asynq's Ping takes no context, so it runs aside and ctx bounds the wait.
func (e *Enqueuer) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- e.client.Ping() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// EnqueuePlan asks the workers to plan batch id. A plan task already queued
// for it counts as success. When Redis is down the error is returned, and
// the reconciler enqueues the plan later from PostgreSQL.
func (e *Enqueuer) EnqueuePlan(ctx context.Context, batchID string) error {
	t, err := NewPlanTask(batchID)
	if err != nil {
		return err
	}
	return e.enqueue(ctx, t)
}

// enqueue enqueues t; a task with the same TaskID already queued is success:
// that is how duplicates are avoided.
func (e *Enqueuer) enqueue(ctx context.Context, t *asynq.Task, opts ...asynq.Option) error {
	_, err := e.client.EnqueueContext(ctx, t, opts...)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
		return fmt.Errorf("enqueue %s: %w", t.Type(), err)
	}
	return nil
}

func (e *Enqueuer) enqueueChunks(ctx context.Context, chunks []batch.Chunk) error {
	for _, c := range chunks {
		t, err := NewChunkTask(ChunkPayload{BatchID: c.BatchID, ChunkNo: c.No, FirstRow: c.FirstRow, LastRow: c.LastRow})
		if err != nil {
			return err
		}
		if err := e.enqueue(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

func (e *Enqueuer) enqueueFinalize(ctx context.Context, batchID string) error {
	t, err := NewFinalizeTask(batchID)
	if err != nil {
		return err
	}
	return e.enqueue(ctx, t)
}

func (e *Enqueuer) enqueueNotify(ctx context.Context, batchID string) error {
	t, err := NewNotifyTask(batchID)
	if err != nil {
		return err
	}
	return e.enqueue(ctx, t)
}
