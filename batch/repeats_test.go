package batch

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestRepeatsOf holds Repeats to the rule spelled out with maps of the keys
// themselves, on rows whose keys repeat often: the earliest earlier row with
// the same KPJ key or the same NIK key, "" compared with nothing.
func TestRepeatsOf(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(3, 4))
	key := func(n int) string {
		if rnd.IntN(10) == 0 {
			return ""
		}
		return fmt.Sprint(rnd.IntN(n))
	}
	r := NewRepeats()
	firstKPJ, firstNIK := map[string]int{}, map[string]int{}
	found := 0
	for row := 1; row <= 20000; row++ {
		kpj, nik := key(5000), key(7000)
		want := 0
		for _, k := range []struct {
			first map[string]int
			key   string
		}{{firstKPJ, kpj}, {firstNIK, nik}} {
			if k.key == "" {
				continue
			}
			if at, ok := k.first[k.key]; ok {
				if want == 0 || at < want {
					want = at
				}
			} else {
				k.first[k.key] = row
			}
		}
		// Lines are rows plus one, and more after row 7,000 (a quoted
		// field across lines): the line goes with its row.
		line := func(row int) int {
			if row > 7000 {
				return row + 3
			}
			return row + 1
		}
		got, gotLine := r.Of(row, line(row), kpj, nik)
		if got != want || (want > 0 && gotLine != line(want)) || (want == 0 && gotLine != 0) {
			t.Fatalf("row %d (kpj %q, nik %q): repeats row %d on line %d, want %d", row, kpj, nik, got, gotLine, want)
		}
		if want > 0 {
			found++
		}
	}
	if found < 10000 {
		t.Fatalf("only %d rows repeated one: the keys do not test the rule", found)
	}
	// A KPJ equal to another row's NIK is no repeat: the columns are apart.
	r = NewRepeats()
	one := func(row int, kpj, nik string) int { first, _ := r.Of(row, row+1, kpj, nik); return first }
	if one(1, "123", "") != 0 || one(2, "", "123") != 0 || one(3, "123", "") != 1 {
		t.Error("a key is compared with the same column's keys only")
	}
}
