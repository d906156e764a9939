package main

import (
	"runtime/debug"
)

// defaultMemoryLimit is the Go runtime's soft memory limit for the server
// commands when GOMEMLIMIT is not set. Without it the collector lets the
// heap grow to twice what is live, and an XLSX report of 200,000 rows
// (excelize allocates about 4 KB per row, nearly all garbage at once) took
// the process to 154 MB; with it the collector runs sooner and the peak
// stays under 100 MB (docs/benchmarks.md). It is soft: a process that needs
// more live memory gets it, at the cost of more frequent collections.
const defaultMemoryLimit = 64 << 20

// setMemoryLimit applies defaultMemoryLimit unless GOMEMLIMIT is set (the
// runtime has then applied it already).
func setMemoryLimit(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
