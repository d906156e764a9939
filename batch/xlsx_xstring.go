package batch

import (
	"strings"
	"unicode/utf8"
)

// unescapeXString decodes the escapes of a spreadsheet's text (ECMA-376
// ST_Xstring): _xHHHH_ is the UTF-16 code unit HHHH. Excel writes a
// character XML cannot carry that way (a carriage return in a pasted name
// is _x000D_), and the _ of text that looks like an escape as _x005F_: an
// e-mail address typed as dewi_x2024_@contoh.co.id is stored as
// dewi_x005F_x2024_@contoh.co.id, and read undecoded it would reach the
// claim so. Escapes are read left to right without overlapping, as the
// report's writer (appendCellText) expects; a surrogate pair is two escapes
// in a row, and half of one is U+FFFD. s is returned as it is when it holds
// no escape, which is almost always.
func unescapeXString(s string) string {
	i := strings.Index(s, "_x")
	if i < 0 || !hasXEscape(s[i:]) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for ; i < len(s); i++ {
		if s[i] != '_' || !isXEscape(s[i:]) {
			continue
		}
		b.WriteString(s[last:i])
		u := xEscapeUnit(s[i:])
		i += 6 // the loop's i++ passes the closing _
		r := rune(u)
		if 0xD800 <= u && u <= 0xDFFF { // half of a surrogate pair
			r = utf8.RuneError
			if u < 0xDC00 && isXEscape(s[i+1:]) {
				if low := xEscapeUnit(s[i+1:]); 0xDC00 <= low && low <= 0xDFFF {
					r = 0x10000 + (rune(u)-0xD800)<<10 | (rune(low) - 0xDC00)
					i += 7
				}
			}
		}
		b.WriteRune(r)
		last = i + 1
	}
	b.WriteString(s[last:])
	return b.String()
}

// hasXEscape says whether s holds an _xHHHH_ anywhere.
func hasXEscape(s string) bool {
	for {
		i := strings.Index(s, "_x")
		if i < 0 {
			return false
		}
		if isXEscape(s[i:]) {
			return true
		}
		s = s[i+1:]
	}
}

// xEscapeUnit is the code unit of the _xHHHH_ that s starts with
// (isXEscape).
func xEscapeUnit(s string) uint16 {
	var u uint16
	for _, c := range []byte(s[2:6]) {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		u = u<<4 | uint16(c)
	}
	return u
}
