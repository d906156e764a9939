package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"jhtbatch/batch"
	"jhtbatch/postgres"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	revoked, err := e.store.CreateKey(context.Background(), e.compA.ID)
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	if err := e.store.RevokeKey(context.Background(), postgres.KeyID(revoked)); err != nil {
		t.Fatalf("revoke key: %v", err)
	}
	tests := []struct {
		name   string
		auth   string // the Authorization header; "" sends none
		status int
	}{
		{"missing", "", http.StatusUnauthorized},
		{"basic scheme", "Basic " + e.keyA, http.StatusUnauthorized},
		{"bearer without key", "Bearer ", http.StatusUnauthorized},
		{"unknown key", "Bearer jht_" + strings.Repeat("x", 43), http.StatusUnauthorized},
		{"key of another form", "Bearer secret", http.StatusUnauthorized},
		{"revoked key", "Bearer " + revoked, http.StatusUnauthorized},
		{"valid key", "Bearer " + e.keyA, http.StatusOK},
		{"scheme case-insensitive", "bearer " + e.keyA, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.auth != "" {
				h.Set("Authorization", tt.auth)
			}
			res := e.do(http.MethodGet, "/v1/batches", "", nil, h)
			if tt.status == http.StatusOK {
				if res.status != http.StatusOK {
					t.Fatalf("status %d, want 200; body %s", res.status, res.body)
				}
				return
			}
			wantError(t, res, tt.status, "UNAUTHORIZED")
			if got := res.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("WWW-Authenticate %q, want a Bearer challenge", got)
			}
		})
	}
}

// TestAuthEveryRoute checks that no /v1 route but the template answers
// without a key.
func TestAuthEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	for _, r := range companyRoutes(b.ID, "JHT-2026-00000001") {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			wantError(t, e.do(r.method, r.path, "", nil, nil), http.StatusUnauthorized, "UNAUTHORIZED")
		})
	}
}

type route struct{ method, path string }

// companyRoutes are the routes that show one company's data.
func companyRoutes(batchID, claim string) []route {
	return []route{
		{http.MethodGet, "/v1/batches/" + batchID},
		{http.MethodGet, "/v1/batches/" + batchID + "/report.csv"},
		{http.MethodGet, "/v1/batches/" + batchID + "/report.xlsx"},
		{http.MethodGet, "/v1/batches/" + batchID + "/receipt"},
		{http.MethodGet, "/v1/batches/" + batchID + "/rows"},
		{http.MethodPost, "/v1/batches/" + batchID + "/cancel"},
		{http.MethodGet, "/v1/claims/" + claim},
	}
}

// TestForeignCompany checks that another company's batch and claim do not
// exist for a company: 404 on every route, whether the batch is finished or
// not, and the owner still sees them.
func TestForeignCompany(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	running := e.mustUpload("", sampleFile)
	done := e.mustUpload("?mode=validate", header+row1)
	e.finish(done.ID, nil)
	claim := insertClaim(t, e, running.ID, 1)

	for _, id := range []string{running.ID, done.ID} {
		for _, r := range companyRoutes(id, claim) {
			t.Run(r.method+" "+r.path, func(t *testing.T) {
				res := e.do(r.method, r.path, e.keyB, nil, nil)
				wantError(t, res, http.StatusNotFound, "not_found")
				if strings.Contains(string(res.body), id) || strings.Contains(string(res.body), claim) {
					t.Errorf("404 body names the foreign object: %s", res.body)
				}
			})
		}
	}
	// The owner still sees its batch (the cancel above came from b and did nothing).
	res := e.get("/v1/batches/"+running.ID, e.keyA)
	if got := decode[batchJSON](t, res); res.status != http.StatusOK || got.Status != string(batch.StatusAccepted) {
		t.Errorf("owner: status %d, batch status %q; want 200 and accepted", res.status, got.Status)
	}
	list := decode[struct {
		Batches []batchJSON `json:"batches"`
	}](t, e.get("/v1/batches", e.keyB))
	if len(list.Batches) != 0 {
		t.Errorf("company b lists %d batches of company a, want 0", len(list.Batches))
	}
}

// insertClaim stores a claim for row of company a's batch, as a chunk
// would, and returns its number.
func insertClaim(t *testing.T, e *env, batchID string, row int) string {
	t.Helper()
	number := "JHT-2026-" + strings.Repeat("0", 7) + "1"
	_, err := e.store.Pool().Exec(context.Background(), `
		INSERT INTO claims (claim_number, batch_id, row_no, company_id, kpj, nik, full_name, reason,
			termination_date, eligible_on, status, bank_code, bank_account, account_name, phone,
			gross_amount, tax_amount, net_amount, rules_version)
		VALUES ($1, $2, $3, $4, '23012345678', '3171011708850001', 'Budi Santoso', 'PHK',
			'2026-10-01', '2026-11-01', 'READY', '014', '1234567890', 'Budi Santoso', '+6281234567890',
			60000000, 500000, 59500000, $5)`,
		number, batchID, row, e.compA.ID, batch.RulesVersion)
	if err != nil {
		t.Fatalf("insert claim: %v", err)
	}
	return number
}
