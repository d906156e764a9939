package batch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Name lengths in characters (docs/file-format.md).
const (
	minNameRunes = 2
	maxNameRunes = 100
)

// titles are the academic and religious titles dropped from names before
// they are compared (docs/rules.md "Name matching").
var titles = map[string]bool{
	"DR": true, "DRS": true, "DRA": true, "IR": true, "H": true, "HJ": true,
	"SE": true, "SH": true, "SKOM": true, "ST": true, "SPD": true, "SAG": true,
	"MM": true, "MSI": true, "MKOM": true, "MPD": true, "AMD": true,
	// Added 2026-11-27 (docs "name matching").
	"PROF": true, "SHI": true, "SPSI": true, "SSOS": true, "SKEP": true, "NS": true,
	"MKES": true, "AMDKEP": true, "AMDKEB": true, "MSC": true, "MH": true, "MT": true,
	"MBA": true, "SSI": true, "SS": true, "SAK": true, "SIP": true, "SIKOM": true,
	"SKED": true, "SFARM": true, "APT": true, "SPPD": true, "SPOG": true, "SPA": true, "SPB": true,
}

// titleShape is what every title has: its length at most maxLen, its first
// letter one of first. Most name tokens have not, and skip the map lookup,
// which was a third of comparing two names.
var titleShape = func() (ts struct {
	maxLen int
	first  [256]bool
}) {
	for t := range titles {
		ts.maxLen = max(ts.maxLen, len(t))
		ts.first[t[0]] = true
	}
	return ts
}()

// isTitle reports whether the upper-case token tok is one of titles.
func isTitle(tok []byte) bool {
	return len(tok) > 0 && len(tok) <= titleShape.maxLen && titleShape.first[tok[0]] && titles[string(tok)]
}

// validName reports whether s is a well-formed person's name: 2–100
// characters, at least one letter, and only letters (with their combining
// marks), spaces and ' . , -. The typographic apostrophes that word
// processors substitute for ' are accepted as '.
func validName(s string) bool {
	// An ASCII name is judged byte by byte, without the Unicode tables (a
	// tenth of the rules' time); TestValidNameASCIIAgrees holds the two.
	letters := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return validNameRunes(s)
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
			letters++
		case c == ' ' || c == '\'' || c == '.' || c == ',' || c == '-':
		default:
			return false
		}
	}
	return len(s) >= minNameRunes && len(s) <= maxNameRunes && letters > 0
}

// validNameRunes is validName of any string.
func validNameRunes(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < minNameRunes || n > maxNameRunes {
		return false
	}
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.Is(unicode.M, r), unicode.Is(unicode.Zs, r), isApostrophe(r):
		case r == '.' || r == ',' || r == '-':
		default:
			return false
		}
	}
	return letters > 0
}

// isApostrophe reports whether r is ' or one of its typographic stand-ins.
func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u02bc'
}

// NormalizeName returns the comparison form of a name (docs/rules.md "Name
// matching"), in this order: Unicode NFKC; upper case; '.' and ' deleted;
// every other character that is not a letter or digit made a space;
// whitespace collapsed; then whole-token titles (DRS, SE, H, …) dropped.
// Combining marks stay with their letter.
func NormalizeName(s string) string {
	if !isASCII(s) {
		return normalizeUnicodeName(s)
	}
	return normalizeASCIIName(s)
}

// isASCII reports whether s is ASCII only.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// normalizeASCIIName is NormalizeName of an ASCII name (NFKC leaves ASCII
// as it is) in one pass: most names are ASCII, and the general form cost a
// quarter of judging a row (the registry's name and the account holder's
// are each compared with the row's).
func normalizeASCIIName(s string) string {
	return string(appendASCIIName(make([]byte, 0, len(s)), s))
}

// appendASCIIName appends normalizeASCIIName(s) to b, which must be empty.
func appendASCIIName(b []byte, s string) []byte {
	start := -1 // where the current token starts in b
	end := func() {
		if start >= 0 && isTitle(b[start:]) {
			b = b[:max(start-1, 0)] // the title and the space before it
		}
		start = -1
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' || c == '\'':
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
			fallthrough
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			if start < 0 {
				if len(b) > 0 {
					b = append(b, ' ')
				}
				start = len(b)
			}
			b = append(b, c)
		default:
			end()
		}
	}
	end()
	return b
}

// normalizeUnicodeName is NormalizeName of any name.
func normalizeUnicodeName(s string) string {
	s = strings.ToUpper(norm.NFKC.String(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '.' || isApostrophe(r):
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	tokens := strings.Fields(b.String())
	kept := tokens[:0]
	for _, t := range tokens {
		if !titles[t] {
			kept = append(kept, t)
		}
	}
	return strings.Join(kept, " ")
}

// SameName reports whether a and b name the same person: their normalised
// forms are equal and not empty.
func SameName(a, b string) bool {
	if isASCII(a) && isASCII(b) {
		return sameASCIIName(a, b)
	}
	na := NormalizeName(a)
	if a == b { // the usual case: the name as the registry has it
		return na != ""
	}
	return na != "" && na == NormalizeName(b)
}

// sameASCIIName is SameName of two ASCII names, their forms compared on the
// stack: the two strings it made cost a tenth of checking a row.
func sameASCIIName(a, b string) bool {
	var bufA, bufB [2 * maxNameRunes]byte
	na := appendASCIIName(bufA[:0], a)
	if a == b {
		return len(na) > 0
	}
	return len(na) > 0 && string(na) == string(appendASCIIName(bufB[:0], b))
}
