package postgres

import (
	"math"
	"testing"

	"jhtbatch/batch"
)

// TestAppendClaimNumber: the claim numbers a chunk cuts out of one buffer
// read as batch.FormatClaimNumber writes them, short, exact, long and odd
// serials alike.
func TestAppendClaimNumber(t *testing.T) {
	t.Parallel()
	for _, year := range []int{2026, 999, 12345} {
		prefix := batch.ClaimNumberPrefix(year)
		for _, serial := range []int64{0, 1, 42, 12345678, 123456789, math.MaxInt64, -1, math.MinInt64} {
			want := batch.FormatClaimNumber(year, serial)
			if got := string(appendClaimNumber([]byte("x"), prefix, year, serial)); got != "x"+want {
				t.Errorf("year %d serial %d: %q, want %q", year, serial, got, "x"+want)
			}
		}
	}
}
