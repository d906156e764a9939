// Package redact keeps personal data out of logs (UU No. 27/2022, docs/rules.md
// "Personal data"): Mask hides NIKs, KPJs, phone numbers, e-mail addresses and
// bank accounts found in free text, and NewHandler wraps a slog.Handler so
// that every message and attribute goes through it.
package redact

import (
	"regexp"
	"sort"
	"strings"
)

// Lengths of the identifiers Mask recognises by their digit count.
const (
	nikDigits        = 16
	kpjDigits        = 11
	minAccountDigits = 6
	minPhoneDigits   = 10 // in the 08… form
	maxPhoneDigits   = 13
)

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,}`)
	// safeRE matches tokens whose digits are not personal data and must stay
	// readable: UUIDs (batch ids), claim numbers, and long hex strings
	// (SHA-256 of files, key hashes).
	safeRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}` +
		`|JHT-[0-9]{4}-[0-9]{8}` +
		`|[0-9a-fA-F]{32,}`)
)

// Mask returns s with personal data hidden:
//   - an e-mail address keeps its first character and its domain (b***@example.com);
//   - an Indonesian mobile number (08…, +628…, 628…; 10–13 digits in the 08…
//     form; groups of 3 or more digits may be separated by one space or '-')
//     keeps its last 3 digits (*********890);
//   - a run of 16 digits (NIK) keeps its first 4 and last 4 (3171********0001);
//   - a run of 11 digits (KPJ) keeps its first 3 and last 3 (120*****789);
//   - any other run of 6 or more digits (a bank account) becomes **** and its
//     last 4.
//
// UUIDs, claim numbers (JHT-2026-00000042), hex digests, the digits after a
// decimal point (timestamps' and durations' fractions) and numbers of fewer
// than 6 digits (counters, dates, times) are left as they are.
func Mask(s string) string {
	if !strings.ContainsAny(s, "0123456789@") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans(s) {
		b.WriteString(maskDigits(s[last:sp.start]))
		if sp.email {
			b.WriteString(maskEmail(s[sp.start:sp.end]))
		} else {
			b.WriteString(s[sp.start:sp.end])
		}
		last = sp.end
	}
	b.WriteString(maskDigits(s[last:]))
	return b.String()
}

// span is a part of a string that is handled as a whole: an e-mail address
// to mask, or a safe token to keep.
type span struct {
	start, end int
	email      bool
}

// spans returns the e-mail addresses and safe tokens of s in order, without
// overlaps (the earlier one wins; an e-mail wins a tie, so that digits in
// its local part are never kept as "safe").
func spans(s string) []span {
	var all []span
	for _, m := range emailRE.FindAllStringIndex(s, -1) {
		all = append(all, span{m[0], m[1], true})
	}
	for _, m := range safeRE.FindAllStringIndex(s, -1) {
		all = append(all, span{m[0], m[1], false})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].start < all[j].start })
	out := all[:0]
	end := 0
	for _, sp := range all {
		if sp.start < end {
			continue
		}
		out = append(out, sp)
		end = sp.end
	}
	return out
}

// maskEmail keeps the first character of the local part and the domain.
func maskEmail(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return "***"
	}
	return addr[:1] + "***" + addr[at:]
}

// maskDigits masks phone numbers and digit runs in text that holds no e-mail
// address and no safe token.
func maskDigits(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		if startsWord(text, i) {
			if end, digits, ok := phoneAt(text, i); ok {
				b.WriteString(maskPhone(digits))
				i = end
				continue
			}
		}
		if !isDigit(text[i]) {
			b.WriteByte(text[i])
			i++
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if isFraction(text, i) {
			b.WriteString(text[i:j])
		} else {
			b.WriteString(maskRun(text[i:j]))
		}
		i = j
	}
	return b.String()
}

// maskRun masks one run of digits by its length.
func maskRun(run string) string {
	switch {
	case len(run) == nikDigits:
		return KeepEnds(run, 4, 4)
	case len(run) == kpjDigits:
		return KeepEnds(run, 3, 3)
	case len(run) >= minAccountDigits:
		return "****" + run[len(run)-4:]
	}
	return run
}

// KeepEnds keeps the first head and last tail characters of s and replaces
// the rest with one '*' each; a value too short to hide anything that way is
// masked entirely.
func KeepEnds(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// maskPhone keeps the last 3 digits of a phone number written in its 08…
// form.
func maskPhone(digits string) string {
	return strings.Repeat("*", len(digits)-3) + digits[len(digits)-3:]
}

// isFraction reports whether the digit run at i follows a decimal point that
// follows a digit, as in "05.123456789" or "1.234567s".
func isFraction(text string, i int) bool {
	return i >= 2 && text[i-1] == '.' && isDigit(text[i-2])
}

// startsWord reports whether position i does not continue a number or a
// word, so that a phone number may start there.
func startsWord(text string, i int) bool {
	if i == 0 {
		return true
	}
	c := text[i-1]
	return !isDigit(c) && !isLetter(c) && c != '+'
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
