package api_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type listJSON struct {
	Batches    []batchJSON `json:"batches"`
	NextCursor *string     `json:"next_cursor"`
}

func TestListBatches(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ids []string // newest first
	for _, content := range []string{header + row1, header + row2, header + row3} {
		ids = append([]string{e.mustUpload("", content).ID}, ids...)
	}

	var got []string
	cursor := ""
	for page := 0; page < 3; page++ {
		path := "/v1/batches?limit=2"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		res := e.get(path, e.keyA)
		if res.status != http.StatusOK {
			t.Fatalf("page %d: status %d; body %s", page, res.status, res.body)
		}
		l := decode[listJSON](t, res)
		for _, b := range l.Batches {
			got = append(got, b.ID)
		}
		if l.NextCursor == nil {
			break
		}
		cursor = *l.NextCursor
	}
	if diff := cmp.Diff(ids, got); diff != "" {
		t.Errorf("batches over the pages, newest first (-want +got):\n%s", diff)
	}

	if l := decode[listJSON](t, e.get("/v1/batches", e.keyA)); len(l.Batches) != 3 || l.NextCursor != nil {
		t.Errorf("default page: %d batches, next_cursor %v; want 3 and null", len(l.Batches), l.NextCursor)
	}

	bad := []struct {
		query, code string
	}{
		{"?limit=0", "INVALID_PARAMETER"},
		{"?limit=101", "INVALID_PARAMETER"},
		{"?limit=ten", "INVALID_PARAMETER"},
		{"?cursor=not-a-cursor", "CURSOR_INVALID"},
	}
	for _, tt := range bad {
		t.Run(tt.query, func(t *testing.T) {
			wantError(t, e.get("/v1/batches"+tt.query, e.keyA), http.StatusBadRequest, tt.code)
		})
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	res := e.do(http.MethodPost, b.Links.Cancel, e.keyA, nil, nil)
	if res.status != http.StatusOK {
		t.Fatalf("cancel: status %d; body %s", res.status, res.body)
	}
	if got := decode[batchJSON](t, res); got.Status != "cancelled" || got.FinishedAt == nil {
		t.Errorf("cancelled batch: status %q, finished_at %v; want cancelled and a time", got.Status, got.FinishedAt)
	}
	wantError(t, e.do(http.MethodPost, b.Links.Cancel, e.keyA, nil, nil), http.StatusConflict, "BATCH_FINISHED")
	// A cancelled batch is finished: its report can be fetched.
	if res := e.get(b.Links.ReportCSV, e.keyA); res.status != http.StatusOK {
		t.Errorf("report of a cancelled batch: status %d, want 200; body %s", res.status, res.body)
	}
}

func TestGetClaim(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	number := insertClaim(t, e, b.ID, 1)
	res := e.get("/v1/claims/"+number, e.keyA)
	if res.status != http.StatusOK {
		t.Fatalf("status %d; body %s", res.status, res.body)
	}
	got := decode[map[string]any](t, res)
	want := map[string]any{
		"claim_number": number, "batch_id": b.ID, "row": 1.0, "status": "READY",
		"kpj": "2301***5678", "nik": "3171********0001", "full_name": "Budi Santoso", "reason": "PHK",
		"termination_date": "2026-10-01", "eligible_on": "2026-11-01", "bank_code": "014",
		"bank_account": "******7890", "gross_amount": 6e7, "tax_amount": 5e5, "net_amount": 5.95e7,
		"rules_version": got["rules_version"], "created_at": got["created_at"],
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claim (-want +got):\n%s", diff)
	}
	for _, secret := range []string{"23012345678", "3171011708850001", "1234567890", "81234567890"} {
		if bytes.Contains(res.body, []byte(secret)) {
			t.Errorf("the claim answer shows %q unmasked", secret)
		}
	}
	wantError(t, e.get("/v1/claims/JHT-2026-99999999", e.keyA), http.StatusNotFound, "NOT_FOUND")
}

func TestReceipt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	res := e.get(b.Links.Receipt, e.keyA)
	if res.status != http.StatusOK {
		t.Fatalf("status %d; body %s", res.status, res.body)
	}
	r := decode[struct {
		BatchID       string `json:"batch_id"`
		FileSHA256    string `json:"file_sha256"`
		Rows          int    `json:"rows"`
		PublicKey     string `json:"public_key"`
		Signature     string `json:"signature"`
		SignedPayload string `json:"signed_payload"`
	}](t, res)
	if r.BatchID != b.ID || r.FileSHA256 != b.FileSHA256 || r.Rows != 3 {
		t.Errorf("receipt names batch %s, file %s, %d rows; want %s, %s, 3", r.BatchID, r.FileSHA256, r.Rows, b.ID, b.FileSHA256)
	}
	pub, err1 := base64.StdEncoding.DecodeString(r.PublicKey)
	sig, err2 := base64.StdEncoding.DecodeString(r.Signature)
	if err1 != nil || err2 != nil || len(pub) != ed25519.PublicKeySize {
		t.Fatalf("public key or signature not base64 Ed25519: %v, %v", err1, err2)
	}
	if !ed25519.Verify(pub, []byte(r.SignedPayload), sig) {
		t.Error("the receipt's signature does not verify")
	}
}
