package postgres

import (
	"slices"
	"testing"
)

// TestTextArrayRoundTrip: what the upload's COPY writes as a text[] the
// report reads back as the same fields, and a damaged array is an error,
// never a wrong row.
func TestTextArrayRoundTrip(t *testing.T) {
	t.Parallel()
	for _, fields := range [][]string{
		{},
		{""},
		{"a", "b"},
		{"Budi", "", "  spaces  ", "x\ny", "ünï", "=1+1", `"quoted"`},
	} {
		enc := appendTextArray(nil, fields)
		got, err := decodeTextArray(enc[4:]) // past its length
		if err != nil || !slices.Equal(got, fields) {
			t.Errorf("decodeTextArray(appendTextArray(%q)) = %q, %v", fields, got, err)
		}
		if len(fields) == 0 {
			continue
		}
		for _, cut := range []int{len(enc) - 1, 4 + 12, 4 + 19, 4 + 21} {
			if got, err := decodeTextArray(enc[4:cut]); err == nil {
				t.Errorf("decodeTextArray of %q cut at %d = %q, want an error", fields, cut, got)
			}
		}
	}
}
