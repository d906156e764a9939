package redact

import "strings"

// phoneAt reports whether an Indonesian mobile number starts at text[i]:
// 08…, 628… or +628…, possibly written in groups of 3 or more digits joined
// by one space or '-'. It returns where the number ends and its digits in
// the 08… form. When the groups hold more digits than a phone number, the
// longest leading run of whole groups that is a phone number is taken.
func phoneAt(text string, i int) (end int, digits string, ok bool) {
	p := i
	plus := p < len(text) && text[p] == '+'
	if plus {
		p++
	}
	ends, raw := digitGroups(text, p)
	if len(ends) == 0 {
		return 0, "", false
	}
	var national string
	switch {
	case strings.HasPrefix(raw, "62"):
		national = raw[2:]
	case !plus && strings.HasPrefix(raw, "0"):
		national = raw[1:]
	default:
		return 0, "", false
	}
	if national == "" || national[0] != '8' {
		return 0, "", false
	}
	prefix := len(raw) - len(national)
	for k := len(ends) - 1; k >= 0; k-- {
		n := ends[k].digits - prefix + 1 // digit count in the 08… form
		if n >= minPhoneDigits && n <= maxPhoneDigits {
			return ends[k].pos, "0" + national[:n-1], true
		}
	}
	return 0, "", false
}

// groupEnd is where a group of digits ends in the text and how many digits
// the groups up to it hold.
type groupEnd struct{ pos, digits int }

// digitGroups reads the digit groups starting at text[p]: a first run of
// digits, then runs of 3 or more digits each after one space or '-'.
func digitGroups(text string, p int) ([]groupEnd, string) {
	var ends []groupEnd
	var raw strings.Builder
	for {
		q := p
		for q < len(text) && isDigit(text[q]) {
			q++
		}
		if q == p || len(ends) > 0 && q-p < 3 {
			return ends, raw.String()
		}
		raw.WriteString(text[p:q])
		ends = append(ends, groupEnd{q, raw.Len()})
		// No phone number holds more digits than this (+62 plus 12), so
		// reading further only costs time on long runs of groups.
		if raw.Len() > maxPhoneDigits+1 || q+1 >= len(text) || (text[q] != ' ' && text[q] != '-') || !isDigit(text[q+1]) {
			return ends, raw.String()
		}
		p = q + 1
	}
}
