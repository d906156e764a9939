package batch

import "hash/maphash"

// Repeats finds, as the rows of a file go by in order, the earliest row
// each one repeats (DUPLICATE_IN_FILE): the first row with the same KPJ or
// the same NIK, each compared by its DuplicateKey ("" is compared with
// nothing). The upload asks it for every row it stores, so the workers need
// no search over the whole batch before the first chunk can run.
//
// A key is remembered by a 128-bit hash under two random seeds, not by its
// text, with the row and line of its first row. Two different keys share a
// hash with a probability of about n²/2¹²⁹, for n keys: 10⁻²⁸ for 200,000
// rows. Each column has its own table of first rows (firsts), not a Go map:
// the map took a lookup and then an insert for each new key, the table finds
// or adds in one pass over adjacent slots (BenchmarkRepeats: half the time a
// row). The two tables hold 6.3 MB for a 100,000-row file and 12.6 MB for
// 200,000 (the maps: 7.0 and 14.0), and no allocation is made per row.
type Repeats struct {
	seeds    [2]maphash.Seed
	kpj, nik firsts
}

// rowAt is a row's number and the line of the file it starts on.
type rowAt struct{ row, line int32 }

// NewRepeats returns a Repeats that has seen no row.
func NewRepeats() *Repeats {
	return &Repeats{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
}

// Of returns the earliest row before row that has the duplicate key kpj in
// its KPJ or nik in its NIK, and that row's line, or 0, 0 when there is
// none; row (on line) becomes the first row of each key not seen before.
// Rows must come in increasing order, from 1.
func (r *Repeats) Of(row, line int, kpj, nik string) (firstRow, firstLine int) {
	at := rowAt{int32(row), int32(line)}
	// Both keys are hashed before either table is read, so that the CPU
	// waits for the two tables' cache misses at once (20% faster in
	// BenchmarkRepeats than hashing and probing one column at a time).
	var first rowAt
	var hk, hn [2]uint64
	if kpj != "" {
		hk = r.hash(kpj)
	}
	if nik != "" {
		hn = r.hash(nik)
	}
	if kpj != "" {
		first = r.kpj.firstOf(hk, at)
	}
	if nik != "" {
		if f := r.nik.firstOf(hn, at); f.row != 0 && (first.row == 0 || f.row < first.row) {
			first = f
		}
	}
	return int(first.row), int(first.line)
}

func (r *Repeats) hash(key string) [2]uint64 {
	return [2]uint64{maphash.String(r.seeds[0], key), maphash.String(r.seeds[1], key)}
}

// firsts is a hash table of the first row of each key hash: open
// addressing, linear probing from the slot named by the hash's low bits, so
// a new key costs one run over adjacent slots that both looks and finds
// room. A slot is 24 bytes and empty while its row is 0 (rows start at 1).
//
// It doubles when 7/8 of its slots are taken, as the Go map's tables grow
// at 7/8, so that it holds no more than the map[[2]uint64]rowAt it
// replaced: 2¹⁷ slots (3.1 MB) hold up to 114,688 keys, where the map held
// 3.5 MB at 100,000 keys, and 2¹⁸ slots (6.3 MB) up to 229,376, where the
// map held 7.0 MB at 200,000 (measured after a GC). A lower bound would
// shorten the probes but pass the map's memory. While it grows it holds the
// old slots and the new, 1.5 times the new size, for as long as the copy
// takes; the map grows a 1,024-slot table at a time.
type firsts struct {
	slots []slot // a power of two of them, or none
	n     int    // slots taken
}

type slot struct {
	hash [2]uint64
	at   rowAt
}

// firstOf returns the row stored under hash h, or stores at under it and
// returns the zero rowAt when there is none.
func (t *firsts) firstOf(h [2]uint64, at rowAt) rowAt {
	if t.n >= len(t.slots)-len(t.slots)/8 {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := h[0] & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.at.row == 0 {
			*s = slot{h, at}
			t.n++
			return rowAt{}
		}
		if s.hash == h {
			return s.at
		}
	}
}

// grow doubles the slots (the first time: 64), putting each entry in the
// first empty slot from its hash's; no two entries share a hash.
func (t *firsts) grow() {
	old := t.slots
	t.slots = make([]slot, max(64, 2*len(old)))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.at.row == 0 {
			continue
		}
		i := s.hash[0] & mask
		for t.slots[i].at.row != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
