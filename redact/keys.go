package redact

import "strings"

// field is a kind of personal data, named by an attribute key.
type field int

const (
	fieldNIK field = iota
	fieldKPJ
	fieldAccount
	fieldPhone
	fieldEmail
	fieldNPWP
)

// sensitiveKeys maps attribute keys (lower case, '-' and ' ' as '_') that
// name personal data to its kind. The Indonesian names are the column
// aliases of docs/file-format.md, so that a logged CSV record keyed by its header
// is masked too.
var sensitiveKeys = map[string]field{
	"nik": fieldNIK, "no_ktp": fieldNIK, "nomor_nik": fieldNIK, "nomor_ktp": fieldNIK,
	"kpj": fieldKPJ, "no_kpj": fieldKPJ, "nomor_kpj": fieldKPJ,
	"bank_account": fieldAccount, "account": fieldAccount, "no_rekening": fieldAccount, "nomor_rekening": fieldAccount,
	"phone": fieldPhone, "no_hp": fieldPhone, "nomor_hp": fieldPhone, "telepon": fieldPhone,
	"email": fieldEmail, "surel": fieldEmail,
	"npwp": fieldNPWP,
}

// sensitiveKey reports whether key names personal data, and which.
func sensitiveKey(key string) (field, bool) {
	k := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(key))
	f, ok := sensitiveKeys[k]
	return f, ok
}

// maskAs masks v as the personal data f whatever it looks like: the shape of
// Mask's output for that kind, with every character hidden when the value is
// too short to keep any of it.
func maskAs(f field, v string) string {
	if v == "" {
		return ""
	}
	switch f {
	case fieldNIK:
		return keepEnds(v, 4, 4)
	case fieldKPJ:
		return keepEnds(v, 3, 3)
	case fieldEmail:
		if at := strings.LastIndexByte(v, '@'); at > 0 {
			return maskEmail(v)
		}
		return keepEnds(v, 0, 0)
	case fieldPhone:
		return keepEnds(v, 0, 3)
	}
	// Bank account and NPWP: **** and the last 4.
	r := []rune(v)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return "****" + string(r[len(r)-4:])
}
