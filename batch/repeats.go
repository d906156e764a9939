package batch

import "hash/maphash"

// Repeats finds, as the rows of a file go by in order, the earliest row
// each one repeats (DUPLICATE_IN_FILE): the first row with the same KPJ or
// the same NIK, each compared by its DuplicateKey ("" is compared with
// nothing). The upload asks it for every row it stores, so the workers need
// no search over the whole batch before the first chunk can run.
//
// A key is remembered by a 128-bit hash under two random seeds, not by its
// text, with the row and line of its first row: 24 bytes an entry, about
// 11 MB for the two maps of a 200,000-row file, and no allocation per row. Two different keys share a hash with a
// probability of about n²/2¹²⁹, for n keys: 10⁻²⁸ for 200,000 rows.
type Repeats struct {
	seeds    [2]maphash.Seed
	kpj, nik map[[2]uint64]rowAt
}

// rowAt is a row's number and the line of the file it starts on.
type rowAt struct{ row, line int32 }

// NewRepeats returns a Repeats that has seen no row.
func NewRepeats() *Repeats {
	return &Repeats{
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		kpj:   map[[2]uint64]rowAt{},
		nik:   map[[2]uint64]rowAt{},
	}
}

// Of returns the earliest row before row that has the duplicate key kpj in
// its KPJ or nik in its NIK, and that row's line, or 0, 0 when there is
// none; row (on line) becomes the first row of each key not seen before.
// Rows must come in increasing order.
func (r *Repeats) Of(row, line int, kpj, nik string) (firstRow, firstLine int) {
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
