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

// TestFirstsGrows drives the table behind Repeats through eight doublings
// (64 to 16,384 slots) against a map of the keys themselves, with hashes
// made to collide: a key's hash is chosen, not computed, so that many keys
// share a home slot at every size and some start at the last slot, where a
// probe wraps to the first. Keys repeat often, and a third of the calls
// carry the empty key ("" is never stored: Of skips it).
func TestFirstsGrows(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(5, 6))
	hash := func(k int) [2]uint64 {
		// The eight keys of a group share h[0], so they share a home slot
		// in any table; in every seventh group h[0]'s low bits are all 1:
		// the home is the last slot.
		g := uint64(k / 8)
		h0 := g * 0x9e3779b97f4a7c15
		if g%7 == 0 {
			h0 |= 1<<20 - 1
		}
		return [2]uint64{h0, uint64(k)}
	}
	var tab firsts
	first := map[string]int{}
	grew, found := 0, 0
	for row := 1; row <= 30000; row++ {
		k := rnd.IntN(14000)
		key := fmt.Sprint(k)
		if rnd.IntN(3) == 0 {
			key = ""
		}
		want := first[key]
		if key != "" && want == 0 {
			first[key] = row
		}
		size := len(tab.slots)
		var got rowAt
		if key != "" {
			got = tab.firstOf(hash(k), rowAt{int32(row), int32(row + 1)})
		}
		if len(tab.slots) > size {
			grew++
		}
		if int(got.row) != want || (want != 0 && int(got.line) != want+1) {
			t.Fatalf("row %d, key %q: first row %d on line %d, want %d", row, key, got.row, got.line, want)
		}
		if want != 0 {
			found++
		}
	}
	if grew < 8 || found < 5000 || tab.n != len(first) {
		t.Fatalf("grew %d times, found %d repeats, holds %d keys of %d: the keys do not test the table",
			grew, found, tab.n, len(first))
	}
}
