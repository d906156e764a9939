package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"jhtbatch/credential"
	"jhtbatch/postgres"
	"jhtbatch/testenv"
)

// TestMain checks that no test leaves a goroutine behind: "jhtbatch all"
// must stop everything it started when its context is cancelled.
func TestMain(m *testing.M) {
	testenv.Migrate = postgres.Migrate
	goleak.VerifyTestMain(m)
}

// envMap is a getenv over a fixed map: tests never read the real
// environment.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a running
// server's logs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// result is what one run of a command printed and returned.
type result struct {
	stdout, stderr string
	err            error
}

// runCmd runs the command args (without the program name) in process.
func runCmd(t *testing.T, getenv func(string) string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, append([]string{"jhtbatch"}, args...), getenv, strings.NewReader(""), &stdout, &stderr)
	return result{stdout.String(), stderr.String(), err}
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestConfigLoad(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		flags []string
		check func(t *testing.T, c Config)
	}{
		{"defaults", nil, nil, func(t *testing.T, c Config) {
			want := []any{"postgres://postgres@127.0.0.1:5432/jhtbatch?sslmode=disable", "127.0.0.1:8080", "Asia/Jakarta",
				int64(64 << 20), 200000, 4000, 0, slog.LevelInfo, "text"}
			got := []any{c.DatabaseURL, c.HTTPAddr, c.Location.String(), c.MaxUploadBytes, c.MaxRows, c.ChunkRows,
				c.RetentionDays, c.LogLevel, c.LogFormat}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("defaults (-want +got):\n%s", diff)
			}
			if c.Concurrency < 1 || c.Redis == nil {
				t.Errorf("Concurrency = %d, Redis = %v; want at least 1 and a parsed URL", c.Concurrency, c.Redis)
			}
			if c.BatchChunks != 0 {
				t.Errorf("BatchChunks = %d; want 0, the workers' default (one per CPU)", c.BatchChunks)
			}
		}},
		{"environment", map[string]string{"HTTP_ADDR": ":9090", "MAX_UPLOAD_BYTES": "10MiB", "CHUNK_ROWS": "7",
			"WORKER_CONCURRENCY": "3", "BATCH_CHUNKS": "5", "RETENTION_DAYS": "30", "LOG_LEVEL": "debug", "LOG_FORMAT": "JSON",
			"BUSINESS_TZ": "Asia/Makassar"},
			nil, func(t *testing.T, c Config) {
				want := []any{":9090", int64(10 << 20), 7, 3, 5, 30, slog.LevelDebug, "json", "Asia/Makassar"}
				got := []any{c.HTTPAddr, c.MaxUploadBytes, c.ChunkRows, c.Concurrency, c.BatchChunks, c.RetentionDays,
					c.LogLevel, c.LogFormat, c.Location.String()}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("from the environment (-want +got):\n%s", diff)
				}
			}},
		{"flags win", map[string]string{"CHUNK_ROWS": "7", "MAX_ROWS": "abc"}, []string{"-chunk-rows", "9", "-max-rows", "10"},
			func(t *testing.T, c Config) {
				if c.ChunkRows != 9 || c.MaxRows != 10 {
					t.Errorf("ChunkRows, MaxRows = %d, %d; want 9, 10 from the flags", c.ChunkRows, c.MaxRows)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			cf := bindConfig(fs, envMap(tt.env), serverSettings)
			if err := fs.Parse(tt.flags); err != nil {
				t.Fatalf("parse %q: %v", tt.flags, err)
			}
			c, err := cf.load()
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			tt.check(t, c)
		})
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		env        map[string]string
		want       []string // in the error
		mustNotSay string
	}{
		{map[string]string{"MAX_ROWS": "many"}, []string{"MAX_ROWS", "-max-rows", `"many"`}, ""},
		{map[string]string{"CHUNK_ROWS": "0"}, []string{"CHUNK_ROWS", "above 0"}, ""},
		{map[string]string{"WORKER_CONCURRENCY": "-2"}, []string{"WORKER_CONCURRENCY"}, ""},
		{map[string]string{"BATCH_CHUNKS": "0"}, []string{"BATCH_CHUNKS", "-batch-chunks", "above 0"}, ""},
		{map[string]string{"RETENTION_DAYS": "-1"}, []string{"RETENTION_DAYS"}, ""},
		{map[string]string{"MAX_UPLOAD_BYTES": "64MB"}, []string{"MAX_UPLOAD_BYTES", "64MiB"}, ""},
		{map[string]string{"BUSINESS_TZ": "Asia/Atlantis"}, []string{"BUSINESS_TZ", "Asia/Atlantis"}, ""},
		{map[string]string{"HTTP_ADDR": "8080"}, []string{"HTTP_ADDR", "host:port"}, ""},
		{map[string]string{"LOG_LEVEL": "loud"}, []string{"LOG_LEVEL"}, ""},
		{map[string]string{"LOG_FORMAT": "xml"}, []string{"LOG_FORMAT", "text or json"}, ""},
		{map[string]string{"REDIS_URL": "http://user:hunter2@host"}, []string{"REDIS_URL"}, "hunter2"},
		{map[string]string{"DATABASE_URL": "postgres://u:hunter2@host:notaport/db"}, []string{"DATABASE_URL"}, "hunter2"},
		{map[string]string{"MAX_ROWS": "x", "CHUNK_ROWS": "y"}, []string{"MAX_ROWS", "CHUNK_ROWS"}, ""},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		cf := bindConfig(fs, envMap(tt.env), serverSettings)
		if err := fs.Parse(nil); err != nil {
			t.Fatal(err)
		}
		_, err := cf.load()
		if err == nil {
			t.Errorf("load with %v: no error, want one naming %v", tt.env, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("load with %v: error %q does not say %q", tt.env, err, w)
			}
		}
		if tt.mustNotSay != "" && strings.Contains(err.Error(), tt.mustNotSay) {
			t.Errorf("load with %v: error %q shows the secret %q", tt.env, err, tt.mustNotSay)
		}
	}
}

