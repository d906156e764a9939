package main

import (
	"context"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseCounts(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"", []int{0}, false},
		{"  ", []int{0}, false},
		{"1,2,4", []int{1, 2, 4}, false},
		{" 3 ", []int{3}, false},
		{"0", nil, true},
		{"1,x", nil, true},
		{"-2", nil, true},
	}
	for _, tt := range tests {
		got, err := parseCounts(tt.in)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("parseCounts(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestAdminURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"},
		{"postgres://u:p@db:5433/jhtbatch?sslmode=disable", "postgres://u:p@db:5433/postgres?sslmode=disable"},
		{"postgres://u@h/x", "postgres://u@h/postgres"},
	}
	for _, tt := range tests {
		if got := adminURL(tt.in); got != tt.want {
			t.Errorf("adminURL(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{[]time.Duration{3}, 3},
		{[]time.Duration{5, 1, 3}, 3},
		{[]time.Duration{9, 1, 8, 2}, 8},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

// The readers of /proc see this very process: it has used some CPU and
// some memory.
func TestProcReaders(t *testing.T) {
	pid := os.Getpid()
	// Spin until the kernel has counted a clock tick (10 ms) of CPU: on a
	// loaded machine 30 ms of wall time may hold none. 10 s bound it when
	// the reader is broken.
	busy := time.Now()
	for cpuTime(pid) <= 0 && time.Since(busy) < 10*time.Second {
	}
	if kb := vmHWM(pid); kb <= 0 {
		t.Errorf("vmHWM(self) = %d kB; want > 0", kb)
	}
	if d := cpuTime(pid); d <= 0 {
		t.Errorf("cpuTime(self) = %v; want > 0", d)
	}
	if kb, d := vmHWM(-1), cpuTime(-1); kb != 0 || d != 0 {
		t.Errorf("no such process: %d kB, %v; want 0, 0", kb, d)
	}
}

// -kill needs "work" processes: the single "all" also serves the API.
func TestKillNeedsWorkers(t *testing.T) {
	for _, args := range [][]string{{"-kill"}, {"-kill", "-workers", " "}} {
		err := run(context.Background(), args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-kill needs -workers") {
			t.Errorf("run %v = %v; want the -kill needs -workers error", args, err)
		}
	}
}

func TestChunkOf(t *testing.T) {
	tests := []struct {
		id, batch string
		no        int
		ok        bool
	}{
		{"chunk:0b9e-11:7", "0b9e-11", 7, true},
		{"chunk:b:12", "b", 12, true},
		{"plan:b", "", 0, false},
		{"chunk:b", "", 0, false},
		{"chunk:b:x", "b", 0, false},
	}
	for _, tt := range tests {
		b, no, ok := chunkOf(tt.id)
		if ok != tt.ok || (ok && (b != tt.batch || no != tt.no)) {
			t.Errorf("chunkOf(%q) = %q, %d, %v; want %q, %d, %v", tt.id, b, no, ok, tt.batch, tt.no, tt.ok)
		}
	}
}

// The -kill and -small lines name the goal and say whether it was met.
func TestPrintHands(t *testing.T) {
	var b strings.Builder
	printHands(&b, result{
		kill:  &killRun{worker: "0-work2", atRows: 70000, restarted: true, toFinish: 9 * time.Second, chunks: 4, recovery: 12 * time.Second},
		small: &smallRuns{other: 1500 * time.Millisecond, otherDuring: true, small: []time.Duration{200 * time.Millisecond, 310 * time.Millisecond, 100 * time.Millisecond}},
	})
	for _, want := range []string{
		"kill -9 0-work2 at 70000 rows, a new work started",
		"  its chunks taken up again    12.000 s   4 chunks in flight, 0 copies of other chunks; goal ≤ 10s: MISSED",
		"50 rows, other company          1.500 s   upload until finished, before the big batch finished; goal ≤ 2s: met",
		"32 rows after                   0.200 s   upload until the end of report.csv, median of 3 (0.200 0.310 0.100 s); goal ≤ 300ms: met 2 of 3",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("printHands printed\n%s\nwant a line with %q", b.String(), want)
		}
	}
}
