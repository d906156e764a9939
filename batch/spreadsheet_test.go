package batch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSpreadsheetNumber(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"3,17101E+15", true}, {"3.17101E+15", true}, {"3.17101e15", true}, {"3E+15", true},
		{"3.171011708850001E+15", true}, {"1.23457E-05", true}, {"6,28123e+12", true},
		{"3171011708850001", false}, {"3.17101E", false}, {"E+15", false}, {"3.E3", false}, {".5E3", false},
		{"3.1.7E+15", false}, {"3,171,01E+15", false}, {"3e+", false}, {"BUDI", false}, {"", false},
		{"0812-3456-7890", false}, {"09.254.294.3-407.000", false},
	} {
		if got := SpreadsheetNumber(tt.in); got != tt.want {
			t.Errorf("SpreadsheetNumber(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestCheckSpreadsheetDamage: a damaged identifier gets SPREADSHEET_NUMBER
// instead of its column's format code and is not normalised (so it is
// compared with nothing); lost leading zeros are restored with a warning.
func TestCheckSpreadsheetDamage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(r *Row)
		want   Issues
		check  func(f Fields) bool
	}{
		{"kpj", func(r *Row) { r.KPJ = "1.23457E+10" }, Issues{{CodeSpreadsheetNumber, ColKPJ, ""}},
			func(f Fields) bool { return f.KPJ == "" }},
		{"nik comma", func(r *Row) { r.NIK = "3,17101E+15" }, Issues{{CodeSpreadsheetNumber, ColNIK, ""}},
			func(f Fields) bool { return f.NIK == "" }},
		{"nik lower e", func(r *Row) { r.NIK = "3.17101e15" }, Issues{{CodeSpreadsheetNumber, ColNIK, ""}}, nil},
		{"nik from a numeric cell", func(r *Row) { r.NIK = "3.171011508800001E+15" }, Issues{{CodeSpreadsheetNumber, ColNIK, ""}}, nil},
		{"account", func(r *Row) { r.BankAccount = "1.23457E+9" }, Issues{{CodeSpreadsheetNumber, ColBankAccount, ""}},
			func(f Fields) bool { return f.BankAccount == "" }},
		{"npwp", func(r *Row) { r.NPWP = "9.2542943407E+13" }, Issues{{CodeSpreadsheetNumber, ColNPWP, ""}}, nil},
		{"phone", func(r *Row) { r.Phone = "8.12346E+10" }, Issues{{CodeSpreadsheetNumber, ColPhone, ""}}, nil},
		{"not quite scientific", func(r *Row) { r.NIK = "3.17101E" }, Issues{{CodeNIKFormat, ColNIK, ""}}, nil},
		{"name is no identifier", func(r *Row) { r.FullName = "3.1E+15"; r.AccountName = "3.1E+15" },
			Issues{{CodeNameFormat, ColFullName, ""}}, nil},
		{"every identifier", func(r *Row) {
			r.KPJ, r.NIK, r.BankAccount, r.Phone, r.NPWP = "2.3E+10", "3.1E+15", "1E+9", "8.1E+10", "9.2E+13"
		}, Issues{{CodeSpreadsheetNumber, ColKPJ, ""}, {CodeSpreadsheetNumber, ColNIK, ""},
			{CodeSpreadsheetNumber, ColBankAccount, ""}, {CodeSpreadsheetNumber, ColPhone, ""},
			{CodeSpreadsheetNumber, ColNPWP, ""}}, nil},
		{"bank code of 2 digits", func(r *Row) { r.BankCode = "14" }, Issues{{CodeLeadingZeroRestored, ColBankCode, ""}},
			func(f Fields) bool { return f.BankCode == "014" }},
		{"bank code of 1 digit", func(r *Row) { r.BankCode = "8"; r.BankAccount = "1234567890123" },
			Issues{{CodeLeadingZeroRestored, ColBankCode, ""}}, func(f Fields) bool { return f.BankCode == "008" }},
		{"bank code restored but unknown", func(r *Row) { r.BankCode = "99" },
			Issues{{CodeBankCodeUnknown, ColBankCode, ""}, {CodeLeadingZeroRestored, ColBankCode, ""}}, nil},
		{"bank code of 4 digits", func(r *Row) { r.BankCode = "0014" }, Issues{{CodeBankCodeUnknown, ColBankCode, ""}}, nil},
		{"phone of 11 digits without 0", func(r *Row) { r.Phone = "81234567890" }, Issues{{CodeLeadingZeroRestored, ColPhone, ""}},
			func(f Fields) bool { return f.Phone == "+6281234567890" }},
		{"phone of 9 digits without 0", func(r *Row) { r.Phone = "812345678" }, Issues{{CodeLeadingZeroRestored, ColPhone, ""}},
			func(f Fields) bool { return f.Phone == "+62812345678" }},
		{"phone of 12 digits without 0, grouped", func(r *Row) { r.Phone = "812-3456-78901" },
			Issues{{CodeLeadingZeroRestored, ColPhone, ""}}, func(f Fields) bool { return f.Phone == "+62812345678901" }},
		{"phone of 8 digits", func(r *Row) { r.Phone = "81234567" }, Issues{{CodePhoneFormat, ColPhone, ""}}, nil},
		{"phone of 13 digits without 0", func(r *Row) { r.Phone = "8123456789012" }, Issues{{CodePhoneFormat, ColPhone, ""}}, nil},
		{"phone starting with 7", func(r *Row) { r.Phone = "71234567890" }, Issues{{CodePhoneFormat, ColPhone, ""}}, nil},
		{"phone with country code", func(r *Row) { r.Phone = "6281234567890" }, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := validRow()
			tt.change(&r)
			f, got := Check(r, ruleToday)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check issues (-want +got):\n%s", diff)
			}
			if tt.check != nil && !tt.check(f) {
				t.Errorf("Check fields wrong: %+v", f)
			}
		})
	}
}

