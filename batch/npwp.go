package batch

// CheckNPWP validates a tax number and returns its digits. '.' and '-' are
// stripped. Accepted: the old 15-digit form AA.BBB.BBB.C-DDD.EEE whose 9th
// digit C is a Luhn check over the first 9; the 16-digit form '0' + the old
// 15 (Luhn checked the same way); and a 16-digit NIK, which serves as the
// NPWP of a resident individual (PMK 112/PMK.03/2022).
func CheckNPWP(s string) (digits string, ok bool) {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.' || c == '-':
		case c >= '0' && c <= '9':
			b = append(b, c)
		default:
			return "", false
		}
	}
	d := string(b)
	switch {
	case len(d) == 15 && luhn(d[:9]):
	case len(d) == 16 && d[0] == '0' && luhn(d[1:10]):
	case len(d) == 16 && CheckNIK(d):
	default:
		return "", false
	}
	return d, true
}

// luhn reports whether the ASCII digits in s pass the Luhn check, the last
// digit being the check digit.
func luhn(s string) bool {
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
