package worker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/batch"
	"jhtbatch/postgres"
	"jhtbatch/testenv"
	"jhtbatch/worker"
)

func TestMain(m *testing.M) {
	testenv.Migrate = postgres.Migrate
	if os.Getenv("JHTBATCH_TEST_CHILD") == "worker" {
		runChild()
	}
	os.Exit(m.Run())
}

// today is the processing date all tests run at.
var today = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

const header = "kpj,nik,full_name,birth_date,termination_date,reason,bank_code,bank_account,account_name,phone,email,npwp\n"

// registry: five participants of company AB123456, one of another company.
const registry = `kpj,nik,full_name,birth_date,npp,jht_balance,membership_start
11111111111,3171011205850001,Budi Santoso,1985-05-12,AB123456,60000000,2010-01-01
22222222222,3171014703900002,Siti Aminah,1990-03-07,AB123456,12345678,2015-06-01
33333333333,3171010101800003,Agus Salim,1980-01-01,AB123456,0,2012-01-01
44444444444,3171010202750004,Joko Widodo,1975-02-02,ZZ999999,5000000,2000-01-01
55555555555,3171010303700005,Rina Wati,1970-03-03,AB123456,123456789,1999-01-01
`

type env struct {
	store    *postgres.Store
	db       *pgxpool.Pool // the store's database, for checks in plain SQL
	dsn      string
	redisURL string
	redis    asynq.RedisClientOpt
	company  batch.Company
}

func newEnv(t *testing.T) env {
	t.Helper()
	pool, dsn := testenv.DB(t)
	redisURL, opt := testenv.Redis(t)
	store := postgres.NewStore(pool)
	ctx := context.Background()
	c, _, err := store.CreateCompany(ctx, "AB123456", "PT Uji Coba")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.ImportParticipants(ctx, strings.NewReader(registry)); err != nil {
		t.Fatal(err)
	}
	return env{store: store, db: pool, dsn: dsn, redisURL: redisURL, redis: opt, company: c}
}

func (e env) upload(t *testing.T, csv string, mode batch.Mode) batch.Batch {
	t.Helper()
	var spool bytes.Buffer
	info, err := batch.Inspect(strings.NewReader(csv), &spool, 0)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := batch.NewDecoder(&spool, info.Encoding, batch.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := e.store.CreateBatch(context.Background(), batch.Upload{
		CompanyID: e.company.ID, Mode: mode, Filename: "t.csv", Info: info}, dec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// run starts workers until the test ends.
func (e env) run(t *testing.T, chunkRows int) {
	t.Helper()
	e.runWith(t, worker.Config{Concurrency: 2, ChunkRows: chunkRows})
}

// runWith starts workers configured by cfg (its Redis, Now and Logger are
// the test's) until the test ends.
func (e env) runWith(t *testing.T, cfg worker.Config) {
	t.Helper()
	cfg.Redis, cfg.Now, cfg.Logger = e.redis, func() time.Time { return today }, slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- worker.Run(ctx, e.store, cfg)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker.Run: %v", err)
		}
	})
}

