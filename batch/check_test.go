package batch

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ruleToday is the processing date of the rule tests.
var ruleToday = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// testNPWP is a 15-digit NPWP whose check digit the test computes itself.
var testNPWP = formatNPWP(withLuhn("01234567") + "012000")

// validRow returns a row that passes every rule without warnings.
func validRow() Row {
	return Row{
		No: 1, Line: 2, FieldCount: 12, HeaderFields: 12,
		KPJ:             "12345678901",
		NIK:             "3171011508800001", // Jakarta, born 15 Aug 1980
		FullName:        "Budi Santoso",
		BirthDate:       "1980-08-15",
		TerminationDate: "2026-10-31",
		Reason:          "RESIGN",
		BankCode:        "014",
		BankAccount:     "123-456-7890",
		AccountName:     "BUDI SANTOSO",
		Phone:           "0812-3456-7890",
		Email:           "budi@example.com",
		NPWP:            testNPWP,
	}
}

func ymd(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestCheckValidRow(t *testing.T) {
	t.Parallel()
	f, issues := Check(validRow(), ruleToday)
	want := Fields{
		KPJ: "12345678901", NIK: "3171011508800001", FullName: "Budi Santoso",
		BirthDate: ymd(1980, 8, 15), TerminationDate: ymd(2026, 10, 31),
		Reason: ReasonResign, BankCode: "014", BankAccount: "1234567890",
		AccountName: "BUDI SANTOSO", Phone: "+6281234567890", Email: "budi@example.com",
		NPWP: strings.NewReplacer(".", "", "-", "").Replace(testNPWP),
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("Check fields (-want +got):\n%s", diff)
	}
	if len(issues) != 0 {
		t.Errorf("Check issues = %v, want none", issues)
	}
}

// TestCheckEachCode breaks one thing of a valid row at a time and expects
// exactly the one issue that rule raises.
func TestCheckEachCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(r *Row)
		want   Issues
	}{
		{"short row", func(r *Row) { r.FieldCount = 11; r.KPJ = "" }, Issues{{CodeFieldCount, "", "11/12"}}},
		{"long row", func(r *Row) { r.FieldCount = 13 }, Issues{{CodeFieldCount, "", "13/12"}}},
		{"kpj short", func(r *Row) { r.KPJ = "1234567890" }, Issues{{CodeKPJFormat, ColKPJ, ""}}},
		{"kpj letter", func(r *Row) { r.KPJ = "1234567890A" }, Issues{{CodeKPJFormat, ColKPJ, ""}}},
		{"nik serial 0000", func(r *Row) { r.NIK = "3171011508800000" }, Issues{{CodeNIKFormat, ColNIK, ""}}},
		{"full name digit", func(r *Row) { r.FullName = "Budi 2" }, Issues{{CodeNameFormat, ColFullName, ""}}},
		{"account name one letter", func(r *Row) { r.AccountName = "B" }, Issues{{CodeAccountNameMismatch, ColAccountName, ""}}},
		{"account name written with a slash", func(r *Row) { r.AccountName = "BUDI/SANTOSO" }, nil},
		{"birth date not real", func(r *Row) { r.BirthDate = "1980-02-30" }, Issues{{CodeDateFormat, ColBirthDate, dateFormats}}},
		{"termination date month first", func(r *Row) { r.TerminationDate = "10/31/2026" }, Issues{{CodeDateFormat, ColTerminationDate, dateFormats}}},
		{"too young", func(r *Row) { r.BirthDate = "2012-01-01"; r.NIK = "3171010101120001" }, Issues{{CodeBirthDateRange, ColBirthDate, "14"}}},
		{"too old", func(r *Row) { r.BirthDate = "1925-10-30"; r.NIK = "3171013010250001" }, Issues{{CodeBirthDateRange, ColBirthDate, "101"}}},
		{"termination tomorrow", func(r *Row) { r.TerminationDate = "26/11/2026" }, Issues{{CodeTerminationInFuture, ColTerminationDate, "2026-11-25"}}},
		{"unknown reason", func(r *Row) { r.Reason = "QUIT" }, Issues{{CodeReasonUnknown, ColReason, ""}}},
		{"unknown bank", func(r *Row) { r.BankCode = "999" }, Issues{{CodeBankCodeUnknown, ColBankCode, ""}}},
		{"bank code without leading zero", func(r *Row) { r.BankCode = "14" }, Issues{{CodeLeadingZeroRestored, ColBankCode, ""}}},
		{"nik as a spreadsheet number", func(r *Row) { r.NIK = "3.17101E+15" }, Issues{{CodeSpreadsheetNumber, ColNIK, ""}}},
		{"account too short", func(r *Row) { r.BankAccount = "12345" }, Issues{{CodeBankAccountFormat, ColBankAccount, ""}}},
		{"account letter", func(r *Row) { r.BankAccount = "12345678A0" }, Issues{{CodeBankAccountFormat, ColBankAccount, ""}}},
		{"account in another name", func(r *Row) { r.AccountName = "Budi Santosa" }, Issues{{CodeAccountNameMismatch, ColAccountName, ""}}},
		{"landline", func(r *Row) { r.Phone = "021-5551234" }, Issues{{CodePhoneFormat, ColPhone, ""}}},
		{"email without domain", func(r *Row) { r.Email = "budi@" }, Issues{{CodeEmailFormat, ColEmail, ""}}},
		{"npwp bad check digit", func(r *Row) { r.NPWP = breakLuhn(testNPWP) }, Issues{{CodeNPWPFormat, ColNPWP, ""}}},
		{"nik date differs", func(r *Row) { r.BirthDate = "1980-08-16" }, Issues{{CodeNIKBirthDateMismatch, ColNIK, ""}}},
		{"bca account of 12 digits", func(r *Row) { r.BankAccount = "123456789012" }, Issues{{CodeBankAccountLengthUnusual, ColBankAccount, "10"}}},
		{"early retirement", func(r *Row) { r.Reason = "pensiun" }, Issues{{CodeRetirementAgeUnder56, ColReason, "46"}}},
	}
	for _, c := range Columns {
		if c.Required {
			tests = append(tests, struct {
				name   string
				change func(r *Row)
				want   Issues
			}{"empty " + string(c.Name), func(r *Row) { *r.field(c.Name) = "" }, Issues{{CodeRequired, c.Name, ""}}})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := validRow()
			tt.change(&r)
			_, got := Check(r, ruleToday)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check issues (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckReportsAllFormatErrors(t *testing.T) {
	t.Parallel()
	r := validRow()
	r.KPJ, r.Phone, r.BankCode, r.NPWP, r.Email = "12", "", "1A", "12", "not-an-email"
	f, got := Check(r, ruleToday)
	want := Issues{
		{CodeKPJFormat, ColKPJ, ""},
		{CodeBankCodeUnknown, ColBankCode, ""},
		{CodeRequired, ColPhone, ""},
		{CodeEmailFormat, ColEmail, ""},
		{CodeNPWPFormat, ColNPWP, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check issues (-want +got):\n%s", diff)
	}
	if f.KPJ != "" || f.Phone != "" || f.BankCode != "" || f.NPWP != "" || f.Email != "" {
		t.Errorf("Check kept values that failed their rules: %+v", f)
	}
	if f.NIK == "" || f.BankAccount == "" {
		t.Errorf("Check dropped values that passed their rules: %+v", f)
	}
}

func TestCheckOptionalAndTrimmed(t *testing.T) {
	t.Parallel()
	r := validRow()
	r.Email, r.NPWP = "", ""
	r.KPJ = "\u00a0" + r.KPJ + " \u200b"
	f, issues := Check(r, ruleToday)
	if len(issues) != 0 {
		t.Errorf("Check issues = %v, want none", issues)
	}
	if f.KPJ != "12345678901" || f.Email != "" || f.NPWP != "" {
		t.Errorf("Check fields = %+v, want trimmed KPJ and empty email and NPWP", f)
	}
}

func TestCheckAgeBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		birth, nik string
		want       Issues
	}{
		{"2011-10-31", "3171013110110001", nil}, // 15 on the termination date
		{"2011-11-01", "3171010111110001", Issues{{CodeBirthDateRange, ColBirthDate, "14"}}},
		{"1926-10-31", "3171013110260001", nil}, // exactly 100
		{"1925-10-31", "3171013110250001", Issues{{CodeBirthDateRange, ColBirthDate, "101"}}},
	}
	for _, tt := range tests {
		r := validRow()
		r.BirthDate, r.NIK = tt.birth, tt.nik
		if _, got := Check(r, ruleToday); !cmp.Equal(tt.want, got) {
			t.Errorf("Check(birth %s) issues = %v, want %v", tt.birth, got, tt.want)
		}
	}
}

func TestCheckWomanNIK(t *testing.T) {
	t.Parallel()
	r := validRow()
	r.NIK = "3171015508800001" // day 15 + 40
	if _, got := Check(r, ruleToday); len(got) != 0 {
		t.Errorf("Check(woman's NIK) issues = %v, want none", got)
	}
}

func TestCheckRetirementAt56(t *testing.T) {
	t.Parallel()
	r := validRow()
	r.Reason, r.BirthDate, r.NIK = "RETIREMENT", "1970-10-31", "3171013110700001"
	if _, got := Check(r, ruleToday); len(got) != 0 {
		t.Errorf("Check(retirement at 56) issues = %v, want none", got)
	}
}

// TestTagCodes makes sure every validator tag used on rowValues has a code.
func TestTagCodes(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeOf(rowValues{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Tag.Get("validate") == "-" {
			continue // parsed: not a value
		}
		if Column(f.Tag.Get("col")) == "" {
			t.Errorf("field %s has no col tag", f.Name)
		}
		for _, tag := range strings.Split(f.Tag.Get("validate"), ",") {
			if _, ok := tagCodes[tag]; !ok && tag != "omitempty" {
				t.Errorf("field %s: tag %q has no code", f.Name, tag)
			}
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	rows := map[string]Row{"valid": validRow(), "no email": validRow(), "bad": validRow()}
	noEmail := rows["no email"]
	noEmail.Email, noEmail.NPWP = "", ""
	rows["no email"] = noEmail
	bad := rows["bad"]
	bad.KPJ, bad.NIK, bad.Phone, bad.BirthDate = "1", "2", "3", "4"
	rows["bad"] = bad
	for name, r := range rows {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Check(r, ruleToday)
			}
		})
	}
}

// TestCheckEmptyBlankBad pins, for every column, what an empty value, one
// of white space only and a bad one give: REQUIRED for a required column
// empty or blank (its rule fails an empty value, and validateValues names
// that REQUIRED), nothing for an optional one, the column's own code for a
// bad value; and the column's normalised field left zero in each case,
// the others as for the valid row.
func TestCheckEmptyBlankBad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		col Column
		bad string
		// wantBad is the issues of the bad value; the empty and blank
		// values give REQUIRED in a required column, nothing otherwise.
		wantBad  Issues
		optional bool
	}{
		{ColKPJ, "12", Issues{{CodeKPJFormat, ColKPJ, ""}}, false},
		{ColNIK, "31710115088", Issues{{CodeNIKFormat, ColNIK, ""}}, false},
		{ColFullName, "Budi 5antoso", Issues{{CodeNameFormat, ColFullName, ""}}, false},
		{ColBirthDate, "15/15/1980", Issues{{CodeDateFormat, ColBirthDate, dateFormats}}, false},
		{ColTerminationDate, "kemarin", Issues{{CodeDateFormat, ColTerminationDate, dateFormats}}, false},
		{ColReason, "DIPECAT", Issues{{CodeReasonUnknown, ColReason, ""}}, false},
		{ColBankCode, "999", Issues{{CodeBankCodeUnknown, ColBankCode, ""}}, false},
		{ColBankAccount, "12AB", Issues{{CodeBankAccountFormat, ColBankAccount, ""}}, false},
		// The account name's only rule spans columns: the same name as full_name.
		{ColAccountName, "Siti Aminah", Issues{{CodeAccountNameMismatch, ColAccountName, ""}}, false},
		{ColPhone, "021-5551234", Issues{{CodePhoneFormat, ColPhone, ""}}, false},
		{ColEmail, "budi@", Issues{{CodeEmailFormat, ColEmail, ""}}, true},
		{ColNPWP, "12", Issues{{CodeNPWPFormat, ColNPWP, ""}}, true},
	}
	validFields, _ := Check(validRow(), ruleToday)
	for _, tt := range tests {
		for _, v := range []struct{ kind, value string }{{"empty", ""}, {"blank", " \t\u00a0\u200b "}, {"bad", tt.bad}} {
			t.Run(string(tt.col)+"/"+v.kind, func(t *testing.T) {
				t.Parallel()
				r := validRow()
				*r.field(tt.col) = v.value
				var want Issues
				switch {
				case v.kind == "bad":
					want = tt.wantBad
				case !tt.optional:
					want = Issues{{CodeRequired, tt.col, ""}}
				}
				wantFields := validFields
				if tt.col != ColAccountName || v.kind != "bad" {
					clearField(&wantFields, tt.col)
				} else {
					wantFields.AccountName = v.value // kept as it is: it has no format rule
				}
				f, got := Check(r, ruleToday)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Check(%s = %q) issues (-want +got):\n%s", tt.col, v.value, diff)
				}
				if diff := cmp.Diff(wantFields, f); diff != "" {
					t.Errorf("Check(%s = %q) fields (-want +got):\n%s", tt.col, v.value, diff)
				}
			})
		}
	}
}

// clearField sets the normalised field of column c to its zero value.
func clearField(f *Fields, c Column) {
	switch c {
	case ColKPJ:
		f.KPJ = ""
	case ColNIK:
		f.NIK = ""
	case ColFullName:
		f.FullName = ""
	case ColBirthDate:
		f.BirthDate = time.Time{}
	case ColTerminationDate:
		f.TerminationDate = time.Time{}
	case ColReason:
		f.Reason = ""
	case ColBankCode:
		f.BankCode = ""
	case ColBankAccount:
		f.BankAccount = ""
	case ColAccountName:
		f.AccountName = ""
	case ColPhone:
		f.Phone = ""
	case ColEmail:
		f.Email = ""
	case ColNPWP:
		f.NPWP = ""
	}
}
