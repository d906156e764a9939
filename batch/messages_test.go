package batch

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAllCodes(t *testing.T) {
	t.Parallel()
	seen := map[Code]bool{}
	warnings := 0
	for _, c := range AllCodes {
		if seen[c] {
			t.Errorf("AllCodes lists %s twice", c)
		}
		seen[c] = true
		if c.IsWarning() {
			warnings++
		}
	}
	// The contract's 10 file-level errors, 23 row errors, 3 warnings, and
	// of the real-HR-files rules the row errors SPREADSHEET_NUMBER and
	// REASON_NOT_COLLECTIVE and the warning LEADING_ZERO_RESTORED.
	if len(AllCodes) != 39 || warnings != 4 {
		t.Errorf("AllCodes has %d codes, %d warnings; want 39, 4", len(AllCodes), warnings)
	}
	operatorCodes := map[Code]bool{CodeNotFound: true, "COMPANY_EXISTS": true, "NPP_FORMAT": true, "BALANCE_FORMAT": true, "WEBHOOK_URL": true,
		CodeSheetNotFound: true, CodeNotACheckedBatch: true, CodeMappingJSON: true, CodeMappingUnknownColumn: true}
	for c := range catalogue {
		if !seen[c] && !operatorCodes[c] {
			t.Errorf("catalogue has %s, which AllCodes lacks", c)
		}
	}
}

// describe is the one-line description of a code, without argument.
func describe(c Code, lang Lang) string { return capitalize(render(c, "", lang)) }

func TestEveryCodeHasMessages(t *testing.T) {
	t.Parallel()
	for _, c := range AllCodes {
		id, en := describe(c, LangID), describe(c, LangEN)
		if id == "" || en == "" || id == en || id == string(c) || en == string(c) {
			t.Errorf("Describe(%s) = %q / %q, want distinct texts in id and en", c, id, en)
		}
		for _, s := range []string{id, en} {
			if first := []rune(s)[0]; strings.ToUpper(string(first)) != string(first) || !strings.HasSuffix(s, ".") {
				t.Errorf("Describe(%s) = %q, want a sentence", c, s)
			}
		}
		t2 := catalogue[c]
		if (t2.idArg == "") != (t2.enArg == "") || strings.Count(t2.idArg, "%s") != strings.Count(t2.enArg, "%s") {
			t.Errorf("catalogue[%s] has arguments in one language only", c)
		}
	}
}

func TestIssueMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		issue  Issue
		id, en string
	}{
		{Issue{Code: CodeKPJFormat, Column: ColKPJ},
			"Kolom Nomor KPJ: nomor KPJ harus 11 digit angka.", "Column Nomor KPJ (KPJ Number): the KPJ number must be 11 digits."},
		{Issue{Code: CodeDuplicateInFile, Column: ColKPJ, Arg: "3"},
			"Kolom Nomor KPJ: KPJ atau NIK sama dengan baris 3 berkas; hanya kemunculan pertama yang diproses.",
			"Column Nomor KPJ (KPJ Number): same KPJ or NIK as line 3 of the file; only the first occurrence is processed."},
		{Issue{Code: CodeBankAccountLengthUnusual, Column: ColBankAccount, Arg: "10"},
			"Kolom Nomor Rekening: nomor rekening bank ini biasanya 10 digit (peringatan).",
			"Column Nomor Rekening (Bank Account Number): account numbers of this bank usually have 10 digits (warning)."},
		{Issue{Code: CodeAccountNameMismatch, Column: ColAccountName},
			"Kolom Nama Pemilik Rekening: nama pemilik rekening tidak sama dengan kolom Nama Lengkap; rekening harus atas nama peserta sendiri.",
			"Column Nama Pemilik Rekening (Account Holder Name): the account holder's name does not match the column Nama Lengkap (Full Name); the account must be in the claimant's own name."},
		{Issue{Code: CodeNIKBirthDateMismatch, Column: ColNIK},
			"Kolom NIK: tanggal lahir dalam NIK tidak sama dengan kolom Tanggal Lahir (peringatan).",
			"Column NIK: the birth date in the NIK differs from the column Tanggal Lahir (Birth Date) (warning)."},
		{Issue{Code: CodeFieldCount, Arg: "11/12"},
			"Baris ini berisi 11 kolom, sedangkan header berisi 12 kolom.",
			"This row has 11 fields but the header has 12."},
		{Issue{Code: CodeDateFormat, Column: ColBirthDate, Arg: dateFormats},
			"Kolom Tanggal Lahir: tanggal tidak valid; gunakan format " + dateFormats + ".",
			"Column Tanggal Lahir (Birth Date): not a valid date; use " + dateFormats + "."},
		{Issue{Code: CodeRequired, Column: ColPhone},
			"Kolom Nomor HP: wajib diisi.", "Column Nomor HP (Mobile Phone): a value is required."},
		{Issue{Code: CodeKPJFormat, Column: ColKPJ, Arg: "x"}, // an argument the text has no place for
			"Kolom Nomor KPJ: nomor KPJ harus 11 digit angka (x).", "Column Nomor KPJ (KPJ Number): the KPJ number must be 11 digits (x)."},
		{Issue{Code: "SOMETHING_NEW", Column: ColKPJ},
			"Kolom Nomor KPJ: SOMETHING_NEW", "Column Nomor KPJ (KPJ Number): SOMETHING_NEW"},
	}
	for _, tt := range tests {
		got := []string{tt.issue.Message(LangID), tt.issue.Message(LangEN)}
		if diff := cmp.Diff([]string{tt.id, tt.en}, got); diff != "" {
			t.Errorf("%v.Message (-want +got):\n%s", tt.issue, diff)
		}
	}
}

func TestDetailMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d      Detail
		id, en string
	}{
		{Detail{Code: CodeFileEmpty}, "Berkas kosong.", "The file is empty."},
		{Detail{Code: CodeCSVSyntax, Line: 7, Value: `extraneous " in field`},
			`Baris 7: sintaks CSV tidak valid: extraneous " in field.`, `Line 7: invalid CSV syntax: extraneous " in field.`},
		{Detail{Code: CodeHeaderUnknownColumn, Line: 1, Column: "nmaa"},
			`Baris 1, kolom "nmaa": kolom tidak dikenal di baris header; periksa ejaan nama kolom.`,
			`Line 1, column "nmaa": unknown column in the header; check the spelling of the column name.`},
		{Detail{Code: CodeHeaderUnknownColumn, Line: 1, Column: "Nama Karyawan Lengkap", Suggestion: ColFullName},
			`Baris 1, kolom "Nama Karyawan Lengkap": kolom tidak dikenal di baris header; periksa ejaan nama kolom. Mungkin maksudnya kolom Nama Lengkap?`,
			`Line 1, column "Nama Karyawan Lengkap": unknown column in the header; check the spelling of the column name. Did you mean Nama Lengkap (Full Name)?`},
		{Detail{Code: CodeHeaderMissingColumn, Column: "termination_date"},
			`Kolom "Tanggal Berhenti": kolom wajib tidak ada di baris header.`, `Column "Tanggal Berhenti (Termination Date)": a required column is missing from the header.`},
		{Detail{Code: CodeHeaderDuplicateColumn, Line: 1, Column: "Nama", Value: "full_name"},
			`Baris 1, kolom "Nama": kolom Nama Lengkap muncul lebih dari sekali di baris header.`,
			`Line 1, column "Nama": the column Nama Lengkap (Full Name) appears more than once in the header.`},
		{Detail{Code: CodeTooManyRows, Value: "200000"},
			"Berkas berisi terlalu banyak baris data (batas 200000 baris).", "The file has too many data rows (limit 200000 rows)."},
		{Detail{Code: CodeDuplicateFile, Value: "b-42"},
			"Berkas yang sama persis sudah diunggah sebelumnya (batch b-42).", "The exact same file was already uploaded (batch b-42)."},
		{Detail{Code: CodeNotFound, Value: "batch"}, "Batch tidak ditemukan.", "Batch was not found."},
		{Detail{Code: "conflict", Value: "x"}, "Conflict: x", "Conflict: x"},
	}
	for _, tt := range tests {
		got := []string{tt.d.Message(LangID), tt.d.Message(LangEN)}
		if diff := cmp.Diff([]string{tt.id, tt.en}, got); diff != "" {
			t.Errorf("%+v.Message (-want +got):\n%s", tt.d, diff)
		}
	}
}

func TestParseLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Lang
	}{
		{"", LangID},
		{"en", LangEN},
		{"EN", LangEN},
		{"en-US,en;q=0.9", LangEN},
		{"en-GB", LangEN},
		{"id", LangID},
		{"id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7", LangID},
		{"fr-FR,fr;q=0.9,en;q=0.8", LangEN},
		{"en;q=0.5,id;q=0.8", LangID},
		{"en;q=0", LangID},
		{"en;q=bad", LangID},
		{"de", LangID},
		{"*", LangID},
		{"english", LangID},
	}
	for _, tt := range tests {
		if got := ParseLang(tt.in); got != tt.want {
			t.Errorf("ParseLang(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestCodesDoc keeps the documentation in step with AllCodes: every code
// has a row in docs/codes.md and is named in the README's list of codes.
func TestCodesDoc(t *testing.T) {
	t.Parallel()
	table, err := os.ReadFile("../docs/codes.md")
	if err != nil {
		t.Fatalf("read docs/codes.md: %v", err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("read README.md: %v", err)
	}
	for _, c := range AllCodes {
		if !strings.Contains(string(table), "| `"+string(c)+"` |") {
			t.Errorf("docs/codes.md has no row for %s", c)
		}
		if !strings.Contains(string(readme), "`"+string(c)+"`") {
			t.Errorf("README.md does not name %s in its list of codes", c)
		}
	}
}
