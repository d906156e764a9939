package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/postgres"
	"jhtbatch/worker"
)

// The fault tests run the workers in a child process (this test binary
// started again with JHTBATCH_TEST_CHILD=worker) so that they can be killed
// for real. After every fault the batch must finish with every row judged
// once, one claim per created row and counters equal to the rows.

// runChild is the child process: workers until SIGTERM.
func runChild() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	pool, err := postgres.Connect(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	opt, err := asynq.ParseRedisURI(os.Getenv("REDIS_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rows, _ := strconv.Atoi(os.Getenv("CHUNK_ROWS"))
	err = worker.Run(ctx, postgres.NewStore(pool), worker.Config{Redis: opt, Concurrency: 2, ChunkRows: rows,
		ReconcileEvery: 2 * time.Second, Now: func() time.Time { return today },
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// child is a worker process of a fault test.
type child struct {
	t   *testing.T
	cmd *exec.Cmd
	out strings.Builder
}

func startChild(t *testing.T, dsn, redisURL string, chunkRows int) *child {
	t.Helper()
	c := &child{t: t, cmd: exec.Command(os.Args[0], "-test.run=^$")}
	c.cmd.Env = append(os.Environ(), "JHTBATCH_TEST_CHILD=worker", "DATABASE_URL="+dsn, "REDIS_URL="+redisURL,
		"CHUNK_ROWS="+strconv.Itoa(chunkRows))
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})
	return c
}

func (c *child) kill() {
	c.t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		c.t.Fatal(err)
	}
	_ = c.cmd.Wait()
}

// stop sends SIGTERM and expects a clean exit within the shutdown timeout.
func (c *child) stop() {
	c.t.Helper()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		c.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			c.t.Fatalf("worker did not exit cleanly on SIGTERM: %v\n%s", err, c.out.String())
		}
	case <-time.After(40 * time.Second):
		c.t.Fatalf("worker still running 40 s after SIGTERM\n%s", c.out.String())
	}
}

// validBatch registers n participants and uploads a batch of n valid rows
// for them.
func (e env) validBatch(t *testing.T, n int) batch.Batch {
	t.Helper()
	reg, file := batchtest.ValidFile(n, e.company.NPP)
	if _, err := e.store.ImportParticipants(context.Background(), strings.NewReader(reg)); err != nil {
		t.Fatal(err)
	}
	return e.upload(t, file, batch.ModeCreate)
}

