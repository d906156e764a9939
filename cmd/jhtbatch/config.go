package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/redact"
)

// Config is the configuration of the server commands (CONTRACT.md §5),
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
	RetentionDays  int
	StuckAfter     time.Duration // STUCK_AFTER: when the operators' views call a batch stuck
	LogLevel       slog.Level
	LogFormat      string
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
	{"BUSINESS_TZ", "business-tz", "Asia/Jakarta", "time zone of business dates", false, setBusinessTZ},
	{"STUCK_AFTER", "stuck-after", "15m", "a batch whose oldest unfinished chunk waited longer is stuck (operators' console, status)", false, setStuckAfter},
	{"MAX_UPLOAD_BYTES", "max-upload-bytes", "64MiB", "largest accepted file in bytes (KiB, MiB, GiB suffixes allowed)", false, setMaxUploadBytes},
	{"MAX_ROWS", "max-rows", "200000", "most data rows in one file", false, positiveInt(func(c *Config, n int) { c.MaxRows = n })},
	{"CHUNK_ROWS", "chunk-rows", "2000", "rows per worker task", false, positiveInt(func(c *Config, n int) { c.ChunkRows = n })},
	{"WORKER_CONCURRENCY", "worker-concurrency", "", "tasks a worker process runs at once", false, setConcurrency},
	{"RETENTION_DAYS", "retention-days", "0", "days before raw rows and reports are purged; 0 keeps them", false, setRetentionDays},
	{"LOG_LEVEL", "log-level", "info", "debug, info, warn or error", false, setLogLevel},
	{"LOG_FORMAT", "log-format", "text", "text or json", false, setLogFormat},
}

// Which settings each kind of command reads.
var (
	serverSettings = []string{"DATABASE_URL", "REDIS_URL", "HTTP_ADDR", "METRICS_ADDR", "BUSINESS_TZ", "MAX_UPLOAD_BYTES",
		"MAX_ROWS", "CHUNK_ROWS", "WORKER_CONCURRENCY", "RETENTION_DAYS", "STUCK_AFTER", "LOG_LEVEL", "LOG_FORMAT"}
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
		return Config{}, helpRequested(err)
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
	return Config{Concurrency: runtime.NumCPU(), LogLevel: slog.LevelInfo, LogFormat: "text"}
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
