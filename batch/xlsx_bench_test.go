package batch_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
)

// BenchmarkReadWorkbook reads 100,000 rows as a workbook (shared strings
// and date cells, as Excel stores them) against the same rows as CSV, the
// baseline. Compare the two ns/op (target: workbook ≤ 3× CSV) and B/op in
// one run; peak-heap-MB is the heap's high-water mark above where it
// started.
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
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
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
			if n%5000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc-min(base, ms.HeapAlloc))
			}
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkUploadMemory takes 200,000 rows the way the API takes an upload
// (Inspect the spooled file, then decode it) as a workbook and as CSV, the
// baseline, both from a file on disk. B/op is what one upload allocates
// (target: workbook ≤ 1.5× CSV); peak-heap-MB is the live heap's
// high-water mark above where it started.
func BenchmarkUploadMemory(b *testing.B) {
	const rows = 200_000
	_, csv := batchtest.ValidFile(rows, "AB123456")
	dir := b.TempDir()
	files := map[string][]byte{"csv": []byte(csv), "xlsx": batchtest.Workbook(csv)}
	for _, name := range []string{"csv", "xlsx"} {
		path := filepath.Join(dir, "upload."+name)
		if err := os.WriteFile(path, files[name], 0o600); err != nil {
			b.Fatal(err)
		}
		delete(files, name)
		b.Run(name, func(b *testing.B) {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			benchRead(b, rows, func() (*batch.Decoder, error) {
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					return nil, err
				}
				info, err := batch.Inspect(f, io.Discard, 0)
				if err != nil {
					return nil, err
				}
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					return nil, err
				}
				if info.Encoding == batch.EncXLSX {
					return batch.NewWorkbookDecoder(f, info.Size, batch.DecodeOptions{}, batch.WorkbookOptions{})
				}
				return batch.NewDecoder(f, info.Encoding, batch.DecodeOptions{})
			})
		})
	}
}
