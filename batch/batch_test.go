package batch

import "testing"

func TestFinalStatus(t *testing.T) {
	tests := []struct {
		name string
		c    Counts
		want Status
	}{
		{"every row created", Counts{Processed: 3, Created: 3}, StatusCompleted},
		{"checked, all valid, some warned", Counts{Processed: 3, Valid: 3, Warnings: 2}, StatusCompleted},
		{"one rejected", Counts{Processed: 3, Created: 2, Rejected: 1}, StatusCompletedWithErrors},
		{"all rejected", Counts{Processed: 2, Rejected: 2}, StatusCompletedWithErrors},
	}
	for _, tt := range tests {
		if got := FinalStatus(tt.c); got != tt.want {
			t.Errorf("%s: FinalStatus(%+v) = %s, want %s", tt.name, tt.c, got, tt.want)
		}
	}
}
