package batch

import (
	"math"
	"slices"
	"testing"
)

func TestValidPathIDs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s              string
		batchID, claim bool
	}{
		{"0b9e8a5c-1f2d-4c3b-9a8e-7d6c5b4a3f21", true, false},
		{"0B9E8A5C-1F2D-4C3B-9A8E-7D6C5B4A3F21", true, false},
		{"urn:uuid:0b9e8a5c-1f2d-4c3b-9a8e-7d6c5b4a3f21", false, false},
		{"{0b9e8a5c-1f2d-4c3b-9a8e-7d6c5b4a3f21}", false, false},
		{"0b9e8a5c1f2d4c3b9a8e7d6c5b4a3f21", false, false},
		{"0b9e8a5c-1f2d-4c3b-9a8e-7d6c5b4a3f2g", false, false},
		{"0b9e8a5c-1f2d-4c3b-9a8e-7d6c5b4a3f2\x00", false, false},
		{"JHT-2026-00000001", false, true},
		{"JHT-2026-123456789", false, true},
		{"JHT-2026-0000001", false, false},
		{"jht-2026-00000001", false, false},
		{"JHT-2026-0000000\xff", false, false},
		{"JHT-2026-00000001\x00", false, false},
		{"JHT-20a6-00000001", false, false},
		{"JHT-2026-12345678901234567890", false, false},
		{"", false, false},
		{"\xff", false, false},
	}
	for _, tt := range tests {
		if got := ValidBatchID(tt.s); got != tt.batchID {
			t.Errorf("ValidBatchID(%q) = %v, want %v", tt.s, got, tt.batchID)
		}
		if got := ValidClaimNumber(tt.s); got != tt.claim {
			t.Errorf("ValidClaimNumber(%q) = %v, want %v", tt.s, got, tt.claim)
		}
	}
}

// TestFormatClaimNumber checks the one format of claim numbers, which the
// store uses to number claims, against ValidClaimNumber.
func TestFormatClaimNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		year   int
		serial int64
		want   string
	}{
		{2026, 42, "JHT-2026-00000042"},
		{2027, 99_999_999, "JHT-2027-99999999"},
		{2027, 123_456_789, "JHT-2027-123456789"},
	}
	for _, tt := range tests {
		got := FormatClaimNumber(tt.year, tt.serial)
		if got != tt.want || !ValidClaimNumber(got) {
			t.Errorf("FormatClaimNumber(%d, %d) = %q (valid %v), want %q", tt.year, tt.serial, got, ValidClaimNumber(got), tt.want)
		}
	}
}

func TestClaimNumberRanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		first, last int64
		want        [][2]string
	}{
		{1, 2000, [][2]string{{"JHT-2026-00000001", "JHT-2026-00002000"}}},
		{7, 7, [][2]string{{"JHT-2026-00000007", "JHT-2026-00000007"}}},
		{5, 4, nil},
		{99_999_001, 100_001_000, [][2]string{{"JHT-2026-99999001", "JHT-2026-99999999"},
			{"JHT-2026-100000000", "JHT-2026-100001000"}}},
		{99_999_999, 1_000_000_000, [][2]string{{"JHT-2026-99999999", "JHT-2026-99999999"},
			{"JHT-2026-100000000", "JHT-2026-999999999"}, {"JHT-2026-1000000000", "JHT-2026-1000000000"}}},
		{math.MaxInt64 - 1, math.MaxInt64, [][2]string{{"JHT-2026-9223372036854775806", "JHT-2026-9223372036854775807"}}},
	}
	for _, tt := range tests {
		got := ClaimNumberRanges(2026, tt.first, tt.last)
		if !slices.Equal(got, tt.want) {
			t.Errorf("ClaimNumberRanges(2026, %d, %d) = %q, want %q", tt.first, tt.last, got, tt.want)
		}
	}
	// Whatever the window, a serial's number is in a range exactly when the
	// serial is in the window, compared byte by byte as PostgreSQL's "C"
	// collation compares them.
	in := func(rs [][2]string, s string) bool {
		return slices.ContainsFunc(rs, func(r [2]string) bool { return r[0] <= s && s <= r[1] })
	}
	for _, w := range [][2]int64{{1, 2000}, {99_998_500, 100_000_499}, {99_999_999, 100_000_000}, {999_999_000, 1_000_000_999}} {
		rs := ClaimNumberRanges(2026, w[0], w[1])
		for s := w[0] - 1500; s <= w[1]+1500; s++ {
			if s < 0 {
				continue
			}
			if got, want := in(rs, FormatClaimNumber(2026, s)), w[0] <= s && s <= w[1]; got != want {
				t.Fatalf("window %d-%d: serial %d in its ranges %q: %v, want %v", w[0], w[1], s, rs, got, want)
			}
		}
		for _, other := range []string{FormatClaimNumber(2025, w[0]), FormatClaimNumber(2027, w[1])} {
			if in(rs, other) {
				t.Errorf("window %d-%d of 2026: %s, of another year, is in its ranges %q", w[0], w[1], other, rs)
			}
		}
	}
}
