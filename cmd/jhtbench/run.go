package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// runOnce measures one process layout (workers "work" processes beside a
// "serve", or one "all" when 0) on a database and a Redis of its own.
func runOnce(ctx context.Context, o options, f benchFiles, n, workers int) (result, error) {
	res := result{layout: describe(workers)}
	dbName := fmt.Sprintf("jhtbench_%d_%d", os.Getpid(), n)
	dsn, drop, err := createDatabase(ctx, o.admin, dbName)
	if err != nil {
		return res, err
	}
	if !o.keep {
		defer drop()
	}
	if res.copyTime, err = baselineCopy(ctx, dsn, f.batch); err != nil {
		return res, err
	}

	redisPort, err := freePort()
	if err != nil {
		return res, err
	}
	redis, err := startRedis(ctx, f.dir, redisPort)
	if err != nil {
		return res, err
	}
	defer redis.stop()

	httpPort, err := freePort()
	if err != nil {
		return res, err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	env := append(os.Environ(),
		"DATABASE_URL="+dsn,
		fmt.Sprintf("REDIS_URL=redis://127.0.0.1:%d/0", redisPort),
		fmt.Sprintf("HTTP_ADDR=127.0.0.1:%d", httpPort),
		"LOG_LEVEL="+o.logLevel,
		"MAX_ROWS="+strconv.Itoa(max(f.rows, 200_000)),
		"MAX_UPLOAD_BYTES="+strconv.FormatInt(max(f.size*2, 64<<20), 10))
	var procs []*child
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	start := func(name string, args ...string) error {
		e := env
		if len(procs) == 0 && o.pprof != "" {
			e = append(e, "PPROF_ADDR="+o.pprof)
		}
		p, err := startChild(ctx, o.bin, f.dir, fmt.Sprintf("%d-%s", n, name), e, args...)
		if err == nil {
			procs = append(procs, p)
		}
		return err
	}
	if workers == 0 {
		err = start("all", "all")
	} else {
		err = start("serve", "serve")
	}
	if err != nil {
		return res, err
	}
	if err := waitReady(ctx, base+"/readyz", procs[0]); err != nil {
		return res, err
	}
	for i := range workers {
		if err := start(fmt.Sprintf("work%d", i+1), "work"); err != nil {
			return res, err
		}
	}

	key, err := setUp(ctx, o.bin, env, f.npp, "PT Bench", f.registry)
	if err != nil {
		return res, err
	}
	if o.history {
		if res.history, err = seedHistory(ctx, dsn); err != nil {
			return res, err
		}
	}
	c := &client{base: base, key: key, http: &http.Client{Timeout: 10 * time.Minute}, poll: 25 * time.Millisecond}
	var other *client // a second company, for -small
	if o.small {
		key, err := setUp(ctx, o.bin, env, f.otherNPP, "PT Bench Dua", f.otherRegistry)
		if err != nil {
			return res, err
		}
		other = &client{base: base, key: key, http: c.http, poll: 10 * time.Millisecond}
	}
	// A killed child is expected to be gone; any other is a failure.
	alive := func() error {
		for _, p := range procs {
			if p.exited() && !p.killed {
				return fmt.Errorf("%s exited (log %s)", p.name, p.log)
			}
		}
		return nil
	}
	var kill *killer
	if o.kill {
		kill = newKiller(fmt.Sprintf("127.0.0.1:%d", redisPort), dsn)
		defer kill.close()
	}

	cpu := newCPUMeter(ctx, dsn, func() []*child { return procs })
	defer cpu.close()
	cpu.mark() // the set-up's work is not counted
	t0 := time.Now()
	id, err := c.upload(ctx, f.batch)
	if err != nil {
		return res, err
	}
	res.ack = time.Since(t0)
	res.cpu = append(res.cpu, cpu.mark())
	type timed struct {
		d          time.Duration
		id, status string
		at         time.Time
		err        error
	}
	var during chan timed
	if other != nil {
		// Another company's small batch, uploaded while the big one is
		// being processed: how long it waits behind the big one's chunks.
		during = make(chan timed, 1)
		go func() {
			d, id, status, err := other.timeBatch(ctx, f.other, false)
			during <- timed{d, id, status, time.Now(), err}
		}()
	}
	progress := func(processed int) error {
		if kill == nil || kill.victim != nil || processed < f.rows/3 {
			return nil
		}
		// Until two thirds, wait for a worker with a chunk in flight.
		if v, err := kill.kill(procs, processed, processed >= 2*f.rows/3); v == nil || err != nil {
			return err
		}
		kill.watching = true
		go kill.watch(ctx)
		if workers == 1 { // the layout's only worker: start another, as a supervisor would
			kill.run.restarted = true
			return start("work1b", "work")
		}
		return nil
	}
	if res.status, err = c.waitFinished(ctx, id, alive, progress); err != nil {
		return res, err
	}
	res.finished = time.Since(t0)
	res.cpu = append(res.cpu, cpu.mark())
	if kill != nil {
		if kill.victim == nil {
			return res, fmt.Errorf("-kill: the batch finished before a worker could be killed mid-batch (more -rows?)")
		}
		k, err := kill.result(ctx, t0.Add(res.finished))
		if err != nil {
			return res, fmt.Errorf("-kill: %w", err)
		}
		res.kill = &k
	}
	if during != nil {
		r := <-during
		if r.err != nil {
			return res, fmt.Errorf("another company's %d rows: %w", otherRows, r.err)
		}
		if err := checkBatch(ctx, dsn, r.id, r.status, otherRows, "another company's batch"); err != nil {
			return res, err
		}
		res.small = &smallRuns{other: r.d, otherDuring: r.at.Before(t0.Add(res.finished))}
	}
	if res.csv, err = c.download(ctx, batch.ReportCSVPath(id)); err != nil {
		return res, err
	}
	res.cpu = append(res.cpu, cpu.mark())
	if o.xlsx {
		if res.xlsx, err = c.download(ctx, batch.BatchPath(id)+"/report.xlsx"); err != nil {
			return res, err
		}
		res.cpu = append(res.cpu, cpu.mark())
	}
	if res.claims, err = countClaims(ctx, dsn, id); err != nil {
		return res, err
	}
	if other != nil {
		for _, path := range f.small {
			d, sid, status, err := other.timeBatch(ctx, path, true)
			if err != nil {
				return res, fmt.Errorf("%d rows after the big batch: %w", smallRows, err)
			}
			if err := checkBatch(ctx, dsn, sid, status, smallRows, "a small batch"); err != nil {
				return res, err
			}
			res.small.small = append(res.small.small, d)
		}
	}
	for _, p := range procs {
		p.peakKB()
		res.peak = append(res.peak, peak{name: p.name, kb: p.max})
	}
	res.peak = append(res.peak, peak{name: "redis-server", kb: redis.peakKB()})
	if res.claims != f.rows || res.status != "completed" {
		return res, fmt.Errorf("batch %s ended %s with %d claims for %d valid rows (logs in %s)", id, res.status, res.claims, f.rows, f.dir)
	}
	return res, nil
}

// createDatabase creates database name through the admin URL and returns
// its URL and a function that drops it.
func createDatabase(ctx context.Context, admin, name string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	ident := pgx.Identifier{name}.Sanitize()
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)")
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)")
	}
	return u.String(), drop, nil
}

