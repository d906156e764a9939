package redact

import (
	"strings"

	"jhtbatch/batch"
)

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

// personalColumns are the columns of the batch file that hold personal
// data, with its kind.
var personalColumns = map[batch.Column]field{
	batch.ColNIK: fieldNIK, batch.ColKPJ: fieldKPJ, batch.ColBankAccount: fieldAccount,
	batch.ColPhone: fieldPhone, batch.ColEmail: fieldEmail, batch.ColNPWP: fieldNPWP,
}

// sensitiveKeys maps attribute keys (as normalKey writes them) that name
// personal data to its kind: the log keys of the code ("account"), and the
// name and every alias of each personal column of the batch file
// (batch.Columns), so that a logged CSV record keyed by its header is
// masked too.
var sensitiveKeys = func() map[string]field {
	m := map[string]field{"account": fieldAccount}
	for _, spec := range batch.Columns {
		f, ok := personalColumns[spec.Name]
		if !ok {
			continue
		}
		m[normalKey(string(spec.Name))] = f
		for _, alias := range spec.Aliases {
			m[normalKey(alias)] = f
		}
	}
	return m
}()

// normalKey is key in lower case with '-' and ' ' as '_'.
func normalKey(key string) string {
	return strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(key))
}

// sensitiveKey reports whether key names personal data, and which.
func sensitiveKey(key string) (field, bool) {
	f, ok := sensitiveKeys[normalKey(key)]
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
		return KeepEnds(v, 4, 4)
	case fieldKPJ:
		return KeepEnds(v, 3, 3)
	case fieldEmail:
		if at := strings.LastIndexByte(v, '@'); at > 0 {
			return maskEmail(v)
		}
		return KeepEnds(v, 0, 0)
	case fieldPhone:
		return KeepEnds(v, 0, 3)
	}
	// Bank account and NPWP: **** and the last 4.
	r := []rune(v)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return "****" + string(r[len(r)-4:])
}
