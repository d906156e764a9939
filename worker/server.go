package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/batch"
)

// Config configures the workers and the scheduler.
type Config struct {
	Redis          asynq.RedisConnOpt
	Concurrency    int            // WORKER_CONCURRENCY; default the number of CPUs
	BatchChunks    int            // BATCH_CHUNKS: chunks of one batch queued at a time; default the number of CPUs
	ChunkRows      int            // CHUNK_ROWS; default DefaultChunkRows
	Location       *time.Location // BUSINESS_TZ; default batch.DefaultTimeZone
	Now            func() time.Time
	Logger         *slog.Logger
	ReconcileEvery time.Duration // default 30s
	RetentionDays  int           // raw rows purged this many days after a batch finished; 0 = kept
	// Registry receives the workers' metrics; nil means
	// prometheus.DefaultRegisterer.
	Registry prometheus.Registerer
}

// DefaultChunkRows is the chunk size when none is configured: large chunks
// are faster (docs/benchmarks.md), small ones spread a batch over the workers.
// A chunk costs about 1.5 ms of PostgreSQL's CPU and 1 ms of the worker's
// besides its rows (its statements, plans, commit and task); 100,000 rows,
// same runs, alternating: 0.81-0.82 s to finished with 4,000, 0.86-0.89 s
// with 2,000, 0.84-0.85 s with 5,000 (fewer chunks to share at the end).
const DefaultChunkRows = 4000

// DefaultConcurrency is the number of tasks a worker process runs at once
// when none is configured: one per CPU, as many as DefaultBatchChunks.
//
// Asynq's processor takes a free slot, then asks Redis for a task, and
// sleeps taskCheckInterval when there is none. With slots to spare, it is
// asleep when a chunk queues the batch's next one: on 2 CPUs, 100,000
// rows, the next chunk started 16 ms after the last one ended on average
// with 4 slots, 4 ms with 2 (the processor waits for the ending chunk's
// slot instead, and asks Redis at once), and the batch finished in
// 1.51-1.75 s against 1.60-1.95 s (four alternating pairs). The cost: a
// task of another batch waits for a running chunk to end (a 50-row batch
// uploaded during the 100,000-row one finished in 0.12-0.27 s against
// 0.11-0.20 s). Until 27 Nov 2026 it was twice the number of CPUs, when a
// chunk waited on PostgreSQL longer (docs/benchmarks.md).
func DefaultConcurrency() int { return runtime.NumCPU() }

// DefaultBatchChunks is how many chunks of one batch are queued at a time
// when none is configured: one per CPU. Every chunk of a batch writes the
// same tables and index pages (claims, its indexes, the heap's last page),
// and more writers than CPUs only contend: on 2 CPUs, 100,000 rows,
// alternating runs, 4 chunks at a time took 1.80-2.01 s after the 202 with
// 2.25-2.61 s of PostgreSQL CPU; 2 at a time took 1.58-1.67 s with
// 1.61-1.85 s. A WORKER_CONCURRENCY above it keeps slots free for other
// batches' tasks.
func DefaultBatchChunks() int { return runtime.NumCPU() }

// DefaultReconcileEvery is how often the reconciler asks PostgreSQL for
// unfinished work when no interval is configured.
const DefaultReconcileEvery = 30 * time.Second

// Weights of the queues: control tasks are tiny and unblock whole batches,
// chunks do the work.
const (
	controlWeight = 6
	chunksWeight  = 3
)

// taskCheckInterval is how often an idle worker asks Redis for a task
// (docs/benchmarks.md: the 1 s default idles between chunks). Asynq sleeps
// between a half and one and a half of it when it finds no task, and a batch
// waits for that twice before its first chunk runs (its plan, then its
// chunks): 50 ms cost a 100,000-row batch about 0.1 s, 20 ms costs 0.04 s.
// An idle `jhtbatch all` then uses 2.4% of a CPU instead of 1.5% (and Redis
// 0.7% instead of 0.5%), measured over 10 s.
const taskCheckInterval = 20 * time.Millisecond

// shutdownTimeout is how long running tasks get to finish at shutdown.
const shutdownTimeout = 20 * time.Second

// The periodic tasks: claims are promoted every ten minutes, and raw rows
// past retention purged daily at 01:30 business time. Each tick is unique
// for a while, so that several schedulers queue it once; the reconciler's
// for nine tenths of its interval.
const (
	promoteSpec     = "*/10 * * * *"
	promoteUnique   = 5 * time.Minute
	retentionSpec   = "30 1 * * *"
	retentionUnique = time.Hour
)

// Backoff of a failed task: 1 s doubled at each retry up to backoffMax.
const (
	backoffMaxShift = 9
	backoffMax      = 5 * time.Minute
)

