package batch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Column is the canonical name of a column of the batch file (docs/file-format.md).
type Column string

// Canonical columns.
const (
	ColKPJ             Column = "kpj"
	ColNIK             Column = "nik"
	ColFullName        Column = "full_name"
	ColBirthDate       Column = "birth_date"
	ColTerminationDate Column = "termination_date"
	ColReason          Column = "reason"
	ColBankCode        Column = "bank_code"
	ColBankAccount     Column = "bank_account"
	ColAccountName     Column = "account_name"
	ColPhone           Column = "phone"
	ColEmail           Column = "email"
	ColNPWP            Column = "npwp"
)

// ColumnSpec describes one column: its canonical name, the other header
// names accepted for it, and whether the header must contain it.
type ColumnSpec struct {
	Name     Column
	Aliases  []string
	Required bool
}

// Columns lists every column in template order. The aliases are the
// header names HR files really use (docs "batch file"); they are compared
// after headerKey, so "No. KPJ", "no_kpj" and "NOKPJ" are one name.
var Columns = []ColumnSpec{
	{ColKPJ, []string{"no_kpj", "nomor_kpj", "nomor peserta", "no peserta", "kpj no"}, true},
	{ColNIK, []string{"no_ktp", "nomor_nik", "nomor_ktp", "no nik", "nik ktp"}, true},
	{ColFullName, []string{"nama", "nama_lengkap", "nama karyawan", "nama pegawai", "nama peserta", "nama tenaga kerja"}, true},
	{ColBirthDate, []string{"tanggal_lahir", "tgl_lahir"}, true},
	{ColTerminationDate, []string{"tanggal_berhenti", "tgl_berhenti", "tanggal_phk", "tanggal keluar", "tgl keluar",
		"tanggal resign", "tanggal akhir kerja", "tgl phk"}, true},
	{ColReason, []string{"alasan", "alasan_berhenti", "alasan phk", "alasan keluar", "sebab berhenti"}, true},
	{ColBankCode, []string{"kode_bank"}, true},
	{ColBankAccount, []string{"no_rekening", "nomor_rekening", "no rek", "rekening"}, true},
	{ColAccountName, []string{"nama_rekening", "nama_pemilik_rekening", "atas nama rekening", "atas nama", "nama di rekening"}, true},
	{ColPhone, []string{"no_hp", "nomor_hp", "telepon", "no telepon", "handphone", "no handphone", "hp", "no wa", "nomor whatsapp"}, true},
	{ColEmail, []string{"surel", "e-mail", "alamat email"}, false},
	{ColNPWP, []string{"no npwp", "nomor npwp"}, false},
}

// Layout markers for header positions that are not a column of the rules.
// Both start with '_', which no canonical name does.
const (
	// ColIgnored is a column the upload's mapping sends to null: its values
	// are kept in the raw row and shown in the report, but judged by no rule.
	ColIgnored Column = "_ignored"
	// ColReportOnly is a column only a result report has (row, outcome,
	// messages, ...): a report uploaded again is a valid batch file, and
	// these columns are neither judged nor shown again in its report.
	ColReportOnly Column = "_report"
)

// reportOnlyColumns are the columns a result report adds to the uploaded
// ones; an upload ignores them (fix and send again).
var reportOnlyColumns = []string{"row", "line", "outcome", "claim_number", "claim_status", "eligible_on",
	"gross_amount", "tax_amount", "net_amount", "error_codes", "warning_codes", "messages"}