// baselineCopy times the best of three bare COPYs of the batch file into a
// plain table of twelve text columns: what PostgreSQL itself needs to take
// the file in, the yardstick of every other figure.
func baselineCopy(ctx context.Context, dsn, file string) (time.Duration, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	cols := make([]string, 12)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d text", i+1)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE bench_copy ("+strings.Join(cols, ", ")+")"); err != nil {
		return 0, err
	}
	best := time.Duration(1<<63 - 1)
	for range 3 {
		if _, err := conn.Exec(ctx, "TRUNCATE bench_copy"); err != nil {
			return 0, err
		}
		fh, err := os.Open(file)
		if err != nil {
			return 0, err
		}
		t := time.Now()
		_, err = conn.PgConn().CopyFrom(ctx, bufio.NewReaderSize(fh, 1<<16), "COPY bench_copy FROM STDIN (FORMAT csv, HEADER true)")
		d := time.Since(t)
		fh.Close()
		if err != nil {
			return 0, fmt.Errorf("baseline COPY: %w", err)
		}
		best = min(best, d)
	}
	_, err = conn.Exec(ctx, "DROP TABLE bench_copy")
	return best, err
}

// countClaims counts the claims of batch id.
func countClaims(ctx context.Context, dsn, id string) (int, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM claims WHERE batch_id = $1`, id).Scan(&n)
	return n, err
}

// freePort returns a TCP port nobody listens on right now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// child is a process this program started.
type child struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	hwm  int64 // last VmHWM read, kept when the process is gone
	max  int64 // highest VmHWM read over the resets
	log  string
	// killed: -kill sent it SIGKILL on purpose
	killed bool
}

func startChild(ctx context.Context, bin, dir, name string, env []string, args ...string) (*child, error) {
	logPath := filepath.Join(dir, name+".log")
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, lf, lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{}), log: logPath}
	go func() {
		_ = cmd.Wait()
		lf.Close()
		close(c.done)
	}()
	return c, nil
}

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// peakKB reads the process's peak resident set (VmHWM) in KiB.
func (c *child) peakKB() int64 {
	if c.exited() {
		return c.hwm
	}
	if v := vmHWM(c.cmd.Process.Pid); v > 0 {
		c.hwm = v
	}
	c.max = max(c.max, c.hwm)
	return c.hwm
}

// resetPeak returns the peak RSS since the last reset and starts a new
// one (writing 5 to clear_refs resets VmHWM), so that each phase of the
// run has its own peak.
func (c *child) resetPeak() int64 {
	kb := c.peakKB()
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", c.cmd.Process.Pid), []byte("5"), 0)
	return kb
}

// stop sends SIGTERM and waits for the process, killing it after 30 s.
func (c *child) stop() {
	if c.exited() {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// startRedis starts a Redis server of this run on port, without
// persistence, and waits until it answers.
func startRedis(ctx context.Context, dir string, port int) (*child, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("redis-server not found: the bench runs a Redis of its own")
	}
	c, err := startChild(ctx, path, dir, fmt.Sprintf("redis-%d", port), os.Environ(),
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		_, _ = conn.Write([]byte("PING\r\n"))
		buf := make([]byte, 7)
		_, err = io.ReadFull(conn, buf)
		conn.Close()
		if err == nil && string(buf) == "+PONG\r\n" {
			return c, nil
		}
	}
	c.stop()
	return nil, fmt.Errorf("redis-server on port %d did not answer (log %s)", port, c.log)
}

// waitReady waits until the API answers readyz with 200.
func waitReady(ctx context.Context, u string, p *child) error {
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if p.exited() {
			return fmt.Errorf("%s exited (log %s)", p.name, p.log)
		}
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return fmt.Errorf("%s not ready (log %s)", u, p.log)
}

// setUp creates a company and imports its registry with the binary's
// own operator commands, and returns the company's API key.
func setUp(ctx context.Context, bin string, env []string, npp, name, registry string) (string, error) {
	out, err := command(ctx, bin, env, "company", "create", "--npp", npp, "--name", name)
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := strings.TrimSpace(lines[len(lines)-1])
	if _, err := command(ctx, bin, env, "participants", "import", registry); err != nil {
		return "", err
	}
	return key, nil
}

func command(ctx context.Context, bin string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("jhtbatch %s: %w: %s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), nil
}

// cpuUse is the CPU time spent in one phase, and the peak memory: by the jhtbatch processes, and
// by the PostgreSQL backends of the run's database. On a shared machine it
// varies much less than wall time.
type cpuUse struct {
	app, db time.Duration
	peakKB  []int64 // peak RSS of each child process in the phase
}

// cpuMeter reads the CPU time of the child processes and of the database's
// backends (/proc/<pid>/stat) and reports what was spent since the last mark.
type cpuMeter struct {
	ctx   context.Context
	conn  *pgx.Conn
	procs func() []*child       // the children so far (-kill may start one)
	seen  map[int]time.Duration // CPU of every process at the last mark
}

func newCPUMeter(ctx context.Context, dsn string, procs func() []*child) *cpuMeter {
	m := &cpuMeter{ctx: ctx, procs: procs, seen: map[int]time.Duration{}}
	m.conn, _ = pgx.Connect(ctx, dsn) // without it only the application's CPU is counted
	return m
}

func (m *cpuMeter) close() {
	if m.conn != nil {
		m.conn.Close(context.Background())
	}
}

// mark returns the CPU spent since the previous mark.
func (m *cpuMeter) mark() cpuUse {
	var u cpuUse
	for _, p := range m.procs() {
		if !p.exited() {
			u.app += m.delta(p.cmd.Process.Pid)
			u.peakKB = append(u.peakKB, p.resetPeak())
		}
	}
	if m.conn != nil {
		rows, err := m.conn.Query(m.ctx, `SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`)
		if err == nil {
			pids, _ := pgx.CollectRows(rows, pgx.RowTo[int32])
			for _, pid := range pids {
				u.db += m.delta(int(pid))
			}
		}
	}
	return u
}

func (m *cpuMeter) delta(pid int) time.Duration {
	now := cpuTime(pid)
	d := now - m.seen[pid]
	m.seen[pid] = now
	return d
}

// cpuTime reads utime + stime of pid (clock ticks of 1/100 s on Linux).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
