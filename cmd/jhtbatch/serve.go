package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"jhtbatch/api"
	"jhtbatch/batch"
	"jhtbatch/postgres"
	"jhtbatch/worker"
)

// shutdownTimeout bounds how long requests in flight may take to finish
// after SIGTERM before their connections are closed.
const shutdownTimeout = 20 * time.Second

// roles says which parts a server command runs.
type roles struct{ api, workers bool }

func runAll(ctx context.Context, e env, args []string) error {
	return runServer(ctx, e, args, "all", roles{api: true, workers: true},
		"Runs the API, the HR web page, the workers and the scheduler in one process,\nafter applying the database migrations. Stops gracefully on SIGINT or SIGTERM.")
}

func runServe(ctx context.Context, e env, args []string) error {
	return runServer(ctx, e, args, "serve", roles{api: true},
		"Runs the API and the HR web page only, after applying the database migrations.\nRun \"jhtbatch work\" elsewhere to process the batches.")
}

func runWork(ctx context.Context, e env, args []string) error {
	return runServer(ctx, e, args, "work", roles{workers: true},
		"Runs the workers and the scheduler only, after applying the database migrations.")
}

func runMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "migrate", "", "Applies the database migrations and exits. Safe to run from several processes at once.")
	cf := bindConfig(fs, e.getenv, databaseSettings)
	cfg, err := cf.parse(args)
	if err != nil {
		return err
	}
	if err := postgres.Migrate(ctx, cfg.DatabaseURL); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "Database migrations applied.")
	return nil
}

// runServer migrates the database, then runs the API and/or the workers
// until ctx is cancelled or one of them fails.
func runServer(ctx context.Context, e env, args []string, name string, r roles, about string) error {
	fs := newFlagSet(e, name, "[flags]", about)
	cf := bindConfig(fs, e.getenv, serverSettings)
	cfg, err := cf.parse(args)
	if err != nil {
		return err
	}
	log := cfg.logger(e.stderr)
	setMemoryLimit(e.getenv)
	if err := postgres.Migrate(ctx, cfg.DatabaseURL); err != nil {
		return err
	}
	var services []service
	// The API and the workers each get a pool of their own, sized by
	// DB_API_POOL_SIZE and DB_WORKER_POOL_SIZE: busy workers cannot take the
	// connections the API needs to answer, nor the reverse.
	if r.api {
		if err := api.PrepareSpool(cfg.SpoolDir); err != nil {
			return err
		}
		pool, err := postgres.ConnectPool(ctx, cfg.DatabaseURL, cfg.APIPoolSize, sessionName("api"))
		if err != nil {
			return err
		}
		defer pool.Close()
		svc, err := apiService(cfg, postgres.NewStore(pool), log)
		if err != nil {
			return err
		}
		services = append(services, svc)
	}
	if r.workers {
		pool, err := postgres.ConnectPool(ctx, cfg.DatabaseURL, cfg.workerPoolSize(), sessionName("worker"))
		if err != nil {
			return err
		}
		defer pool.Close()
		services = append(services, workerService(cfg, postgres.NewStore(pool), log, e.now))
	}
	if r.workers && !r.api && cfg.MetricsAddr != "" {
		svc, err := metricsService(cfg.MetricsAddr, log)
		if err != nil {
			return err
		}
		services = append(services, svc)
	}
	if svc, err := pprofService(e, log); err != nil {
		return err
	} else if svc != nil {
		services = append(services, svc)
	}
	log.Info("jhtbatch started", "command", name, "rules_version", batch.RulesVersion)
	err = runServices(ctx, services...)
	log.Info("jhtbatch stopped", "command", name)
	return err
}

// service is a part of the process that runs until ctx is done; it returns
// nil when it stopped because ctx was done.
type service func(ctx context.Context) error

// runServices runs every service until ctx is done or one of them fails,
// which stops the others; it returns when all have returned, with the
// first failure.
func runServices(ctx context.Context, services ...service) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, svc := range services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := svc(ctx); err != nil {
				once.Do(func() { first = err })
			}
			cancel()
		}()
	}
	wg.Wait()
	return first
}

// apiService listens on HTTP_ADDR now, so that a port already in use fails
// at start, and serves the API until ctx is done, then shuts down
// gracefully: requests in flight get shutdownTimeout to finish.
func apiService(cfg Config, store *postgres.Store, log *slog.Logger) (service, error) {
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	queue := worker.NewEnqueuer(cfg.Redis)
	srv := api.NewHTTPServer(cfg.HTTPAddr, apiHandler(cfg, store, queue, log))
	return func(ctx context.Context) error {
		defer queue.Close()
		log.Info("listening", "url", "http://"+ln.Addr().String()+"/")
		return serveHTTP(ctx, srv, ln)
	}, nil
}

// apiHandler is the API of one process. Its own metrics go on a fresh
// registry, so that a test can run several servers in one process; GET
// /metrics serves them together with the default registry, which holds the
// Go and process collectors and the workers' metrics (rows by outcome, chunk
// durations, task failures) of a process that runs both, as "all" does.
// store is an api.Store, not a *postgres.Store: a nil one must reach
// api.Config as a nil interface, which the API checks for.
func apiHandler(cfg Config, store api.Store, queue *worker.Enqueuer, log *slog.Logger) http.Handler {
	reg := prometheus.NewRegistry()
	return api.NewServer(api.Config{
		Store:             store,
		Queue:             queue,
		Logger:            log,
		MaxUploadBytes:    cfg.MaxUploadBytes,
		MaxRows:           cfg.MaxRows,
		TempDir:           cfg.SpoolDir,
		ReportConcurrency: cfg.ReportSlots,
		StuckAfter:        cfg.StuckAfter,
		Registry:          reg,
		Gatherer:          prometheus.Gatherers{reg, prometheus.DefaultGatherer},
	})
}

// metricsService serves /metrics (the workers' and the process's) and
// /healthz for a process that runs workers only, so operators can watch it.
func metricsService(addr string, log *slog.Logger) (service, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on METRICS_ADDR %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	return func(ctx context.Context) error {
		log.Info("metrics listening", "url", "http://"+ln.Addr().String()+"/metrics")
		return serveHTTP(ctx, srv, ln)
	}, nil
}

// serveHTTP serves on ln until ctx is done, then shuts srv down.
func serveHTTP(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve HTTP: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		srv.Close()
		err = fmt.Errorf("shut down HTTP server: %w", err)
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// workerService runs the workers and the scheduler until ctx is done.
func workerService(cfg Config, store *postgres.Store, log *slog.Logger, now func() time.Time) service {
	return func(ctx context.Context) error {
		err := worker.Run(ctx, store, worker.Config{
			Redis:         cfg.Redis,
			Concurrency:   cfg.Concurrency,
			BatchChunks:   cfg.BatchChunks,
			ChunkRows:     cfg.ChunkRows,
			Location:      cfg.Location,
			Now:           now,
			Logger:        log,
			RetentionDays: cfg.RetentionDays,
			// The default registry: GET /metrics of "all" and of "work"
			// (METRICS_ADDR) serves it.
			Registry: prometheus.DefaultRegisterer,
		})
		if err != nil {
			return fmt.Errorf("workers: %w", err)
		}
		return nil
	}
}

// sessionName is the application_name of a pool's sessions: "jhtbatch api
// 4711", "jhtbatch worker 4711". With the process id, pg_stat_activity says
// which of several processes holds a session or a transaction.
func sessionName(pool string) string {
	return fmt.Sprintf("jhtbatch %s %d", pool, os.Getpid())
}
