package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
	"jhtbatch/worker"
)

// Goals of the "many hands" point, printed beside what was measured.
const (
	goalRecovery = 10 * time.Second       // a killed worker's chunks taken up again
	goalOther    = 2 * time.Second        // another company's 50 rows during a big batch
	goalSmall    = 300 * time.Millisecond // 32 rows from upload to report.csv
)

// Sizes of the small batches of -small, of a second company.
const (
	otherRows  = 50
	smallRows  = 32
	smallTimes = 5 // 32-row batches one after the other: one alone says little on a shared machine
)

// orphanWait is how long after the kill the watcher sorts the chunk tasks
// active at the kill into the killed worker's and the others': by then
// every live worker has written its list of running tasks to Redis (Asynq's
// heartbeat, every 5 s), and a task no live worker lists is the dead one's.
const orphanWait = 7 * time.Second

// killRun is what -kill measured in one run.
type killRun struct {
	worker    string        // the process killed
	atRows    int           // rows processed when it was killed
	restarted bool          // a new "work" was started: the layout had one
	toFinish  time.Duration // from the kill until the batch was finished
	chunks    int           // chunk tasks the killed worker had in flight
	recovery  time.Duration // until the last of them was taken up again
	spurious  int           // copies seen of chunks the killed worker was not running
}

// smallRuns are the figures of -small.
type smallRuns struct {
	other       time.Duration   // 50 rows of another company, upload until finished, during the big batch
	otherDuring bool            // it finished before the big batch did
	small       []time.Duration // 32 rows, upload until the end of report.csv, after the big batch, smallTimes times
}

// smallMedian is the median of the 32-row batches' times.
func (s *smallRuns) smallMedian() time.Duration { return median(s.small) }

// killer kills one "work" process partway through the big batch, then
// watches the chunk tasks in Redis to time how soon the ones it left
// half-run are taken up again (a copy of the task becomes active, or the
// chunk is done in PostgreSQL).
type killer struct {
	ins    *asynq.Inspector
	dsn    string
	victim *child
	at     time.Time
	run    killRun

	finished chan struct{} // closed by the caller when the batch is finished
	done     chan struct{} // closed by watch
	seen     map[string]time.Time
	atKill   []string // chunk tasks active right after the kill
	orphans  []string // those the killed worker was running
	err      error
	watching bool // watch was started and not stopped
}

func newKiller(redisAddr, dsn string) *killer {
	return &killer{ins: asynq.NewInspector(asynq.RedisClientOpt{Addr: redisAddr}), dsn: dsn,
		finished: make(chan struct{}), done: make(chan struct{}), seen: map[string]time.Time{}}
}

// close stops the watcher, if it runs, and closes the Redis client.
func (k *killer) close() {
	k.stopWatch()
	k.ins.Close()
}

// stopWatch tells the watcher that the batch is finished (or the run
// over) and waits for it.
func (k *killer) stopWatch() {
	if k.watching {
		k.watching = false
		close(k.finished)
		<-k.done
	}
}

// kill sends SIGKILL to the "work" process that runs the most chunks and
// waits for it to die: a worker with nothing in flight would prove nothing.
// A chunk runs in one transaction, so a process runs as many as its
// sessions (application_name "jhtbatch worker <pid>") have transactions
// open in PostgreSQL at this moment. (Asynq's list of the tasks each worker
// runs is written every 5 s, and chunks take about 150 ms: with four work
// processes it named processes whose chunk was long done.) When no worker
// runs one it kills nobody and returns nil, unless force.
func (k *killer) kill(procs []*child, processed int, force bool) (*child, error) {
	running, err := k.openTransactions()
	if err != nil && !force {
		return nil, nil
	}
	var victim *child
	for _, p := range slices.Backward(procs) {
		if strings.Contains(p.name, "work") && !p.exited() &&
			(victim == nil || running[p.cmd.Process.Pid] > running[victim.cmd.Process.Pid]) {
			victim = p
		}
	}
	if victim == nil {
		return nil, fmt.Errorf("-kill: no work process to kill")
	}
	if running[victim.cmd.Process.Pid] == 0 && !force {
		return nil, nil
	}
	k.victim = victim
	k.victim.killed = true
	k.victim.peakKB()
	if err := k.victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return nil, fmt.Errorf("kill %s: %w", k.victim.name, err)
	}
	k.at = time.Now()
	<-k.victim.done
	k.run.worker, k.run.atRows = k.victim.name, processed
	return k.victim, nil
}

// openTransactions counts, by process id, the worker sessions of the run's
// database that are in a transaction.
func (k *killer) openTransactions() (map[int]int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, k.dsn)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT substr(application_name, length('jhtbatch worker ') + 1), count(*)
		FROM pg_stat_activity
		WHERE datname = current_database() AND application_name LIKE 'jhtbatch worker %'
			AND xact_start IS NOT NULL AND state <> 'idle'
		GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	running := map[int]int{}
	for rows.Next() {
		var pid string
		var n int
		if err := rows.Scan(&pid, &n); err != nil {
			return nil, err
		}
		if p, err := strconv.Atoi(pid); err == nil {
			running[p] = n
		}
	}
	return running, rows.Err()
}

