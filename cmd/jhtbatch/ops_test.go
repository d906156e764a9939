package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"jhtbatch/postgres"
	"jhtbatch/testenv"
	"jhtbatch/worker"
)

// runIn runs a command with stdin.
func runIn(t *testing.T, getenv func(string) string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, append([]string{"jhtbatch"}, args...), getenv, strings.NewReader(stdin), &stdout, &stderr)
	return result{stdout.String(), stderr.String(), err}
}

// TestOpsCommands: operators, users, companies and keys are managed from
// the command line, and no list ever prints a secret.
func TestOpsCommands(t *testing.T) {
	pool, dsn := testenv.DB(t)
	getenv := envMap(map[string]string{"DATABASE_URL": dsn})
	r := runCmd(t, getenv, "company", "create", "--npp", "OPS00001", "--name", "PT Operasi")
	if r.err != nil {
		t.Fatalf("company create: %v %s", r.err, r.stderr)
	}
	key := lastLine(r.stdout)
	r = runCmd(t, getenv, "operator", "create", "--name", "Rina")
	token := lastLine(r.stdout)
	if r.err != nil || !postgres.IsOperatorToken(token) {
		t.Fatalf("operator create: %v, last line %q", r.err, token)
	}
	token2 := lastLine(runCmd(t, getenv, "operator", "create", "--name", "Budi", "--write-queues").stdout)
	store := postgres.NewStore(pool)
	if op, err := store.AuthenticateOperator(context.Background(), token); err != nil || op.Name != "Rina" || op.WriteQueues {
		t.Fatalf("the printed token authenticates %+v, %v", op, err)
	}
	const pw = "sebuah-kata-sandi-panjang"
	tests := []struct {
		name    string
		stdin   string
		args    []string
		wantErr bool
		want    []string // in stdout
	}{
		{"operator without name", "", []string{"operator", "create"}, true, nil},
		{"operator list", "", []string{"operator", "list"}, false, []string{"Rina", postgres.KeyID(token), "read"}},
		{"short password", "pendek\n", []string{"user", "create", "--npp", "OPS00001", "--email", "hr@ops.example", "--password-stdin"}, true, nil},
		{"no password-stdin", "", []string{"user", "create", "--npp", "OPS00001", "--email", "hr@ops.example"}, true, nil},
		{"user create", pw + "\n", []string{"user", "create", "--npp", "OPS00001", "--email", "HR@ops.example", "--password-stdin"}, false, []string{"hr@ops.example"}},
		{"user again", pw + "\n", []string{"user", "create", "--npp", "OPS00001", "--email", "hr@ops.example", "--password-stdin"}, true, nil},
		{"user list", "", []string{"user", "list", "--npp", "OPS00001"}, false, []string{"OPS00001", "hr@ops.example"}},
		{"company list", "", []string{"company", "list"}, false, []string{"OPS00001", "PT Operasi"}},
		{"key list", "", []string{"key", "list", "--npp", "OPS00001"}, false, []string{postgres.KeyID(key), "OPS00001"}},
		{"user disable", "", []string{"user", "disable", "hr@ops.example"}, false, []string{"disabled"}},
		{"operator revoke", "", []string{"operator", "revoke", "1"}, false, []string{"revoked"}},
		{"operator revoke again", "", []string{"operator", "revoke", "1"}, true, nil},
		{"operator revoke not a number", "", []string{"operator", "revoke", "x"}, true, nil},
		{"operator revoke by token id", "", []string{"operator", "revoke", postgres.KeyID(token2)}, false, []string{"revoked"}},
	}
	for _, tc := range tests {
		r := runIn(t, getenv, tc.stdin, tc.args...)
		if (r.err != nil) != tc.wantErr {
			t.Errorf("%s: error %v, want error %v\n%s%s", tc.name, r.err, tc.wantErr, r.stdout, r.stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.name, w, r.stdout)
			}
		}
		for _, secret := range []string{key, token, token2, pw} {
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("%s printed a secret:\n%s%s", tc.name, r.stdout, r.stderr)
			}
		}
	}
	if _, _, err := store.Login(context.Background(), "hr@ops.example", pw, time.Now()); err == nil {
		t.Error("a disabled user signed in")
	}
	for _, tok := range []string{token, token2} {
		if _, err := store.AuthenticateOperator(context.Background(), tok); err == nil {
			t.Errorf("revoked operator token %s still works", postgres.KeyID(tok))
		}
	}
}

