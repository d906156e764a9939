package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"

	"jhtbatch/api"
	"jhtbatch/batch"
	"jhtbatch/worker"
)

func TestUploadAccepted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	semicolon := strings.ReplaceAll(sampleFile, ",", ";")
	cp1252 := header + strings.Replace(row1, "Budi Santoso,1985", "Jos\xe9 Santoso,1985", 1)
	utf16 := utf16LE(strings.ReplaceAll(header+row1+row2, ",", "\t")) // Excel's "Unicode text"
	tests := []struct {
		name      string
		send      func() response
		content   string
		filename  string
		mode      string
		encoding  string
		delimiter string
		rows      int
	}{
		{"multipart", func() response { return e.upload(e.keyA, "", `C:\HR\karyawan-nov.csv`, sampleFile, nil) },
			sampleFile, "karyawan-nov.csv", "create", "utf-8", ",", 3},
		{"raw body with filename, semicolons", func() response {
			return e.do(http.MethodPost, "/v1/batches?filename=dir%2Fsemi.csv", e.keyA, strings.NewReader(semicolon),
				http.Header{"Content-Type": {"text/csv"}})
		}, semicolon, "semi.csv", "create", "utf-8", ";", 3},
		{"raw body, Windows-1252, validate", func() response {
			return e.do(http.MethodPost, "/v1/batches?mode=validate", e.keyA, strings.NewReader(cp1252),
				http.Header{"Content-Type": {"text/csv; charset=windows-1252"}})
		}, cp1252, "upload.csv", "validate", "windows-1252", ",", 1},
		{"multipart, UTF-16LE with tabs", func() response { return e.upload(e.keyA, "", "unicode.txt", utf16, nil) },
			utf16, "unicode.txt", "create", "utf-16le", "\t", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now().Add(-time.Minute)
			res := tt.send()
			if res.status != http.StatusAccepted {
				t.Fatalf("status %d, want 202; body %s", res.status, res.body)
			}
			b := decode[batchJSON](t, res)
			sum := sha256.Sum256([]byte(tt.content))
			want := batchJSON{
				ID: b.ID, Status: "accepted", Mode: tt.mode, Filename: tt.filename, TotalRows: tt.rows,
				RulesVersion: batch.RulesVersion, CreatedAt: b.CreatedAt, Encoding: tt.encoding,
				Delimiter: tt.delimiter, FileSHA256: hex.EncodeToString(sum[:]),
			}
			want.Links = b.Links
			if diff := cmp.Diff(want, b); diff != "" {
				t.Errorf("batch (-want +got):\n%s", diff)
			}
			self := "/v1/batches/" + b.ID
			wantLinks := [5]string{self, self + "/report.csv", self + "/report.xlsx", self + "/receipt", self + "/cancel"}
			gotLinks := [5]string{b.Links.Self, b.Links.ReportCSV, b.Links.ReportXLSX, b.Links.Receipt, b.Links.Cancel}
			if gotLinks != wantLinks {
				t.Errorf("links %v, want %v", gotLinks, wantLinks)
			}
			if loc := res.header.Get("Location"); loc != self {
				t.Errorf("Location %q, want %q", loc, self)
			}
			if b.CreatedAt.Before(start) || b.CreatedAt.Location() != time.UTC {
				t.Errorf("created_at %v, want a recent UTC time", b.CreatedAt)
			}
			checkStoredRows(t, e, b.ID, tt.rows)
			checkPlanQueued(t, e, b.ID)
			if got := decode[batchJSON](t, e.get(self, e.keyA)); !cmp.Equal(got, b) {
				t.Errorf("GET %s differs from the upload's answer:\n%s", self, cmp.Diff(b, got))
			}
		})
	}
}

// utf16LE encodes s as UTF-16 little endian with a byte order mark.
func utf16LE(s string) string {
	var b strings.Builder
	b.WriteString("\xff\xfe")
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.String()
}

// checkStoredRows checks that the batch's rows are in PostgreSQL, numbered
// from 1 with their lines (the header is line 1).
func checkStoredRows(t *testing.T, e *env, id string, n int) {
	t.Helper()
	var rows, firstLine, lastRow int
	err := e.db.QueryRow(context.Background(),
		`SELECT count(*), coalesce(min(line_no), 0), coalesce(max(row_no), 0) FROM batch_rows WHERE batch_id = $1`, id).
		Scan(&rows, &firstLine, &lastRow)
	if err != nil {
		t.Fatalf("count rows: %v", err)
	}
	if rows != n || lastRow != n || firstLine != 2 {
		t.Errorf("stored rows: count %d, last row %d, first line %d; want %d, %d, 2", rows, lastRow, firstLine, n, n)
	}
}

