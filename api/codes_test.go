package api

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"jhtbatch/batch"
)

// TestCodeStatusesMatchDocs checks the catalogue's kind of every code that
// refuses a request, through statusOf, against the HTTP column of
// docs/codes.md, and that the docs give a status for each such code.
func TestCodeStatusesMatchDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/codes.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[batch.Code]int{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| ([0-9]{3}) \\|").FindAllStringSubmatch(string(doc), -1) {
		documented[batch.Code(m[1])], _ = strconv.Atoi(m[2])
	}
	if len(documented) < 20 {
		t.Fatalf("found %d codes with a status in docs/codes.md; the table format changed?", len(documented))
	}
	for code, want := range documented {
		kind, ok := code.Kind()
		if !ok {
			t.Errorf("%s: docs/codes.md gives HTTP %d, the catalogue no kind", code, want)
			continue
		}
		if got := statusOf[kind]; got != want {
			t.Errorf("%s: kind %s answers %d, docs/codes.md says %d", code, kind, got, want)
		}
	}
	for _, code := range append(batch.AllCodes, batch.ServiceCodes()...) {
		if _, ok := code.Kind(); ok {
			if _, doc := documented[code]; !doc {
				t.Errorf("%s refuses requests, but docs/codes.md gives it no HTTP status", code)
			}
		}
	}
}
