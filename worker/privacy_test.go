package worker_test

import (
	"context"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jhtbatch/batch"
	"jhtbatch/worker"
)

// Tasks carry ids and row ranges only: nothing of a row reaches Redis.
func TestRedisHoldsNoPersonalData(t *testing.T) {
	e := newEnv(t)
	values := []string{"11111111111", "3171011205850001", "1234567890", "81234567890", "budi@example.com", "Budi Santoso"}
	b := e.upload(t, header+
		"11111111111,3171011205850001,Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,budi@example.com,\n"+
		"22222222222,3171014703900002,Siti Aminah,1990-03-07,2026-10-01,PHK,014,1234567891,Siti Aminah,081234567891,,\n",
		batch.ModeCreate)
	ctx := context.Background()
	if _, err := e.store.PlanBatch(ctx, b.ID, 1, today); err != nil {
		t.Fatal(err)
	}
	q := worker.NewEnqueuer(e.redis)
	defer q.Close()
	h := worker.NewHandlers(e.store, q, worker.Config{Logger: slog.New(slog.DiscardHandler)})
	if err := h.HandleReconcile(ctx, nil); err != nil { // queues both chunks
		t.Fatal(err)
	}
	dump := dumpRedis(t, e.redisURL)
	if !strings.Contains(dump, b.ID) {
		t.Fatalf("the queued tasks do not name batch %s: the test looks at the wrong place", b.ID)
	}
	for _, v := range values {
		if strings.Contains(dump, v) {
			t.Errorf("Redis holds %q from the uploaded file", v)
		}
	}
}

// dumpRedis returns every key and value of the test's Redis db as text.
func dumpRedis(t *testing.T, redisURL string) string {
	t.Helper()
	u, _ := url.Parse(redisURL)
	db, _ := strconv.Atoi(strings.TrimPrefix(u.Path, "/"))
	c := redis.NewClient(&redis.Options{Addr: u.Host, DB: db})
	defer c.Close()
	ctx := context.Background()
	var sb strings.Builder
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		sb.WriteString(k + "\n")
		switch c.Type(ctx, k).Val() {
		case "string":
			sb.WriteString(c.Get(ctx, k).Val())
		case "hash":
			for f, v := range c.HGetAll(ctx, k).Val() {
				sb.WriteString(f + "=" + v + "\n")
			}
		case "list":
			sb.WriteString(strings.Join(c.LRange(ctx, k, 0, -1).Val(), "\n"))
		case "zset":
			sb.WriteString(strings.Join(c.ZRange(ctx, k, 0, -1).Val(), "\n"))
		case "set":
			sb.WriteString(strings.Join(c.SMembers(ctx, k).Val(), "\n"))
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// WAITING claims become READY on their eligible date, once.
func TestPromoteClaimsOnTheirDate(t *testing.T) {
	e := newEnv(t)
	b := e.upload(t, header+
		"22222222222,3171014703900002,Siti Aminah,1990-03-07,2026-11-10,PHK,014,1234567890,Siti Aminah,081234567891,,\n",
		batch.ModeCreate)
	ctx := context.Background()
	chunks, _ := e.store.PlanBatch(ctx, b.ID, 10, today)
	if res, err := e.store.RunChunk(ctx, chunks[0]); err != nil || res.Created != 1 {
		t.Fatalf("run chunk: %+v, %v", res, err)
	}
	for _, step := range []struct {
		day  time.Time
		want int64
	}{
		{time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC), 0},
		{time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC), 1},
		{time.Date(2026, 12, 11, 0, 0, 0, 0, time.UTC), 0},
	} {
		n, err := e.store.PromoteClaims(ctx, step.day)
		if err != nil || n != step.want {
			t.Errorf("promote on %s = %d, %v; want %d", step.day.Format(time.DateOnly), n, err, step.want)
		}
	}
}