func TestRunReportsBadConfigBeforeConnecting(t *testing.T) {
	// The database is unreachable: an error about it would mean the
	// configuration was not checked first.
	getenv := envMap(map[string]string{"DATABASE_URL": "postgres://127.0.0.1:1/none", "CHUNK_ROWS": "lots"})
	r := runCmd(t, getenv, "all")
	if r.err == nil || !strings.Contains(r.err.Error(), "CHUNK_ROWS") {
		t.Errorf("all with CHUNK_ROWS=lots: error %v, want one naming CHUNK_ROWS", r.err)
	}
}

func TestRunUsage(t *testing.T) {
	r := runCmd(t, envMap(nil), "-h")
	if r.err != nil {
		t.Fatalf("-h: %v", r.err)
	}
	for _, c := range commands() {
		if !strings.Contains(r.stdout, "  "+c.name+" ") {
			t.Errorf("-h does not list %q:\n%s", c.name, r.stdout)
		}
	}
	for _, s := range append([]string{"JHTBATCH_API", "JHTBATCH_KEY"}, serverSettings...) {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("-h does not list %s", s)
		}
	}
	for _, args := range [][]string{nil, {"frobnicate"}, {"company"}, {"company", "delete"}} {
		if r := runCmd(t, envMap(nil), args...); r.err == nil || !strings.Contains(r.stderr, "Commands:") {
			t.Errorf("run %q: err %v and stderr %q; want an error and the usage", args, r.err, r.stderr)
		}
	}
	r = runCmd(t, envMap(nil), "submit", "-h")
	if r.err != nil || !strings.Contains(r.stdout, "Exit status") || !strings.Contains(r.stdout, "-report") {
		t.Errorf("submit -h: err %v, stdout %q; want the submit usage with its exit statuses and flags", r.err, r.stdout)
	}
}

