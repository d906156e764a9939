package batch

// provinces marks the two-digit province codes a NIK may start with
// (docs/rules.md "Identifiers").
var provinces = func() [100]bool {
	var p [100]bool
	for _, r := range [][2]int{{11, 19}, {21, 21}, {31, 36}, {51, 53}, {61, 65}, {71, 76}, {81, 82}, {91, 96}} {
		for c := r[0]; c <= r[1]; c++ {
			p[c] = true
		}
	}
	return p
}()

const nikLen = 16

// CheckNIK reports whether nik has the structure of a national ID number:
// 16 digits PP RR SS DD MM YY NNNN with a known province PP, a day DD of
// 01–31 (or 41–71 for women, who add 40), a month 01–12, DDMMYY a real date
// (read as 20YY, which decides leap years the same way as 19YY except for
// 1900), and a serial NNNN other than 0000. A NIK has no check digit.
func CheckNIK(nik string) bool {
	if len(nik) != nikLen || !allDigits(nik) {
		return false
	}
	if !provinces[twoDigits(nik, 0)] {
		return false
	}
	if _, _, _, ok := nikBirth(nik); !ok {
		return false
	}
	return nik[12:] != "0000"
}

// nikBirth returns the birth day, month and two-digit year encoded in a
// 16-digit NIK, with the 40 that women add to the day taken off.
func nikBirth(nik string) (day, month, yy int, ok bool) {
	day, month, yy = twoDigits(nik, 6), twoDigits(nik, 8), twoDigits(nik, 10)
	if day > 40 {
		day -= 40
	}
	if day < 1 || day > 31 {
		return 0, 0, 0, false
	}
	// civil's test without the time.Date it makes (a NIK's date is read
	// twice per row: its format and the birth date it must match).
	if month < 1 || month > 12 || day > monthDays(2000+yy, month) {
		return 0, 0, 0, false
	}
	return day, month, yy, true
}

// twoDigits returns the number written by the two ASCII digits at s[i:i+2].
func twoDigits(s string, i int) int {
	return int(s[i]-'0')*10 + int(s[i+1]-'0')
}

// allDigits reports whether s is non-empty and only ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
