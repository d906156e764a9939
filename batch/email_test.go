package batch

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// libraryEmailOK is the library's own "email" rule.
func libraryEmailOK(s string) bool { return libraryEmail.Var(s, "email") == nil }

// TestValidEmailIsTheLibrarys holds the fast path of validEmail to the
// library's "email" rule: every value plainEmail accepts the library
// accepts too (so validEmail answers as the library does), on every short
// string over the characters that decide the structure and on generated
// near-addresses.
func TestValidEmailIsTheLibrarys(t *testing.T) {
	t.Parallel()
	plain, total := 0, 0
	check := func(s string) {
		total++
		want := libraryEmailOK(s)
		if plainEmail(s) {
			plain++
			if !want {
				t.Fatalf("plainEmail(%q) = true, the library's email rule says false", s)
			}
		}
		if got := validEmail(s); got != want {
			t.Fatalf("validEmail(%q) = %v, the library's email rule says %v", s, got, want)
		}
	}
	n := 6
	if testing.Short() {
		n = 5
	}
	eachString("aZ1.-@_+", n, check)
	if plain == 0 || plain == total {
		t.Errorf("plainEmail accepted %d of %d short strings, want some but not all", plain, total)
	}
	// The near-addresses are mostly plain, and their edits make the rest.
	plain, total = 0, 0
	g := rand.New(rand.NewPCG(3, 5))
	for range 50_000 {
		check(nearEmail(g))
	}
	if plain < total/4 || plain > total*9/10 {
		t.Errorf("plainEmail accepted %d of %d near-addresses, want a quarter to nine tenths", plain, total)
	}
}

// eachString calls f with every string of 1–n bytes from alphabet.
func eachString(alphabet string, n int, f func(string)) {
	buf := make([]byte, 0, n)
	var rec func()
	rec = func() {
		if len(buf) > 0 {
			f(string(buf))
		}
		if len(buf) == n {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			buf = append(buf, alphabet[i])
			rec()
			buf = buf[:len(buf)-1]
		}
	}
	rec()
}

// emailOddities are characters that end an atom, quote it, or lie outside
// the plain ASCII set, for the near-addresses.
var emailOddities = []string{".", "-", "_", "+", "@", "'", "\"", "(", ")", "<", ">", "[", "]", "\\", " ", "\t",
	",", ";", ":", "~", "!", "#", "%", "=", "?", "`", "|", "{", "}", "/", "é", "中", "\u00a0", "\x00", "\x7f", "\xff", "0", "Q"}

// nearEmail returns a real-looking address with 0–3 random edits.
func nearEmail(g *rand.Rand) string {
	word := func(letters string) string {
		var b strings.Builder
		for range 1 + g.IntN(6) {
			b.WriteByte(letters[g.IntN(len(letters))])
		}
		return b.String()
	}
	const alnum, alpha = "abcxyzABCXYZ0189", "abcxyzABCXYZ"
	parts := []string{word(alnum)}
	for range g.IntN(3) {
		parts = append(parts, []string{".", "_", "-", "+"}[g.IntN(4)], word(alnum))
	}
	parts = append(parts, "@", word(alnum))
	for range g.IntN(3) {
		parts = append(parts, []string{".", "-"}[g.IntN(2)], word(alnum))
	}
	parts = append(parts, ".", word(alpha))
	s := strings.Join(parts, "")
	for range g.IntN(4) {
		i := g.IntN(len(s) + 1)
		odd := emailOddities[g.IntN(len(emailOddities))]
		switch g.IntN(3) {
		case 0: // insert
			s = s[:i] + odd + s[i:]
		case 1: // replace
			if i < len(s) {
				s = s[:i] + odd + s[i+1:]
			}
		default: // delete
			if i < len(s) {
				s = s[:i] + s[i+1:]
			}
		}
	}
	return s
}
