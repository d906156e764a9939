package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"jhtbatch/batch"
)

// The submit command's environment and its default API.
const (
	envAPI     = "JHTBATCH_API"
	envKey     = "JHTBATCH_KEY"
	defaultAPI = "http://127.0.0.1:8080"
)

// Exit statuses of submit (besides 0: accepted, or completed with every row
// valid or created).
const (
	exitFailed          = 1 // refused upload, failed or cancelled batch, any other error
	exitCompletedErrors = 2 // finished, but some rows were rejected: see the report
)

const submitAbout = `Uploads a batch file to the API as a company and prints the batch id and status.

The API key comes from --key or JHTBATCH_KEY; it is never printed. With --wait
the command follows the batch until it is finished, showing its progress on
stderr, then prints the counters. --report OUT saves the result report to OUT
(and implies --wait); its format follows --format, else OUT's extension.

Exit status: 0 when the upload was accepted (without --wait) or the batch
completed with every row created (or valid, with --validate); 2 when the
batch completed with rejected rows (the report says which and why); 1 when
the upload was refused (the error code, message and every detail with its
line and column are printed), the batch failed or was cancelled, or on any
other error.`

// submitOptions are the parsed flags of submit.
type submitOptions struct {
	path     string
	validate bool
	wait     bool
	report   string
	format   string
	lang     batch.Lang
	poll     time.Duration
}

func runSubmit(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "submit", "FILE [--validate] [--wait] [--report OUT] [--api URL] [--key KEY] [--format csv|xlsx] [--lang id|en]", submitAbout)
	opt, client, err := parseSubmit(fs, e, args)
	if err != nil {
		return helpRequested(err)
	}
	// Idle keep-alive connections would outlive the command when run
	// in process (tests).
	defer client.http.CloseIdleConnections()
	b, err := client.upload(ctx, opt.path, opt.validate)
	if err != nil {
		return submitError(e, err)
	}
	fmt.Fprintf(e.stdout, "Batch %s %s: %s, %d rows, mode %s.\n", b.ID, b.Status, b.Filename, b.TotalRows, b.Mode)
	if !opt.wait {
		return nil
	}
	b, err = client.wait(ctx, b, newProgress(e.stderr, e.now), opt.poll)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("stopped following batch %s; it goes on on the server: %w", b.ID, err)
	}
	if err != nil {
		return submitError(e, err)
	}
	printCounters(e, b)
	if opt.report != "" && hasReport(b.Status) {
		if err := client.saveReport(ctx, b.ID, opt.format, opt.report); err != nil {
			return submitError(e, err)
		}
		fmt.Fprintf(e.stdout, "Report saved to %s.\n", opt.report)
	}
	return finalStatus(b)
}

// parseSubmit reads the flags and arguments of submit and builds the client.
func parseSubmit(fs *flag.FlagSet, e env, args []string) (submitOptions, *apiClient, error) {
	var opt submitOptions
	fs.BoolVar(&opt.validate, "validate", false, "validate only: check every row, create no claim")
	fs.BoolVar(&opt.wait, "wait", false, "wait until the batch is finished, showing progress")
	fs.StringVar(&opt.report, "report", "", "save the result report to this `file` (implies --wait)")
	api := fs.String("api", "", "the API's base `URL` (env "+envAPI+", default "+defaultAPI+")")
	key := fs.String("key", "", "the company's API `key` (env "+envKey+")")
	fs.StringVar(&opt.format, "format", "", "report format, csv or xlsx (default: from the report's extension, else csv)")
	lang := fs.String("lang", "id", "language of messages, id or en")
	fs.DurationVar(&opt.poll, "poll", time.Second, "how often to ask for the batch's progress with --wait")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return opt, nil, err
	}
	if err := wantArgs(fs, pos, 1, "FILE"); err != nil {
		return opt, nil, err
	}
	opt.path = pos[0]
	if err := opt.finish(*lang); err != nil {
		return opt, nil, err
	}
	client, err := newAPIClient(firstNonEmpty(*api, e.getenv(envAPI), defaultAPI), firstNonEmpty(*key, e.getenv(envKey)), opt.lang)
	return opt, client, err
}

// finish checks the options that depend on each other.
func (o *submitOptions) finish(lang string) error {
	if o.report != "" {
		o.wait = true
	}
	if o.format == "" {
		o.format = "csv"
		if strings.EqualFold(filepath.Ext(o.report), ".xlsx") {
			o.format = "xlsx"
		}
	}
	if o.format != "csv" && o.format != "xlsx" {
		return fmt.Errorf("submit: --format %q: want csv or xlsx", o.format)
	}
	switch batch.Lang(lang) {
	case batch.LangID, batch.LangEN:
		o.lang = batch.Lang(lang)
	default:
		return fmt.Errorf("submit: --lang %q: want id or en", lang)
	}
	if o.poll <= 0 {
		return errors.New("submit: --poll must be above 0")
	}
	return nil
}

// submitError prints an error answer of the API in full (code, message,
// every detail) on stderr and returns the error to exit with.
func submitError(e env, err error) error {
	var ae *apiError
	if !errors.As(err, &ae) {
		return &exitError{code: exitFailed, err: err}
	}
	// The message is the first detail's, so the details say it all.
	fmt.Fprintf(e.stderr, "Refused (HTTP %d): %s\n", ae.Status, ae.Body.Code)
	if len(ae.Body.Details) == 0 {
		fmt.Fprintf(e.stderr, "  %s\n", ae.Body.Message)
	}
	for _, d := range ae.Body.Details {
		fmt.Fprintf(e.stderr, "  %s\n", d.describe())
	}
	switch {
	case ae.Body.BatchID != "":
		fmt.Fprintf(e.stderr, "  Related batch: %s\n", ae.Body.BatchID)
	case ae.Status == 401:
		fmt.Fprintf(e.stderr, "  Check the API key (--key or %s).\n", envKey)
	}
	return &exitError{code: exitFailed, err: err}
}

// printCounters prints the final counters of a finished batch.
func printCounters(e env, b batchInfo) {
	fmt.Fprintf(e.stdout, "Batch %s %s: %d rows, %d processed: %d created, %d valid, %d rejected, %d with warnings.\n",
		b.ID, b.Status, b.TotalRows, b.ProcessedRows, b.Created, b.Valid, b.Rejected, b.Warnings)
}

// hasReport reports whether a batch in status s has a report to download.
func hasReport(s batch.Status) bool {
	return s == batch.StatusCompleted || s == batch.StatusCompletedWithErrors || s == batch.StatusCancelled
}

// finalStatus turns the status of a finished batch into the exit status
// documented in submitAbout.
func finalStatus(b batchInfo) error {
	switch b.Status {
	case batch.StatusCompleted:
		return nil
	case batch.StatusCompletedWithErrors:
		return &exitError{code: exitCompletedErrors,
			err: fmt.Errorf("batch %s completed with %d rejected rows; the report says why", b.ID, b.Rejected)}
	}
	return &exitError{code: exitFailed, err: fmt.Errorf("batch %s %s", b.ID, b.Status)}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
