// Command jhtbatch is the one binary of jhtbatch: the API and web page, the
// workers, the database migrations, the operator commands and a client that
// submits batch files (CONTRACT.md §5). Run "jhtbatch -h" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "time/tzdata" // BUSINESS_TZ must load on machines without system tzdata
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, restore the default handling, so that a
		// second Ctrl-C stops a shutdown that takes too long.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "jhtbatch: %v\n", err)
		os.Exit(exitCode(err))
	}
}

// exitError carries the exit status a command wants besides 1.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCode is the process status for err: the code an *exitError asks for,
// else 1.
func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}

// env gives the commands their environment and standard streams, so that a
// test can run any command in process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
	self   string // how the user invoked this binary, for the hints it prints
}

// command is one subcommand: its name as typed (two words for "company
// create"), a one-line synopsis for the usage, and what it does with the
// arguments that follow its name.
type command struct {
	name     string
	synopsis string
	run      func(ctx context.Context, e env, args []string) error
}

// commands lists every subcommand in the order the usage shows them.
func commands() []command {
	return append([]command{
		{"all", "API, web page, workers and scheduler in one process (the local default)", runAll},
		{"serve", "API and web page only", runServe},
		{"work", "workers and scheduler only", runWork},
		{"migrate", "apply the database migrations and exit", runMigrate},
		{"company create", "--npp NPP --name NAME: register a company; its API key is the last line", runCompanyCreate},
		{"company webhook", "--npp NPP --url URL: announce the company's finished batches to URL (signed POST)", runCompanyWebhook},
		{"key create", "--npp NPP: give a company a new API key; the key is the last line", runKeyCreate},
		{"key revoke", "KEY_ID: revoke an API key by its public id", runKeyRevoke},
		{"participants import", "FILE: load or refresh the participant registry from CSV", runParticipantsImport},
		{"submit", "FILE [--validate] [--wait] [--report OUT]: upload a batch file as a company", runSubmit},
		{"demo", "create a demo company, registry and sample file, and say what to do next", runDemo},
	}, opsCommands()...) // operators and HR accounts (ops.go)
}

// run is the whole program: it finds the command named by args and runs it.
// It returns when the command is done or, for the long-running ones, when
// ctx is cancelled and everything has shut down.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now, self: "jhtbatch"}
	if len(args) > 0 && strings.ContainsRune(args[0], '/') && !filepath.IsAbs(args[0]) {
		e.self = args[0] // e.g. bin/jhtbatch, as scripts/run.sh starts it
	}
	if len(args) < 2 {
		usage(stderr)
		return errors.New("no command given")
	}
	switch args[1] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if n, ok := matches(c.name, args[1:]); ok {
			return c.run(ctx, e, args[1+n:])
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", strings.Join(args[1:min(len(args), 3)], " "))
}

// matches reports whether args start with the words of name, and how many
// words that is.
func matches(name string, args []string) (int, bool) {
	words := strings.Fields(name)
	if len(args) < len(words) {
		return 0, false
	}
	for i, w := range words {
		if args[i] != w {
			return 0, false
		}
	}
	return len(words), true
}

// usage prints every command and the configuration variables.
func usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: jhtbatch COMMAND [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.synopsis)
	}
	fmt.Fprintf(w, "\nRun \"jhtbatch COMMAND -h\" for the flags of a command.\n")
	fmt.Fprintf(w, "Exit status: 0 on success, 1 on any error; submit --wait exits 2 when the batch\ncompleted with rejected rows.\n\n")
	fmt.Fprintf(w, "Configuration: environment variables; a command's flag, where it has one, wins.\n")
	for _, s := range settings {
		fmt.Fprintf(w, "  %-19s -%-19s %s (default %s)\n", s.env, s.flag, s.usage, s.defaultText())
	}
	fmt.Fprintf(w, "  %-19s -%-19s %s\n", envAPI, "api", "submit: the API's base URL (default "+defaultAPI+")")
	fmt.Fprintf(w, "  %-19s -%-19s %s\n", envKey, "key", "submit: the company's API key")
}

// newFlagSet returns a flag set for a command whose usage names the command,
// its arguments and its flags.
func newFlagSet(e env, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("jhtbatch "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: %s\n\n%s\n", strings.TrimSpace("jhtbatch "+name+" "+args), about)
		if hasFlags(fs) {
			fmt.Fprintf(e.stderr, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseArgs parses flags that may come before, between or after the
// positional arguments (Go's flag package stops at the first positional
// one), and returns the positional arguments. After "--" everything is
// positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// wantArgs checks the number of positional arguments of a command.
func wantArgs(fs *flag.FlagSet, got []string, n int, what string) error {
	if len(got) != n {
		fs.Usage()
		if len(got) < n {
			return fmt.Errorf("%s: missing %s", fs.Name(), what)
		}
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), got[n])
	}
	return nil
}

// helpRequested turns the -h flag's error into success: the usage was
// printed, which is what was asked for.
func helpRequested(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// hasFlags reports whether fs defines any flag.
func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}
