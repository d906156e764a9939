package batch

import (
	"strings"
	"time"
)

// dateFormats names the accepted date forms for messages (docs "dates":
// the batch file's forms and those real HR files use).
const dateFormats = "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY, YYYY/MM/DD, 15 Oktober 2026, 15 Okt 2026"

// ParseDate parses a civil date, day first always: YYYY-MM-DD, YYYY/MM/DD,
// DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY (day and month of all but the first
// may have one digit), or D MMMM YYYY / D MMM YYYY with an Indonesian or
// English month name or abbreviation in any case, separated by spaces or
// '-' ("15 Oktober 2026", "15-Okt-2026", "15 October 2026"). A trailing time
// of midnight ("15/10/2026 0:00", "2026-10-15 00:00:00"), which is how a
// spreadsheet writes a date it holds as a date-time, is ignored; any other
// time of day is refused, since the value is then not a date. The date must
// exist. The result is at 00:00 UTC.
func ParseDate(s string) (time.Time, bool) {
	s, ok := cutMidnight(s)
	if !ok {
		return time.Time{}, false
	}
	// Most dates are numeric; only a value with a letter can name its
	// month, and trying that first cost two slice allocations per date.
	if hasLetter(s) {
		if t, ok := parseNamedMonth(s); ok {
			return t, true
		}
	}
	var sep byte
	for i := 0; i < len(s); i++ {
		if s[i] == '-' || s[i] == '/' || s[i] == '.' {
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
	if a.digits == 4 {
		switch {
		case sep == '-' && (b.digits != 2 || c.digits != 2), sep == '.', b.digits > 2, c.digits > 2:
			return time.Time{}, false
		}
		return civil(a.value, b.value, c.value)
	}
	if a.digits > 2 || b.digits > 2 || c.digits != 4 {
		return time.Time{}, false
	}
	return civil(c.value, b.value, a.value)
}

// cutMidnight removes a trailing time of midnight ("0:00", "00:00:00",
// "00:00:00.000") separated from the date by spaces or a 'T'. It returns
// false for a time that is not midnight; s without a time comes back as is.
func cutMidnight(s string) (string, bool) {
	i := lastSpaceOrT(s)
	if i < 0 || strings.IndexByte(s[i+1:], ':') < 0 {
		return s, true
	}
	clock := s[i+1:]
	parts := strings.Split(clock, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return s, false
	}
	if len(parts) == 3 {
		sec, frac, _ := strings.Cut(parts[2], ".")
		if strings.Trim(frac, "0") != "" {
			return s, false
		}
		parts[2] = sec
	}
	for j, p := range parts {
		n, ok := number(p)
		if !ok || n.value != 0 || n.digits > 2 || j > 0 && n.digits != 2 {
			return s, false
		}
	}
	if s[i] == 'T' {
		return s[:i], true
	}
	return strings.TrimRight(s[:i], " "), true
}

// lastSpaceOrT is strings.LastIndexAny(s, " T") without building its byte
// set on every call (a twentieth of parsing a date).
func lastSpaceOrT(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' || s[i] == 'T' {
			return i
		}
	}
	return -1
}

// months maps every accepted month name and abbreviation, Indonesian and
// English, lower case, to its month. Old spellings (Pebruari, Nopember)
// and the abbreviations Indonesian offices write (Agt, Ags, Nop) are in.
var months = map[string]time.Month{
	"januari": 1, "january": 1, "jan": 1,
	"februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
	"maret": 3, "march": 3, "mar": 3,
	"april": 4, "apr": 4,
	"mei": 5, "may": 5,
	"juni": 6, "june": 6, "jun": 6,
	"juli": 7, "july": 7, "jul": 7,
	"agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "october": 10, "okt": 10, "oct": 10,
	"november": 11, "nopember": 11, "nov": 11, "nop": 11,
	"desember": 12, "december": 12, "des": 12, "dec": 12,
}

// parseNamedMonth parses D MMMM YYYY and D MMM YYYY: a day of one or two
// digits, a month name (a '.' after an abbreviation allowed) and a
// four-digit year, separated by spaces or one '-'.
func parseNamedMonth(s string) (time.Time, bool) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' })
	if len(f) == 1 {
		f = strings.Split(s, "-")
	}
	if len(f) != 3 {
		return time.Time{}, false
	}
	day, ok1 := number(f[0])
	year, ok2 := number(f[2])
	name := strings.TrimSuffix(f[1], ".")
	for i := 0; i < len(name); i++ {
		if c := name[i] | 0x20; c < 'a' || c > 'z' {
			return time.Time{}, false // ASCII only: no look-alike letters
		}
	}
	m, ok3 := months[strings.ToLower(name)]
	if !ok1 || !ok2 || !ok3 || day.digits > 2 || year.digits != 4 {
		return time.Time{}, false
	}
	return civil(year.value, int(m), day.value)
}

// hasLetter reports whether s holds an ASCII letter (a month's name is
// ASCII only: parseNamedMonth).
func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
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
	if y < 1 || m < 1 || m > 12 || d < 1 || d > monthDays(y, m) {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

// monthDays is daysIn for a month 1–12, by the Gregorian rule rather than
// through a second time.Date (a third of civil; TestMonthDays holds it to
// daysIn).
func monthDays(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysIn returns the number of days of month m in year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// BusinessDay is the processing date at now: the calendar day of now in the
// business zone loc (as it is, when loc is nil), at 00:00 UTC like every
// date of the domain.
func BusinessDay(now time.Time, loc *time.Location) time.Time {
	if loc != nil {
		now = now.In(loc)
	}
	return civilDate(now)
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
	by, bm, bd := birth.Date()
	ay, am, ad := at.Date()
	age := ay - by
	if am < bm || am == bm && ad < bd {
		age--
	}
	return age
}
