package batch

import (
	"testing"
)

// doubled is the digit sum of twice each digit, the Luhn table.
var doubled = [10]int{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}

// withLuhn appends the Luhn check digit to the digits of payload, computed
// here independently of the code under test.
func withLuhn(payload string) string {
	sum := 0
	for i := 0; i < len(payload); i++ {
		d := int(payload[len(payload)-1-i] - '0')
		if i%2 == 0 { // the digit next to the check digit is doubled
			d = doubled[d]
		}
		sum += d
	}
	return payload + string(rune('0'+(10-sum%10)%10))
}

// formatNPWP writes 15 digits as AA.BBB.BBB.C-DDD.EEE.
func formatNPWP(d string) string {
	return d[0:2] + "." + d[2:5] + "." + d[5:8] + "." + d[8:9] + "-" + d[9:12] + "." + d[12:15]
}

// breakLuhn changes the 9th digit (the check digit) of an NPWP, whatever
// its punctuation, which no Luhn check can pass.
func breakLuhn(s string) string {
	b := []byte(s)
	n := 0
	for i, c := range b {
		if c >= '0' && c <= '9' {
			if n++; n == 9 {
				b[i] = '0' + (c-'0'+1)%10
				break
			}
		}
	}
	return string(b)
}

func TestLuhnKnownValue(t *testing.T) {
	t.Parallel()
	// 79927398713 is the textbook Luhn example.
	if !luhn("79927398713") || luhn("79927398710") {
		t.Errorf("luhn(79927398713/…710) = %v/%v, want true/false", luhn("79927398713"), luhn("79927398710"))
	}
	if got := withLuhn("7992739871"); got != "79927398713" {
		t.Errorf("withLuhn(7992739871) = %s, want 79927398713", got)
	}
}

func TestCheckNPWP(t *testing.T) {
	t.Parallel()
	old := withLuhn("09254294") + "407000" // 15 digits
	tests := []struct {
		in, want string
		ok       bool
	}{
		{formatNPWP(old), old, true},
		{old, old, true},
		{"0" + old, "0" + old, true},
		{"0." + formatNPWP(old), "0" + old, true},
		{"3171015508800001", "3171015508800001", true}, // a NIK
		{breakLuhn(formatNPWP(old)), "", false},
		{"0" + breakLuhn(old), "", false},
		{"1" + old, "", false},             // 16 digits, neither a NIK nor 0 + NPWP
		{"3171011508800000", "", false},    // NIK with serial 0000
		{old[:14], "", false},              // 14 digits
		{old + "0", "", false},             // 16 digits, not a NIK
		{formatNPWP(old) + " ", "", false}, // only . and - are stripped
		{"", "", false},
		{"..--", "", false},
	}
	for _, tt := range tests {
		got, ok := CheckNPWP(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CheckNPWP(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestCheckNPWPEveryCheckDigit: exactly one check digit passes per payload.
func TestCheckNPWPEveryCheckDigit(t *testing.T) {
	t.Parallel()
	for _, payload := range []string{"00000000", "12345678", "98765432", "01855081"} {
		valid := withLuhn(payload)
		for d := '0'; d <= '9'; d++ {
			npwp := payload + string(d) + "000000"
			_, ok := CheckNPWP(npwp)
			if want := string(d) == valid[8:]; ok != want {
				t.Errorf("CheckNPWP(%s) ok = %v, want %v", npwp, ok, want)
			}
		}
	}
}
