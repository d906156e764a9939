package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hibiken/asynq"

	"jhtbatch/batch"
	"jhtbatch/credential"
	"jhtbatch/postgres"
	"jhtbatch/worker"
)

// opsCommands are the commands of operators and HR accounts.
func opsCommands() []command {
	return []command{
		{"operator create", "--name NAME [--write-queues]: make an operator token; the token is the last line", runOperatorCreate},
		{"operator list", "list the operators (never their tokens)", runOperatorList},
		{"operator revoke", "ID: revoke an operator's token", runOperatorRevoke},
		{"user create", "--npp NPP --email EMAIL --password-stdin: give a company an HR user", runUserCreate},
		{"user list", "[--npp NPP]: list HR users", runUserList},
		{"user disable", "EMAIL: stop an HR user signing in, and end their sessions", runUserDisable},
		{"user password", "EMAIL --password-stdin: set a user's password and sign them out everywhere", runUserPassword},
		{"company list", "list the companies", runCompanyList},
		{"key list", "[--npp NPP]: list API keys (ids and dates, never the secret)", runKeyList},
		{"status", "print the queues, the batches in progress and the worker processes", runStatus},
	}
}

func runOperatorCreate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "operator create", "--name NAME [--write-queues]",
		"Makes an operator token and prints it, alone on the last line; it is shown only this once.\n"+
			"With it (Authorization: Bearer TOKEN, or the sign-in form of /ops/) an operator sees every\n"+
			"company's batches, retries failed ones and watches the queues. It is no company key.")
	name := fs.String("name", "", "who the operator is (shown in the audit trail)")
	write := fs.Bool("write-queues", false, "may also change the queues (delete, retry, pause) in the queue dashboard")
	_, store, closeStore, err := adminCommand(ctx, e, fs, args, 0, "", func([]string) error {
		if strings.TrimSpace(*name) == "" {
			return errors.New("operator create: -name is required")
		}
		return nil
	})
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	op, token, err := store.CreateOperator(ctx, *name, *write)
	if err != nil {
		return fmt.Errorf("operator create: %w", err)
	}
	access := "read-only queue dashboard"
	if op.WriteQueues {
		access = "queue dashboard may change the queues"
	}
	fmt.Fprintf(e.stdout, "Operator created: id %d, name %s, token id %s (%s).\n", op.ID, op.Name, op.TokenID, access)
	fmt.Fprintf(e.stdout, "To revoke: jhtbatch operator revoke %d\n", op.ID)
	fmt.Fprintln(e.stdout, "Operator token (shown once):")
	fmt.Fprintln(e.stdout, token)
	return nil
}

func runOperatorList(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "operator list", "", "Lists the operators: id, name, token id, queue rights, created, revoked.")
	_, store, closeStore, err := adminCommand(ctx, e, fs, args, 0, "", nil)
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	ops, err := store.Operators(ctx)
	if err != nil {
		return fmt.Errorf("operator list: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTOKEN ID\tQUEUES\tCREATED\tREVOKED")
	for _, o := range ops {
		q := "read"
		if o.WriteQueues {
			q = "write"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.Name, o.TokenID, q, stamp(&o.CreatedAt), stamp(o.RevokedAt))
	}
	return tw.Flush()
}

func runOperatorRevoke(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "operator revoke", "ID",
		"Revokes an operator's token. ID is the number `jhtbatch operator list` shows, or the\ntoken's public id (jhtop_ and 6 characters).")
	pos, store, closeStore, err := adminCommand(ctx, e, fs, args, 1, "ID", func(pos []string) error {
		if _, err := strconv.ParseInt(pos[0], 10, 64); err != nil && !credential.IsOperatorToken(pos[0]) {
			return fmt.Errorf("operator revoke: ID %q is neither a number nor a token id (jhtop_…)", pos[0])
		}
		return nil
	})
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	if id, perr := strconv.ParseInt(pos[0], 10, 64); perr == nil {
		err = store.RevokeOperator(ctx, id)
	} else {
		err = store.RevokeOperatorToken(ctx, pos[0])
	}
	name := credential.ID(pos[0]) // never echo a whole token
	if err != nil {
		return fmt.Errorf("operator revoke %s: %w", name, err)
	}
	fmt.Fprintf(e.stdout, "Operator %s revoked.\n", name)
	return nil
}