func TestParseArgsInterleaved(t *testing.T) {
	tests := []struct {
		args    []string
		wantPos []string
		wait    bool
		report  string
	}{
		{[]string{"f.csv"}, []string{"f.csv"}, false, ""},
		{[]string{"f.csv", "--wait", "--report", "out.csv"}, []string{"f.csv"}, true, "out.csv"},
		{[]string{"--wait", "f.csv", "g.csv"}, []string{"f.csv", "g.csv"}, true, ""},
		{[]string{"--report=o", "--", "--wait"}, []string{"--wait"}, false, "o"},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		wait := fs.Bool("wait", false, "")
		report := fs.String("report", "", "")
		pos, err := parseArgs(fs, tt.args)
		if err != nil {
			t.Errorf("parseArgs(%q): %v", tt.args, err)
			continue
		}
		got := []any{pos, *wait, *report}
		want := []any{tt.wantPos, tt.wait, tt.report}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("parseArgs(%q) (-want +got):\n%s", tt.args, diff)
		}
	}
}

func TestCompanyCreateOutput(t *testing.T) {
	_, dsn := testenv.DB(t)
	getenv := envMap(map[string]string{"DATABASE_URL": dsn})
	r := runCmd(t, getenv, "company", "create", "--npp", "abcd1234", "--name", "PT Uji Coba")
	if r.err != nil {
		t.Fatalf("company create: %v\n%s", r.err, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) < 3 || lines[len(lines)-2] != "API key (shown once):" {
		t.Fatalf("company create printed %q; want the key under \"API key (shown once):\" on the last line", r.stdout)
	}
	if !strings.Contains(lines[0], "NPP ABCD1234") || !strings.Contains(lines[0], "PT Uji Coba") || !strings.Contains(lines[0], "id ") {
		t.Errorf("first line %q; want the company id, NPP ABCD1234 and name", lines[0])
	}
	key := lines[len(lines)-1]
	if strings.ContainsAny(key, " \t") || len(key) < 20 {
		t.Errorf("last line %q does not look like a key alone", key)
	}
	store := openTestStore(t, dsn)
	c, err := store.Authenticate(context.Background(), key)
	if err != nil || c.NPP != "ABCD1234" {
		t.Errorf("Authenticate(printed key) = %+v, %v; want company ABCD1234", c, err)
	}

	// A second key works too, and revoking the first one stops it.
	r = runCmd(t, getenv, "key", "create", "--npp", "ABCD1234")
	if r.err != nil {
		t.Fatalf("key create: %v", r.err)
	}
	second := lastLine(r.stdout)
	if second == key {
		t.Errorf("key create printed the same key again")
	}
	if r := runCmd(t, getenv, "key", "revoke", credential.ID(key)); r.err != nil {
		t.Fatalf("key revoke: %v", r.err)
	}
	if _, err := store.Authenticate(context.Background(), key); err == nil {
		t.Errorf("the revoked key still authenticates")
	}
	if _, err := store.Authenticate(context.Background(), second); err != nil {
		t.Errorf("the second key stopped working after the first was revoked: %v", err)
	}

	if r := runCmd(t, getenv, "company", "create", "--npp", "ABCD1234", "--name", "Again"); r.err == nil {
		t.Errorf("company create with an NPP already registered succeeded; want an error")
	}
}

func TestCompanyCreateChecksArgumentsFirst(t *testing.T) {
	getenv := envMap(map[string]string{"DATABASE_URL": "postgres://127.0.0.1:1/none"})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"company", "create", "--npp", "TOOLONG123", "--name", "X"}, "npp"},
		{[]string{"company", "create", "--npp", "ABCD1234"}, "name"},
		{[]string{"company", "create", "extra", "--npp", "ABCD1234", "--name", "X"}, "unexpected argument"},
		{[]string{"key", "create"}, "npp"},
		{[]string{"key", "revoke"}, "KEY_ID"},
		{[]string{"participants", "import", "/nonexistent/registry.csv"}, "no such file"},
	}
	for _, tt := range tests {
		r := runCmd(t, getenv, tt.args...)
		if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
			t.Errorf("run %q: error %v; want one saying %q", tt.args, r.err, tt.want)
		}
	}
}

