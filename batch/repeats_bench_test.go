package batch

import (
	"fmt"
	"testing"
)

// BenchmarkRepeats finds the repeats of 100,000 rows whose KPJs and NIKs
// are all different (the common file), as the upload does.
func BenchmarkRepeats(b *testing.B) {
	const n = 100_000
	kpj, nik := make([]string, n), make([]string, n)
	for i := range n {
		kpj[i], nik[i] = fmt.Sprintf("230%08d", i), fmt.Sprintf("3171%012d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		r := NewRepeats()
		for i := range n {
			r.Of(i+1, i+2, kpj[i], nik[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/row")
}
