package batch

import "testing"

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
