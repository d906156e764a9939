package batch

import (
	"strings"
	"unicode"
)

// Column is the canonical name of a column of the batch file (CONTRACT.md §1).
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

// Columns lists every column in template order.
var Columns = []ColumnSpec{
	{ColKPJ, []string{"no_kpj", "nomor_kpj"}, true},
	{ColNIK, []string{"no_ktp", "nomor_nik", "nomor_ktp"}, true},
	{ColFullName, []string{"nama", "nama_lengkap"}, true},
	{ColBirthDate, []string{"tanggal_lahir", "tgl_lahir"}, true},
	{ColTerminationDate, []string{"tanggal_berhenti", "tgl_berhenti", "tanggal_phk"}, true},
	{ColReason, []string{"alasan", "alasan_berhenti"}, true},
	{ColBankCode, []string{"kode_bank"}, true},
	{ColBankAccount, []string{"no_rekening", "nomor_rekening"}, true},
	{ColAccountName, []string{"nama_rekening", "nama_pemilik_rekening"}, true},
	{ColPhone, []string{"no_hp", "nomor_hp", "telepon"}, true},
	{ColEmail, []string{"surel"}, false},
	{ColNPWP, nil, false},
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
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
}
