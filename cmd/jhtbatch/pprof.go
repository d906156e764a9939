package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// pprofService serves Go's profiles (net/http/pprof) on PPROF_ADDR, for
// measuring the binary (see docs/benchmarks.md). It is off unless the
// variable is set, and never on the API's address: the profiles show the
// program's memory and have no authentication, so bind it to a loopback
// address: any other is refused.
func pprofService(e env, log *slog.Logger) (service, error) {
	addr := e.getenv("PPROF_ADDR")
	if addr == "" {
		return nil, nil
	}
	if !loopback(addr) {
		return nil, fmt.Errorf("PPROF_ADDR %s: the profiles hold the program's memory (personal data among it) and have no authentication; give a loopback address such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on PPROF_ADDR %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	return func(ctx context.Context) error {
		log.Warn("pprof listening (no authentication)", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
		return serveHTTP(ctx, srv, ln)
	}, nil
}

// loopback reports whether addr (host:port) names a loopback host: an empty
// host (every interface) does not.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