// columnLabels are the names messages use for a column the upload has no
// header for (a missing column, a column named in a rule's text): never
// the internal name. The Indonesian label is the column's name in every
// language (it is what HR files and the template's users call it); English
// adds its translation in parentheses.
var columnLabels = map[Column][2]string{ // {Bahasa Indonesia, English}
	ColKPJ:             {"Nomor KPJ", "Nomor KPJ (KPJ Number)"},
	ColNIK:             {"NIK", "NIK"},
	ColFullName:        {"Nama Lengkap", "Nama Lengkap (Full Name)"},
	ColBirthDate:       {"Tanggal Lahir", "Tanggal Lahir (Birth Date)"},
	ColTerminationDate: {"Tanggal Berhenti", "Tanggal Berhenti (Termination Date)"},
	ColReason:          {"Alasan Berhenti", "Alasan Berhenti (Reason)"},
	ColBankCode:        {"Kode Bank", "Kode Bank (Bank Code)"},
	ColBankAccount:     {"Nomor Rekening", "Nomor Rekening (Bank Account Number)"},
	ColAccountName:     {"Nama Pemilik Rekening", "Nama Pemilik Rekening (Account Holder Name)"},
	ColPhone:           {"Nomor HP", "Nomor HP (Mobile Phone)"},
	ColEmail:           {"Email", "Email"},
	ColNPWP:            {"NPWP", "NPWP"},
}

// Label returns the human name of column c in lang ("Nama Lengkap", "Nama
// Lengkap (Full Name)"); a value that is no column comes back as it is.
func (c Column) Label(lang Lang) string {
	l, ok := columnLabels[c]
	if !ok {
		return string(c)
	}
	return pick(lang, l[0], l[1])
}

// ParseColumn returns the canonical column that name spells (case and
// everything but letters and digits ignored: "Full Name" is full_name);
// aliases are not columns here.
func ParseColumn(name string) (Column, bool) {
	k := headerKey(name)
	for _, spec := range Columns {
		if headerKey(string(spec.Name)) == k {
			return spec.Name, true
		}
	}
	return "", false
}

// Layout maps each position of an uploaded header to its canonical column.
type Layout []Column

// Index returns the position of c in the layout, or -1 when absent.
func (l Layout) Index(c Column) int {
	for i, col := range l {
		if col == c {
			return i
		}
	}
	return -1
}

// RowOf builds a Row from the raw fields of one record. Values are trimmed;
// a field missing from a short record reads as empty.
func (l Layout) RowOf(no, line int, fields []string) Row {
	r := Row{No: no, Line: line, FieldCount: len(fields), HeaderFields: len(l)}
	for i, col := range l {
		if i >= len(fields) {
			break
		}
		if p := r.field(col); p != nil {
			*p = trimSpace(fields[i])
		}
	}
	return r
}

// Value returns the trimmed value of column c.
func (r *Row) Value(c Column) string {
	if p := r.field(c); p != nil {
		return *p
	}
	return ""
}

func (r *Row) field(c Column) *string {
	switch c {
	case ColKPJ:
		return &r.KPJ
	case ColNIK:
		return &r.NIK
	case ColFullName:
		return &r.FullName
	case ColBirthDate:
		return &r.BirthDate
	case ColTerminationDate:
		return &r.TerminationDate
	case ColReason:
		return &r.Reason
	case ColBankCode:
		return &r.BankCode
	case ColBankAccount:
		return &r.BankAccount
	case ColAccountName:
		return &r.AccountName
	case ColPhone:
		return &r.Phone
	case ColEmail:
		return &r.Email
	case ColNPWP:
		return &r.NPWP
	}
	return nil
}

// trimSpace trims white space, including the no-break space and the
// zero-width characters spreadsheets leave behind.
func trimSpace(s string) string {
	// Most values start and end with an ASCII character that is not
	// space: nothing to trim, and no rune to decode (the general form was
	// a tenth of judging a row).
	if s == "" || (asciiSolid(s[0]) && asciiSolid(s[len(s)-1])) {
		return s
	}
	return trimSpaceRunes(s)
}

// asciiSolid reports whether c is an ASCII byte that is not white space.
func asciiSolid(c byte) bool {
	return c < utf8.RuneSelf && c != ' ' && (c < '\t' || c > '\r')
}

// trimSpaceRunes is trimSpace of any string.
func trimSpaceRunes(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
}
