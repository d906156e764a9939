package batch_test

// The oracle's identifier, date, name and account rules (oracle_test.go).

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"golang.org/x/text/unicode/norm"

	"jhtbatch/batch"
)

// oReason looks a spelling up case-insensitively. Where the spec is silent,
// aligned with the implementation: a run of spaces, '-' and '_' is one
// separator ("laid off", "Kontrak-Berakhir", "mengundurkan  diri"), and
// only ASCII letters count ("reſign", with a long s, is unknown).
func oReason(s string) (batch.Reason, bool) {
	key, ok := oReasonKey(s)
	if !ok {
		return "", false
	}
	if r, ok := oReasons[key]; ok {
		return r, true
	}
	reason, ok := oReasons[strings.ReplaceAll(key, "_", " ")]
	return reason, ok
}

func oReasonKey(s string) (string, bool) {
	for _, r := range s {
		if r >= utf8.RuneSelf {
			return "", false
		}
	}
	words := strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool { return strings.ContainsRune(" -_", r) })
	return strings.Join(words, "_"), true
}

// oNotCollective reports a reason the collective channel refuses.
func oNotCollective(s string) bool {
	key, ok := oReasonKey(s)
	if !ok {
		return false
	}
	for _, spelling := range oIndividual {
		if k, _ := oReasonKey(spelling); k == key {
			return true
		}
	}
	return false
}

func oDigits(s string) bool {
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

func oAtoi(s string) int { n, _ := strconv.Atoi(s); return n }

func oDaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func oDate(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// oNIKDate returns the birth day, month and two-digit year a NIK encodes,
// women's day + 40 undone.
func oNIKDate(nik string) (d, m, yy int) {
	d, m, yy = oAtoi(nik[6:8]), oAtoi(nik[8:10]), oAtoi(nik[10:12])
	if d > 40 {
		d -= 40
	}
	return d, m, yy
}

// oNIK checks docs/rules.md's NIK structure.
func oNIK(nik string) bool {
	if len(nik) != 16 || !oDigits(nik) || !oProvinces[oAtoi(nik[:2])] || nik[12:] == "0000" {
		return false
	}
	raw := oAtoi(nik[6:8])
	if !(raw >= 1 && raw <= 31) && !(raw >= 41 && raw <= 71) {
		return false
	}
	d, m, yy := oNIKDate(nik)
	if m < 1 || m > 12 {
		return false
	}
	// The spec does not say which century YY is in. A DDMMYY is taken as
	// real when it is a date in 19YY or 20YY: 29/02 needs YY divisible by 4
	// (00 is 2000, a leap year).
	return d <= oDaysIn(2000+yy, time.Month(m)) || d <= oDaysIn(1900+yy, time.Month(m))
}

// oParseDate reads the batch file's YYYY-MM-DD, DD/MM/YYYY or DD-MM-YYYY and
// real HR files' DD.MM.YYYY, YYYY/MM/DD, D MMMM YYYY and D MMM YYYY (Indonesian or
// English month names, any case; "15-Okt-2026" too), each with an optional
// trailing time of midnight.
//
// The spec is silent on one-digit days and months; aligned with the
// implementation: every form but YYYY-MM-DD takes one or two digits for day
// and month (5/3/1980), YYYY-MM-DD takes exactly two. Year 0000 is refused.
// Aligned where the documented date forms (docs/file-format.md) are silent: a time is "H:MM", "HH:MM" or "HH:MM:SS"
// (zero fractions allowed) after spaces or a 'T'; any time but midnight is
// refused; a month abbreviation may end in '.', and old spellings
// (Pebruari, Nopember) and Agt/Ags/Agus/Sept/Peb count.
func oParseDate(s string) (time.Time, bool) {
	if m := oMidnightRE.FindStringSubmatch(s); m != nil {
		s = m[1]
	} else if strings.Contains(s, ":") {
		return time.Time{}, false
	}
	var y, mo, d string
	if m := oISORE.FindStringSubmatch(s); m != nil {
		y, mo, d = m[1], m[2], m[3]
	} else if m := oYMDSlashRE.FindStringSubmatch(s); m != nil {
		y, mo, d = m[1], m[2], m[3]
	} else if m := oDMYRE.FindStringSubmatch(s); m != nil && m[2] == m[4] {
		d, mo, y = m[1], m[3], m[5]
	} else if m := oNamedRE.FindStringSubmatch(s); m != nil {
		month, ok := oMonths[strings.ToLower(m[2])]
		if !ok {
			return time.Time{}, false
		}
		d, mo, y = m[1], strconv.Itoa(month), m[3]
	} else if m := oNamedDashRE.FindStringSubmatch(s); m != nil {
		month, ok := oMonths[strings.ToLower(m[2])]
		if !ok {
			return time.Time{}, false
		}
		d, mo, y = m[1], strconv.Itoa(month), m[3]
	} else {
		return time.Time{}, false
	}
	yi, mi, di := oAtoi(y), oAtoi(mo), oAtoi(d)
	if yi < 1 || mi < 1 || mi > 12 || di < 1 || di > oDaysIn(yi, time.Month(mi)) {
		return time.Time{}, false
	}
	return oDate(yi, time.Month(mi), di), true
}

var (
	oMidnightRE  = regexp.MustCompile(`^(.*?)(?: +|T)0{1,2}:00(?::00(?:\.0*)?)?$`)
	oISORE       = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	oYMDSlashRE  = regexp.MustCompile(`^(\d{4})/(\d{1,2})/(\d{1,2})$`)
	oDMYRE       = regexp.MustCompile(`^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4})$`)
	oNamedRE     = regexp.MustCompile(`^(\d{1,2}) +([A-Za-z]+)\.? +(\d{4})$`)
	oNamedDashRE = regexp.MustCompile(`^(\d{1,2})-([A-Za-z]+)\.?-(\d{4})$`)
)

// oMonths: Indonesian and English month names and their usual
// abbreviations.
var oMonths = map[string]int{
	"januari": 1, "jan": 1, "january": 1,
	"februari": 2, "feb": 2, "february": 2, "pebruari": 2, "peb": 2,
	"maret": 3, "mar": 3, "march": 3,
	"april": 4, "apr": 4,
	"mei": 5, "may": 5,
	"juni": 6, "jun": 6, "june": 6,
	"juli": 7, "jul": 7, "july": 7,
	"agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "okt": 10, "october": 10, "oct": 10,
	"november": 11, "nov": 11, "nopember": 11, "nop": 11,
	"desember": 12, "des": 12, "december": 12, "dec": 12,
}

// oAge is the age in whole years on day at; a 29 February birthday is
// reached on 1 March in a common year.
func oAge(birth, at time.Time) int {
	age := at.Year() - birth.Year()
	if at.Month() < birth.Month() || (at.Month() == birth.Month() && at.Day() < birth.Day()) {
		age--
	}
	return age
}

// oAddMonth adds one calendar month, clamped at the month's end.
func oAddMonth(t time.Time) time.Time {
	y, m, d := t.Year(), t.Month()+1, t.Day()
	if m > 12 {
		y, m = y+1, 1
	}
	return oDate(y, m, min(d, oDaysIn(y, m)))
}

// oApostrophes are the characters taken as docs/file-format.md's ' (see oNameFormat).
const oApostrophes = "'\u2019\u02bc"

// oNameFormat: 2–100 characters of letters, spaces, ' . , -.
//
// The spec is silent on what counts as a letter, a space and an
// apostrophe, and on a "name" with no letter at all; aligned with the
// implementation: a combining mark belongs to its letter (a decomposed é is
// a letter), every Unicode space separator (Zs, e.g. the no-break space) is
// a space but tab and newline are not, the typographic apostrophes ’ and ʼ
// are taken as ', and at least one letter is needed ("--" is not a name).
func oNameFormat(s string) bool {
	if n := utf8.RuneCountInString(s); n < 2 || n > 100 {
		return false
	}
	letters := 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.Is(unicode.M, r), unicode.Is(unicode.Zs, r), strings.ContainsRune(oApostrophes+".,-", r):
		default:
			return false
		}
	}
	return letters > 0
}

