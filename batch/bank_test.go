package batch

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wantBanks is docs/rules.md's bank table, copied by hand.
var wantBanks = []Bank{
	{"002", "BRI", 15}, {"008", "Mandiri", 13}, {"009", "BNI", 10}, {"011", "Danamon", 10},
	{"013", "Permata", 10}, {"014", "BCA", 10}, {"016", "Maybank", 0}, {"019", "Panin", 10},
	{"022", "CIMB Niaga", 13}, {"028", "OCBC NISP", 12}, {"147", "Muamalat", 10},
	{"200", "BTN", 16}, {"426", "Mega", 15}, {"451", "BSI", 10},
}

func TestLookupBank(t *testing.T) {
	t.Parallel()
	for _, want := range wantBanks {
		got, ok := LookupBank(want.Code)
		if !ok {
			t.Errorf("LookupBank(%s) not found, want %s", want.Code, want.Name)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("LookupBank(%s) (-want +got):\n%s", want.Code, diff)
		}
	}
	if len(banks) != len(wantBanks) {
		t.Errorf("%d banks known, want %d", len(banks), len(wantBanks))
	}
	for _, code := range []string{"", "14", "0014", "999", "001", "BCA", " 014"} {
		if b, ok := LookupBank(code); ok {
			t.Errorf("LookupBank(%q) = %v, want not found", code, b)
		}
	}
}

// TestBankAccountLength checks, for every bank, that its usual length passes
// quietly and another length gets the warning (never for Maybank).
func TestBankAccountLength(t *testing.T) {
	t.Parallel()
	for _, b := range wantBanks {
		usual := b.UsualLength
		if usual == 0 {
			usual = 11
		}
		for _, n := range []int{usual, usual - 1, usual + 1} {
			r := validRow()
			r.BankCode, r.BankAccount = b.Code, strings.Repeat("7", n)
			var want Issues
			if b.UsualLength > 0 && n != b.UsualLength {
				want = Issues{{CodeBankAccountLengthUnusual, ColBankAccount, strconv.Itoa(b.UsualLength)}}
			}
			if _, got := Check(r, ruleToday); !cmp.Equal(want, got) {
				t.Errorf("%s account of %d digits: issues = %v, want %v", b.Name, n, got, want)
			}
		}
	}
}

func TestNormalizeAccount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"1234567890", "1234567890", true},
		{"123-456.789 0", "1234567890", true},
		{"123456", "123456", true},
		{strings.Repeat("9", 20), strings.Repeat("9", 20), true},
		{"12345", "", false},
		{strings.Repeat("9", 21), "", false},
		{"1234567890a", "", false},
		{"1.2e+10", "", false},
		{"123456/789", "", false},
		{"------", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := normalizeAccount(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("normalizeAccount(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
