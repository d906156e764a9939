package batch

import "time"

// dateFormats names the accepted date forms for messages (CONTRACT.md §1).
const dateFormats = "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY"

// ParseDate parses a civil date written YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY
// (day first, always; the day and month of the last two forms may have one
// or two digits). The date must exist. The result is at 00:00 UTC.
func ParseDate(s string) (time.Time, bool) {
	var sep byte
	for i := 0; i < len(s); i++ {
		if s[i] == '-' || s[i] == '/' {
			sep = s[i]
			break
		}
	}
	if sep == 0 {
		return time.Time{}, false
	}
	a, rest, ok := cutNumber(s, sep)
	if !ok {
		return time.Time{}, false
	}
	b, rest, ok := cutNumber(rest, sep)
	if !ok {
		return time.Time{}, false
	}
	c, ok := number(rest)
	if !ok {
		return time.Time{}, false
	}
	if sep == '-' && a.digits == 4 {
		if b.digits != 2 || c.digits != 2 {
			return time.Time{}, false
		}
		return civil(a.value, b.value, c.value)
	}
	if a.digits > 2 || b.digits > 2 || c.digits != 4 {
		return time.Time{}, false
	}
	return civil(c.value, b.value, a.value)
}

// num is a run of ASCII digits: its value and how many digits it had.
type num struct{ value, digits int }

// cutNumber reads digits up to the first sep and returns what follows sep.
func cutNumber(s string, sep byte) (num, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			n, ok := number(s[:i])
			return n, s[i+1:], ok
		}
	}
	return num{}, "", false
}

// number parses 1–4 ASCII digits.
func number(s string) (num, bool) {
	if len(s) == 0 || len(s) > 4 {
		return num{}, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return num{}, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return num{v, len(s)}, true
}

// civil returns the date y-m-d at 00:00 UTC if it exists in the calendar.
func civil(y, m, d int) (time.Time, bool) {
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

// daysIn returns the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// civilDate drops the clock of t, keeping its calendar day, at 00:00 UTC.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// AddMonth returns the same day one calendar month later, clamped to the end
// of that month: 31 Jan → 28 (or 29) Feb, 30 Nov → 30 Dec.
func AddMonth(d time.Time) time.Time {
	y, m, day := d.Date()
	if last := daysIn(y, m+1); day > last {
		day = last
	}
	h, mi, s := d.Clock()
	return time.Date(y, m+1, day, h, mi, s, d.Nanosecond(), d.Location())
}

// EligibleOn returns the first day a claim for reason may be paid: the
// termination date itself on retirement, else after the one-month wait of
// Permenaker 4/2022.
func EligibleOn(reason Reason, termination time.Time) time.Time {
	if reason == ReasonRetirement {
		return termination
	}
	return AddMonth(termination)
}

// ageAt returns the age in whole years on day at of someone born on birth.
func ageAt(birth, at time.Time) int {
	age := at.Year() - birth.Year()
	if at.Month() < birth.Month() || at.Month() == birth.Month() && at.Day() < birth.Day() {
		age--
	}
	return age
}
