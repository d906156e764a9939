package batch

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// value is the text of cell c, whose raw value is in s.val.
func (s *sheetSource) value(c cell) (string, error) {
	if len(s.val) == 0 {
		return "", nil // a cell with a style and no value
	}
	if c.typ == "s" {
		i, ok := smallInt(bytes.TrimSpace(s.val))
		if !ok {
			return "", fmt.Errorf("bad shared string index %q", shorten(string(s.val)))
		}
		v, ok := s.wb.strings.get(i)
		if !ok {
			return "", fmt.Errorf("shared string %d missing", i)
		}
		return v, nil
	}
	raw := string(s.val)
	switch c.typ {
	case "inlineStr", "str": // text, as a shared string's (readSharedStrings)
		return unescapeXString(raw), nil
	case "e":
		return raw, nil
	case "b":
		if raw == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	case "d": // an ISO 8601 date cell (rare; Strict workbooks)
		if len(raw) >= 10 {
			if _, err := time.Parse(time.DateOnly, raw[:10]); err == nil {
				return raw[:10], nil
			}
		}
		return raw, nil
	}
	if c.isStr {
		return unescapeXString(raw), nil
	}
	if raw == "" {
		return raw, nil
	}
	if c.style >= 0 && c.style < len(s.wb.dateStyles) && s.wb.dateStyles[c.style] {
		if d, ok := serialDate(raw, s.wb.date1904); ok {
			return d, nil
		}
	}
	var col Column
	if c.col < len(s.layout) {
		col = s.layout[c.col]
	}
	return numberText(raw, col), nil
}

// serialDate returns the YYYY-MM-DD of a spreadsheet date serial number;
// a time of day is dropped. The 1900 system counts the 29 February 1900
// that never was (serial 60), as Excel does.
func serialDate(raw string, date1904 bool) (string, bool) {
	days, ok := smallInt([]byte(raw)) // the common case: a whole day
	if !ok {
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || f < 1 || f >= 2958466 { // 2958466 is 10000-01-01
			return "", false
		}
		days = int(math.Floor(f))
	}
	if days < 1 || days >= 2958466 {
		return "", false
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days < 60:
		base = base.AddDate(0, 0, 1)
	case days == 60:
		return "", false
	}
	// Formatted by hand: Time.Format costs more than the rest of a cell.
	y, m, d := base.Add(time.Duration(days) * 24 * time.Hour).Date() // 1900–9999
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(m)/10), byte('0' + int(m)%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:]), true
}

// maxExactDigits is the most significant digits a spreadsheet keeps of a
// number.
const maxExactDigits = 15

// numberText writes the raw value of a numeric cell of column col: an
// integer exactly, without exponent or ".0"; other numbers rounded to 15
// significant digits, as a spreadsheet shows them. A nik or npwp, and an
// integer of more than 15 significant digits in another identifier column,
// is written in scientific notation with every digit held: such a value was
// cut by the spreadsheet, and the rules flag it as SPREADSHEET_NUMBER.
func numberText(raw string, col Column) string {
	neg, digits, exp, ok := decimalParts(raw)
	if !ok {
		return raw
	}
	if digits == "" {
		return "0"
	}
	sign := ""
	if neg {
		sign = "-"
	}
	integer := exp >= 0
	switch {
	case col == ColNIK || col == ColNPWP,
		integer && len(digits) > maxExactDigits && spreadsheetColumns[col]:
		e := len(digits) - 1 + exp
		mant := digits[:1]
		if len(digits) > 1 {
			mant += "." + digits[1:]
		}
		es := "E+"
		if e < 0 {
			es, e = "E-", -e
		}
		return sign + mant + es + strconv.Itoa(e)
	case integer && len(digits)+exp <= 30:
		return sign + digits + strings.Repeat("0", exp)
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', maxExactDigits, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// decimalParts splits a decimal number [-]d*[.d*][E[+-]d+] into its sign
// and its value digits × 10^exp, digits without leading or trailing zeros
// ("" for zero).
func decimalParts(s string) (neg bool, digits string, exp int, ok bool) {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	mant, e, hasExp := strings.Cut(strings.ToUpper(s), "E")
	if hasExp {
		n, err := strconv.Atoi(e)
		if err != nil || n > 400 || n < -400 {
			return false, "", 0, false
		}
		exp = n
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart+frac == "" || !allDigits(intPart+frac) {
		return false, "", 0, false
	}
	digits = strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	return neg, trimmed, exp, true
}
