package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUploadStreamsMultipart(t *testing.T) {
	content := strings.Repeat("kpj,nik\n", 50_000) // 400 KB
	path := filepath.Join(t.TempDir(), "big file.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	type seen struct {
		contentLength          int64
		auth, lang, mode, name string
		partType, body         string
	}
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.contentLength = r.ContentLength
		got.auth, got.lang, got.mode = r.Header.Get("Authorization"), r.Header.Get("Accept-Language"), r.URL.Query().Get("mode")
		mr, err := r.MultipartReader()
		if err != nil {
			t.Errorf("not multipart: %v", err)
			return
		}
		part, err := mr.NextPart()
		if err != nil {
			t.Errorf("no part: %v", err)
			return
		}
		b, _ := io.ReadAll(part)
		got.name, got.partType, got.body = part.FileName(), part.Header.Get("Content-Type"), string(b)
		w.WriteHeader(http.StatusAccepted)
		json.NewEncoder(w).Encode(map[string]any{"id": "b1", "status": "accepted", "total_rows": 49_999})
	}))
	defer srv.Close()
	c, err := newAPIClient(srv.URL+"/", "jht_secret", "en")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.upload(context.Background(), path, true)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	// ContentLength -1: the body was streamed (chunked), not buffered to
	// measure it.
	want := seen{-1, "Bearer jht_secret", "en", "validate", "big file.csv", "text/csv", content}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(seen{})); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if b.ID != "b1" || b.TotalRows != 49_999 {
		t.Errorf("upload returned %+v, want the batch b1 of 49999 rows", b)
	}
}

func TestUploadOfMissingFile(t *testing.T) {
	c, err := newAPIClient("http://127.0.0.1:1", "k", "id")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.upload(context.Background(), filepath.Join(t.TempDir(), "none.csv"), false); err == nil || !strings.Contains(err.Error(), "none.csv") {
		t.Errorf("upload of a missing file: %v, want an error naming it", err)
	}
}

func TestWaitRidesOutServerErrors(t *testing.T) {
	var calls atomic.Int32
	answers := []struct {
		status int
		body   string
	}{
		{503, `{"error":{"code":"unavailable","message":"down"}}`},
		{200, `{"id":"b1","status":"processing","total_rows":4,"processed_rows":2}`},
		{502, `bad gateway`},
		{200, `{"id":"b1","status":"completed","total_rows":4,"processed_rows":4,"created":4}`},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answers[min(int(calls.Add(1))-1, len(answers)-1)]
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	defer srv.Close()
	c, _ := newAPIClient(srv.URL, "k", "id")
	var progress bytes.Buffer
	b, err := c.wait(context.Background(), batchInfo{ID: "b1", Status: "accepted", TotalRows: 4},
		newProgress(&progress, time.Now), time.Millisecond)
	if err != nil || b.Status != "completed" || b.Created != 4 {
		t.Fatalf("wait = %+v, %v; want the completed batch", b, err)
	}
	if !strings.Contains(progress.String(), "4/4 rows  completed") {
		t.Errorf("progress output %q lacks the final state", progress.String())
	}
}

func TestWaitStopsOnClientError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"code":"NOT_FOUND","message":"no such batch","details":[{"code":"NOT_FOUND","message":"no such batch"}]}}`)
	}))
	defer srv.Close()
	c, _ := newAPIClient(srv.URL, "k", "id")
	_, err := c.wait(context.Background(), batchInfo{ID: "b1", Status: "accepted"}, newProgress(io.Discard, time.Now), time.Millisecond)
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Body.Code != "NOT_FOUND" {
		t.Errorf("wait on a 404: %v, want the API's NOT_FOUND error", err)
	}
}

func TestSubmitErrorPrintsEveryDetail(t *testing.T) {
	ae := &apiError{Status: 400, Body: errorBody{Code: "HEADER_UNKNOWN_COLUMN", Message: "m1", Details: []errorDetail{
		{Code: "HEADER_UNKNOWN_COLUMN", Line: 1, Column: "nama_lengkapp", Message: "Line 1, column \"nama_lengkapp\": unknown column"},
		{Code: "CSV_SYNTAX", Line: 7},
	}}}
	var stderr bytes.Buffer
	err := submitError(env{stderr: &stderr}, ae)
	if exitCode(err) != exitFailed {
		t.Errorf("exit status %d, want %d", exitCode(err), exitFailed)
	}
	want := "Refused (HTTP 400): HEADER_UNKNOWN_COLUMN\n" +
		"  Line 1, column \"nama_lengkapp\": unknown column [HEADER_UNKNOWN_COLUMN]\n" +
		"  line 7: CSV_SYNTAX [CSV_SYNTAX]\n"
	if diff := cmp.Diff(want, stderr.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

func TestSubmitOptions(t *testing.T) {
	tests := []struct {
		args    []string
		env     map[string]string
		wantErr string
		format  string
		wait    bool
	}{
		{[]string{"f.csv", "--key", "k"}, nil, "", "csv", false},
		{[]string{"f.csv", "--report", "r.xlsx"}, map[string]string{"JHTBATCH_KEY": "k"}, "", "xlsx", true},
		{[]string{"f.csv", "--report", "r.csv", "--format", "xlsx", "--key", "k"}, nil, "", "xlsx", true},
		{[]string{"f.csv"}, nil, "JHTBATCH_KEY", "", false},
		{[]string{"f.csv", "--key", "k", "--format", "pdf"}, nil, "--format", "", false},
		{[]string{"f.csv", "--key", "k", "--lang", "fr"}, nil, "--lang", "", false},
		{[]string{"f.csv", "--key", "k", "--api", "ftp://x"}, nil, "API URL", "", false},
		{[]string{"--key", "k"}, nil, "missing FILE", "", false},
	}
	for _, tt := range tests {
		e := env{getenv: envMap(tt.env), stderr: io.Discard}
		opt, _, err := parseSubmit(newFlagSet(e, "submit", "", ""), e, tt.args)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseSubmit(%q): %v, want an error saying %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || opt.format != tt.format || opt.wait != tt.wait {
			t.Errorf("parseSubmit(%q) = format %q wait %v, %v; want %q %v", tt.args, opt.format, opt.wait, err, tt.format, tt.wait)
		}
	}
}
