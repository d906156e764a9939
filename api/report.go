package api

import (
	"bufio"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"jhtbatch/batch"
)

// Content types of the reports.
const (
	contentTypeCSV  = "text/csv; charset=utf-8"
	contentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// reportBufSize is how much of a report is held before the first byte is
// sent: an error before then is still answered as a JSON error.
const reportBufSize = 64 << 10

// reportRequest is a finished batch of the company and which rows to show.
type reportRequest struct {
	batch        batch.Batch
	onlyRejected bool
	meta         batch.ReportMeta
}

// handleReportCSV streams the CSV report (docs/report.md) from the database
// to the client, row by row.
func (s *server) handleReportCSV(w http.ResponseWriter, r *http.Request, c batch.Company) {
	req, ok := s.reportRequest(w, r, c)
	if !ok {
		return
	}
	release, ok := s.reportSlot(w, r, c)
	if !ok {
		return
	}
	defer release()
	defer s.trackReportBuild()()
	out := s.startReport(w, r, req, contentTypeCSV, ".csv")
	rep, err := batch.NewCSVReport(out.buf, req.meta)
	if err == nil {
		err = s.store.ReportLines(r.Context(), req.batch, req.onlyRejected, rep.Write)
	}
	if err == nil {
		err = rep.Close()
	}
	s.finishReport(w, r, out, err)
}

// handleReportXLSX writes the spreadsheet report. Rows come from the
// database a page at a time, and the sheet is compressed into a spool file
// as it is written (batch.WriteXLSX), so memory is bounded per report; the
// report slots bound the number of reports.
func (s *server) handleReportXLSX(w http.ResponseWriter, r *http.Request, c batch.Company) {
	req, ok := s.reportRequest(w, r, c)
	if !ok {
		return
	}
	release, ok := s.reportSlot(w, r, c)
	if !ok {
		return
	}
	defer release()
	defer s.trackReportBuild()()
	out := s.startReport(w, r, req, contentTypeXLSX, ".xlsx")
	lines := newLineStream(r.Context(), func(ctx context.Context, fn func(batch.ReportLine) error) error {
		return s.store.ReportLines(ctx, req.batch, req.onlyRejected, fn)
	})
	err := batch.WriteXLSX(out.buf, req.meta, lines.next)
	if stopErr := lines.stop(); err == nil {
		err = stopErr
	}
	s.finishReport(w, r, out, err)
}

// reportRequest loads the batch and checks that its report can be given:
// the batch is finished and ?outcome= is absent or REJECTED.
func (s *server) reportRequest(w http.ResponseWriter, r *http.Request, c batch.Company) (reportRequest, bool) {
	var req reportRequest
	switch outcome := r.URL.Query().Get("outcome"); {
	case outcome == "":
	case strings.EqualFold(outcome, string(batch.OutcomeRejected)):
		req.onlyRejected = true
	default:
		s.writeError(w, r, invalidParam("outcome"))
		return req, false
	}
	b, err := s.store.Batch(r.Context(), c.ID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return req, false
	}
	noteBatch(r, b.ID)
	if !b.Status.Finished() {
		s.writeError(w, r, batch.Conflict(batch.CodeBatchNotFinished, string(b.Status)))
		return req, false
	}
	req.batch = b
	req.meta = reportMeta(b, langOf(r))
	req.meta.TempDir = s.tempDir
	return req, true
}

// reportMeta describes b for the report writers.
func reportMeta(b batch.Batch, lang batch.Lang) batch.ReportMeta {
	m := batch.ReportMeta{
		BatchID: b.ID, Filename: b.Filename, Status: b.Status, Mode: b.Mode,
		RulesVersion: b.RulesVersion, Header: b.Header, Layout: b.Layout, Delimiter: b.Delimiter,
		Encoding: b.Encoding, TotalRows: b.TotalRows, ProcessedRows: b.ProcessedRows,
		Created: b.Created, Valid: b.Valid, Rejected: b.Rejected, Warnings: b.Warnings,
		CreatedAt: b.CreatedAt, Lang: lang,
	}
	if b.FinishedAt != nil {
		m.FinishedAt = *b.FinishedAt
	}
	return m
}

// reportOutput is a report response whose headers are set but whose first
// byte may not be sent yet.
type reportOutput struct {
	sent *sentWriter
	buf  *bufio.Writer
}

// sentWriter records whether anything reached the client, and gives each
// write a deadline of its own: a client that stops reading is cut after
// stall, however long the whole download may take while it keeps reading.
// Its errors are the client's connection's (clientError).
type sentWriter struct {
	w     io.Writer
	rc    *http.ResponseController
	stall time.Duration
	sent  bool
}

func (s *sentWriter) Write(p []byte) (int, error) {
	s.sent = true
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.stall)) // not every writer supports it (tests)
	n, err := s.w.Write(p)
	if err != nil {
		err = &clientError{err}
	}
	return n, err
}