// readPassword reads a password from the first line of r: never from a
// flag, where it would show in the process list and the shell history.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if len([]rune(pw)) < batch.MinPasswordChars {
		return "", fmt.Errorf("the password must have at least %d characters", batch.MinPasswordChars)
	}
	return pw, nil
}

func runUserCreate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "user create", "--npp NPP --email EMAIL --password-stdin",
		"Gives company NPP an HR user who signs in to the web page with EMAIL and a password\n"+
			fmt.Sprintf("of at least %d characters, read from the first line of standard input.", batch.MinPasswordChars))
	npp := fs.String("npp", "", "the company's registration number (NPP)")
	email := fs.String("email", "", "the user's e-mail address, used to sign in")
	stdin := fs.Bool("password-stdin", false, "read the password from standard input (required)")
	_, store, closeStore, err := adminCommand(ctx, e, fs, args, 0, "", func([]string) error {
		switch {
		case strings.TrimSpace(*npp) == "":
			return errors.New("user create: -npp is required")
		case strings.TrimSpace(*email) == "":
			return errors.New("user create: -email is required")
		case !*stdin:
			return errors.New("user create: -password-stdin is required (the password is never a flag)")
		}
		return nil
	})
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	pw, err := readPassword(e.stdin)
	if err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	u, err := store.CreateUser(ctx, *npp, *email, pw)
	if e := batch.ErrorOf(err); e != nil && e.Code == batch.CodeUserExists {
		return fmt.Errorf("user create: a user with e-mail %s already exists", strings.ToLower(strings.TrimSpace(*email)))
	}
	if err != nil {
		return fmt.Errorf("user create %s: %w", *email, err)
	}
	fmt.Fprintf(e.stdout, "User created: %s for company %s. They sign in on the web page.\n", u.Email, u.CompanyNPP)
	return nil
}

func runUserPassword(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "user password", "EMAIL --password-stdin",
		"Sets an HR user's password, read from the first line of standard input, and ends\nevery session of theirs.")
	stdin := fs.Bool("password-stdin", false, "read the password from standard input (required)")
	pos, store, closeStore, err := adminCommand(ctx, e, fs, args, 1, "EMAIL", func([]string) error {
		if !*stdin {
			return errors.New("user password: -password-stdin is required (the password is never a flag)")
		}
		return nil
	})
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	pw, err := readPassword(e.stdin)
	if err != nil {
		return fmt.Errorf("user password: %w", err)
	}
	if err := store.SetPassword(ctx, pos[0], pw); err != nil {
		return fmt.Errorf("user password %s: %w", pos[0], err)
	}
	fmt.Fprintf(e.stdout, "Password of %s changed; every session of theirs has ended.\n", pos[0])
	return nil
}

func runUserList(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "user list", "[--npp NPP]", "Lists HR users: company, e-mail, created, disabled.")
	npp := fs.String("npp", "", "only this company's users")
	_, store, closeStore, err := adminCommand(ctx, e, fs, args, 0, "", nil)
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	users, err := store.Users(ctx, *npp)
	if err != nil {
		return fmt.Errorf("user list: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NPP\tEMAIL\tCREATED\tDISABLED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.CompanyNPP, u.Email, stamp(&u.CreatedAt), stamp(u.DisabledAt))
	}
	return tw.Flush()
}

func runUserDisable(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "user disable", "EMAIL", "Stops an HR user signing in and ends every session of theirs.")
	pos, store, closeStore, err := adminCommand(ctx, e, fs, args, 1, "EMAIL", nil)
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	if err := store.DisableUser(ctx, pos[0]); err != nil {
		return fmt.Errorf("user disable %s: %w", pos[0], err)
	}
	fmt.Fprintf(e.stdout, "User %s disabled.\n", pos[0])
	return nil
}

func runCompanyList(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "company list", "", "Lists the companies with their live API keys and HR users.")
	_, store, closeStore, err := adminCommand(ctx, e, fs, args, 0, "", nil)
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	list, err := store.Companies(ctx)
	if err != nil {
		return fmt.Errorf("company list: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNPP\tNAME\tKEYS\tUSERS\tCREATED")
	for _, c := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%s\n", c.ID, c.NPP, c.Name, c.ActiveKeys, c.Users, stamp(&c.CreatedAt))
	}
	return tw.Flush()
}

