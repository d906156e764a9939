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
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '-', '.', '(', ')':
		default:
			b = append(b, c)
		}
	}
	d := string(b)
	switch {
	case len(d) > 3 && d[:3] == "+62":
		d = d[3:]
	case len(d) > 2 && d[:2] == "62":
		d = d[2:]
	case len(d) > 1 && d[0] == '0':
		d = d[1:]
	default:
		return "", false
	}
	// d is now the national number without its trunk 0: 8… and 9–12 digits.
	if d[0] != '8' || !allDigits(d) || len(d)+1 < minPhoneDigits || len(d)+1 > maxPhoneDigits {
		return "", false
	}
	return "+62" + d, true
}
