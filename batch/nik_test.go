package batch

import "testing"

func TestCheckNIK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		nik  string
		want bool
	}{
		{"3171011508800001", true},
		{"3171015508800001", true},  // woman: day 15 + 40
		{"1101017112990001", true},  // woman born 31 Dec 1999, Aceh
		{"9601012902000001", true},  // 29 Feb 2000
		{"5101012902040001", true},  // 29 Feb 2004
		{"5101012902010001", false}, // 29 Feb 2001 does not exist
		{"3171013102800001", false}, // 31 Feb
		{"3171017102800001", false}, // 31 Feb, woman
		{"3171013104800001", false}, // 31 Apr
		{"3171013204800001", false}, // day 32
		{"3171014004800001", false}, // day 40
		{"3171017204800001", false}, // day 72
		{"3171010004800001", false}, // day 00
		{"3171011500800001", false}, // month 00
		{"3171011513800001", false}, // month 13
		{"3171011508800000", false}, // serial 0000
		{"2071011508800001", false}, // province 20
		{"1001011508800001", false}, // province 10
		{"9701011508800001", false}, // province 97
		{"0071011508800001", false}, // province 00
		{"317101150880001", false},  // 15 digits
		{"31710115088000011", false},
		{"31710115088O0001", false}, // letter O
		{"+171011508800001", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := CheckNIK(tt.nik); got != tt.want {
			t.Errorf("CheckNIK(%q) = %v, want %v", tt.nik, got, tt.want)
		}
	}
}

// TestCheckNIKProvinces checks every two-digit prefix against docs/rules.md's list.
func TestCheckNIKProvinces(t *testing.T) {
	t.Parallel()
	known := map[int]bool{21: true}
	for _, r := range [][2]int{{11, 19}, {31, 36}, {51, 53}, {61, 65}, {71, 76}, {81, 82}, {91, 96}} {
		for p := r[0]; p <= r[1]; p++ {
			known[p] = true
		}
	}
	if len(known) != 38 {
		t.Fatalf("the test's province list has %d codes, want 38", len(known))
	}
	for p := range 100 {
		nik := string(rune('0'+p/10)) + string(rune('0'+p%10)) + "71011508800001"
		if got := CheckNIK(nik); got != known[p] {
			t.Errorf("CheckNIK(%s) = %v, want %v", nik, got, known[p])
		}
	}
}

func TestNIKMatchesBirth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		nik   string
		birth string
		want  bool
	}{
		{"3171011508800001", "1980-08-15", true},
		{"3171015508800001", "1980-08-15", true},  // woman
		{"3171011508800001", "2080-08-15", true},  // only the year's last two digits count
		{"3171011508800001", "1980-08-16", false}, // day
		{"3171011508800001", "1980-09-15", false}, // month
		{"3171011508800001", "1981-08-15", false}, // year
	}
	for _, tt := range tests {
		birth, _ := ParseDate(tt.birth)
		if got := nikMatchesBirth(tt.nik, birth); got != tt.want {
			t.Errorf("nikMatchesBirth(%s, %s) = %v, want %v", tt.nik, tt.birth, got, tt.want)
		}
	}
}
