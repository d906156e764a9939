package batch

import "testing"

func TestUnescapeXString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Budi Santoso", "Budi Santoso"},
		{"", ""},
		{"snake_x_case", "snake_x_case"},            // not an escape
		{"_x12_ and _xZZZZ_", "_x12_ and _xZZZZ_"},  // not escapes
		{"Budi_x000D_\nSantoso", "Budi\r\nSantoso"}, // a pasted line break, as Excel stores it
		{"dewi_x005F_x2024_@contoh.co.id", "dewi_x2024_@contoh.co.id"},
		{"_x004a__x004A_", "JJ"},                       // either case of hexadecimal
		{"_x0041__x0042_", "AB"},                       // back to back
		{"_x005F_x0041_x005F_x0042_", "_x0041_x0042_"}, // appendCellText's overlapping escapes
		{"_x005F_x005F_", "_x005F_"},
		{"_xD83D__xDE00_!", "😀!"},          // a surrogate pair
		{"_xD83D_x", "\uFFFDx"},            // half of one
		{"_xDE00__xD83D_", "\uFFFD\uFFFD"}, // the halves the wrong way round
		{"_xD83D__x0041_", "\uFFFDA"},
		{"ends _x0041", "ends _x0041"},
		{"ends _x0041_", "ends A"},
	} {
		if got := unescapeXString(tc.in); got != tc.want {
			t.Errorf("unescapeXString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestUnescapeXStringReadsTheReportsEscapes: what the report writes as a
// cell's text (appendCellText, its XML escapes aside) reads back as the
// field it was.
func TestUnescapeXStringReadsTheReportsEscapes(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"_x0041_", "a_x0041_x0042_b", "_x005F_", "__x0041__", "_xD83D__xDE00_", "plain", "x_x_x"} {
		written := string(appendCellText(nil, s))
		if got := unescapeXString(written); got != s {
			t.Errorf("%q written as %q reads back as %q", s, written, got)
		}
	}
}
