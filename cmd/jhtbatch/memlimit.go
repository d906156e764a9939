package main

import (
	"runtime/debug"
)

// defaultMemoryLimit is the Go runtime's soft memory limit for the server
// commands when GOMEMLIMIT is not set. Without it the collector lets the
// heap grow to twice what is live: when XLSX reports were written through
// excelize (about 4 KB of garbage per row) a 200,000-row report took the
// process to 154 MB. The report no longer allocates per row, but judging
// chunks in parallel still makes garbage in bursts; with the limit the
// collector runs sooner and the peak stays well under 100 MB
// (docs/benchmarks.md). It is soft: a process that needs
// more live memory gets it, at the cost of more frequent collections.
const defaultMemoryLimit = 64 << 20

// setMemoryLimit applies defaultMemoryLimit unless GOMEMLIMIT is set (the
// runtime has then applied it already).
func setMemoryLimit(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