// watch polls the active chunk tasks every 50 ms from the kill until the
// batch is finished (and at least orphanWait), recording when each task was
// first seen active.
func (k *killer) watch(ctx context.Context) {
	defer close(k.done)
	first, sorted := true, false
	for {
		tasks, err := k.ins.ListActiveTasks(worker.QueueChunks, asynq.PageSize(1000))
		now := time.Now()
		if err == nil {
			for _, t := range tasks {
				if _, ok := k.seen[t.ID]; !ok {
					k.seen[t.ID] = now
				}
				if first {
					k.atKill = append(k.atKill, t.ID)
				}
			}
			first = false
		}
		if !sorted && !first && now.Sub(k.at) >= orphanWait {
			k.orphans, k.err = k.sortOut(tasks)
			sorted = true
		}
		if sorted {
			select {
			case <-k.finished:
				return
			default:
			}
		}
		select {
		case <-ctx.Done():
			k.err = ctx.Err()
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// sortOut returns the tasks active at the kill that are still active and
// that no live worker lists as running: those the killed worker left.
func (k *killer) sortOut(active []*asynq.TaskInfo) ([]string, error) {
	servers, err := k.ins.Servers()
	if err != nil {
		return nil, fmt.Errorf("asynq servers: %w", err)
	}
	running := map[string]bool{}
	for _, s := range servers {
		if s.PID == k.victim.cmd.Process.Pid {
			continue
		}
		for _, w := range s.ActiveWorkers {
			running[w.TaskID] = true
		}
	}
	still := map[string]bool{}
	for _, t := range active {
		still[t.ID] = true
	}
	var out []string
	for _, id := range k.atKill {
		if still[id] && !running[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// result waits for the watcher and works out the recovery: for each chunk
// the killed worker left, the earlier of a copy of its task first seen
// active and the chunk's done_at (the start of the transaction that did
// it), after the kill.
func (k *killer) result(ctx context.Context, finished time.Time) (killRun, error) {
	k.stopWatch()
	if k.err != nil {
		return k.run, k.err
	}
	k.run.toFinish = finished.Sub(k.at)
	k.run.chunks = len(k.orphans)
	left := map[string]bool{}
	for _, id := range k.orphans {
		base, _, _ := strings.Cut(id, ":rescue")
		left[base] = true
	}
	for id := range k.seen {
		if base, _, copied := strings.Cut(id, ":rescue"); copied && !left[base] {
			k.run.spurious++ // a live worker's task taken for a dead one's
		}
	}
	conn, err := pgx.Connect(ctx, k.dsn)
	if err != nil {
		return k.run, err
	}
	defer conn.Close(ctx)
	for _, id := range k.orphans {
		base, _, _ := strings.Cut(id, ":rescue")
		taken := time.Time{}
		for sid, at := range k.seen {
			if b, _, _ := strings.Cut(sid, ":rescue"); b == base && sid != id && (taken.IsZero() || at.Before(taken)) {
				taken = at
			}
		}
		batchID, no, ok := chunkOf(base)
		if !ok {
			return k.run, fmt.Errorf("task %q is not a chunk task", id)
		}
		var doneAt *time.Time
		if err := conn.QueryRow(ctx, `SELECT done_at FROM batch_chunks WHERE batch_id = $1 AND chunk_no = $2`,
			batchID, no).Scan(&doneAt); err != nil {
			return k.run, fmt.Errorf("chunk %d: %w", no, err)
		}
		if doneAt != nil && (taken.IsZero() || doneAt.Before(taken)) {
			taken = *doneAt
		}
		if taken.IsZero() {
			return k.run, fmt.Errorf("chunk %d of the killed worker was never done", no)
		}
		k.run.recovery = max(k.run.recovery, taken.Sub(k.at))
	}
	return k.run, nil
}

// chunkOf reads a chunk task's id, chunk:<batch>:<n> (worker/tasks.go).
func chunkOf(id string) (batchID string, no int, ok bool) {
	rest, ok := strings.CutPrefix(id, "chunk:")
	if !ok {
		return "", 0, false
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return "", 0, false
	}
	no, err := strconv.Atoi(rest[i+1:])
	return rest[:i], no, err == nil
}

// timeBatch uploads the file at path and times it until the batch is
// finished, or until its report.csv is read to the end when report is set.
// It returns the batch id and its final status.
func (c *client) timeBatch(ctx context.Context, path string, report bool) (time.Duration, string, string, error) {
	t := time.Now()
	id, err := c.upload(ctx, path)
	if err != nil {
		return 0, "", "", err
	}
	status, err := c.waitFinished(ctx, id, nil, nil)
	if err != nil {
		return 0, id, "", err
	}
	if report {
		if _, err := c.download(ctx, batch.ReportCSVPath(id)); err != nil {
			return 0, id, status, err
		}
	}
	return time.Since(t), id, status, nil
}

// checkBatch fails unless batch id ended completed with n claims.
func checkBatch(ctx context.Context, dsn, id, status string, n int, what string) error {
	claims, err := countClaims(ctx, dsn, id)
	if err != nil {
		return err
	}
	if status != "completed" || claims != n {
		return fmt.Errorf("%s: batch %s ended %s with %d claims for %d valid rows", what, id, status, claims, n)
	}
	return nil
}

// goal says whether d met the goal.
func goal(d, g time.Duration) string {
	verdict := "met"
	if d > g {
		verdict = "MISSED"
	}
	return fmt.Sprintf("goal ≤ %s: %s", g, verdict)
}

// seconds lists durations as "0.101 0.095 s".
func seconds(ds []time.Duration) string {
	var parts []string
	for _, d := range ds {
		parts = append(parts, fmt.Sprintf("%.3f", d.Seconds()))
	}
	return strings.Join(parts, " ") + " s"
}
