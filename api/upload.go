package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"jhtbatch/batch"
	"jhtbatch/postgres"
)

// multipartSlack is what a multipart envelope may add to the file it
// carries: boundaries, part headers and small form fields.
const multipartSlack = 1 << 20

// maxIdempotencyKey is the longest Idempotency-Key accepted.
const maxIdempotencyKey = 200

// uploadRequest is what the query string and headers of an upload say.
type uploadRequest struct {
	mode     batch.Mode
	filename string // from ?filename=, "" when absent
	idemKey  string
	mapping  batch.Mapping // from ?mapping= or a multipart field before the file
	sheet    string        // from ?sheet=: the worksheet of a workbook to read
}

// handleUpload accepts a batch file (CONTRACT.md §4 POST /v1/batches): it
// spools the body to a temporary file while hashing it, then stores the
// batch and all its rows in one transaction, and only then answers 202 and
// asks the workers to start. The body is read once and never held in memory.
func (s *server) handleUpload(w http.ResponseWriter, r *http.Request, c batch.Company) {
	req, err := parseUploadRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, filename, err := s.uploadBody(w, r, &req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.filename != "" {
		filename = req.filename
	}
	up := postgres.Upload{
		CompanyID:      c.ID,
		Mode:           req.mode,
		Filename:       cleanFilename(filename),
		IdempotencyKey: req.idemKey,
		Mapping:        req.mapping,
		UploadedBy:     principalOf(r),
	}
	b, replayed, err := s.storeUpload(r.Context(), body, &up, req)
	if err != nil {
		s.refuseUpload(w, r, up, err)
		return
	}
	s.acceptUpload(w, r, b, replayed)
}

// parseUploadRequest reads ?mode=, ?filename= and the Idempotency-Key header.
func parseUploadRequest(r *http.Request) (uploadRequest, error) {
	q := r.URL.Query()
	var req uploadRequest
	switch q.Get("mode") {
	case "", string(batch.ModeCreate):
		req.mode = batch.ModeCreate
	case string(batch.ModeValidate):
		req.mode = batch.ModeValidate
	default:
		return req, invalidParam("mode")
	}
	req.filename = q.Get("filename")
	var err error
	if req.mapping, err = batch.ParseMapping(q.Get("mapping")); err != nil {
		return req, err
	}
	req.sheet = q.Get("sheet")
	req.idemKey = r.Header.Get("Idempotency-Key")
	if !validIdempotencyKey(req.idemKey) {
		return req, invalidParam("Idempotency-Key")
	}
	return req, nil
}

// validIdempotencyKey accepts "" (none) or up to 200 visible ASCII characters.
func validIdempotencyKey(k string) bool {
	if len(k) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// uploadBody returns the reader of the file: the part named "file" of a
// multipart form, streamed, or else the raw body. A "mapping" field before
// the file part sets req's mapping (over ?mapping=). The body is bounded so a
// client cannot send more than the limit allows; Inspect reports the limit.
func (s *server) uploadBody(w http.ResponseWriter, r *http.Request, req *uploadRequest) (io.Reader, string, error) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, s.maxSize+1)
		return r.Body, "", nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.maxSize+multipartSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", invalidParam("file")
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			// io.EOF: the form has no "file" field; anything else: a
			// malformed form. Either way the client must fix the request.
			return nil, "", tooLargeOr(err, invalidParam("file"))
		}
		if part.FormName() == "file" {
			return part, part.FileName(), nil
		}
		if part.FormName() == "mapping" {
			if req.mapping, err = readMapping(part); err != nil {
				return nil, "", err
			}
		}
	}
}

// maxMappingBytes bounds the mapping field of a multipart upload.
const maxMappingBytes = 64 << 10

// readMapping reads the mapping field of a multipart upload.
func readMapping(part io.Reader) (batch.Mapping, error) {
	raw, err := io.ReadAll(io.LimitReader(part, maxMappingBytes+1))
	if err != nil {
		return nil, tooLargeOr(err, invalidParam("mapping"))
	}
	if len(raw) > maxMappingBytes {
		return nil, invalidParam("mapping")
	}
	return batch.ParseMapping(string(raw))
}