// waitFor polls until cond holds for the batch, failing after timeout.
func (e env) waitFor(t *testing.T, id string, timeout time.Duration, cond func(batch.Batch) bool) batch.Batch {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, err := e.store.Batch(context.Background(), e.company.ID, id)
		if err == nil && cond(b) {
			return b
		}
		if time.Now().After(deadline) { // errors are retried: a fault test cuts connections on purpose
			t.Fatalf("batch %s: condition not met after %s (status %s, %d/%d rows)", id, timeout, b.Status, b.ProcessedRows, b.TotalRows)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkComplete asserts the guarantees: finished completed, every row
// judged, one claim per created row and per KPJ, counters equal to the rows.
func (e env) checkComplete(t *testing.T, id string, n int) {
	t.Helper()
	b := e.waitFor(t, id, 4*time.Minute, func(b batch.Batch) bool { return b.Status.Finished() })
	if b.Status != batch.StatusCompleted || b.TotalRows != n || b.ProcessedRows != n || b.Created != n {
		t.Errorf("batch = %s total %d processed %d created %d; want completed with %d of each",
			b.Status, b.TotalRows, b.ProcessedRows, b.Created, n)
	}
	var rows, judged, created, claims, kpjs, linked int
	err := e.db.QueryRow(context.Background(), `
		WITH r AS (
			SELECT r.row_no, o.outcome, o.claim_number AS outcome_claim, c.claim_number AS claim
			FROM batch_rows r
			LEFT JOIN batch_outcomes o ON o.batch_id = r.batch_id AND o.row_no = r.row_no
			LEFT JOIN claims c ON c.batch_id = r.batch_id AND c.row_no = r.row_no
			WHERE r.batch_id = $1)
		SELECT (SELECT count(*) FROM r),
			-- a row is judged when it has an outcome, or a claim without one
			-- (created without any issue: no outcome row is stored for it)
			(SELECT count(*) FROM r WHERE outcome IS NOT NULL OR claim IS NOT NULL),
			(SELECT count(*) FROM r WHERE coalesce(outcome, CASE WHEN claim IS NOT NULL THEN 'CREATED' END) = 'CREATED'),
			(SELECT count(*) FROM claims WHERE batch_id = $1),
			(SELECT count(DISTINCT kpj) FROM claims WHERE batch_id = $1),
			(SELECT count(*) FROM r WHERE claim IS NOT NULL AND (outcome IS NULL OR outcome_claim = claim))`, id).
		Scan(&rows, &judged, &created, &claims, &kpjs, &linked)
	if err != nil {
		t.Fatal(err)
	}
	if rows != n || judged != n || created != n || claims != n || kpjs != n || linked != n {
		t.Errorf("rows %d, judged %d, created %d, claims %d, distinct KPJs %d, rows linked to their claim %d; want %d of each",
			rows, judged, created, claims, kpjs, linked, n)
	}
}

func flushRedis(t *testing.T, redisURL string) {
	t.Helper()
	u, err := url.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	db, _ := strconv.Atoi(strings.TrimPrefix(u.Path, "/"))
	c := redis.NewClient(&redis.Options{Addr: u.Host, DB: db})
	defer c.Close()
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}

// The acceptance scenario: 20,000 rows through kill -9, a Redis
// FLUSHDB and kill -9 again end completed with 20,000 claims, none doubled.
func TestSurvivesKillFlushKill(t *testing.T) {
	const n = 20000
	e := newEnv(t)
	b := e.validBatch(t, n)
	e.enqueuePlan(t, b.ID)

	c := startChild(t, e.dsn, e.redisURL, 250)
	at := e.waitFor(t, b.ID, time.Minute, func(b batch.Batch) bool { return b.ProcessedRows >= 1500 }).ProcessedRows
	c.kill()
	e.mustBeUnfinished(t, b.ID, "first kill")
	flushRedis(t, e.redisURL)

	c = startChild(t, e.dsn, e.redisURL, 250)
	e.waitFor(t, b.ID, 2*time.Minute, func(b batch.Batch) bool { return b.ProcessedRows >= at+1500 })
	c.kill()
	e.mustBeUnfinished(t, b.ID, "second kill")

	c = startChild(t, e.dsn, e.redisURL, 250)
	e.checkComplete(t, b.ID, n)
	c.stop()
}

// mustBeUnfinished fails the test when the batch finished before a fault
// could hit it: then the test would prove nothing.
func (e env) mustBeUnfinished(t *testing.T, id, when string) {
	t.Helper()
	b, err := e.store.Batch(context.Background(), e.company.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status.Finished() {
		t.Fatalf("batch finished before the %s: make the batch larger or the chunks smaller", when)
	}
}

// SIGTERM lets running chunks finish or go back to the queue; a new worker
// finishes the batch. (3,000 rows could all be done between the poll that
// saw 300 and the signal.)
func TestGracefulShutdownOnSIGTERM(t *testing.T) {
	const n = 10000
	e := newEnv(t)
	b := e.validBatch(t, n)
	e.enqueuePlan(t, b.ID)
	c := startChild(t, e.dsn, e.redisURL, 100)
	e.waitFor(t, b.ID, time.Minute, func(b batch.Batch) bool { return b.ProcessedRows >= 300 })
	c.stop()
	e.mustBeUnfinished(t, b.ID, "SIGTERM")
	c = startChild(t, e.dsn, e.redisURL, 100)
	e.checkComplete(t, b.ID, n)
	c.stop()
}

// Connections cut by PostgreSQL mid-batch make chunks fail and retry with
// backoff; the batch still completes with every row once.
func TestSurvivesPostgresConnectionsCut(t *testing.T) {
	const n = 10000 // enough that the batch is still running when the cuts come
	e := newEnv(t)
	b := e.validBatch(t, n)
	e.run(t, 100)
	e.enqueuePlan(t, b.ID)
	e.waitFor(t, b.ID, time.Minute, func(b batch.Batch) bool { return b.ProcessedRows >= 300 })
	// One statement reads the batch and cuts every other connection to its
	// database: the batch's state is the one committed when the cut
	// happened, so the test knows the cut came mid-batch.
	admin, err := pgx.Connect(context.Background(), e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	cut, cutMidBatch := 0, 0
	for range 3 {
		var k, processed int
		var status string
		err := admin.QueryRow(context.Background(), `
			SELECT b.processed_rows, b.status, (SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid())
			FROM batches b WHERE b.id = $1`, b.ID).Scan(&processed, &status, &k)
		if err != nil {
			t.Fatal(err)
		}
		cut += k
		if k > 0 && processed < n && !batch.Status(status).Finished() {
			cutMidBatch++
		}
		time.Sleep(200 * time.Millisecond)
	}
	if cut == 0 || cutMidBatch == 0 {
		t.Fatalf("%d connections cut, %d cuts while the batch was unfinished: the test proves nothing", cut, cutMidBatch)
	}
	e.checkComplete(t, b.ID, n)
}

// An upload made while Redis is down is stored but not queued; the workers'
// reconciler finds it in PostgreSQL once Redis is back.
func TestUploadWhileRedisDownIsProcessedLater(t *testing.T) {
	e := newEnv(t)
	b := e.upload(t, header+
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n",
		batch.ModeCreate)
	down := worker.NewEnqueuer(asynq.RedisClientOpt{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond})
	defer down.Close()
	if err := down.EnqueuePlan(context.Background(), b.ID); err == nil {
		t.Fatal("enqueue against a Redis that is down succeeded; the test proves nothing")
	}
	e.run(t, 10)
	e.checkComplete(t, b.ID, 1)
}

// A kill -9 mid-chunk: the chunks the dead worker was running are taken up
// again by another worker before Asynq's lease on them could have run out
// (at least 24 s after the kill: the heartbeat extends it to 30 s ahead
// every 5 s), so by the rescuer (orphans.go), and the batch ends with every
// row judged once.
func TestKilledWorkersChunksRunAgainBeforeTheLeaseEnds(t *testing.T) {
	const n, chunkRows = 8000, 500
	e := newEnv(t)
	b := e.validBatch(t, n)
	e.enqueuePlan(t, b.ID)
	c := startChild(t, e.dsn, e.redisURL, chunkRows)
	e.waitFor(t, b.ID, time.Minute, func(b batch.Batch) bool { return b.ProcessedRows >= 2*chunkRows })
	c.kill()
	killed := time.Now()
	e.mustBeUnfinished(t, b.ID, "kill")
	// The child was the only worker: every chunk task still active is one
	// it left.
	ins := asynq.NewInspector(e.redis)
	defer ins.Close()
	active, err := ins.ListActiveTasks(worker.QueueChunks)
	if err != nil {
		t.Fatal(err)
	}
	c = startChild(t, e.dsn, e.redisURL, chunkRows)
	e.checkComplete(t, b.ID, n)
	c.stop()

	const bound = 20 * time.Second // the lease ends 24-30 s after the kill
	midChunk := 0
	for _, task := range active {
		var p worker.ChunkPayload
		if err := json.Unmarshal(task.Payload, &p); err != nil {
			t.Fatal(err)
		}
		var doneAt time.Time
		if err := e.db.QueryRow(context.Background(),
			`SELECT done_at FROM batch_chunks WHERE batch_id = $1 AND chunk_no = $2`, p.BatchID, p.ChunkNo).Scan(&doneAt); err != nil {
			t.Fatal(err)
		}
		if doneAt.Before(killed) {
			continue // committed just before the kill, not yet acknowledged to Asynq
		}
		midChunk++
		after := doneAt.Sub(killed)
		t.Logf("chunk %d taken up again %s after the kill", p.ChunkNo, after.Round(time.Millisecond))
		if after >= bound {
			t.Errorf("chunk %d was taken up again %s after the kill: not before the lease could end", p.ChunkNo, after.Round(time.Millisecond))
		}
	}
	if midChunk == 0 {
		t.Fatalf("%d chunk tasks active at the kill, none of them mid-chunk: the test proves nothing", len(active))
	}
}
