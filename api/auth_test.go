package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"jhtbatch/api"
	"jhtbatch/batch"
	"jhtbatch/credential"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	revoked, err := e.store.CreateKey(context.Background(), e.compA.ID)
	if err != nil {
		t.Fatalf("create key: %v", err)
	}
	if err := e.store.RevokeKey(context.Background(), credential.ID(revoked)); err != nil {
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

// TestAuthEveryRoute checks, for every route of the route table, that a
// route that needs a key answers 401 without one, and that a public route
// does not ask for one.
func TestAuthEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	var needKey int
	for _, r := range api.Routes() {
		path := pathOf(r, b.ID, "JHT-2026-00000001")
		t.Run(r.Method+" "+path, func(t *testing.T) {
			res := e.do(r.Method, path, "", nil, nil)
			if r.Auth {
				wantError(t, res, http.StatusUnauthorized, "UNAUTHORIZED")
			} else if res.status == http.StatusUnauthorized {
				t.Errorf("public route answered 401")
			}
		})
		if r.Auth {
			needKey++
		}
	}
	if needKey < 8 {
		t.Errorf("only %d routes need a key; the route table lost some", needKey)
	}
}

// pathOf is a request path for r: its wildcards filled with id (a batch),
// claim (a claim number) or a static file name.
func pathOf(r api.Route, id, claim string) string {
	return strings.NewReplacer("{id}", id, "{number}", claim, "{name}", "app.js", "{$}", "").Replace(r.Path)
}

type route struct{ method, path string }

// companyRoutes are the routes of the route table that show one company's
// data: those that name a batch or a claim.
func companyRoutes(batchID, claim string) []route {
	var out []route
	for _, r := range api.Routes() {
		if r.Auth && !r.Operator && (strings.Contains(r.Path, "{id}") || strings.Contains(r.Path, "{number}")) {
			out = append(out, route{r.Method, pathOf(r, batchID, claim)})
		}
	}
	return out
}

// TestMalformedPathValues sends ids and claim numbers that are not well
// formed, to every route of the route table that takes one: each answers
// 404 NOT_FOUND, never reaches the database as a malformed value (a 5xx).
func TestMalformedPathValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	bad := []string{
		"urn:uuid:" + b.ID, "%7B" + b.ID + "%7D", strings.ReplaceAll(b.ID, "-", ""), "%ff", "%00", "x",
		b.ID + "%00", "JHT-2026-0000000%ff", "JHT-2026-%00", "jht-2026-00000001", "JHT-2026-1", "%C0%80",
		strings.ToUpper(b.ID[:35]) + "g", "00000000-0000-0000-0000-000000000000",
	}
	n := 0
	for _, r := range api.Routes() {
		if !strings.Contains(r.Path, "{id}") && !strings.Contains(r.Path, "{number}") {
			continue
		}
		for _, v := range bad {
			if r.Operator && batch.ValidBatchID(v) {
				continue // well formed: a company's key gets 403 there (TestOperatorAuthPairs)
			}
			path := pathOf(r, v, v)
			res := e.do(r.Method, path, e.keyA, nil, nil)
			if res.status != http.StatusNotFound {
				t.Errorf("%s %s: status %d, want 404; body %s", r.Method, path, res.status, res.body)
				continue
			}
			wantError(t, res, http.StatusNotFound, "NOT_FOUND")
			n++
		}
	}
	if n == 0 {
		t.Fatal("no route takes an id")
	}
	// The canonical id in upper case is the same batch.
	if res := e.get("/v1/batches/"+strings.ToUpper(b.ID), e.keyA); res.status != http.StatusOK {
		t.Errorf("upper-case id: status %d, want 200; body %s", res.status, res.body)
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
				wantError(t, res, http.StatusNotFound, "NOT_FOUND")
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
	_, err := e.db.Exec(context.Background(), `
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
