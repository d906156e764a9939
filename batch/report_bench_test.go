package batch_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
)

// BenchmarkReport writes the report of 100,000 created rows as CSV, the
// baseline, and as XLSX, to io.Discard. Compare the two ns/op (target:
// XLSX ≤ 3× CSV) and B/op in one run; peak-heap-MB is the live heap's
// high-water mark above where it started (the lines themselves are built
// before and not counted); cpu-ms/op is the process's CPU time per report,
// steadier than ns/op on a shared machine.
func BenchmarkReport(b *testing.B) {
	const rows = 100_000
	m, lines := benchReportLines(b, rows)
	b.Run("csv", func(b *testing.B) {
		benchWrite(b, rows, func() error {
			r, err := batch.NewCSVReport(io.Discard, m)
			if err != nil {
				return err
			}
			for _, l := range lines {
				if err := r.Write(l); err != nil {
					return err
				}
			}
			return r.Close()
		})
	})
	b.Run("xlsx", func(b *testing.B) {
		m := m
		m.TempDir = b.TempDir()
		benchWrite(b, rows, func() error {
			i := 0
			return batch.WriteXLSX(io.Discard, m, func() (batch.ReportLine, bool, error) {
				if i == len(lines) {
					return batch.ReportLine{}, false, nil
				}
				i++
				return lines[i-1], true, nil
			})
		})
	})
}

// benchWrite runs write once per iteration and reports the heap's peak
// above its level before, sampled by a goroutine every millisecond.
func benchWrite(b *testing.B, rows int, write func() error) {
	b.ReportAllocs()
	var peak uint64
	cpu0 := cpuTime()
	for b.Loop() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		done := make(chan struct{})
		sampled := make(chan uint64)
		go func() {
			var p uint64
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				p = max(p, ms.HeapAlloc-min(base, ms.HeapAlloc))
				select {
				case <-done:
					sampled <- p
					return
				case <-tick.C:
				}
			}
		}()
		err := write()
		close(done)
		peak = max(peak, <-sampled)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// benchReportLines are the report lines of a batch of rows valid rows
// (batchtest.ValidFile), each a created claim as a finished batch has it;
// one row in ten carries a warning, so the codes and messages columns are
// not all empty.
func benchReportLines(b *testing.B, rows int) (batch.ReportMeta, []batch.ReportLine) {
	b.Helper()
	_, file := batchtest.ValidFile(rows, "AB123456")
	d, err := batch.NewDecoder(bytes.NewReader([]byte(file)), batch.EncUTF8, batch.DecodeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	m := batch.ReportMeta{
		BatchID: "b-bench", Filename: "bench.csv", Status: batch.StatusCompleted, Mode: batch.ModeCreate,
		RulesVersion: batch.RulesVersion, Header: d.Header(), Layout: d.Layout(), Delimiter: d.Delimiter(),
		Encoding: batch.EncUTF8, TotalRows: rows, ProcessedRows: rows, Created: rows, Lang: batch.LangID,
	}
	lines := make([]batch.ReportLine, 0, rows)
	for i := 1; ; i++ {
		rec, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		gross := int64(1_000_000 + (i-1)*1000)
		l := batch.ReportLine{Row: i, Line: rec.Line, Fields: rec.Fields, Outcome: batch.OutcomeCreated,
			ClaimNumber: fmt.Sprintf("JHT-2026-%08d", i), ClaimStatus: batch.ClaimWaiting,
			EligibleOn: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
			Gross:      gross, Tax: gross / 20, Net: gross - gross/20, HasAmounts: true}
		if i%10 == 0 {
			l.Issues = batch.Issues{{Code: batch.CodeBankAccountLengthUnusual, Column: batch.ColBankAccount, Arg: "10"}}
		}
		lines = append(lines, l)
	}
	if len(lines) != rows {
		b.Fatalf("%d lines, want %d", len(lines), rows)
	}
	return m, lines
}

// BenchmarkReportCSVMix writes the CSV report of 100,000 rows of the mix a
// real batch has, in both languages, to a writer that only counts: most
// rows created and clean, one in ten created with a warning, one in twenty
// rejected with one to three issues (no claim, no amounts). Unlike
// BenchmarkReport it samples no heap, so ns/op is the writer's alone;
// cpu-ms/op (the process's CPU time) is steadier on a shared machine.
func BenchmarkReportCSVMix(b *testing.B) {
	const rows = 100_000
	m, lines := benchReportLines(b, rows)
	rejections := []batch.Issues{
		{{Code: batch.CodeNIKFormat, Column: batch.ColNIK}},
		{{Code: batch.CodePhoneFormat, Column: batch.ColPhone}, {Code: batch.CodeBankAccountLengthUnusual, Column: batch.ColBankAccount, Arg: "10"}},
		{{Code: batch.CodeParticipantNotFound, Column: batch.ColKPJ}},
		{{Code: batch.CodeFieldCount, Arg: "11/12"}, {Code: batch.CodeRequired, Column: batch.ColPhone}, {Code: batch.CodeDateFormat, Column: batch.ColBirthDate}},
	}
	for i := range lines {
		if i%20 == 7 {
			lines[i] = batch.ReportLine{Row: lines[i].Row, Line: lines[i].Line, Fields: lines[i].Fields,
				Outcome: batch.OutcomeRejected, Issues: rejections[i/20%len(rejections)]}
		}
	}
	for _, lang := range []batch.Lang{batch.LangID, batch.LangEN} {
		b.Run(string(lang), func(b *testing.B) {
			m := m
			m.Lang = lang
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				var w countingWriter
				r, err := batch.NewCSVReport(&w, m)
				if err != nil {
					b.Fatal(err)
				}
				for _, l := range lines {
					if err := r.Write(l); err != nil {
						b.Fatal(err)
					}
				}
				if err := r.Close(); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(w.n)
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
		})
	}
}

// countingWriter discards what it is given, as the API's client connection
// takes it away, and counts it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
