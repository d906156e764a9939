package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestHelpTouchesNothing runs the real binary's help of every command and
// group of commands, in each form (CMD -h, CMD --help, help CMD), in an
// empty directory, with Redis and the API on closed ports and DATABASE_URL
// naming a database that does not exist on the real PostgreSQL (any
// command that connected would create it: every command migrates first).
// Each prints its usage on stdout and exits 0; afterwards no file was
// written (not in the directory, the temporary directory or the spool) and
// the database still does not exist.
func TestHelpTouchesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "jhtbatch")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir, tmp := t.TempDir(), t.TempDir()
	spool := filepath.Join(tmp, "spool")
	dbName := fmt.Sprintf("jht_helpcheck_%d", time.Now().UnixNano())
	env := append(os.Environ(),
		"DATABASE_URL=postgres://postgres@127.0.0.1:5432/"+dbName+"?sslmode=disable",
		"REDIS_URL=redis://127.0.0.1:1/0", "HTTP_ADDR=127.0.0.1:1", "JHTBATCH_API=http://127.0.0.1:1",
		"JHTBATCH_KEY=x", "SPOOL_DIR="+spool, "TMPDIR="+tmp)

	var forms [][]string
	groups := map[string]bool{}
	for _, c := range commands() {
		words := strings.Fields(c.name)
		forms = append(forms, append(words, "-h"), append(words, "--help"), append([]string{"help"}, words...))
		if len(words) > 1 && !groups[words[0]] {
			groups[words[0]] = true
			forms = append(forms, []string{words[0], "-h"}, []string{words[0], "--help"}, []string{"help", words[0]})
		}
	}
	forms = append(forms, []string{"submit", "file.csv", "--wait", "-h"}, []string{"-h"}, []string{"help"},
		[]string{"--help"}, []string{"help", "-h"}, []string{"help", "--help"}, []string{"help", "help"}, []string{"help", "company", "create", "-h"})
	for _, args := range forms {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, env
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("jhtbatch %s: %v; stderr %q", strings.Join(args, " "), err, stderr.String())
			continue
		}
		if !strings.HasPrefix(stdout.String(), "Usage: jhtbatch") {
			t.Errorf("jhtbatch %s: stdout %q, want the usage", strings.Join(args, " "), stdout.String())
		}
	}
	for _, d := range []string{dir, tmp} {
		if entries, _ := os.ReadDir(d); len(entries) > 0 {
			t.Errorf("help wrote into %s: %v", d, entries)
		}
	}
	conn, err := pgx.Connect(context.Background(), "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(context.Background(), `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, dbName).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("help created database %s", dbName)
		_, _ = conn.Exec(context.Background(), "DROP DATABASE "+dbName+" WITH (FORCE)")
	}
}
