package postgres_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/credential"
	"jhtbatch/postgres"
	"jhtbatch/testenv"
)

func TestMain(m *testing.M) {
	testenv.Migrate = postgres.Migrate
	os.Exit(m.Run())
}

// today is the processing date the tests plan batches at.
var today = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func newStore(t testing.TB) *postgres.Store {
	t.Helper()
	s, _ := newStoreDB(t)
	return s
}

// registered is a store (and its pool) with company AB123456 and a
// registry of n participants, and the batch file of n valid rows for them
// (batchtest.ValidFile).
type registered struct {
	s       *postgres.Store
	db      *pgxpool.Pool
	company batch.Company
	file    string
}

func newRegistered(t *testing.T, n int) registered {
	t.Helper()
	s, db := newStoreDB(t)
	c, _ := newCompany(t, s, "AB123456")
	reg, file := batchtest.ValidFile(n, "AB123456")
	if _, err := s.ImportParticipants(context.Background(), strings.NewReader(reg)); err != nil {
		t.Fatal(err)
	}
	return registered{s: s, db: db, company: c, file: file}
}

// newStoreDB is newStore and a pool of its own on the same database, for
// the tests that check or set up rows with plain SQL.
func newStoreDB(t testing.TB) (*postgres.Store, *pgxpool.Pool) {
	t.Helper()
	pool, _ := testenv.DB(t)
	return postgres.NewStore(pool), pool
}

func newCompany(t *testing.T, s *postgres.Store, npp string) (batch.Company, string) {
	t.Helper()
	c, key, err := s.CreateCompany(context.Background(), npp, "PT "+npp)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

func kindOf(err error) batch.Kind {
	if e := batch.ErrorOf(err); e != nil {
		return e.Kind
	}
	return ""
}

func TestCompaniesAndKeys(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	c, key := newCompany(t, s, "AB123456")
	if !strings.HasPrefix(key, "jht_") || len(key) < 4+43 {
		t.Fatalf("key %q: want jht_ and 32 random bytes in base64", key)
	}
	got, err := s.Authenticate(ctx, key)
	if err != nil || got != c {
		t.Fatalf("Authenticate = %+v, %v; want %+v", got, err, c)
	}
	if _, _, err := s.CreateCompany(ctx, "ab123456", "again"); kindOf(err) != batch.KindConflict {
		t.Errorf("same NPP again: %v, want a conflict", err)
	}
	if _, _, err := s.CreateCompany(ctx, "AB12", "short"); kindOf(err) != batch.KindInvalid {
		t.Errorf("NPP of 4 characters: %v, want invalid", err)
	}
	second, err := s.CreateKey(ctx, c.ID)
	if err != nil || second == key {
		t.Fatalf("CreateKey = %q, %v", second, err)
	}
	if err := s.RevokeKey(ctx, credential.ID(key)); err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]string{"revoked": key, "unknown": "jht_nope", "no prefix": "abc", "empty": ""} {
		if _, err := s.Authenticate(ctx, k); kindOf(err) != batch.KindUnauthorized {
			t.Errorf("%s key: %v, want unauthorized", name, err)
		}
	}
	if _, err := s.Authenticate(ctx, second); err != nil {
		t.Errorf("the other key stopped working after a revoke: %v", err)
	}
	if err := s.RevokeKey(ctx, credential.ID(key)); kindOf(err) != batch.KindNotFound {
		t.Errorf("revoking twice: %v, want not found", err)
	}
}

