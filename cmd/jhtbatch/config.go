package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/api"
	"jhtbatch/batch"
	"jhtbatch/redact"
	"jhtbatch/worker"
)

// Config is the configuration of the server commands (docs/operations.md),
// from the environment, each variable overridden by its flag.
type Config struct {
	DatabaseURL    string
	Redis          asynq.RedisConnOpt
	HTTPAddr       string
	MetricsAddr    string // "jhtbatch work" only: where to serve /metrics and /healthz; "" = nowhere
	Location       *time.Location
	MaxUploadBytes int64
	MaxRows        int
	ChunkRows      int
	Concurrency    int
	BatchChunks    int // BATCH_CHUNKS: chunks of one batch queued at a time; 0 = worker.DefaultBatchChunks
	RetentionDays  int
	StuckAfter     time.Duration // STUCK_AFTER: when the operators' views call a batch stuck
	LogLevel       slog.Level
	LogFormat      string
	APIPoolSize    int    // DB_API_POOL_SIZE: connections of the API's pool
	WorkerPoolSize int    // DB_WORKER_POOL_SIZE: connections of the workers' pool; 0 = WORKER_CONCURRENCY + 2
	ReportSlots    int    // REPORT_CONCURRENCY: reports built at once
	SpoolDir       string // SPOOL_DIR: where uploads and XLSX reports are spooled
}

// setting is one configuration variable: its environment name, its flag,
// its default as text ("" when computed) and how it is read into a Config.
type setting struct {
	env, flag, def, usage string
	secret                bool // the value may hold a password: never echo it
	apply                 func(c *Config, v string) error
}

func (s setting) defaultText() string {
	if s.def == "" {
		return "the number of CPUs"
	}
	return s.def
}

// settings lists every configuration variable in usage order.
var settings = []setting{
	{"DATABASE_URL", "database-url", "postgres://postgres@127.0.0.1:5432/jhtbatch?sslmode=disable", "PostgreSQL URL", true, setDatabaseURL},
	{"REDIS_URL", "redis-url", "redis://127.0.0.1:6379/0", "Redis URL (redis://, rediss://, redis-socket://)", true, setRedisURL},
	{"HTTP_ADDR", "http-addr", "127.0.0.1:8080", "address the API and web page listen on", false, setHTTPAddr},
	{"METRICS_ADDR", "metrics-addr", "off", "address where \"work\" serves /metrics and /healthz (the API serves them itself)", false, setMetricsAddr},
	{"BUSINESS_TZ", "business-tz", batch.DefaultTimeZone, "time zone of business dates", false, setBusinessTZ},
	{"STUCK_AFTER", "stuck-after", durationText(batch.DefaultStuckAfter), "a batch whose oldest unfinished chunk waited longer is stuck (operators' console, status)", false, setStuckAfter},
	{"MAX_UPLOAD_BYTES", "max-upload-bytes", fmt.Sprintf("%dMiB", api.DefaultMaxUploadBytes>>20), "largest accepted file in bytes (KiB, MiB, GiB suffixes allowed)", false, setMaxUploadBytes},
	{"MAX_ROWS", "max-rows", strconv.Itoa(api.DefaultMaxRows), "most data rows in one file", false, positiveInt(func(c *Config, n int) { c.MaxRows = n })},
	{"CHUNK_ROWS", "chunk-rows", strconv.Itoa(worker.DefaultChunkRows), "rows per worker task", false, positiveInt(func(c *Config, n int) { c.ChunkRows = n })},
	{"WORKER_CONCURRENCY", "worker-concurrency", "", "tasks a worker process runs at once", false, setConcurrency},
	{"BATCH_CHUNKS", "batch-chunks", "", "chunks of one batch queued at a time (over all worker processes)", false, positiveInt(func(c *Config, n int) { c.BatchChunks = n })},
	{"RETENTION_DAYS", "retention-days", "0", "days before raw rows and reports are purged; 0 keeps them", false, setRetentionDays},
	{"DB_API_POOL_SIZE", "db-api-pool-size", "10", "PostgreSQL connections of the API (its own pool)", false, positiveInt(func(c *Config, n int) { c.APIPoolSize = n })},
	{"DB_WORKER_POOL_SIZE", "db-worker-pool-size", "WORKER_CONCURRENCY+2", "PostgreSQL connections of the workers (their own pool)", false, setWorkerPoolSize},
	{"REPORT_CONCURRENCY", "report-concurrency", strconv.Itoa(api.DefaultReportConcurrency), "reports built at once (a company's: half); more answer 429", false, positiveInt(func(c *Config, n int) { c.ReportSlots = n })},
	{"SPOOL_DIR", "spool-dir", "$TMPDIR/jhtbatch-spool", "directory of the upload spool files, emptied at start", false, setSpoolDir},
	{"LOG_LEVEL", "log-level", "info", "debug, info, warn or error", false, setLogLevel},
	{"LOG_FORMAT", "log-format", "text", "text or json", false, setLogFormat},
}

