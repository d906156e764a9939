package batch

import "strings"

// spreadsheetColumns are the identifier columns a spreadsheet damages when
// it takes their values for numbers: it shows a long number in scientific
// notation and keeps only 15 significant digits.
var spreadsheetColumns = map[Column]bool{
	ColKPJ: true, ColNIK: true, ColBankAccount: true, ColNPWP: true, ColPhone: true,
}

// SpreadsheetNumber reports whether s is a number in scientific notation,
// as a spreadsheet writes a long number it took for a quantity: a mantissa
// with an optional decimal point or comma, then E or e and an exponent
// ("3,17101E+15", "3.17101E+15", "3.17101e15"). In an identifier column
// such a value has lost digits that nothing can bring back.
func SpreadsheetNumber(s string) bool {
	// Most values have no E at all: said without upper-casing them (only
	// 'e' upper-cases to 'E'), which was 5% of the upload's Go CPU.
	if strings.IndexByte(s, 'E') < 0 && strings.IndexByte(s, 'e') < 0 {
		return false
	}
	mant, exp, ok := strings.Cut(strings.ToUpper(s), "E")
	if !ok {
		return false
	}
	if exp != "" && (exp[0] == '+' || exp[0] == '-') {
		exp = exp[1:]
	}
	whole, frac, hasPoint := strings.Cut(mant, ".")
	if !hasPoint {
		whole, frac, hasPoint = strings.Cut(mant, ",")
	}
	return allDigits(whole) && (!hasPoint || allDigits(frac)) && allDigits(exp)
}

// DuplicateKey is the value of an identifier compared to find the rows of
// a file that repeat one another (DUPLICATE_IN_FILE): the trimmed value, or
// "" (compared with nothing) when a spreadsheet damaged it: two numbers cut
// to the same 15 digits need not be the same person.
func DuplicateKey(value string) string {
	v := trimSpace(value)
	if SpreadsheetNumber(v) {
		return ""
	}
	return v
}

// spreadsheetIssues turns the format error of a damaged identifier into
// SPREADSHEET_NUMBER, whose message says how to fix the file. A damaged
// value never passes its format rule (it holds E and a point or comma), so
// it already is one of issues.
func spreadsheetIssues(v *rowValues, issues Issues) {
	for i, is := range issues {
		if spreadsheetColumns[is.Column] && is.Code != CodeRequired && SpreadsheetNumber(v.value(is.Column)) {
			issues[i] = Issue{Code: CodeSpreadsheetNumber, Column: is.Column}
		}
	}
}

// restoreLeadingZeros repairs what a spreadsheet does to codes it took for
// numbers: a bank code of 1–2 digits gets its leading zeros back ("14" is
// BCA's 014), and a mobile number of 9–12 digits that starts with 8 its
// trunk 0. The rules then judge the repaired value, and each repair is
// reported (LEADING_ZERO_RESTORED); the report keeps the value as uploaded.
func restoreLeadingZeros(v *rowValues) Issues {
	var is Issues
	if n := len(v.bankCode); n >= 1 && n <= 2 && allDigits(v.bankCode) {
		v.bankCode = strings.Repeat("0", 3-n) + v.bankCode
		is = append(is, Issue{Code: CodeLeadingZeroRestored, Column: ColBankCode})
	}
	var buf [32]byte
	if d := appendPhoneChars(buf[:0], v.phone); len(d) >= 9 && len(d) <= 12 && d[0] == '8' && allDigitBytes(d) {
		v.phone = "0" + v.phone
		is = append(is, Issue{Code: CodeLeadingZeroRestored, Column: ColPhone})
	}
	return is
}

// value returns the value of an identifier column.
func (v *rowValues) value(c Column) string {
	switch c {
	case ColKPJ:
		return v.kpj
	case ColNIK:
		return v.nik
	case ColBankAccount:
		return v.bankAccount
	case ColNPWP:
		return v.npwp
	case ColPhone:
		return v.phone
	}
	return ""
}
