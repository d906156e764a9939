package batch

import (
	"strings"

	"github.com/go-playground/validator/v10"
)

// libraryEmail is a validator with only its built-in rules: its "email"
// rule is what decides an e-mail address (net/mail's parser and then the
// library's e-mail regular expression).
var libraryEmail = validator.New()

// validEmail is the validator's "email" rule, with a fast path for the
// plain addresses nearly every row carries: the rule's regular expression
// cost 1.2 µs of the 9 µs that checking a valid row took. Every other value
// goes to the library's own rule, so the answer is always the library's
// (TestValidEmailIsTheLibrarys holds the two together).
func validEmail(s string) bool {
	return plainEmail(s) || libraryEmail.Var(s, "email") == nil
}

// plainEmail reports whether s is a plain ASCII address that the library's
// "email" rule accepts: local@label.….tld where
//   - local is runs of [A-Za-z0-9_+-] joined by single dots: a dot-atom of
//     net/mail and of the regular expression's local part;
//   - every domain label is [A-Za-z0-9-]+ beginning and ending with a letter
//     or digit, there are at least two labels, and the last is letters only:
//     a dot-atom of net/mail, and the regular expression's ((label)\.)+tld.
//
// It is false for anything else (quotes, other symbols, non-ASCII, a
// trailing dot), which the library then decides.
func plainEmail(s string) bool {
	at := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '@' {
			at = i
			break
		}
	}
	return at > 0 && plainLocal(s[:at]) && plainDomain(s[at+1:])
}

// plainLocal reports whether s is non-empty runs of [A-Za-z0-9_+-] joined
// by single dots.
func plainLocal(s string) bool {
	run := 0 // length of the current run between dots
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isASCIIAlnum(c) || c == '_' || c == '+' || c == '-':
			run++
		case c == '.' && run > 0:
			run = 0
		default:
			return false
		}
	}
	return run > 0
}

// plainDomain reports whether s is two or more dot-separated labels of
// [A-Za-z0-9-] that begin and end with a letter or digit, the last of
// letters only.
func plainDomain(s string) bool {
	dot := strings.LastIndexByte(s, '.')
	if dot < 0 || !plainLabels(s[:dot]) {
		return false
	}
	tld := s[dot+1:]
	for i := 0; i < len(tld); i++ {
		if c := tld[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return tld != ""
}

// plainLabels reports whether s is one or more dot-separated labels of
// [A-Za-z0-9-] that begin and end with a letter or digit.
func plainLabels(s string) bool {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			if c := s[i]; !isASCIIAlnum(c) && c != '-' {
				return false
			}
			continue
		}
		if i == start || s[start] == '-' || s[i-1] == '-' {
			return false
		}
		start = i + 1
	}
	return true
}

// isASCIIAlnum reports whether c is an ASCII letter or digit.
func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