func TestImportParticipants(t *testing.T) {
	t.Parallel()
	s, db := newStoreDB(t)
	ctx := context.Background()
	file := "\ufeffKPJ,nik,full_name,birth_date,npp,jht_balance,membership_start\n" +
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,AB123456,60000000,2010-01-01\n" +
		"123,3171011205850001,Bad KPJ,1985-05-12,AB123456,1,2010-01-01\n" +
		"22222222222,3171014703900002,Siti Aminah,31/02/1990,AB123456,1,2015-06-01\n" +
		"33333333333,3171010101800003,Agus Salim,1980-01-01,AB123456,-5,2012-01-01\n" +
		"44444444444,3171010202750004,\"Joko, Widodo\",1975-02-02,ZZ999999,5000000,02-01-2000\n"
	res, err := s.ImportParticipants(ctx, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := postgres.ImportResult{Inserted: 2, Rejected: []batch.Detail{
		{Code: batch.CodeKPJFormat, Line: 3, Column: "kpj"},
		{Code: batch.CodeDateFormat, Line: 4, Column: "birth_date"},
		{Code: "BALANCE_FORMAT", Line: 5, Column: "jht_balance"},
	}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("import (-want +got):\n%s", diff)
	}
	res, err = s.ImportParticipants(ctx, strings.NewReader(
		"kpj,nik,full_name,birth_date,npp,jht_balance,membership_start\n"+
			"11111111111,3171011205850001,Budi Santoso,1985-05-12,AB123456,70000000,2010-01-01\n"))
	if err != nil || res.Updated != 1 || res.Inserted != 0 {
		t.Errorf("second import = %+v, %v; want 1 updated", res, err)
	}
	var balance int64
	if err := db.QueryRow(ctx, `SELECT jht_balance FROM participants WHERE kpj = '11111111111'`).Scan(&balance); err != nil || balance != 70000000 {
		t.Errorf("balance after update = %d (%v), want 70000000", balance, err)
	}
	_, err = s.ImportParticipants(ctx, strings.NewReader("kpj,nik\n1,2\n"))
	if e := batch.ErrorOf(err); e == nil || e.Code != batch.CodeHeaderMissingColumn {
		t.Errorf("file without the columns: %v, want HEADER_MISSING_COLUMN", err)
	}
}

const header = "kpj,nik,full_name,birth_date,termination_date,reason,bank_code,bank_account,account_name,phone,email,npwp\n"
const row = "11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n"

func upload(t *testing.T, s *postgres.Store, companyID int64, file string, mode batch.Mode, idem string) (batch.Batch, bool, error) {
	t.Helper()
	return uploadWith(t, s, companyID, file, mode, idem, 5)
}

func uploadWith(t testing.TB, s *postgres.Store, companyID int64, file string, mode batch.Mode, idem string, maxRows int) (batch.Batch, bool, error) {
	t.Helper()
	var spool bytes.Buffer
	info, err := batch.Inspect(strings.NewReader(file), &spool, 0)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := batch.NewDecoder(&spool, info.Encoding, batch.DecodeOptions{MaxRows: maxRows})
	if err != nil {
		t.Fatal(err)
	}
	return s.CreateBatch(context.Background(), batch.Upload{CompanyID: companyID, Mode: mode,
		Filename: "f.csv", Info: info, IdempotencyKey: idem}, dec)
}

func TestCreateBatch(t *testing.T) {
	t.Parallel()
	s, db := newStoreDB(t)
	ctx := context.Background()
	c, _ := newCompany(t, s, "AB123456")
	other, _ := newCompany(t, s, "CD123456")

	b, replayed, err := upload(t, s, c.ID, header+row+"\n"+strings.Replace(row, "PHK", "\"P\nHK\"", 1), batch.ModeCreate, "")
	if err != nil || replayed {
		t.Fatalf("upload: %v (replayed %v)", err, replayed)
	}
	if b.Status != batch.StatusAccepted || b.TotalRows != 2 || b.RulesVersion != batch.RulesVersion || b.Delimiter != ',' {
		t.Errorf("batch = %+v", b)
	}
	var lines []int
	rows, _ := db.Query(ctx, `SELECT line_no FROM batch_rows WHERE batch_id = $1 ORDER BY row_no`, b.ID)
	for rows.Next() {
		var l int
		_ = rows.Scan(&l)
		lines = append(lines, l)
	}
	if !cmp.Equal(lines, []int{2, 4}) {
		t.Errorf("stored lines = %v, want [2 4] (a blank line 3 skipped)", lines)
	}

	// The same bytes again: DUPLICATE_FILE naming the first batch; for another company, fine.
	_, _, err = upload(t, s, c.ID, header+row+"\n"+strings.Replace(row, "PHK", "\"P\nHK\"", 1), batch.ModeCreate, "")
	if e := batch.ErrorOf(err); e == nil || e.Code != batch.CodeDuplicateFile || e.BatchID != b.ID {
		t.Errorf("same file again: %v, want DUPLICATE_FILE naming %s", err, b.ID)
	}
	if _, _, err := upload(t, s, other.ID, header+row+"\n"+strings.Replace(row, "PHK", "\"P\nHK\"", 1), batch.ModeCreate, ""); err != nil {
		t.Errorf("another company's identical file: %v", err)
	}
	// Validate-only runs never block the real upload that follows.
	if _, _, err := upload(t, s, c.ID, header+row, batch.ModeValidate, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := upload(t, s, c.ID, header+row, batch.ModeValidate, ""); err != nil {
		t.Errorf("second validate-only run of a file: %v", err)
	}
	if _, _, err := upload(t, s, c.ID, header+row, batch.ModeCreate, ""); err != nil {
		t.Errorf("create after validate-only: %v", err)
	}
	// A cancelled batch's file may be sent again.
	if _, err := s.CancelBatch(ctx, c.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := upload(t, s, c.ID, header+row+"\n"+strings.Replace(row, "PHK", "\"P\nHK\"", 1), batch.ModeCreate, ""); err != nil {
		t.Errorf("file of a cancelled batch again: %v", err)
	}
}

func TestCreateBatchStoresNothingOnAFileError(t *testing.T) {
	t.Parallel()
	s, db := newStoreDB(t)
	c, _ := newCompany(t, s, "AB123456")
	for name, file := range map[string]string{
		"syntax":    header + row + "1,\"unterminated\n",
		"too many":  header + strings.Repeat(row, 6),
		"only head": header,
	} {
		_, _, err := upload(t, s, c.ID, file, batch.ModeCreate, "")
		if batch.ErrorOf(err) == nil {
			t.Errorf("%s: %v, want a file error", name, err)
		}
	}
	var batches, rows int
	_ = db.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM batches), (SELECT count(*) FROM batch_rows)`).Scan(&batches, &rows)
	if batches != 0 || rows != 0 {
		t.Errorf("after refused files: %d batches and %d rows stored, want none", batches, rows)
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	c, _ := newCompany(t, s, "AB123456")
	first, replayed, err := upload(t, s, c.ID, header+row, batch.ModeCreate, "k-1")
	if err != nil || replayed {
		t.Fatal(err, replayed)
	}
	again, replayed, err := upload(t, s, c.ID, header+row, batch.ModeCreate, "k-1")
	if err != nil || !replayed || again.ID != first.ID {
		t.Errorf("replay = %s, %v, %v; want %s replayed", again.ID, replayed, err, first.ID)
	}
	_, _, err = upload(t, s, c.ID, header+strings.Replace(row, "PHK", "RESIGN", 1), batch.ModeCreate, "k-1")
	if e := batch.ErrorOf(err); e == nil || e.Code != "IDEMPOTENCY_KEY_REUSED" {
		t.Errorf("same key, other file: %v, want IDEMPOTENCY_KEY_REUSED", err)
	}
}

func TestBatchesArePrivateAndPaginated(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	c, _ := newCompany(t, s, "AB123456")
	other, _ := newCompany(t, s, "CD123456")
	var ids []string
	for i := range 5 {
		b, _, err := upload(t, s, c.ID, header+strings.Replace(row, "2026-10-01", "2026-10-0"+string(rune('1'+i)), 1), batch.ModeCreate, "")
		if err != nil {
			t.Fatal(err)
		}
		ids = append([]string{b.ID}, ids...) // newest first
	}
	var got []string
	cursor := ""
	for page := 0; page < 10; page++ {
		list, next, err := s.Batches(ctx, c.ID, 2, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range list {
			got = append(got, b.ID)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if diff := cmp.Diff(ids, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if _, _, err := s.Batches(ctx, c.ID, 2, "garbage"); kindOf(err) != batch.KindInvalid {
		t.Errorf("bad cursor: %v, want invalid", err)
	}
	for name, call := range map[string]func() error{
		"batch":    func() error { _, err := s.Batch(ctx, other.ID, ids[0]); return err },
		"cancel":   func() error { _, err := s.CancelBatch(ctx, other.ID, ids[0]); return err },
		"receipt":  func() error { _, err := s.Receipt(ctx, other.ID, ids[0]); return err },
		"not uuid": func() error { _, err := s.Batch(ctx, c.ID, "x"); return err },
	} {
		if err := call(); kindOf(err) != batch.KindNotFound {
			t.Errorf("%s with another company: %v, want not found", name, err)
		}
	}
	if list, _, _ := s.Batches(ctx, other.ID, 10, ""); len(list) != 0 {
		t.Errorf("other company lists %d batches, want 0", len(list))
	}
}

func TestReceiptIsSigned(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	c, _ := newCompany(t, s, "AB123456")
	b, _, err := upload(t, s, c.ID, header+row, batch.ModeCreate, "")
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Receipt(context.Background(), c.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := base64.StdEncoding.DecodeString(r.PublicKey)
	sig, _ := base64.StdEncoding.DecodeString(r.Signature)
	if !ed25519.Verify(pub, []byte(r.SignedPayload), sig) {
		t.Fatal("signature does not verify")
	}
	if !strings.Contains(r.SignedPayload, b.ID) || r.Rows != 1 || r.CompanyNPP != "AB123456" {
		t.Errorf("receipt = %+v", r)
	}
	tampered := strings.Replace(r.SignedPayload, `"rows":1`, `"rows":2`, 1)
	if ed25519.Verify(pub, []byte(tampered), sig) {
		t.Error("a tampered receipt verifies")
	}
	again, _ := s.Receipt(context.Background(), c.ID, b.ID)
	if again.KeyID != r.KeyID || again.Signature != r.Signature {
		t.Error("the receipt changed between two requests")
	}
}

func TestCancelAndPurge(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	ctx := context.Background()
	c, _ := newCompany(t, s, "AB123456")
	b, _, _ := upload(t, s, c.ID, header+row, batch.ModeCreate, "")
	got, err := s.CancelBatch(ctx, c.ID, b.ID)
	if err != nil || got.Status != batch.StatusCancelled || got.FinishedAt == nil {
		t.Fatalf("cancel = %+v, %v", got, err)
	}
	if _, err := s.CancelBatch(ctx, c.ID, b.ID); kindOf(err) != batch.KindConflict {
		t.Errorf("cancel twice: %v, want conflict", err)
	}
	if chunks, err := s.PlanBatch(ctx, b.ID, 10, today); err != nil || len(chunks) != 0 {
		t.Errorf("plan of a cancelled batch = %v, %v; want nothing to do", chunks, err)
	}
	n, err := s.PurgeBefore(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purge = %d, %v; want 1 row", n, err)
	}
	b, _ = s.Batch(ctx, c.ID, b.ID)
	err = s.ReportLines(ctx, b, false, func(batch.ReportLine) error { return errors.New("a purged batch has no rows") })
	if kindOf(err) != batch.KindConflict {
		t.Errorf("report of a purged batch: %v, want conflict", err)
	}
}

// A PostgreSQL that cannot be reached is "unavailable" (HTTP 503, try
// again), not an internal error.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := postgres.NewStore(pool)
	_, err = s.Authenticate(context.Background(), "jht_"+strings.Repeat("a", 43))
	if kindOf(err) != batch.KindUnavailable {
		t.Errorf("authenticate against an unreachable database: %v (kind %q), want unavailable", err, kindOf(err))
	}
	_, _, err = s.Batches(context.Background(), 1, 10, "")
	if kindOf(err) != batch.KindUnavailable {
		t.Errorf("list batches against an unreachable database: %v, want unavailable", err)
	}
}

// A refused upload is kept for audit but is no batch to the company: not
// listed, not found.
func TestRejectedUploadIsNotABatch(t *testing.T) {
	t.Parallel()
	s, db := newStoreDB(t)
	ctx := context.Background()
	c, _ := newCompany(t, s, "AB123456")
	id, err := s.RecordRejectedUpload(ctx, batch.Upload{CompanyID: c.ID, Mode: batch.ModeCreate, Filename: "x.csv"},
		batch.FileError(batch.KindInvalid, batch.CodeNoDataRows))
	if err != nil {
		t.Fatal(err)
	}
	var status, code string
	if err := db.QueryRow(ctx, `SELECT status, reject_code FROM batches WHERE id = $1`, id).Scan(&status, &code); err != nil ||
		status != "rejected" || code != "NO_DATA_ROWS" {
		t.Fatalf("audit record = %q %q (%v), want rejected NO_DATA_ROWS", status, code, err)
	}
	if list, _, err := s.Batches(ctx, c.ID, 10, ""); err != nil || len(list) != 0 {
		t.Errorf("Batches = %d batches (%v), want none", len(list), err)
	}
	if _, err := s.Batch(ctx, c.ID, id); kindOf(err) != batch.KindNotFound {
		t.Errorf("Batch of a refused upload: %v, want not found", err)
	}
}