func (e env) enqueuePlan(t *testing.T, id string) {
	t.Helper()
	q := worker.NewEnqueuer(e.redis)
	defer q.Close()
	if err := q.EnqueuePlan(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

// wait polls until the batch is finished.
func (e env) wait(t *testing.T, id string) batch.Batch {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		b, err := e.store.Batch(context.Background(), e.company.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status.Finished() {
			return b
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("batch %s not finished after 60 s", id)
	return batch.Batch{}
}

type line struct {
	Outcome batch.Outcome
	Errors  []batch.Code
	Claim   bool
	Status  batch.ClaimStatus
	Net     int64
}

func (e env) report(t *testing.T, b batch.Batch) []line {
	t.Helper()
	var got []line
	err := e.store.ReportLines(context.Background(), b, false, func(l batch.ReportLine) error {
		errs, _ := l.Issues.Codes()
		got = append(got, line{l.Outcome, errs, strings.HasPrefix(l.ClaimNumber, "JHT-2026-"), l.ClaimStatus, l.Net})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestPipelineJudgesEveryRowOnce(t *testing.T) {
	e := newEnv(t)
	csv := header +
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n" +
		"22222222222,3171014703900002,Siti Aminah,07/03/1990,10-11-2026,resign,014,1234567890,SITI AMINAH,+6281234567891,,\n" +
		"33333333333,3171010101800003,Agus Salim,1980-01-01,2026-10-01,PHK,014,1234567890,Agus Salim,081234567892,,\n" +
		"44444444444,3171010202750004,Joko Widodo,1975-02-02,2026-10-01,PHK,014,1234567890,Joko Widodo,081234567893,,\n" +
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n" +
		"99999999999,3171010101800009,Tidak Ada,1980-01-01,2026-10-01,PHK,014,1234567890,Tidak Ada,081234567894,,\n" +
		"55555555555,123,Rina Wati,1970-03-03,2026-10-01,PHK,999,1234567890,Rina Wati,12345,,\n"
	b := e.upload(t, csv, batch.ModeCreate)
	e.run(t, 2) // 7 rows in 4 chunks
	e.enqueuePlan(t, b.ID)
	b = e.wait(t, b.ID)

	want := []line{
		{batch.OutcomeCreated, nil, true, batch.ClaimReady, 60_000_000 - 500_000},
		{batch.OutcomeCreated, nil, true, batch.ClaimWaiting, 12_345_678},
		{batch.OutcomeRejected, []batch.Code{batch.CodeBalanceEmpty}, false, "", 0},
		{batch.OutcomeRejected, []batch.Code{batch.CodeParticipantOtherCompany}, false, "", 0},
		{batch.OutcomeRejected, []batch.Code{batch.CodeDuplicateInFile}, false, "", 0},
		{batch.OutcomeRejected, []batch.Code{batch.CodeParticipantNotFound}, false, "", 0},
		{batch.OutcomeRejected, []batch.Code{batch.CodeNIKFormat, batch.CodeBankCodeUnknown, batch.CodePhoneFormat}, false, "", 0},
	}
	if diff := cmp.Diff(want, e.report(t, b)); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	wantCounts := [5]int{7, 7, 2, 0, 5}
	gotCounts := [5]int{b.TotalRows, b.ProcessedRows, b.Created, b.Valid, b.Rejected}
	if wantCounts != gotCounts || b.Status != batch.StatusCompletedWithErrors {
		t.Errorf("batch total/processed/created/valid/rejected = %v, status %s; want %v, completed_with_errors",
			gotCounts, b.Status, wantCounts)
	}
	var claims int
	if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM claims`).Scan(&claims); err != nil || claims != 2 {
		t.Errorf("claims in the database = %d (%v), want 2", claims, err)
	}
}

func TestValidateModeCreatesNoClaim(t *testing.T) {
	e := newEnv(t)
	b := e.upload(t, header+
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n",
		batch.ModeValidate)
	e.run(t, 10)
	e.enqueuePlan(t, b.ID)
	b = e.wait(t, b.ID)
	got := e.report(t, b)
	want := []line{{batch.OutcomeValid, nil, false, "", 59_500_000}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if b.Valid != 1 || b.Created != 0 || b.Status != batch.StatusCompleted {
		t.Errorf("valid=%d created=%d status=%s, want 1, 0, completed", b.Valid, b.Created, b.Status)
	}
}

// Two batches with the same workers race on the same KPJs: each KPJ gets
// exactly one claim; the loser's rows say CLAIM_ALREADY_ACTIVE.
func TestRacingBatchesGiveOneClaimPerKPJ(t *testing.T) {
	e := newEnv(t)
	rows := "11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n" +
		"22222222222,3171014703900002,Siti Aminah,1990-03-07,2026-10-01,PHK,014,1234567890,Siti Aminah,081234567891,,\n" +
		"55555555555,3171010303700005,Rina Wati,1970-03-03,2026-10-01,PHK,014,1234567890,Rina Wati,081234567895,,\n"
	b1 := e.upload(t, header+rows, batch.ModeCreate)
	b2 := e.upload(t, header+strings.ReplaceAll(rows, "Budi Santoso,1985", "Budi  Santoso,1985"), batch.ModeCreate)
	chunks := [][]batch.Chunk{}
	for _, id := range []string{b1.ID, b2.ID} {
		c, err := e.store.PlanBatch(context.Background(), id, 1, today)
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, c)
	}
	var wg sync.WaitGroup
	for i := range chunks[0] {
		for _, cs := range chunks {
			wg.Add(1)
			go func(c batch.Chunk) {
				defer wg.Done()
				if _, err := e.store.RunChunk(context.Background(), c); err != nil {
					t.Error(err)
				}
			}(cs[i])
		}
	}
	wg.Wait()
	var claims, distinct int
	err := e.db.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT kpj) FROM claims`).Scan(&claims, &distinct)
	if err != nil || claims != 3 || distinct != 3 {
		t.Fatalf("claims = %d for %d KPJs (%v), want 3 for 3", claims, distinct, err)
	}
	var created, active int
	for _, id := range []string{b1.ID, b2.ID} {
		b, _ := e.store.Batch(context.Background(), e.company.ID, id)
		for _, l := range e.report(t, b) {
			switch {
			case l.Outcome == batch.OutcomeCreated:
				created++
			case cmp.Equal(l.Errors, []batch.Code{batch.CodeClaimAlreadyActive}):
				active++
			default:
				t.Errorf("batch %s: unexpected line %+v", id, l)
			}
		}
	}
	if created != 3 || active != 3 {
		t.Errorf("created=%d already-active=%d, want 3 and 3", created, active)
	}
}

// A chunk run again (a redelivered task) changes nothing.
func TestChunkRunsOnce(t *testing.T) {
	e := newEnv(t)
	b := e.upload(t, header+
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n",
		batch.ModeCreate)
	ctx := context.Background()
	chunks, err := e.store.PlanBatch(ctx, b.ID, 10, today)
	if err != nil || len(chunks) != 1 {
		t.Fatalf("plan: %v chunks, %v", chunks, err)
	}
	again, err := e.store.PlanBatch(ctx, b.ID, 10, today)
	if err != nil || !cmp.Equal(again, chunks) {
		t.Fatalf("plan again = %v, %v; want %v", again, err, chunks)
	}
	first, err := e.store.RunChunk(ctx, chunks[0])
	if err != nil || first.Created != 1 || !first.BatchDone {
		t.Fatalf("first run = %+v, %v", first, err)
	}
	second, err := e.store.RunChunk(ctx, chunks[0])
	if err != nil || !second.Skipped || second.Created != 0 {
		t.Fatalf("second run = %+v, %v; want skipped", second, err)
	}
	b, _ = e.store.Batch(ctx, e.company.ID, b.ID)
	if b.ProcessedRows != 1 || b.Created != 1 {
		t.Errorf("processed=%d created=%d after a repeated chunk, want 1 and 1", b.ProcessedRows, b.Created)
	}
}

// Fairness: a one-row batch uploaded while a large batch is being processed
// finishes long before the large one, because a batch keeps only a few
// chunks queued at a time.
func TestSmallBatchIsNotStarvedByABigOne(t *testing.T) {
	const n = 10000
	e := newEnv(t)
	big := e.validBatch(t, n)
	e.run(t, 100)
	e.enqueuePlan(t, big.ID)
	e.waitFor(t, big.ID, time.Minute, func(b batch.Batch) bool { return b.ProcessedRows >= 200 })
	small := e.upload(t, header+
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n",
		batch.ModeCreate)
	e.enqueuePlan(t, small.ID)
	e.wait(t, small.ID)
	b, err := e.store.Batch(context.Background(), e.company.ID, big.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status.Finished() || b.ProcessedRows > n/2 {
		t.Errorf("the small batch finished only after the big one had %d of %d rows (%s)", b.ProcessedRows, n, b.Status)
	}
}

// BATCH_CHUNKS bounds the chunks of one batch that run at once, below
// WORKER_CONCURRENCY: with one chunk at a time and four task slots, at most
// two chunk tasks of the batch are ever active (a chunk queues the next
// once its own is committed, just before its task ends). With the bound
// taken from WORKER_CONCURRENCY, four are.
func TestBatchChunksBoundsTheChunksRunningAtOnce(t *testing.T) {
	const n = 3000
	e := newEnv(t)
	big := e.validBatch(t, n)
	e.runWith(t, worker.Config{Concurrency: 4, BatchChunks: 1, ChunkRows: 50})
	insp := asynq.NewInspector(e.redis)
	defer insp.Close()
	e.enqueuePlan(t, big.ID)
	most, samples := 0, 0
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		active, err := insp.ListActiveTasks(worker.QueueChunks)
		if err != nil && !errors.Is(err, asynq.ErrQueueNotFound) {
			t.Fatal(err)
		}
		if len(active) > 0 {
			samples++
		}
		most = max(most, len(active))
		b, err := e.store.Batch(context.Background(), e.company.ID, big.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status.Finished() {
			break
		}
	}
	if samples < 10 {
		t.Fatalf("saw chunk tasks running %d times only; the sampling says nothing", samples)
	}
	if most > 2 {
		t.Errorf("%d chunk tasks of one batch ran at once with BatchChunks 1; want at most 2", most)
	}
	if b := e.wait(t, big.ID); b.Created != n {
		t.Errorf("created %d claims of %d rows", b.Created, n)
	}
}

// Every row of a batch is judged at the date the batch was planned, even
// when its chunks run later (past midnight).
func TestRowsAreJudgedAtThePlanDate(t *testing.T) {
	e := newEnv(t)
	b := e.upload(t, header+
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-20,PHK,014,1234567890,Budi Santoso,081234567890,,\n",
		batch.ModeCreate)
	ctx := context.Background()
	planned := time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)
	chunks, err := e.store.PlanBatch(ctx, b.ID, 10, planned)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.RunChunk(ctx, chunks[0]); err != nil {
		t.Fatal(err)
	}
	b, _ = e.store.Batch(ctx, e.company.ID, b.ID)
	got := e.report(t, b)
	want := []line{{Outcome: batch.OutcomeRejected, Errors: []batch.Code{batch.CodeTerminationInFuture}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("a termination after the plan date (-want +got):\n%s", diff)
	}
}

// A company with a webhook hears once, signed, that its batch finished.
func TestFinishedBatchIsAnnouncedToTheWebhook(t *testing.T) {
	e := newEnv(t)
	type call struct {
		sig  string
		body []byte
	}
	calls := make(chan call, 10)
	var failed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !failed.Swap(true) { // the first call fails: the notice must be retried
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		calls <- call{r.Header.Get("Jhtbatch-Signature"), body}
	}))
	defer srv.Close()
	secret, err := e.store.SetWebhook(context.Background(), e.company.NPP, srv.URL+"/hook")
	if err != nil {
		t.Fatal(err)
	}
	b := e.upload(t, header+
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n",
		batch.ModeCreate)
	e.run(t, 10)
	e.enqueuePlan(t, b.ID)
	var got call
	select {
	case got = <-calls:
	case <-time.After(60 * time.Second):
		t.Fatal("no webhook call within 60 s")
	}
	ts, mac, ok := strings.Cut(strings.TrimPrefix(got.sig, "t="), ",v1=")
	if !ok || mac != worker.Sign([]byte(secret), ts, got.body) {
		t.Errorf("signature %q does not verify with the secret", got.sig)
	}
	var n struct {
		Event string `json:"event"`
		Batch struct {
			ID      string `json:"id"`
			Status  string `json:"status"`
			Created int    `json:"created"`
		} `json:"batch"`
	}
	if err := json.Unmarshal(got.body, &n); err != nil {
		t.Fatal(err)
	}
	if n.Event != "batch.finished" || n.Batch.ID != b.ID || n.Batch.Status != "completed" || n.Batch.Created != 1 {
		t.Errorf("notice = %+v, want batch.finished of %s, completed, 1 created", n, b.ID)
	}
	for _, pd := range []string{"11111111111", "3171011205850001", "Budi"} {
		if strings.Contains(string(got.body), pd) {
			t.Errorf("the notice holds %q from the file", pd)
		}
	}
	// Announced once: reconciling again sends nothing more.
	h := worker.NewHandlers(e.store, worker.NewEnqueuer(e.redis), worker.Config{Logger: slog.New(slog.DiscardHandler)})
	if err := h.HandleReconcile(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-calls:
		t.Errorf("a second call: %s", c.body)
	case <-time.After(2 * time.Second):
	}
}
