package batch

import (
	"slices"
	"strings"
	"unicode"
)

// HeaderSetKey identifies a set of uploaded header names regardless of
// their order, case and punctuation ("No. KPJ" = "no_kpj"), so that a
// company's remembered mapping is found again for the next file with the
// same headers. Empty names (a spreadsheet's trailing separators) do not
// count.
func HeaderSetKey(headers []string) string {
	keys := make([]string, 0, len(headers))
	for _, h := range headers {
		if k := foldHeader(h); k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return strings.Join(slices.Compact(keys), "|")
}

// foldHeader lower-cases name and keeps only its letters and digits.
func foldHeader(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, name)
}

// ValidMappingTarget reports whether name is a column a mapping may map an
// uploaded header to.
func ValidMappingTarget(name string) bool {
	for _, spec := range Columns {
		if string(spec.Name) == name {
			return true
		}
	}
	return false
}
