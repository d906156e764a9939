package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"jhtbatch/testenv"
)

// TestBinaryStopsOnSIGTERM builds the real binary, runs "jhtbatch all" and
// sends it SIGTERM: main must turn the signal into a graceful shutdown and
// exit with status 0.
func TestBinaryStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "jhtbatch")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	_, dsn := testenv.DB(t)
	redisURL, _ := testenv.Redis(t)
	addr := testenv.FreeAddr(t)
	cmd := exec.Command(bin, "all", "-http-addr", addr, "-log-format", "json")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "REDIS_URL="+redisURL, "HTTP_ADDR=127.0.0.1:1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill() // only if the test failed before it exited

	waitHealthy(t, "http://"+addr, exited)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("jhtbatch all exited with %v after SIGTERM, want status 0\n%s", err, logs.String())
		}
	case <-time.After(45 * time.Second):
		t.Fatalf("jhtbatch all did not exit within 45 s of SIGTERM\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"msg":"jhtbatch stopped"`) {
		t.Errorf("logs lack the JSON line of a clean stop (-log-format json, flag over env):\n%s", logs.String())
	}
}

// waitHealthy polls url/healthz until it answers 200, failing when the
// process exits first or a minute passes. The HTTP_ADDR of the environment
// is unusable, so a healthy server also proves that the flag won.
func waitHealthy(t *testing.T, url string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("jhtbatch all exited early: %v", err)
		default:
		}
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			http.DefaultClient.CloseIdleConnections()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s/healthz did not answer 200 within a minute", url)
}
