// Command jhtbench measures jhtbatch end to end as a user sees it, against
// what the database itself can do with the same file in the same run.
//
// It writes a registry and a batch file of -rows valid rows (package
// batchtest's generator), times a bare COPY of that file into a plain table
// of text columns (the baseline), then starts the real binary (-bin) as
// child processes on a free port, with a fresh database and a Redis server
// of their own, and drives it over HTTP: upload until 202, until the batch
// is finished, report.csv, report.xlsx. It prints each as seconds and as a
// ratio to the COPY, the rows per second, and the peak RSS (VmHWM) of every
// child process; then it checks that the batch has exactly one claim per
// row. -workers 1,2,4 runs "serve" plus that many "work" processes instead
// of one "all", once per count.
//
// -kill (with -workers) sends SIGKILL to one "work" process once a third of
// the rows are processed (and starts a new one when it was the only one),
// then prints the time from the kill until the batch finished and until
// the chunks the killed worker had in flight were taken up again; the
// check of one claim per row still holds. -small (on by default) times a
// second company's 50-row batch uploaded right after the big batch's 202,
// until it is finished, and after the big batch five 32-row batches, one
// after the other, from upload to the end of report.csv, each beside its goal.
//
// -history first seeds the run's database with 100 earlier batches and
// their 1,000,000 claims, to compare the same batch on a fresh database and
// on one that has served a season.
//
//	go build -o bin/jhtbatch ./cmd/jhtbatch && go run ./cmd/jhtbench -rows 100000 -workers 1,2
//	go run ./cmd/jhtbench -rows 200000 -workers 1,2,4 -kill -xlsx=false
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"jhtbatch/batch/batchtest"
)

