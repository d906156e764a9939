package batch

// CheckNPWP validates a tax number and returns its digits. '.' and '-' are
// stripped. Accepted: the old 15-digit form AA.BBB.BBB.C-DDD.EEE whose 9th
// digit C is a Luhn check over the first 9; the 16-digit form '0' + the old
// 15 (Luhn checked the same way); and a 16-digit NIK, which serves as the
// NPWP of a resident individual (PMK 112/PMK.03/2022).
func CheckNPWP(s string) (digits string, ok bool) {
	// The digits are gathered on the stack and copied once, only when they
	// are a tax number (no copy at all when s had no separators).
	var buf [16]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' || c == '-':
		case c >= '0' && c <= '9':
			if len(b) == len(buf) {
				return "", false // longer than any form
			}
			b = append(b, c)
		default:
			return "", false
		}
	}
	switch {
	case len(b) == 15 && luhn(b[:9]):
	case len(b) == 16 && b[0] == '0' && luhn(b[1:10]):
	case len(b) == 16:
		if d := digitsOf(s, b); CheckNIK(d) {
			return d, true
		}
		return "", false
	default:
		return "", false
	}
	return digitsOf(s, b), true
}

// digitsOf returns b, the digits of s, as a string: s itself when it had
// nothing else.
func digitsOf(s string, b []byte) string {
	if len(b) == len(s) {
		return s
	}
	return string(b)
}

// luhn reports whether the ASCII digits in s pass the Luhn check, the last
// digit being the check digit.
func luhn[T ~string | ~[]byte](s T) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		n := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}
