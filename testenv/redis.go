package testenv

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

const (
	defaultRedisURL = "redis://127.0.0.1:6379/0"
	// firstTestDB..lastTestDB are the Redis databases tests may claim; db 0 holds only the locks.
	firstTestDB = 1
	lastTestDB  = 15
	lockTTL     = 900 * time.Second
	claimWait   = 2 * time.Minute
	// OwnedMarker is the key that marks a Redis database as a test database: one that holds it may
	// be flushed by the next test that claims it, even when a crashed run left data behind.
	OwnedMarker = "jhtbatch:test:owned"
)

// releaseScript deletes a lock only while it still holds our token, so that a test whose lock expired
// cannot release the lock another test took since.
var releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`)

// Redis claims a Redis database in 1..15 for this test alone and returns its URL
// (redis://host:port/<n>) and the matching asynq.RedisClientOpt. A database is claimed with the lock
// key jhtbatch:testlock:<n> (SET NX EX 900 in db 0) and used only when it is empty or holds
// OwnedMarker, so a developer's own data in another database is never touched. The claimed database
// is flushed, marked, and flushed again at cleanup, when the lock is released. When all are taken it
// waits up to two minutes. The server comes from TEST_REDIS_URL, REDIS_URL or 127.0.0.1:6379.
func Redis(t testing.TB) (string, asynq.RedisClientOpt) {
	t.Helper()
	base, opts, err := redisBase()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	token := randomHex(t, 16)
	deadline := time.Now().Add(claimWait)
	for {
		n, err := claimRedisDB(opts, token)
		if err != nil {
			t.Fatalf("testenv: Redis at %s: %v\n%s", opts.Addr, err, redisHint)
		}
		if n > 0 {
			t.Cleanup(func() { releaseRedisDB(t, opts, n, token) })
			return redisURL(base, n), asynqOpt(opts, n)
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: all Redis databases %d..%d at %s stayed taken for %v (locks jhtbatch:testlock:<n> in db 0)",
				firstTestDB, lastTestDB, opts.Addr, claimWait)
		}
		time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
	}
}

const redisHint = "testenv: is Redis running? `bash scripts/services.sh && source .local/env` starts or " +
	"finds one; set TEST_REDIS_URL or REDIS_URL to use another server"

// redisBase reads the server address; the database number in the URL is ignored.
func redisBase() (*url.URL, *redis.Options, error) {
	raw := os.Getenv("TEST_REDIS_URL")
	if raw == "" {
		raw = os.Getenv("REDIS_URL")
	}
	if raw == "" {
		raw = defaultRedisURL
	}
	opts, err := redis.ParseURL(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("parse Redis URL %q: %w", redactURL(raw), err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("parse Redis URL %q: %w", redactURL(raw), err)
	}
	return u, opts, nil
}

// claimRedisDB tries each database once, starting at a random one so that parallel test binaries do
// not all queue on db 1. It returns the claimed number, or 0 when every database is taken.
func claimRedisDB(opts *redis.Options, token string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	locks := newRedisClient(opts, 0)
	defer locks.Close()

	count := lastTestDB - firstTestDB + 1
	start := rand.IntN(count)
	for i := range count {
		n := firstTestDB + (start+i)%count
		ok, err := locks.SetNX(ctx, lockKey(n), token, lockTTL).Result()
		if err != nil {
			return 0, fmt.Errorf("lock db %d: %w", n, err)
		}
		if !ok {
			continue
		}
		usable, err := prepareRedisDB(ctx, opts, n)
		if err == nil && usable {
			return n, nil
		}
		if _, relErr := releaseScript.Run(ctx, locks, []string{lockKey(n)}, token).Result(); relErr != nil {
			err = errors.Join(err, fmt.Errorf("release lock of db %d: %w", n, relErr))
		}
		if err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// prepareRedisDB checks that database n is ours to use (empty or marked), flushes what an earlier
// crashed test may have left, and marks it.
func prepareRedisDB(ctx context.Context, opts *redis.Options, n int) (bool, error) {
	c := newRedisClient(opts, n)
	defer c.Close()
	size, err := c.DBSize(ctx).Result()
	if err != nil {
		return false, fmt.Errorf("DBSIZE of db %d: %w", n, err)
	}
	if size > 0 {
		marked, err := c.Exists(ctx, OwnedMarker).Result()
		if err != nil {
			return false, fmt.Errorf("check marker in db %d: %w", n, err)
		}
		if marked == 0 {
			return false, nil // someone's own data: leave it alone
		}
		if err := c.FlushDB(ctx).Err(); err != nil {
			return false, fmt.Errorf("FLUSHDB db %d: %w", n, err)
		}
	}
	if err := c.Set(ctx, OwnedMarker, "1", 0).Err(); err != nil {
		return false, fmt.Errorf("mark db %d: %w", n, err)
	}
	return true, nil
}

// releaseRedisDB empties the test's database and gives up its lock.
func releaseRedisDB(t testing.TB, opts *redis.Options, n int, token string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := newRedisClient(opts, n)
	defer c.Close()
	if err := c.FlushDB(ctx).Err(); err != nil {
		t.Errorf("testenv: FLUSHDB Redis db %d: %v", n, err)
	}
	locks := newRedisClient(opts, 0)
	defer locks.Close()
	if err := releaseScript.Run(ctx, locks, []string{lockKey(n)}, token).Err(); err != nil {
		t.Errorf("testenv: release Redis db %d: %v", n, err)
	}
}

func lockKey(n int) string { return "jhtbatch:testlock:" + strconv.Itoa(n) }

func newRedisClient(opts *redis.Options, db int) *redis.Client {
	o := *opts
	o.DB = db
	return redis.NewClient(&o)
}

func redisURL(base *url.URL, n int) string {
	u := *base
	u.Path = "/" + strconv.Itoa(n)
	u.RawPath = ""
	return u.String()
}

func asynqOpt(opts *redis.Options, n int) asynq.RedisClientOpt {
	return asynq.RedisClientOpt{
		Network:   opts.Network,
		Addr:      opts.Addr,
		Username:  opts.Username,
		Password:  opts.Password,
		DB:        n,
		TLSConfig: opts.TLSConfig,
	}
}