// oNormName is docs/rules.md's name normalisation, step by step. Aligned where
// the spec is silent (see oNameFormat): ’ and ʼ are deleted like ', and a
// combining mark that NFKC could not compose stays with its letter instead
// of splitting the word.
func oNormName(s string) string {
	s = strings.ToUpper(norm.NFKC.String(s))
	s = oStrip(s, "."+oApostrophes)
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) {
			return r
		}
		return ' '
	}, s)
	var kept []string
	for _, tok := range strings.Fields(s) {
		if !oTitles[tok] {
			kept = append(kept, tok)
		}
	}
	return strings.Join(kept, " ")
}

// oSameName compares normalised names. The spec is silent on names that
// normalise to nothing (only titles or punctuation); aligned: they match
// nothing, not each other.
func oSameName(a, b string) bool { n := oNormName(a); return n != "" && n == oNormName(b) }

func oStrip(s, cut string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(cut, r) {
			return -1
		}
		return r
	}, s)
}

// oAccount strips spaces, '-' and '.' and wants 6–20 digits.
func oAccount(s string) (string, bool) {
	d := oStrip(s, " -.")
	return d, oDigits(d) && len(d) >= 6 && len(d) <= 20
}

// oPhone normalises +628…/628…/08… to 08… (10–13 digits) and returns +628….
// The spec is silent on separators; aligned: spaces, '-', '.', '(' and ')'
// are ignored.
func oPhone(s string) (string, bool) {
	d := oStrip(s, " -.()")
	switch {
	case strings.HasPrefix(d, "+62"):
		d = "0" + d[3:]
	case strings.HasPrefix(d, "62"):
		d = "0" + d[2:]
	}
	if !oDigits(d) || !strings.HasPrefix(d, "08") || len(d) < 10 || len(d) > 13 {
		return "", false
	}
	return "+62" + d[1:], true
}

// oEmailCheck is validator/v10's email rule.
var oEmailCheck = validator.New()

// oEmail checks an e-mail address. The spec says only "address"; aligned
// with the implementation, which uses validator/v10's email rule (RFC 5322
// addr-spec without display name: "a@b" and quoted local parts pass,
// ".a@b.com" and "a..b@c.com" do not).
func oEmail(s string) bool { return oEmailCheck.Var(s, "email") == nil }

// oLuhn checks a digit string whose last digit is a Luhn check digit.
func oLuhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// oNPWP: 15 digits (Luhn over the first 9) or 16 digits ('0' + the 15, or a
// NIK), '.' and '-' stripped.
func oNPWP(s string) (string, bool) {
	d := oStrip(s, ".-")
	if !oDigits(d) {
		return "", false
	}
	switch {
	case len(d) == 15:
		return d, oLuhn(d[:9])
	case len(d) == 16 && d[0] == '0':
		return d, oLuhn(d[1:10])
	case len(d) == 16:
		return d, oNIK(d)
	}
	return "", false
}