// startReport sets the headers of a report download: its type, and a file
// name made from the upload's.
func (s *server) startReport(w http.ResponseWriter, r *http.Request, req reportRequest, contentType, ext string) reportOutput {
	suffix := "-report" + ext
	if req.onlyRejected {
		suffix = "-rejected" + ext
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment",
		map[string]string{"filename": reportFilename(req.batch.Filename, suffix)}))
	h.Set("Cache-Control", "no-store") // the report holds personal data
	h.Set("X-Content-Type-Options", "nosniff")
	// The CSV has no room for a summary: the rule set that judged the rows
	// travels in a header (the XLSX has it on its Summary sheet).
	h.Set("Jhtbatch-Rules-Version", req.batch.RulesVersion)
	sw := &sentWriter{w: w, rc: http.NewResponseController(w), stall: s.reportStall}
	return reportOutput{sent: sw, buf: bufio.NewWriterSize(sw, reportBufSize)}
}

// reportFilename is the upload's name without its extension, plus suffix.
func reportFilename(upload, suffix string) string {
	base := strings.TrimSuffix(upload, path.Ext(upload))
	if base == "" {
		base = "batch"
	}
	return base + suffix
}

// finishReport flushes a report, or answers its error. An error after the
// first byte was sent cannot be answered any more: the connection is
// aborted so that the client sees a broken download, not a short report
// that looks complete.
func (s *server) finishReport(w http.ResponseWriter, r *http.Request, out reportOutput, err error) {
	if err == nil {
		err = out.buf.Flush()
		if err == nil {
			return
		}
	}
	if !out.sent.sent {
		w.Header().Del("Content-Disposition")
		s.writeError(w, r, err)
		return
	}
	s.logCause(r, err) // INFO "client went away" when it was the client
	panic(http.ErrAbortHandler)
}

// lineStream hands the rows of a report from the database (a goroutine
// running Store.ReportLines) to a writer that pulls them (WriteXLSX) through
// a small buffered channel, so at most lineStreamBuffer rows wait in memory.
type lineStream struct {
	lines  chan batch.ReportLine
	done   chan error
	cancel context.CancelFunc
	err    error
	ended  bool
}

const lineStreamBuffer = 256

// newLineStream runs produce in a goroutine; produce calls its fn for each
// line in order and stops when fn fails.
func newLineStream(ctx context.Context, produce func(context.Context, func(batch.ReportLine) error) error) *lineStream {
	ctx, cancel := context.WithCancel(ctx)
	ls := &lineStream{
		lines:  make(chan batch.ReportLine, lineStreamBuffer),
		done:   make(chan error, 1),
		cancel: cancel,
	}
	go func() {
		defer close(ls.lines)
		ls.done <- produce(ctx, func(l batch.ReportLine) error {
			select {
			case ls.lines <- l:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return ls
}

// next returns the next line, or false at the end (with the producer's
// error, if it failed).
func (ls *lineStream) next() (batch.ReportLine, bool, error) {
	if l, ok := <-ls.lines; ok {
		return l, true, nil
	}
	ls.end()
	return batch.ReportLine{}, false, ls.err
}

// stop ends the producer (when the consumer gave up early) and returns its
// error; it waits for the goroutine, so none outlives the request.
func (ls *lineStream) stop() error {
	ls.cancel()
	// Drain what the producer already queued, so it can see the cancel.
	for range ls.lines {
	}
	ls.end()
	if errors.Is(ls.err, context.Canceled) {
		return nil // stopped by us, after the consumer was done
	}
	return ls.err
}

func (ls *lineStream) end() {
	if !ls.ended {
		ls.err = <-ls.done
		ls.ended = true
	}
}