// durationText is d as a setting's default is written: 15m, not 15m0s.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Which settings each kind of command reads.
var (
	serverSettings = []string{"DATABASE_URL", "REDIS_URL", "HTTP_ADDR", "METRICS_ADDR", "BUSINESS_TZ", "MAX_UPLOAD_BYTES",
		"MAX_ROWS", "CHUNK_ROWS", "WORKER_CONCURRENCY", "BATCH_CHUNKS", "RETENTION_DAYS", "DB_API_POOL_SIZE", "DB_WORKER_POOL_SIZE",
		"REPORT_CONCURRENCY", "SPOOL_DIR", "STUCK_AFTER", "LOG_LEVEL", "LOG_FORMAT"}
	databaseSettings = []string{"DATABASE_URL", "LOG_LEVEL", "LOG_FORMAT"}
)

// configFlags binds the chosen settings to the flags of one command.
type configFlags struct {
	fs     *flag.FlagSet
	getenv func(string) string
	used   []setting
	values map[string]*string
}

// bindConfig defines a flag for each named setting on fs. Flags start
// empty, so that -h never prints a URL with a password taken from the
// environment.
func bindConfig(fs *flag.FlagSet, getenv func(string) string, names []string) *configFlags {
	c := &configFlags{fs: fs, getenv: getenv, values: map[string]*string{}}
	for _, s := range settings {
		if !slices.Contains(names, s.env) {
			continue
		}
		c.used = append(c.used, s)
		c.values[s.env] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %s)", s.usage, s.env, s.defaultText()))
	}
	return c
}

// parse parses the arguments of a command that takes flags only, then
// loads its configuration.
func (c *configFlags) parse(args []string) (Config, error) {
	if err := c.fs.Parse(args); err != nil {
		return Config{}, err // flag.ErrHelp too: the command must stop after its usage
	}
	if err := wantArgs(c.fs, c.fs.Args(), 0, ""); err != nil {
		return Config{}, err
	}
	return c.load()
}

// load reads each bound setting after fs was parsed: the flag when given,
// else the environment variable when set, else the default.
func (c *configFlags) load() (Config, error) {
	set := map[string]bool{}
	c.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg := defaultConfig()
	var errs []error
	for _, s := range c.used {
		v := strings.TrimSpace(c.getenv(s.env))
		if set[s.flag] {
			v = strings.TrimSpace(*c.values[s.env])
		}
		if v == "" {
			v = s.def
		}
		if v == "" {
			continue
		}
		if err := s.apply(&cfg, v); err != nil {
			errs = append(errs, settingError(s, v, err))
		}
	}
	return cfg, errors.Join(errs...)
}

// settingError names the variable and its flag, and the value unless it may
// hold a secret.
func settingError(s setting, v string, err error) error {
	if s.secret {
		return fmt.Errorf("invalid %s (flag -%s): %w", s.env, s.flag, err)
	}
	return fmt.Errorf("invalid %s (flag -%s) %q: %w", s.env, s.flag, v, err)
}