// options are the command line.
type options struct {
	rows     int
	bin      string
	admin    string // PostgreSQL URL of a database from which the run's database is created
	workers  []int  // 0 = one "all" process
	xlsx     bool
	pprof    string // PPROF_ADDR given to the first child process
	keep     bool   // keep the databases and the work directory
	logLevel string
	repeat   int
	kill     bool // SIGKILL one "work" process mid-batch
	small    bool // time two small batches of a second company
	history  bool // seed 1,000,000 claims in 100 earlier batches first
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "jhtbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	var workers string
	fs := flag.NewFlagSet("jhtbench", flag.ContinueOnError)
	fs.IntVar(&o.rows, "rows", 100_000, "data rows in the batch file")
	fs.StringVar(&o.bin, "bin", "bin/jhtbatch", "the jhtbatch binary to measure")
	fs.StringVar(&o.admin, "postgres", adminURL(os.Getenv("DATABASE_URL")),
		"PostgreSQL URL used to create and drop the run's own databases (default: the server of DATABASE_URL)")
	fs.StringVar(&workers, "workers", "", "comma-separated counts of \"work\" processes beside one \"serve\" (empty: one \"all\")")
	fs.BoolVar(&o.xlsx, "xlsx", true, "also time report.xlsx")
	fs.StringVar(&o.pprof, "pprof", "", "PPROF_ADDR for the first child process, e.g. 127.0.0.1:6060 (off when empty)")
	fs.BoolVar(&o.keep, "keep", false, "keep the databases and the work directory (logs, files)")
	fs.StringVar(&o.logLevel, "log-level", "warn", "LOG_LEVEL of the child processes")
	fs.IntVar(&o.repeat, "repeat", 1, "run every layout this many times and print the medians")
	fs.BoolVar(&o.kill, "kill", false, "with -workers: SIGKILL a \"work\" process running a chunk, once a third of the rows are processed "+
		"(any one at two thirds), and start a new one if it was the only one; print how soon its chunks were taken up again")
	fs.BoolVar(&o.small, "small", true, fmt.Sprintf("time a second company's %d-row batch uploaded during the big one, "+
		"and %d %d-row batches from upload to report.csv after it", otherRows, smallTimes, smallRows))
	fs.BoolVar(&o.history, "history", false, fmt.Sprintf("first seed each run's database with %d earlier batches, %d claims "+
		"and their registry (about a minute), to compare with a run on a fresh database", historyBatches, historyClaims))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.rows < 1 || o.repeat < 1 {
		return errors.New("-rows and -repeat must be at least 1")
	}
	counts, err := parseCounts(workers)
	if err != nil {
		return err
	}
	if o.kill && slices.Contains(counts, 0) {
		return errors.New("-kill needs -workers: the single \"all\" process also serves the API")
	}
	o.workers = counts
	if _, err := os.Stat(o.bin); err != nil {
		return fmt.Errorf("binary %s: %w (build it: go build -o bin/jhtbatch ./cmd/jhtbatch)", o.bin, err)
	}
	if o.bin, err = filepath.Abs(o.bin); err != nil {
		return err
	}

	dir, err := os.MkdirTemp("", "jhtbench-*")
	if err != nil {
		return err
	}
	if !o.keep {
		defer os.RemoveAll(dir)
	}
	const npp = "BN000001"
	reg, file := batchtest.ValidFile(o.rows, npp)
	files := benchFiles{dir: dir, registry: filepath.Join(dir, "registry.csv"), batch: filepath.Join(dir, "batch.csv"), npp: npp, rows: o.rows}
	if err := os.WriteFile(files.registry, []byte(reg), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(files.batch, []byte(file), 0o600); err != nil {
		return err
	}
	files.size = int64(len(file))
	reg, file = "", "" // let the collector have them: this process is measured too (its RSS is not)
	if o.small {
		if err := files.writeSmall(o.rows); err != nil {
			return err
		}
	}

	fmt.Fprintf(out, "jhtbench: %d rows, %.1f MB, %s, work directory %s\n", o.rows, float64(files.size)/1e6, o.bin, dir)
	var results []result
	n := 0
	for range o.repeat {
		for _, m := range o.workers {
			r, err := runOnce(ctx, o, files, n, m)
			if err != nil {
				return fmt.Errorf("run with %s: %w", describe(m), err)
			}
			n++
			results = append(results, r)
			printTable(out, o, files, results)
		}
	}
	if o.repeat > 1 {
		printMedians(out, o, files, results)
	}
	return nil
}

// printMedians prints, per layout, the median of each figure over the
// repeated runs: on a shared machine one run can be far off.
func printMedians(out io.Writer, o options, f benchFiles, results []result) {
	fmt.Fprintf(out, "\n== medians of %d runs, %d rows ==\n", o.repeat, f.rows)
	fmt.Fprintf(out, "%-16s %9s %14s %14s %14s %14s %9s%s\n", "layout", "COPY", "202", "finished", "report.csv", "report.xlsx", "rows/s",
		handsHeader(results[0]))
	for _, m := range o.workers {
		var copies, acks, fins, csvs, xlsxs []time.Duration
		var hands [4][]time.Duration // -kill and -small figures
		for _, r := range results {
			if r.layout == describe(m) {
				copies, acks, fins = append(copies, r.copyTime), append(acks, r.ack), append(fins, r.finished)
				csvs, xlsxs = append(csvs, r.csv), append(xlsxs, r.xlsx)
				if r.kill != nil {
					hands[0], hands[1] = append(hands[0], r.kill.toFinish), append(hands[1], r.kill.recovery)
				}
				if r.small != nil {
					hands[2], hands[3] = append(hands[2], r.small.other), append(hands[3], r.small.smallMedian())
				}
			}
		}
		med := result{}
		if len(hands[0]) > 0 {
			med.kill = &killRun{toFinish: median(hands[0]), recovery: median(hands[1])}
		}
		if len(hands[2]) > 0 {
			med.small = &smallRuns{other: median(hands[2]), small: []time.Duration{median(hands[3])}}
		}
		c := median(copies)
		cell := func(ds []time.Duration) string {
			d := median(ds)
			return fmt.Sprintf("%6.2fs %5.1fx", d.Seconds(), d.Seconds()/c.Seconds())
		}
		fmt.Fprintf(out, "%-16s %8.3fs %14s %14s %14s %14s %9.0f%s\n", describe(m), c.Seconds(), cell(acks), cell(fins),
			cell(csvs), cell(xlsxs), float64(f.rows)/median(fins).Seconds(), handsCells(med))
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// parseCounts reads the -workers list; empty means one "all" process.
func parseCounts(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return []int{0}, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-workers: %q is not a positive count", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// describe names a process layout.
func describe(workers int) string {
	if workers == 0 {
		return "all"
	}
	return fmt.Sprintf("serve+%d work", workers)
}

// benchFiles are the generated files of a run.
type benchFiles struct {
	dir, registry, batch, npp string
	rows                      int
	size                      int64
	// -small: a second company's registry and its two batches, of
	// participants the big batch does not have
	otherNPP, otherRegistry, other string
	small                          []string // smallTimes files of smallRows rows
}

// writeSmall writes the second company's registry (the participants after
// the big batch's rows) and its batches: one of otherRows rows and
// smallTimes of smallRows, all of other participants.
func (f *benchFiles) writeSmall(rows int) error {
	f.otherNPP = "BN000002"
	f.otherRegistry = filepath.Join(f.dir, "registry-other.csv")
	f.other = filepath.Join(f.dir, "other.csv")
	reg, _ := batchtest.ValidRange(rows, otherRows+smallTimes*smallRows, f.otherNPP)
	_, other := batchtest.ValidRange(rows, otherRows, f.otherNPP)
	files := map[string]string{f.otherRegistry: reg, f.other: other}
	for i := range smallTimes {
		path := filepath.Join(f.dir, fmt.Sprintf("small%d.csv", i+1))
		_, files[path] = batchtest.ValidRange(rows+otherRows+i*smallRows, smallRows, f.otherNPP)
		f.small = append(f.small, path)
	}
	for path, data := range files {
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// result is what one run measured.
type result struct {
	layout                   string
	copyTime                 time.Duration // the baseline, measured in this run
	ack, finished, csv, xlsx time.Duration
	status                   string
	claims                   int
	peak                     []peak
	cpu                      []cpuUse      // per phase: upload, processing, report.csv, report.xlsx
	kill                     *killRun      // -kill
	small                    *smallRuns    // -small
	history                  time.Duration // -history: how long seeding took; 0 without
}

// peak is the peak resident set of one child process.
type peak struct {
	name string
	kb   int64
}

// printTable prints every result so far, one block per run.
func printTable(out io.Writer, o options, f benchFiles, results []result) {
	r := results[len(results)-1]
	ratio := func(d time.Duration, phase int) string {
		s := fmt.Sprintf("%8.3f s %6.1fx", d.Seconds(), d.Seconds()/r.copyTime.Seconds())
		if phase >= 0 && phase < len(r.cpu) {
			u := r.cpu[phase]
			s += fmt.Sprintf("   cpu: jhtbatch %6.2f s, postgres %6.2f s; peak RSS", u.app.Seconds(), u.db.Seconds())
			for _, kb := range u.peakKB {
				s += fmt.Sprintf(" %5.1f", float64(kb)/1024)
			}
			s += " MB"
		}
		return s
	}
	fmt.Fprintf(out, "\n== %s: %d rows (%.1f MB) ==\n", r.layout, f.rows, float64(f.size)/1e6)
	if r.history > 0 {
		fmt.Fprintf(out, "%-28s %8.3f s   %d earlier batches, %d claims, %d participants\n", "history seeded",
			r.history.Seconds(), historyBatches, historyClaims, historyBatches*historyRows)
	}
	fmt.Fprintf(out, "%-28s %s\n", "COPY baseline (best of 3)", fmt.Sprintf("%8.3f s %6.1fx", r.copyTime.Seconds(), 1.0))
	fmt.Fprintf(out, "%-28s %s\n", "upload until 202", ratio(r.ack, 0))
	fmt.Fprintf(out, "%-28s %s\n", "upload until finished", ratio(r.finished, -1))
	fmt.Fprintf(out, "%-28s %s\n", "  of which after the 202", ratio(r.finished-r.ack, 1))
	fmt.Fprintf(out, "%-28s %s\n", "report.csv", ratio(r.csv, 2))
	if o.xlsx {
		fmt.Fprintf(out, "%-28s %s\n", "report.xlsx", ratio(r.xlsx, 3))
	}
	work := r.finished - r.ack
	fmt.Fprintf(out, "%-28s %8.0f rows/s end to end, %.0f rows/s after the 202\n", "throughput",
		float64(f.rows)/r.finished.Seconds(), float64(f.rows)/work.Seconds())
	for _, p := range r.peak {
		fmt.Fprintf(out, "%-28s %8.1f MB\n", "peak RSS "+p.name, float64(p.kb)/1024)
	}
	printHands(out, r)
	fmt.Fprintf(out, "%-28s %s, %d claims for %d valid rows\n", "check", r.status, r.claims, f.rows)
	if len(results) > 1 {
		fmt.Fprintf(out, "\n%-16s %10s %14s%s\n", "layout", "finished", "rows/s", handsHeader(results[0]))
		for _, r := range results {
			fmt.Fprintf(out, "%-16s %8.3f s %14.0f%s\n", r.layout, r.finished.Seconds(), float64(f.rows)/r.finished.Seconds(),
				handsCells(r))
		}
	}
}

// printHands prints the figures of -kill and -small, each beside its goal.
func printHands(out io.Writer, r result) {
	if k := r.kill; k != nil {
		what := fmt.Sprintf("kill -9 %s at %d rows", k.worker, k.atRows)
		if k.restarted {
			what += ", a new work started"
		}
		fmt.Fprintf(out, "%-28s %8.3f s   %s\n", "kill -9 until finished", k.toFinish.Seconds(), what)
		verdict := goal(k.recovery, goalRecovery)
		if k.chunks == 0 {
			verdict = "no chunk was in flight there, recovery NOT measured (more -rows?)"
		}
		fmt.Fprintf(out, "%-28s %8.3f s   %d chunks in flight, %d copies of other chunks; %s\n", "  its chunks taken up again",
			k.recovery.Seconds(), k.chunks, k.spurious, verdict)
	}
	if s := r.small; s != nil {
		during := "before the big batch finished"
		if !s.otherDuring {
			during = "AFTER the big batch finished"
		}
		fmt.Fprintf(out, "%-28s %8.3f s   upload until finished, %s; %s\n", fmt.Sprintf("%d rows, other company", otherRows),
			s.other.Seconds(), during, goal(s.other, goalOther))
		met := 0
		for _, d := range s.small {
			if d <= goalSmall {
				met++
			}
		}
		fmt.Fprintf(out, "%-28s %8.3f s   upload until the end of report.csv, median of %d (%s); goal ≤ %s: met %d of %d\n",
			fmt.Sprintf("%d rows after", smallRows), s.smallMedian().Seconds(), len(s.small), seconds(s.small), goalSmall, met, len(s.small))
	}
}

// handsHeader and handsCells add the -kill and -small figures to the
// table of layouts.
func handsHeader(r result) string {
	s := ""
	if r.kill != nil {
		s += fmt.Sprintf(" %14s %12s", "kill→finished", "taken up")
	}
	if r.small != nil {
		s += fmt.Sprintf(" %12s %12s", fmt.Sprintf("%d during", otherRows), fmt.Sprintf("%d→report", smallRows))
	}
	return s
}

func handsCells(r result) string {
	s := ""
	if r.kill != nil {
		s += fmt.Sprintf(" %12.3f s %10.3f s", r.kill.toFinish.Seconds(), r.kill.recovery.Seconds())
	}
	if r.small != nil {
		s += fmt.Sprintf(" %10.3f s %10.3f s", r.small.other.Seconds(), r.small.smallMedian().Seconds())
	}
	return s
}

// adminURL is the maintenance database "postgres" on the server of dsn
// (the local default server when dsn is empty or unreadable).
func adminURL(dsn string) string {
	const def = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	u, err := url.Parse(dsn)
	if dsn == "" || err != nil {
		return def
	}
	u.Path = "/postgres"
	return u.String()
}