func runKeyList(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "key list", "[--npp NPP]", "Lists API keys by their public id, with when each was made and revoked; never a secret.")
	npp := fs.String("npp", "", "only this company's keys")
	_, store, closeStore, err := adminCommand(ctx, e, fs, args, 0, "", nil)
	if err != nil {
		return helpRequested(err)
	}
	defer closeStore()
	keys, err := store.Keys(ctx, *npp)
	if err != nil {
		return fmt.Errorf("key list: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY ID\tNPP\tCREATED\tREVOKED")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.KeyID, k.CompanyNPP, stamp(&k.CreatedAt), stamp(k.RevokedAt))
	}
	return tw.Flush()
}

// stamp shows a time in UTC to the second, "-" for none.
func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func runStatus(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "status", "",
		"Prints the queues (pending, active, scheduled, retry, archived tasks per queue), the\n"+
			"batches in progress with the age of their oldest unfinished chunk, and the worker\nprocesses Redis has seen.")
	cf := bindConfig(fs, e.getenv, []string{"DATABASE_URL", "REDIS_URL", "STUCK_AFTER", "LOG_LEVEL", "LOG_FORMAT"})
	cfg, err := cf.parse(args)
	if err != nil {
		return err
	}
	if cfg.Redis == nil {
		cfg.Redis, _ = asynq.ParseRedisURI("redis://127.0.0.1:6379/0")
	}
	store, closeStore, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	in := asynq.NewInspector(cfg.Redis)
	defer in.Close()
	return printStatus(ctx, e, store, in, cfg.StuckAfter)
}

// printStatus writes the three sections of `jhtbatch status`.
func printStatus(ctx context.Context, e env, store *postgres.Store, in *asynq.Inspector, stuckAfter time.Duration) error {
	now := e.now()
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "QUEUE\tPENDING\tACTIVE\tSCHEDULED\tRETRY\tARCHIVED")
	names, err := in.Queues()
	if err != nil {
		return fmt.Errorf("status: read the queues from Redis: %w", err)
	}
	existing := slices.Clone(names)
	for _, q := range worker.Queues {
		if !slices.Contains(names, q) {
			names = append(names, q)
		}
	}
	slices.Sort(names)
	for _, q := range names {
		info := &asynq.QueueInfo{} // a queue no task was ever put on is empty
		if slices.Contains(existing, q) {
			info, err = in.GetQueueInfo(q)
		}
		if err != nil {
			return fmt.Errorf("status: read queue %s: %w", q, err)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", q, info.Pending, info.Active, info.Scheduled, info.Retry, info.Archived)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	list, err := store.AllBatches(ctx, now, batch.OpsFilter{Statuses: []string{"accepted", "processing"},
		StuckAfter: stuckAfter, Limit: 1000})
	if err != nil {
		return fmt.Errorf("status: read the batches in progress: %w", err)
	}
	fmt.Fprintf(e.stdout, "\nBatches in progress: %d\n", len(list))
	if len(list) > 0 {
		tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "BATCH\tNPP\tSTATUS\tROWS DONE\tOLDEST UNFINISHED CHUNK\tSTUCK")
		for _, b := range list {
			age := "-"
			if b.UnfinishedSince != nil {
				age = now.Sub(*b.UnfinishedSince).Round(time.Second).String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%s\t%v\n", b.ID, b.CompanyNPP, b.Status, b.ProcessedRows, b.TotalRows, age, b.Stuck)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}

	servers, err := in.Servers()
	if err != nil {
		return fmt.Errorf("status: read the worker processes from Redis: %w", err)
	}
	fmt.Fprintf(e.stdout, "\nWorker processes: %d\n", len(servers))
	if len(servers) > 0 {
		tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "HOST\tPID\tSTATUS\tCONCURRENCY\tACTIVE\tSTARTED")
		for _, s := range servers {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%d\t%s\n", s.Host, s.PID, s.Status, s.Concurrency, len(s.ActiveWorkers), stamp(&s.Started))
		}
		return tw.Flush()
	}
	return nil
}

func setStuckAfter(c *Config, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return errors.New("want a duration above 0, such as 15m or 1h")
	}
	c.StuckAfter = d
	return nil
}
