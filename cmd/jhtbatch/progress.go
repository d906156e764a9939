package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress shows how far a batch is on stderr: a bar redrawn in place on a
// terminal, else (a log file, CI) one line every lineEvery.
type progress struct {
	w        io.Writer
	terminal bool
	now      func() time.Time
	last     time.Time
	drawn    bool
}

// lineEvery is how often progress prints a line when not on a terminal.
const lineEvery = 5 * time.Second

const barWidth = 30

func newProgress(w io.Writer, now func() time.Time) *progress {
	return &progress{w: w, terminal: isTerminal(w), now: now}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update shows b's progress.
func (p *progress) update(b batchInfo) {
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s", progressLine(b))
		p.drawn = true
		return
	}
	if now := p.now(); p.last.IsZero() || now.Sub(p.last) >= lineEvery {
		fmt.Fprintln(p.w, progressLine(b))
		p.last = now
	}
}

// done shows b's final state and ends the line.
func (p *progress) done(b batchInfo) {
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s\n", progressLine(b))
		p.drawn = false
		return
	}
	fmt.Fprintln(p.w, progressLine(b))
}

// stop ends a bar left on the terminal, so that what follows starts on a
// new line.
func (p *progress) stop() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// progressLine renders b as [#####.....]  50%  1000/2000 rows  status.
func progressLine(b batchInfo) string {
	pct := 0
	if b.TotalRows > 0 {
		pct = b.ProcessedRows * 100 / b.TotalRows
	}
	filled := pct * barWidth / 100
	return fmt.Sprintf("[%s%s] %3d%%  %d/%d rows  %-22s",
		strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled),
		pct, b.ProcessedRows, b.TotalRows, b.Status)
}
