package testenv

import (
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestRedisClaimsAreExclusive holds two claims at once in one test: they must differ, and each must
// be a marked, working database whose URL and asynq options agree.
func TestRedisClaimsAreExclusive(t *testing.T) {
	t.Parallel()
	url1, opt1 := Redis(t)
	url2, opt2 := Redis(t)
	if opt1.DB == opt2.DB {
		t.Fatalf("two live claims got the same Redis db %d (%s, %s)", opt1.DB, url1, url2)
	}
	for _, c := range []struct {
		url string
		db  int
	}{{url1, opt1.DB}, {url2, opt2.DB}} {
		checkClaim(t, c.url, c.db)
	}
}

// TestRedisConcurrentClaims claims from two goroutines (parallel subtests) that hold their claims
// until both have one, so the claims overlap in time.
func TestRedisConcurrentClaims(t *testing.T) {
	t.Parallel()
	const n = 2
	var (
		mu  sync.Mutex
		dbs = map[string]int{}
		all sync.WaitGroup
	)
	all.Add(n)
	t.Run("group", func(t *testing.T) {
		for i := range n {
			name := "claim" + strconv.Itoa(i)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				_, opt := Redis(t)
				mu.Lock()
				dbs[name] = opt.DB
				mu.Unlock()
				all.Done()
				waitTimeout(t, &all, 30*time.Second) // keep the claim until the other one has its own
			})
		}
	})
	if len(dbs) != n {
		t.Fatalf("got %d claims, want %d: %v", len(dbs), n, dbs)
	}
	if dbs["claim0"] == dbs["claim1"] {
		t.Fatalf("concurrent claims got the same Redis db: %v", dbs)
	}
}

// TestRedisCleanupFlushes checks that what a test wrote is gone after its cleanup ran.
func TestRedisCleanupFlushes(t *testing.T) {
	t.Parallel()
	key := "testenv:probe:" + randomHex(t, 8)
	var url string
	t.Run("writer", func(t *testing.T) {
		url, _ = Redis(t)
		c := clientFor(t, url)
		if err := c.Set(context.Background(), key, "x", 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", key, err)
		}
	})
	c := clientFor(t, url)
	// Another test may claim the db right after the release, but it cannot have recreated our key.
	got, err := c.Exists(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("EXISTS %s: %v", key, err)
	}
	if got != 0 {
		t.Fatalf("key %s still in %s after cleanup: EXISTS = %d, want 0", key, url, got)
	}
}

func TestRedisBaseFromEnv(t *testing.T) {
	base, opts, err := redisBase()
	if err != nil {
		t.Fatalf("redisBase: %v", err)
	}
	t.Setenv("TEST_REDIS_URL", "redis://"+opts.Addr+"/7")
	u, opt := Redis(t)
	want := "redis://" + opts.Addr + "/" + strconv.Itoa(opt.DB)
	if u != want {
		t.Fatalf("Redis() URL = %q, want %q (base %s)", u, want, base.Redacted())
	}
	if opt.Addr != opts.Addr {
		t.Fatalf("asynq option Addr = %q, want %q", opt.Addr, opts.Addr)
	}
}

func checkClaim(t *testing.T, url string, db int) {
	t.Helper()
	if !strings.HasSuffix(url, "/"+strconv.Itoa(db)) {
		t.Errorf("URL %q does not name db %d", url, db)
	}
	if db < firstTestDB || db > lastTestDB {
		t.Errorf("claimed db %d, want %d..%d", db, firstTestDB, lastTestDB)
	}
	c := clientFor(t, url)
	ctx := context.Background()
	if n, err := c.Exists(ctx, OwnedMarker).Result(); err != nil || n != 1 {
		t.Errorf("db %d: EXISTS %s = %d, %v; want 1, nil", db, OwnedMarker, n, err)
	}
	if err := c.Set(ctx, "testenv:probe", "v", 0).Err(); err != nil {
		t.Errorf("db %d: SET: %v", db, err)
	}
	if got, err := c.Get(ctx, "testenv:probe").Result(); err != nil || got != "v" {
		t.Errorf("db %d: GET = %q, %v; want \"v\", nil", db, got, err)
	}
}

func clientFor(t *testing.T, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("parse %q: %v", url, err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func waitTimeout(t *testing.T, wg *sync.WaitGroup, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("the other claim did not arrive within %v", d)
	}
}

// TestDBIsEmptyAndWorking: with Migrate nil, DB gives a new, empty database that accepts DDL and
// data, and drops it at cleanup.
func TestDBIsEmptyAndWorking(t *testing.T) {
	t.Parallel()
	var name string
	t.Run("use", func(t *testing.T) {
		pool, dsn := DB(t)
		ctx := context.Background()
		if err := pool.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatalf("current_database: %v", err)
		}
		if !strings.HasPrefix(name, testDBPrefix) || !strings.Contains(dsn, name) {
			t.Fatalf("database %q, DSN %q: want a %s* database named in the DSN", name, dsn, testDBPrefix)
		}
		var tables int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
			WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`).Scan(&tables); err != nil {
			t.Fatalf("count tables: %v", err)
		}
		if tables != 0 {
			t.Fatalf("new database has %d tables, want 0", tables)
		}
		if _, err := pool.Exec(ctx, "CREATE TABLE t (v text); INSERT INTO t VALUES ('Dewi Lestari')"); err != nil {
			t.Fatalf("create/insert: %v", err)
		}
		var got string
		if err := pool.QueryRow(ctx, "SELECT v FROM t").Scan(&got); err != nil || got != "Dewi Lestari" {
			t.Fatalf("SELECT v = %q, %v; want \"Dewi Lestari\", nil", got, err)
		}
	})
	if name == "" {
		t.Fatal("subtest did not report its database")
	}
	if exists := databaseExists(t, name); exists {
		t.Fatalf("database %s still exists after cleanup, want it dropped", name)
	}
}

// TestDBRunsMigrate checks that Migrate gets the new database's DSN before DB returns. It changes the
// package variable, so it must not run in parallel with other tests (it does not call t.Parallel;
// parallel tests start only after the serial ones).
func TestDBRunsMigrate(t *testing.T) {
	var gotDSN string
	Migrate = func(ctx context.Context, dsn string) error {
		gotDSN = dsn
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "CREATE TABLE migrated (id int)")
		return err
	}
	t.Cleanup(func() { Migrate = nil })

	pool, dsn := DB(t)
	if gotDSN != dsn {
		t.Fatalf("Migrate got DSN %q, want %q", gotDSN, dsn)
	}
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM migrated").Scan(&n); err != nil {
		t.Fatalf("table made by Migrate is missing: %v", err)
	}
}

func TestWithDatabase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u:p@h:5432/app?sslmode=disable", "postgres://u:p@h:5432/other?sslmode=disable"},
		{"postgres://u@h/", "postgres://u@h/other"},
		{"host=h user=u dbname=app", "host=h user=u dbname=app dbname=other"},
	}
	for _, tc := range tests {
		got, err := withDatabase(tc.in, "other")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q, nil", tc.in, got, err, tc.want)
		}
	}
}

func TestFreeAddr(t *testing.T) {
	t.Parallel()
	addr := FreeAddr(t)
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("FreeAddr() = %q (%v), want 127.0.0.1:<port>", addr, err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on FreeAddr() %s: %v", addr, err)
	}
	_ = l.Close()
}

func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, adminDSN())
	if err != nil {
		t.Fatalf("connect admin: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatalf("look up %s: %v", name, err)
	}
	return n == 1
}
