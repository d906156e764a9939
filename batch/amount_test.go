package batch

import (
	"math"
	"testing"
)

func TestTax(t *testing.T) {
	t.Parallel()
	tests := []struct{ gross, want int64 }{
		{0, 0},
		{-5, 0},
		{13_000_000, 0},
		{50_000_000, 0},
		{50_000_001, 0},
		{50_000_019, 0},
		{50_000_020, 1},
		{60_000_000, 500_000},
		{123_456_789, 3_672_839},
		{1_050_000_000, 50_000_000},
	}
	for _, tt := range tests {
		if got := Tax(tt.gross); got != tt.want {
			t.Errorf("Tax(%d) = %d, want %d", tt.gross, got, tt.want)
		}
	}
}

// TestTaxNoOverflow compares Tax with the plain formula over big balances,
// using float arithmetic that cannot overflow.
func TestTaxNoOverflow(t *testing.T) {
	t.Parallel()
	for _, gross := range []int64{math.MaxInt64, math.MaxInt64 - 99, 1 << 62} {
		got := Tax(gross)
		want := math.Floor(float64(gross-50_000_000) * 0.05)
		if got < 0 || got > gross || math.Abs(float64(got)-want) > want*1e-12 {
			t.Errorf("Tax(%d) = %d, want about %.0f", gross, got, want)
		}
	}
}
