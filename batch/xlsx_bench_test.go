package batch_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
)

// BenchmarkReadWorkbook reads 100,000 rows as a workbook (shared strings
// and date cells, as Excel stores them) against the same rows as CSV, the
// baseline. Compare the two ns/op (target: workbook ≤ 3× CSV) and B/op in
// one run; peak-heap-MB is the live heap's high-water mark while reading.
func BenchmarkReadWorkbook(b *testing.B) {
	const rows = 100_000
	_, csv := batchtest.ValidFile(rows, "AB123456")
	xlsx := batchtest.Workbook(csv)
	b.Run("csv", func(b *testing.B) {
		benchRead(b, rows, func() (*batch.Decoder, error) {
			return batch.NewDecoder(bytes.NewReader([]byte(csv)), batch.EncUTF8, batch.DecodeOptions{})
		})
	})
	b.Run("xlsx", func(b *testing.B) {
		benchRead(b, rows, func() (*batch.Decoder, error) {
			return batch.NewWorkbookDecoder(bytes.NewReader(xlsx), int64(len(xlsx)), batch.DecodeOptions{}, batch.WorkbookOptions{})
		})
	})
}

func benchRead(b *testing.B, rows int, open func() (*batch.Decoder, error)) {
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		runtime.GC()
		d, err := open()
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for ; ; n++ {
			_, err := d.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if n%10000 == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