// storeUpload spools body to a temporary file (removed when done), checks
// its encoding and header and stores it. up gets the file's info.
func (s *server) storeUpload(ctx context.Context, body io.Reader, up *postgres.Upload, req uploadRequest) (postgres.Batch, bool, error) {
	f, err := os.CreateTemp(s.tempDir, "jhtbatch-upload-*.csv")
	if err != nil {
		return postgres.Batch{}, false, fmt.Errorf("create upload spool file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()

	up.Info, err = batch.Inspect(body, f, s.maxSize)
	if err != nil {
		return postgres.Batch{}, false, tooLargeOr(err, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return postgres.Batch{}, false, fmt.Errorf("rewind upload spool file: %w", err)
	}
	dec, err := s.decodeUpload(ctx, f, up, req)
	if err != nil {
		return postgres.Batch{}, false, err
	}
	defer dec.Close()
	return s.store.CreateBatch(ctx, *up, dec)
}

// tooLargeOr returns FILE_TOO_LARGE when err says the request body went
// over its bound, else other.
func tooLargeOr(err, other error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return batch.FileError(batch.KindTooLarge, batch.CodeFileTooLarge)
	}
	return other
}

// acceptUpload answers 202 with the batch and asks the workers to plan it.
// A batch replayed for an Idempotency-Key is answered the same way, marked.
func (s *server) acceptUpload(w http.ResponseWriter, r *http.Request, b postgres.Batch, replayed bool) {
	noteBatch(r, b.ID)
	if replayed {
		s.metrics.uploads.WithLabelValues(uploadReplayed).Inc()
		w.Header().Set("Idempotent-Replayed", "true")
	} else {
		s.metrics.uploads.WithLabelValues(uploadAccepted).Inc()
		s.metrics.uploadRows.Add(float64(b.TotalRows))
	}
	if !replayed || b.Status == batch.StatusAccepted {
		s.enqueuePlan(r, b.ID)
	}
	w.Header().Set("Location", batchPath(b.ID))
	writeJSON(w, http.StatusAccepted, toBatchJSON(b))
}

// enqueuePlan asks the workers to plan the batch. The batch is already safe
// in PostgreSQL, so a Redis outage only delays it: the reconciler enqueues
// every accepted batch that has no plan yet.
func (s *server) enqueuePlan(r *http.Request, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if err := s.queue.EnqueuePlan(ctx, id); err != nil {
		s.log.WarnContext(r.Context(), "enqueue plan failed; the reconciler will retry",
			"batch_id", id, "err", err)
	}
}

// refuseUpload answers an upload that was not stored. A file-level error is
// kept for audit (best effort) before the 4xx answer; a file over the size
// limit is answered at once and the connection closed, so the rest of the
// body is not read.
func (s *server) refuseUpload(w http.ResponseWriter, r *http.Request, up postgres.Upload, err error) {
	e := batch.ErrorOf(err)
	if e == nil || !fileLevel[e.Code] {
		s.metrics.uploads.WithLabelValues(uploadFailed).Inc()
		s.writeError(w, r, err)
		return
	}
	s.metrics.uploads.WithLabelValues(uploadRejected).Inc()
	s.recordRejected(r, up, e)
	if e.Code == batch.CodeFileTooLarge {
		w.Header().Set("Connection", "close")
	}
	s.writeError(w, r, e)
}

// fileLevel holds the codes of CONTRACT.md §2 that refuse a whole file.
var fileLevel = map[batch.Code]bool{
	batch.CodeFileEmpty: true, batch.CodeFileTooLarge: true, batch.CodeTooManyRows: true,
	batch.CodeFileEncoding: true, batch.CodeCSVSyntax: true, batch.CodeHeaderMissingColumn: true,
	batch.CodeHeaderUnknownColumn: true, batch.CodeHeaderDuplicateColumn: true,
	batch.CodeNoDataRows: true, batch.CodeDuplicateFile: true,
}

// recordRejected keeps a refused upload for audit. It runs even when the
// client is gone, and a failure only costs the audit line. The
// Idempotency-Key is not recorded: a key belongs to the upload it created,
// and a refused upload created nothing the client could replay.
func (s *server) recordRejected(r *http.Request, up postgres.Upload, e *batch.Error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	up.IdempotencyKey = ""
	id, err := s.store.RecordRejectedUpload(ctx, up, e)
	if err != nil {
		s.log.WarnContext(r.Context(), "record rejected upload failed", "code", e.Code, "err", err)
		return
	}
	noteBatch(r, id)
}

// cleanFilename keeps the base name of an uploaded file's name without
// control or format characters (no terminal escapes or bidi tricks in a
// report name), at most 255 bytes; "upload.csv" when nothing is left.
func cleanFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." || name == ".." || name == "/" {
		return "upload.csv"
	}
	return name
}
