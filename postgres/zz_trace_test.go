package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/postgres"
	"jhtbatch/testenv"
)

type tracer struct {
	mu  sync.Mutex
	sum map[string]time.Duration
	n   map[string]int
}
type key struct{}
type start struct {
	sql string
	t   time.Time
}

func (t *tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	s := strings.Join(strings.Fields(d.SQL), " ")
	if len(s) > 70 {
		s = s[:70]
	}
	return context.WithValue(ctx, key{}, start{s, time.Now()})
}
func (t *tracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	st, _ := ctx.Value(key{}).(start)
	t.add(st.sql, time.Since(st.t))
}
func (t *tracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	return context.WithValue(ctx, key{}, start{"COPY " + d.TableName.Sanitize(), time.Now()})
}
func (t *tracer) TraceCopyFromEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromEndData) {
	st, _ := ctx.Value(key{}).(start)
	t.add(st.sql, time.Since(st.t))
}
func (t *tracer) add(s string, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sum[s] += d
	t.n[s]++
}

func TestZZTrace(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	const n = 100000
	ctx := context.Background()
	_, dsn := testenv.DB(t)
	cfg, _ := pgxpool.ParseConfig(dsn)
	tr := &tracer{sum: map[string]time.Duration{}, n: map[string]int{}}
	cfg.ConnConfig.Tracer = tr
	pool, _ := pgxpool.NewWithConfig(ctx, cfg)
	defer pool.Close()
	s := postgres.NewStore(pool)
	c, _, _ := s.CreateCompany(ctx, "AB123456", "PT Bench")
	reg, file := batchtest.ValidFile(n, "AB123456")
	if _, err := s.ImportParticipants(ctx, strings.NewReader(reg)); err != nil {
		t.Fatal(err)
	}
	var spool bytes.Buffer
	info, _ := batch.Inspect(strings.NewReader(file), &spool, 0)
	dec, _ := batch.NewDecoder(&spool, info.Encoding, batch.DecodeOptions{})
	bt, _, err := s.CreateBatch(ctx, postgres.Upload{CompanyID: c.ID, Mode: batch.ModeCreate, Info: info}, dec)
	if err != nil {
		t.Fatal(err)
	}
	if x := os.Getenv("ZZSQL"); x != "" {
		if _, err := pool.Exec(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = pool.Exec(ctx, "CHECKPOINT")
	tr.sum, tr.n = map[string]time.Duration{}, map[string]int{}
	t0 := time.Now()
	chunks, err := s.PlanBatch(ctx, bt.ID, 2000, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	for _, ch := range chunks {
		if _, err := s.RunChunk(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	t2 := time.Now()
	fmt.Printf("plan %v chunks %v\n", t1.Sub(t0), t2.Sub(t1))
	var ks []string
	for k := range tr.sum {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return tr.sum[ks[i]] > tr.sum[ks[j]] })
	for _, k := range ks {
		fmt.Printf("%8.3fs %5d  %s\n", tr.sum[k].Seconds(), tr.n[k], k)
	}
}