func (c Config) withDefaults() Config {
	if c.Concurrency <= 0 {
		c.Concurrency = DefaultConcurrency()
	}
	if c.BatchChunks <= 0 {
		c.BatchChunks = DefaultBatchChunks()
	}
	if c.ChunkRows <= 0 {
		c.ChunkRows = DefaultChunkRows
	}
	if c.Location == nil {
		c.Location = batch.DefaultLocation()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.ReconcileEvery <= 0 {
		c.ReconcileEvery = DefaultReconcileEvery
	}
	return c
}

// Run processes tasks and runs the schedules until ctx is done, then shuts
// down gracefully: running tasks get time to finish, the others stay queued
// (and PostgreSQL still knows them). Several Run may work against the same
// PostgreSQL and Redis at once.
func Run(ctx context.Context, store Store, cfg Config) error {
	cfg = cfg.withDefaults()
	enq := NewEnqueuer(cfg.Redis)
	defer enq.Close()
	h := NewHandlers(store, enq, cfg)
	srv := asynq.NewServer(cfg.Redis, asynq.Config{
		Concurrency:       cfg.Concurrency,
		Queues:            map[string]int{QueueControl: controlWeight, QueueChunks: chunksWeight},
		TaskCheckInterval: taskCheckInterval,
		RetryDelayFunc:    backoff,
		ErrorHandler:      asynq.ErrorHandlerFunc(h.onError),
		Logger:            newAsynqLogger(cfg.Logger),
		LogLevel:          asynq.WarnLevel,
		ShutdownTimeout:   shutdownTimeout,
	})
	if err := srv.Start(h.mux()); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	sched, err := startScheduler(cfg)
	if err != nil {
		srv.Shutdown()
		return err
	}
	// Catch up at once: work left by a crash or queued while Redis was away.
	if err := h.HandleReconcile(ctx, nil); err != nil {
		cfg.Logger.Warn("first reconcile failed; the scheduler retries", "err", err)
	}
	rescuing := make(chan struct{})
	go func() {
		defer close(rescuing)
		h.rescueLoop(ctx)
	}()
	cfg.Logger.Info("workers started", "concurrency", cfg.Concurrency, "batch_chunks", cfg.BatchChunks, "chunk_rows", cfg.ChunkRows)
	<-ctx.Done()
	<-rescuing
	sched.Shutdown()
	srv.Shutdown()
	cfg.Logger.Info("workers stopped")
	return nil
}

func (h *Handlers) mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypePlan, h.HandlePlan)
	mux.HandleFunc(TypeChunk, h.HandleChunk)
	mux.HandleFunc(TypeFinalize, h.HandleFinalize)
	mux.HandleFunc(TypeNotify, h.HandleNotify)
	mux.HandleFunc(TypeReconcile, h.HandleReconcile)
	mux.HandleFunc(TypePromote, h.HandlePromote)
	mux.HandleFunc(TypeRetention, h.HandleRetention)
	return mux
}

// startScheduler registers the periodic tasks. With several worker processes
// each runs a scheduler; Unique keeps one copy of each tick.
func startScheduler(cfg Config) (*asynq.Scheduler, error) {
	s := asynq.NewScheduler(cfg.Redis, &asynq.SchedulerOpts{Location: cfg.Location, Logger: newAsynqLogger(cfg.Logger),
		LogLevel: asynq.ErrorLevel})
	every := fmt.Sprintf("@every %s", cfg.ReconcileEvery)
	jobs := []struct {
		spec, typ string
		unique    time.Duration
	}{
		{every, TypeReconcile, cfg.ReconcileEvery * 9 / 10},
		{promoteSpec, TypePromote, promoteUnique},
		{retentionSpec, TypeRetention, retentionUnique},
	}
	for _, j := range jobs {
		_, err := s.Register(j.spec, newScheduledTask(j.typ), asynq.Queue(QueueControl),
			asynq.Unique(j.unique), asynq.MaxRetry(0))
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", j.typ, err)
		}
	}
	if err := s.Start(); err != nil {
		return nil, fmt.Errorf("start scheduler: %w", err)
	}
	return s, nil
}

// backoff waits 1 s, 2 s, 4 s … up to 5 minutes, with jitter, so a short
// PostgreSQL outage costs seconds and a long one does not hammer it.
func backoff(n int, _ error, _ *asynq.Task) time.Duration {
	d := time.Second << min(n, backoffMaxShift)
	d = min(d, backoffMax)
	return d/2 + rand.N(d/2+1)
}

// onError fails the batch when one of its tasks has used all its retries:
// the batch then ends failed instead of staying unfinished for ever.
func (h *Handlers) onError(ctx context.Context, t *asynq.Task, err error) {
	retried, _ := asynq.GetRetryCount(ctx)
	maxRetry, _ := asynq.GetMaxRetry(ctx)
	h.log.Warn("task failed", "type", t.Type(), "retried", retried, "err", err)
	h.metrics.taskFailures.WithLabelValues(t.Type()).Inc()
	if retried < maxRetry && !errors.Is(err, asynq.SkipRetry) {
		return
	}
	var p PlanPayload // every batch task's payload has batch_id
	if decode(t, &p) != nil || p.BatchID == "" {
		return
	}
	if ferr := h.store.FailBatch(ctx, p.BatchID, t.Type()+" failed: "+err.Error()); ferr != nil {
		h.log.Error("could not mark batch failed", "batch_id", p.BatchID, "err", ferr)
	}
}