func openTestStore(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	pool, err := postgres.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return postgres.NewStore(pool)
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		b    batchInfo
		want string
	}{
		{batchInfo{Status: "accepted"}, "[..............................]   0%  0/0 rows  accepted"},
		{batchInfo{Status: "processing", TotalRows: 200, ProcessedRows: 100}, "[###############...............]  50%  100/200 rows  processing"},
		{batchInfo{Status: "completed", TotalRows: 3, ProcessedRows: 3}, "[##############################] 100%  3/3 rows  completed"},
	}
	for _, tt := range tests {
		if got := strings.TrimRight(progressLine(tt.b), " "); got != tt.want {
			t.Errorf("progressLine(%+v) = %q, want %q", tt.b, got, tt.want)
		}
	}
}

func TestProgressNotOnTerminalPrintsLinesEveryFewSeconds(t *testing.T) {
	var buf bytes.Buffer
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newProgress(&buf, func() time.Time { return now })
	b := batchInfo{Status: "processing", TotalRows: 10}
	for i := 0; i < 12; i++ { // a poll every second for 12 s
		b.ProcessedRows = min(i, 10)
		p.update(b)
		now = now.Add(time.Second)
	}
	b.Status, b.ProcessedRows = "completed", 10
	p.done(b)
	out := buf.String()
	if strings.Contains(out, "\r") {
		t.Errorf("progress to a non-terminal redraws with \\r:\n%q", out)
	}
	// Lines at 0 s, 5 s and 10 s, then the final one.
	if n := strings.Count(out, "\n"); n != 4 {
		t.Errorf("progress printed %d lines, want 4:\n%s", n, out)
	}
	if !strings.HasSuffix(out, "10/10 rows  completed"+strings.Repeat(" ", 13)+"\n") {
		t.Errorf("progress does not end with the final state:\n%q", out)
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{errors.New("x"), 1},
		{finalStatus(batchInfo{ID: "b", Status: "completed_with_errors", Rejected: 2}), 2},
		{finalStatus(batchInfo{ID: "b", Status: "failed"}), 1},
		{finalStatus(batchInfo{ID: "b", Status: "cancelled"}), 1},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
	if err := finalStatus(batchInfo{Status: "completed"}); err != nil {
		t.Errorf("finalStatus(completed) = %v, want nil", err)
	}
}

func TestCompanyWebhook(t *testing.T) {
	_, dsn := testenv.DB(t)
	getenv := envMap(map[string]string{"DATABASE_URL": dsn})
	if r := runCmd(t, getenv, "company", "create", "--npp", "WEBH0001", "--name", "PT Hook"); r.err != nil {
		t.Fatalf("company create: %v\n%s", r.err, r.stderr)
	}
	r := runCmd(t, getenv, "company", "webhook", "--npp", "webh0001", "--url", "https://hr.example.com/jht")
	if r.err != nil || !strings.HasPrefix(lastLine(r.stdout), "whsec_") {
		t.Fatalf("company webhook: %v; want the secret on the last line:\n%s", r.err, r.stdout)
	}
	if r := runCmd(t, getenv, "company", "webhook", "--npp", "WEBH0001", "--url", "ftp://x"); r.err == nil {
		t.Error("an ftp URL was accepted")
	}
	if r := runCmd(t, getenv, "company", "webhook", "--npp", "NOPE0001", "--url", "https://x.example"); r.err == nil {
		t.Error("a webhook for an unknown company was set")
	}
	r = runCmd(t, getenv, "company", "webhook", "--npp", "WEBH0001", "--url", "")
	if r.err != nil || !strings.Contains(r.stdout, "no longer announced") {
		t.Errorf("turning the webhook off: %v\n%s", r.err, r.stdout)
	}
}