// TestStatus: `jhtbatch status` on a real Redis with queued tasks prints
// the queues by state, the batches in progress with the age of their
// oldest unfinished chunk, and the worker processes.
func TestStatus(t *testing.T) {
	pool, dsn := testenv.DB(t)
	redisURL, redisOpt := testenv.Redis(t)
	ctx := context.Background()
	store := postgres.NewStore(pool)
	c, _, err := store.CreateCompany(ctx, "STAT0001", "PT Status")
	if err != nil {
		t.Fatal(err)
	}
	const batchID = "0b7c1d2e-3f40-4a51-8b62-7c83d94e0f10"
	if _, err := pool.Exec(ctx, `INSERT INTO batches (id, company_id, status, mode, filename, file_sha256, rules_version,
		total_rows, created_at, planned_at) VALUES ($1, $2, 'processing', 'create', 'f.csv', '\x00', 'r', 10,
		now() - interval '50 minutes', now() - interval '40 minutes')`, batchID, c.ID); err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(redisOpt)
	defer client.Close()
	for n := range 3 {
		task, _ := worker.NewChunkTask(worker.ChunkPayload{BatchID: batchID, ChunkNo: n, FirstRow: n + 1, LastRow: n + 1})
		if _, err := client.Enqueue(task); err != nil {
			t.Fatal(err)
		}
	}
	in := asynq.NewInspector(redisOpt)
	defer in.Close()
	if err := in.ArchiveTask(worker.QueueChunks, "chunk:"+batchID+":2"); err != nil {
		t.Fatal(err)
	}
	// A worker process that listens on another queue, so that the tasks stay queued.
	srv := asynq.NewServer(redisOpt, asynq.Config{Concurrency: 1, Queues: map[string]int{"elsewhere": 1},
		LogLevel: asynq.FatalLevel})
	if err := srv.Start(asynq.HandlerFunc(func(context.Context, *asynq.Task) error { return nil })); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	host, _ := os.Hostname()

	var r result
	deadline := time.Now().Add(20 * time.Second) // a server writes its heartbeat shortly after it starts
	for {
		r = runCmd(t, envMap(map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redisURL}), "status")
		if r.err != nil {
			t.Fatalf("status: %v\n%s", r.err, r.stderr)
		}
		if strings.Contains(r.stdout, "Worker processes: 1") || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, re := range []string{
		`(?m)^QUEUE\s+PENDING\s+ACTIVE\s+SCHEDULED\s+RETRY\s+ARCHIVED$`,
		`(?m)^chunks\s+2\s+0\s+0\s+0\s+1$`,
		`(?m)^control\s+0\s+0\s+0\s+0\s+0$`,
		`Batches in progress: 1`,
		`(?m)^` + batchID + `\s+STAT0001\s+processing\s+0/10\s+4\dm\d+s\s+true$`,
		`Worker processes: 1`,
		`(?m)^` + regexp.QuoteMeta(host) + `\s+\d+\s+active\s+1\s+0\s`,
	} {
		if !regexp.MustCompile(re).MatchString(r.stdout) {
			t.Errorf("status output lacks %s:\n%s", re, r.stdout)
		}
	}
	// With STUCK_AFTER an hour, 40 minutes is not stuck yet.
	r = runCmd(t, envMap(map[string]string{"DATABASE_URL": dsn, "REDIS_URL": redisURL, "STUCK_AFTER": "1h"}), "status")
	if re := `(?m)^` + batchID + `\s+STAT0001\s+processing\s+0/10\s+4\dm\d+s\s+false$`; r.err != nil || !regexp.MustCompile(re).MatchString(r.stdout) {
		t.Errorf("status with STUCK_AFTER=1h (%v) lacks %s:\n%s", r.err, re, r.stdout)
	}
}

// metricNameRE finds the metric names in a PromQL expression: the names of
// our own and Asynq's metrics, and the HTTP and upload ones.
var metricNameRE = regexp.MustCompile(`\b(?:jhtbatch|asynq|http|uploads?)_[a-z0-9_]+\b`)

// TestDashboardMetricsExist scrapes /metrics of a running `jhtbatch all`
// after an upload, its processing and a report, and checks that every
// metric the Grafana dashboard and the alerting rules name is there.
func TestDashboardMetricsExist(t *testing.T) {
	s := startAll(t)
	key := createCompany(t, s)
	path := filepath.Join(t.TempDir(), "one.csv")
	csv := "kpj,nik,full_name,birth_date,termination_date,reason,bank_code,bank_account,account_name,phone\n" +
		"23012345678,3171011708850001,Budi Santoso,1985-08-17,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "report.csv")
	r := runCmd(t, s.withEnv(map[string]string{"JHTBATCH_KEY": key}), "submit", path, "--wait", "--poll", "100ms", "--report", report)
	if st := exitStatus(r.err); st != 0 && st != exitCompletedErrors {
		t.Fatalf("submit: %v\n%s%s", r.err, r.stdout, r.stderr)
	}
	resp, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	exposed := map[string]bool{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		exposed[name] = true
	}

	var used []string
	raw, err := os.ReadFile("../../deploy/grafana/jhtbatch.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			used = append(used, metricNameRE.FindAllString(tg.Expr, -1)...)
		}
	}
	rules, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(rules), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "expr:") {
			used = append(used, metricNameRE.FindAllString(line, -1)...)
		}
	}
	slices.Sort(used)
	used = slices.Compact(used)
	if len(used) < 10 {
		t.Fatalf("found only %d metric names in the dashboard and rules: %v", len(used), used)
	}
	for _, name := range used {
		if !exposed[name] {
			t.Errorf("metric %s is used by the dashboard or the alerts but not served on /metrics", name)
		}
	}
	s.stop(t)
}
