package batch

import "testing"

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"081234567890", "+6281234567890", true},
		{"0812-3456-7890", "+6281234567890", true},
		{"0812 3456 7890", "+6281234567890", true},
		{"(0812) 3456.7890", "+6281234567890", true},
		{"+6281234567890", "+6281234567890", true},
		{"+62 812-3456-7890", "+6281234567890", true},
		{"6281234567890", "+6281234567890", true},
		{"0812345678", "+62812345678", true},         // 10 digits, the shortest
		{"0812345678901", "+62812345678901", true},   // 13 digits, the longest
		{"081234567", "", false},                     // 9 digits
		{"08123456789012", "", false},                // 14 digits
		{"+62812345678901", "+62812345678901", true}, // 13 digits as 08…
		{"+628123456789012", "", false},              // 14 digits as 08…
		{"81234567890", "", false},                   // leading 0 lost
		{"0212345678", "", false},                    // Jakarta landline
		{"+6221234567", "", false},
		{"+62081234567890", "", false},
		{"+65 8123 4567", "", false}, // Singapore
		{"0812345678a", "", false},
		{"0812/3456/7890", "", false},
		{"+62", "", false},
		{"62", "", false},
		{"0", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizePhone(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
