package batch

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"runtime"
	"testing"
)

// BenchmarkRepeats finds the repeats of 100,000 and 200,000 rows as the
// upload does, with KPJs and NIKs all different (the common file) and with
// 5% of each repeating an earlier row's, for Repeats and for the Go maps it
// replaced (mapRepeats). live-B is what the finished one holds after a GC.
func BenchmarkRepeats(b *testing.B) {
	for _, n := range []int{100_000, 200_000} {
		for _, pct := range []int{0, 5} {
			kpj, nik := repeatKeys(n, pct)
			for _, impl := range []struct {
				name string
				of   func() func(row, line int, kpj, nik string) (int, int)
			}{
				{"maps", func() func(int, int, string, string) (int, int) { return newMapRepeats().Of }},
				{"table", func() func(int, int, string, string) (int, int) { return NewRepeats().Of }},
			} {
				b.Run(fmt.Sprintf("rows=%d/repeat=%d%%/%s", n, pct, impl.name), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						of := impl.of()
						for i := range n {
							of(i+1, i+2, kpj[i], nik[i])
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/row")
					b.ReportMetric(float64(liveBytes(func() any {
						of := impl.of()
						for i := range n {
							of(i+1, i+2, kpj[i], nik[i])
						}
						return of
					})), "live-B")
				})
			}
		}
	}
}

// repeatKeys returns n KPJs and NIKs, pct% of each a copy of an earlier
// row's.
func repeatKeys(n, pct int) (kpj, nik []string) {
	rnd := rand.New(rand.NewPCG(1, 2))
	kpj, nik = make([]string, n), make([]string, n)
	for i := range n {
		kpj[i], nik[i] = fmt.Sprintf("230%08d", i), fmt.Sprintf("3171%012d", i)
		if i > 0 && rnd.IntN(100) < pct {
			kpj[i] = kpj[rnd.IntN(i)]
		}
		if i > 0 && rnd.IntN(100) < pct {
			nik[i] = nik[rnd.IntN(i)]
		}
	}
	return kpj, nik
}

// liveBytes is how much more the heap holds, after a GC, while build's
// result is kept.
func liveBytes(build func() any) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	return after.HeapAlloc - before.HeapAlloc
}

// mapRepeats is Repeats as it was with two Go maps (commit ce788f7), kept
// as the benchmark's baseline.
type mapRepeats struct {
	seeds    [2]maphash.Seed
	kpj, nik map[[2]uint64]rowAt
}

func newMapRepeats() *mapRepeats {
	return &mapRepeats{
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		kpj:   map[[2]uint64]rowAt{},
		nik:   map[[2]uint64]rowAt{},
	}
}

func (r *mapRepeats) Of(row, line int, kpj, nik string) (firstRow, firstLine int) {
	var first rowAt
	for _, k := range [2]struct {
		seen map[[2]uint64]rowAt
		key  string
	}{{r.kpj, kpj}, {r.nik, nik}} {
		if k.key == "" {
			continue
		}
		h := [2]uint64{maphash.String(r.seeds[0], k.key), maphash.String(r.seeds[1], k.key)}
		if at, ok := k.seen[h]; ok {
			if first.row == 0 || at.row < first.row {
				first = at
			}
		} else {
			k.seen[h] = rowAt{int32(row), int32(line)}
		}
	}
	return int(first.row), int(first.line)
}
