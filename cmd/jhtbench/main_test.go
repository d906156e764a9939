package main

import (
	"os"
	"slices"
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
	busy := time.Now()
	for time.Since(busy) < 30*time.Millisecond {
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