// defaultConfig holds the defaults that are not written as text.
func defaultConfig() Config {
	return Config{Concurrency: worker.DefaultConcurrency(), LogLevel: slog.LevelInfo, LogFormat: "text"}
}

func setDatabaseURL(c *Config, v string) error {
	if _, err := pgxpool.ParseConfig(v); err != nil {
		return errors.New("not a PostgreSQL URL or connection string")
	}
	c.DatabaseURL = v
	return nil
}

func setRedisURL(c *Config, v string) error {
	opt, err := asynq.ParseRedisURI(v)
	if err != nil {
		return errors.New("not a Redis URL such as redis://127.0.0.1:6379/0")
	}
	c.Redis = opt
	return nil
}

func setHTTPAddr(c *Config, v string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return errors.New("want host:port, such as 127.0.0.1:8080 or :8080")
	}
	c.HTTPAddr = v
	return nil
}

func setMetricsAddr(c *Config, v string) error {
	if v == "off" || v == "" {
		c.MetricsAddr = ""
		return nil
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		return errors.New("want host:port, such as 127.0.0.1:9090, or off")
	}
	c.MetricsAddr = v
	return nil
}

func setBusinessTZ(c *Config, v string) error {
	loc, err := time.LoadLocation(v)
	if err != nil {
		return errors.New("unknown time zone; want an IANA name such as Asia/Jakarta")
	}
	c.Location = loc
	return nil
}

func setMaxUploadBytes(c *Config, v string) error {
	n, err := parseBytes(v)
	if err != nil {
		return err
	}
	c.MaxUploadBytes = n
	return nil
}

func setConcurrency(c *Config, v string) error {
	return positiveInt(func(c *Config, n int) { c.Concurrency = n })(c, v)
}

func setWorkerPoolSize(c *Config, v string) error {
	if v == "WORKER_CONCURRENCY+2" {
		c.WorkerPoolSize = 0 // computed once WORKER_CONCURRENCY is known
		return nil
	}
	return positiveInt(func(c *Config, n int) { c.WorkerPoolSize = n })(c, v)
}

func setSpoolDir(c *Config, v string) error {
	if v == "$TMPDIR/jhtbatch-spool" {
		c.SpoolDir = filepath.Join(os.TempDir(), "jhtbatch-spool")
		return nil
	}
	if !filepath.IsAbs(v) {
		return errors.New("want an absolute directory path")
	}
	c.SpoolDir = filepath.Clean(v)
	return nil
}

// workerPoolSize is the size of the workers' pool: DB_WORKER_POOL_SIZE, or
// one connection per concurrent task plus two for the scheduler and the
// reconciler.
func (c Config) workerPoolSize() int {
	if c.WorkerPoolSize > 0 {
		return c.WorkerPoolSize
	}
	return c.Concurrency + 2
}

func setRetentionDays(c *Config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return errors.New("want a whole number of days, 0 or more")
	}
	c.RetentionDays = n
	return nil
}

func setLogLevel(c *Config, v string) error {
	if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
		return errors.New("want debug, info, warn or error")
	}
	return nil
}

func setLogFormat(c *Config, v string) error {
	switch strings.ToLower(v) {
	case "text", "json":
		c.LogFormat = strings.ToLower(v)
		return nil
	}
	return errors.New("want text or json")
}

// positiveInt returns an apply function for a whole number above zero.
func positiveInt(set func(c *Config, n int)) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return errors.New("want a whole number above 0")
		}
		set(c, n)
		return nil
	}
}

// byteUnits are the size suffixes parseBytes accepts.
var byteUnits = []struct {
	suffix string
	n      int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// parseBytes reads a size in bytes, optionally with a KiB, MiB or GiB suffix.
func parseBytes(v string) (int64, error) {
	unit := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(v, u.suffix) {
			v, unit = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/unit {
		return 0, errors.New("want a size in bytes above 0, such as 67108864 or 64MiB")
	}
	return n * unit, nil
}

// logger returns the process logger: text or JSON on w, at the configured
// level, with personal data masked in every record.
func (c Config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	var h slog.Handler
	if c.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(redact.NewHandler(h))
}