// checkPlanQueued checks that the plan task of the batch is in Redis.
func checkPlanQueued(t *testing.T, e *env, id string) {
	t.Helper()
	insp := asynq.NewInspector(e.redis)
	defer insp.Close()
	info, err := insp.GetTaskInfo(worker.QueueControl, "plan:"+id)
	if err != nil {
		t.Fatalf("plan task of %s: %v", id, err)
	}
	if info.Type != worker.TypePlan {
		t.Errorf("task type %q, want %q", info.Type, worker.TypePlan)
	}
}

func TestUploadFileErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	noPhone := strings.Replace(header, ",phone", "", 1)
	tests := []struct {
		name    string
		content string
		code    batch.Code
		line    int
		column  string
	}{
		{"empty", "", batch.CodeFileEmpty, 0, ""},
		{"only white space", "\r\n  \n\t\n", batch.CodeFileEmpty, 0, ""},
		{"header only", header, batch.CodeNoDataRows, 0, ""},
		{"header and blank lines", header + "\n;;\n,,,,,,,,,\n\n", batch.CodeNoDataRows, 0, ""},
		{"missing column", noPhone + strings.TrimSuffix(row1, ",081234567890\n") + "\n",
			batch.CodeHeaderMissingColumn, 1, "phone"},
		{"unknown column", strings.TrimSuffix(header, "\n") + ",alamat\n" + strings.TrimSuffix(row1, "\n") + ",Jl. X\n",
			batch.CodeHeaderUnknownColumn, 1, "alamat"},
		{"duplicate column", strings.TrimSuffix(header, "\n") + ",no_kpj\n" + strings.TrimSuffix(row1, "\n") + ",1\n",
			batch.CodeHeaderDuplicateColumn, 1, "no_kpj"},
		{"bare quote on line 3", header + row1 + `2301"2345679` + row2[11:], batch.CodeCSVSyntax, 3, ""},
		{"unterminated quote on line 4", header + row1 + row2 + `"23012345680,` + row3[12:], batch.CodeCSVSyntax, 4, ""},
		{"NUL byte", header + row1 + "\x00" + row2, batch.CodeFileEncoding, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.upload(e.keyA, "", "salah.csv", tt.content, nil)
			got := wantError(t, res, http.StatusBadRequest, string(tt.code))
			d := got.Error.Details[0]
			if tt.line != 0 && d.Line != tt.line {
				t.Errorf("detail line %d, want %d; body %s", d.Line, tt.line, res.body)
			}
			if tt.column != "" && d.Column != tt.column {
				t.Errorf("detail column %q, want %q; body %s", d.Column, tt.column, res.body)
			}
			if got.Error.Message != d.Message {
				t.Errorf("message %q, want the first detail's %q", got.Error.Message, d.Message)
			}
			checkRejectedRecorded(t, e, tt.code)
		})
	}
}

