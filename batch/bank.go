package batch

// Bank is an Indonesian bank that claims can be paid to (docs/rules.md
// "Identifiers"): its 3-digit clearing code, its name and the usual length of
// its account numbers (0 when the bank has no single usual length).
type Bank struct {
	Code        string
	Name        string
	UsualLength int
}

// banks lists every accepted bank in code order. Changing it changes the
// rules: bump RulesVersion.
var banks = []Bank{
	{"002", "BRI", 15},
	{"008", "Mandiri", 13},
	{"009", "BNI", 10},
	{"011", "Danamon", 10},
	{"013", "Permata", 10},
	{"014", "BCA", 10},
	{"016", "Maybank", 0},
	{"019", "Panin", 10},
	{"022", "CIMB Niaga", 13},
	{"028", "OCBC NISP", 12},
	{"147", "Muamalat", 10},
	{"200", "BTN", 16},
	{"426", "Mega", 15},
	{"451", "BSI", 10},
}

var banksByCode = func() map[string]Bank {
	m := make(map[string]Bank, len(banks))
	for _, b := range banks {
		m[b.Code] = b
	}
	return m
}()

// LookupBank returns the bank with the exact 3-digit code.
func LookupBank(code string) (Bank, bool) {
	b, ok := banksByCode[code]
	return b, ok
}

// Account lengths accepted for any bank (docs/rules.md "Identifiers").
const (
	minAccountDigits = 6
	maxAccountDigits = 20
)

// normalizeAccount strips the separators people type into account numbers
// (spaces, '-', '.') and reports whether what is left is 6–20 digits.
func normalizeAccount(s string) (string, bool) {
	// The digits are gathered on the stack, and a value without separators
	// is its own result: no allocation then, one otherwise.
	var buf [maxAccountDigits]byte
	digits := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '.':
		case c >= '0' && c <= '9':
			if len(digits) == maxAccountDigits {
				return "", false
			}
			digits = append(digits, c)
		default:
			return "", false
		}
	}
	if len(digits) < minAccountDigits {
		return "", false
	}
	if len(digits) == len(s) {
		return s, true
	}
	return string(digits), true
}