// TestJudgeDamagedIdentifiers: a damaged NIK is not compared with the
// registry, and a row whose damaged KPJ repeats nothing is reported as a
// duplicate under the NIK that did repeat an earlier row.
func TestJudgeDamagedIdentifiers(t *testing.T) {
	t.Parallel()
	r := validRow()
	r.NIK = "3.17101E+15"
	p := &Participant{KPJ: r.KPJ, NIK: "3171011508800001", FullName: "Budi Santoso", NPP: "NN000001", Balance: 1}
	v := Judge(r, Context{Today: ruleToday, CompanyNPP: "NN000001", Mode: ModeCreate}, Lookup{Participant: p})
	errs, _ := v.Issues.Codes()
	if diff := cmp.Diff([]Code{CodeSpreadsheetNumber}, errs); diff != "" {
		t.Errorf("damaged NIK against the registry (-want +got):\n%s", diff)
	}
	r = validRow()
	r.KPJ = "1.23457E+10"
	v = Judge(r, Context{Today: ruleToday, CompanyNPP: "NN000001", Mode: ModeCreate}, Lookup{DuplicateOf: 1})
	want := Issues{{CodeSpreadsheetNumber, ColKPJ, ""}, {CodeDuplicateInFile, ColNIK, "1"}}
	if diff := cmp.Diff(want, v.Issues); diff != "" {
		t.Errorf("duplicate of a row with a damaged KPJ (-want +got):\n%s", diff)
	}
}

func TestDuplicateKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		" 3171011508800001 ": "3171011508800001", "3.17101E+15": "", " 3,17101E+15": "", "": "", "12345678901": "12345678901",
	} {
		if got := DuplicateKey(in); got != want {
			t.Errorf("DuplicateKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNumberText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		raw  string
		col  Column
		want string
	}{
		{"23012345678", ColKPJ, "23012345678"},
		{"2.3012345678E+10", ColKPJ, "23012345678"},
		{"14", ColBankCode, "14"},
		{"14.0", ColBankCode, "14"},
		{"81234567890", ColPhone, "81234567890"},
		{"1234567890123456", ColBankAccount, "1.234567890123456E+15"},
		{"123456789012345", ColBankAccount, "123456789012345"},
		{"3171011708850001", ColNIK, "3.171011708850001E+15"},
		{"3.17101170885E+15", ColNIK, "3.17101170885E+15"},
		{"92542943407000", ColNPWP, "9.2542943407E+13"},
		{"3171011708850001", ColEmail, "3171011708850001"},
		{"1.5", ColBankAccount, "1.5"},
		{"0.30000000000000004", "", "0.3"},
		{"-42", "", "-42"},
		{"0", ColKPJ, "0"},
		{"1E+20", "", "100000000000000000000"},
		{"abc", "", "abc"},
	} {
		if got := numberText(tt.raw, tt.col); got != tt.want {
			t.Errorf("numberText(%q, %s) = %q, want %q", tt.raw, tt.col, got, tt.want)
		}
	}
}

func TestSerialDate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		raw      string
		date1904 bool
		want     string
		ok       bool
	}{
		{"31276", false, "1985-08-17", true},
		{"46296", false, "2026-10-01", true},
		{"46296.99999", false, "2026-10-01", true},
		{"1", false, "1900-01-01", true},
		{"59", false, "1900-02-28", true},
		{"60", false, "", false},
		{"61", false, "1900-03-01", true},
		{"0", false, "", false},
		{"29814", true, "1985-08-17", true},
		{"x", false, "", false},
	} {
		got, ok := serialDate(tt.raw, tt.date1904)
		if got != tt.want || ok != tt.ok {
			t.Errorf("serialDate(%q, %v) = %q, %v; want %q, %v", tt.raw, tt.date1904, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDateFormatCode(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{
		"dd/mm/yyyy": true, "d-mmm-yy": true, "[$-421]dd mmmm yyyy": true, "yyyy-mm-dd h:mm": true,
		"General": false, "0": false, "@": false, "h:mm:ss": false, "[h]:mm": false, `"day "0`: false,
		`0\d`: false, "#,##0.00": false, "[Red]0": false,
	} {
		if got := dateFormatCode(code); got != want {
			t.Errorf("dateFormatCode(%q) = %v, want %v", code, got, want)
		}
	}
}
