package main

import (
	"io"
	"log/slog"
	"testing"
)

// TestPprofOnlyOnLoopback: the profiles show the program's memory, personal
// data among it, without authentication, so PPROF_ADDR must be a loopback
// address; any other is refused before anything listens.
func TestPprofOnlyOnLoopback(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:0", true},
		{"localhost:0", true},
		{"[::1]:0", true},
		{":6060", false},
		{"0.0.0.0:6060", false},
		{"192.0.2.1:6060", false},
		{"example.com:6060", false},
		{"6060", false},
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range tests {
		e := env{getenv: func(k string) string {
			if k == "PPROF_ADDR" {
				return tt.addr
			}
			return ""
		}}
		svc, err := pprofService(e, log)
		if tt.ok != (err == nil) || tt.ok != (svc != nil) {
			t.Errorf("PPROF_ADDR %q: service %v, err %v; want accepted %v", tt.addr, svc != nil, err, tt.ok)
		}
	}
}