// checkRejectedRecorded checks that the last upload of company a was kept
// for audit as rejected with code, and without rows.
func checkRejectedRecorded(t *testing.T, e *env, code batch.Code) {
	t.Helper()
	var status, got string
	var rows int
	err := e.db.QueryRow(context.Background(), `
		SELECT status, coalesce(reject_code, ''), (SELECT count(*) FROM batch_rows r WHERE r.batch_id = b.id)
		FROM batches b WHERE company_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, e.compA.ID).
		Scan(&status, &got, &rows)
	if err != nil {
		t.Fatalf("last batch: %v", err)
	}
	if status != "rejected" || got != string(code) || rows != 0 {
		t.Errorf("recorded upload: status %q, code %q, %d rows; want rejected, %s, 0", status, got, rows, code)
	}
}

func TestUploadLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *api.Config) {
		c.MaxUploadBytes = int64(len(sampleFile))
		c.MaxRows = 2
	})
	big := strings.Repeat(row1, 2<<20/len(row1)) // 2 MiB: the answer must not wait for all of it
	tests := []struct {
		name    string
		send    func() response
		code    batch.Code
		closing bool
	}{
		{"three rows over MAX_ROWS 2", func() response { return e.upload(e.keyA, "", "a.csv", sampleFile, nil) },
			batch.CodeTooManyRows, false},
		{"one byte over MAX_UPLOAD_BYTES, multipart", func() response {
			return e.upload(e.keyA, "", "a.csv", sampleFile+"\n", nil)
		}, batch.CodeFileTooLarge, true},
		{"2 MiB raw body", func() response {
			return e.do(http.MethodPost, "/v1/batches", e.keyA, strings.NewReader(header+big),
				http.Header{"Content-Type": {"text/csv"}})
		}, batch.CodeFileTooLarge, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.send()
			wantError(t, res, http.StatusRequestEntityTooLarge, string(tt.code))
			if tt.closing && !res.close {
				t.Error("the connection stays open, want Connection: close")
			}
			checkRejectedRecorded(t, e, tt.code)
		})
	}
	// Exactly at the limits is accepted.
	if res := e.upload(e.keyA, "", "a.csv", header+row1+row2, nil); res.status != http.StatusAccepted {
		t.Errorf("two rows within the limits: status %d, want 202; body %s", res.status, res.body)
	}
}

func TestUploadRequestErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var noFile bytes.Buffer
	mw := multipart.NewWriter(&noFile)
	_ = mw.WriteField("other", "x")
	_ = mw.Close()
	tests := []struct {
		name   string
		send   func() response
		column string
	}{
		{"unknown mode", func() response { return e.upload(e.keyA, "?mode=dry", "a.csv", sampleFile, nil) }, "mode"},
		{"Idempotency-Key too long", func() response {
			return e.upload(e.keyA, "", "a.csv", sampleFile, http.Header{"Idempotency-Key": {strings.Repeat("k", 201)}})
		}, "Idempotency-Key"},
		{"Idempotency-Key with a space", func() response {
			return e.upload(e.keyA, "", "a.csv", sampleFile, http.Header{"Idempotency-Key": {"my key"}})
		}, "Idempotency-Key"},
		{"form without file", func() response {
			return e.do(http.MethodPost, "/v1/batches", e.keyA, &noFile,
				http.Header{"Content-Type": {mw.FormDataContentType()}})
		}, "file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wantError(t, tt.send(), http.StatusBadRequest, "INVALID_PARAMETER")
			if c := got.Error.Details[0].Column; c != tt.column {
				t.Errorf("detail column %q, want %q", c, tt.column)
			}
		})
	}
}

// TestDuplicateFile follows one file through validate, create, a repeated
// create (refused, naming the first), a later validate (allowed) and a
// create after the first batch was cancelled (allowed again).
func TestDuplicateFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustUpload("?mode=validate", sampleFile)
	first := e.mustUpload("", sampleFile)

	res := e.upload(e.keyA, "", "again.csv", sampleFile, nil)
	got := wantError(t, res, http.StatusConflict, string(batch.CodeDuplicateFile))
	if got.Error.BatchID != first.ID {
		t.Errorf("batch_id %q, want the first batch %q", got.Error.BatchID, first.ID)
	}
	checkRejectedRecorded(t, e, batch.CodeDuplicateFile)

	e.mustUpload("?mode=validate", sampleFile)
	if res := e.upload(e.keyB, "", "b.csv", sampleFile, nil); res.status != http.StatusAccepted {
		t.Errorf("the same file from another company: status %d, want 202; body %s", res.status, res.body)
	}
	if res := e.do(http.MethodPost, first.Links.Cancel, e.keyA, nil, nil); res.status != http.StatusOK {
		t.Fatalf("cancel: status %d; body %s", res.status, res.body)
	}
	e.mustUpload("", sampleFile)
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := http.Header{"Idempotency-Key": {"upload-2026-11-25-001"}}
	first := e.upload(e.keyA, "", "a.csv", sampleFile, key)
	if first.status != http.StatusAccepted || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first upload: status %d, Idempotent-Replayed %q; want 202 and none; body %s",
			first.status, first.header.Get("Idempotent-Replayed"), first.body)
	}
	again := e.upload(e.keyA, "", "a.csv", sampleFile, key)
	if again.status != http.StatusAccepted || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: status %d, Idempotent-Replayed %q; want 202 and true; body %s",
			again.status, again.header.Get("Idempotent-Replayed"), again.body)
	}
	if a, b := decode[batchJSON](t, first), decode[batchJSON](t, again); a.ID != b.ID {
		t.Errorf("replay answered batch %s, want the first %s", b.ID, a.ID)
	}
	var n int
	if err := e.db.QueryRow(context.Background(),
		`SELECT count(*) FROM batches WHERE company_id = $1`, e.compA.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("batches of company a: %d (err %v), want 1", n, err)
	}

	other := e.upload(e.keyA, "", "b.csv", header+row1, key)
	wantError(t, other, http.StatusUnprocessableEntity, "IDEMPOTENCY_KEY_REUSED")
	// The key is decided before the file is read: a broken file under a used
	// key is the key's 422, not the file's 400.
	broken := e.upload(e.keyA, "", "c.csv", "kpj,nama\n1,2\n", key)
	wantError(t, broken, http.StatusUnprocessableEntity, "IDEMPOTENCY_KEY_REUSED")

	if res := e.upload(e.keyB, "", "a.csv", sampleFile, key); res.status != http.StatusAccepted ||
		res.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("another company's key: status %d, replayed %q; want a new batch",
			res.status, res.header.Get("Idempotent-Replayed"))
	}
}
