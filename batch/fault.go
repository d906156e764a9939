package batch

import "fmt"

// FaultKind names what is wrong with the bytes or the quoting of a file:
// the structured reason of a FILE_ENCODING or CSV_SYNTAX detail.
type FaultKind string

// Fault kinds.
const (
	FaultNULByte        FaultKind = "nul_byte"
	FaultNULCharacter   FaultKind = "nul_character"
	FaultInvalidUTF8    FaultKind = "invalid_utf8"
	FaultOddUTF16       FaultKind = "odd_utf16"
	FaultLegacyWorkbook FaultKind = "legacy_workbook"
	FaultNotAWorkbook   FaultKind = "not_a_workbook"
	FaultBareQuote      FaultKind = "bare_quote"
	FaultQuote          FaultKind = "quote"
	FaultUnclosedQuote  FaultKind = "unclosed_quote"
	FaultRecordTooLong  FaultKind = "record_too_long"
	// FaultCSV is another error of encoding/csv; Cause holds its text.
	FaultCSV FaultKind = "csv"
)

// Fault is the structured reason of a FILE_ENCODING or CSV_SYNTAX detail:
// what is wrong, where inside the record encoding/csv stopped (At, with
// Line and Column), and the limit a record broke. The detail's Value is
// its English description; its message is written in the reader's
// language from these fields, never by re-reading the English.
type Fault struct {
	Kind         FaultKind
	At           bool // Line and Column are set
	Line, Column int
	Limit        int
	Cause        string // FaultCSV: encoding/csv's own text
}

// faultTexts are the descriptions of the faults without arguments.
var faultTexts = map[FaultKind]sentence{
	FaultNULByte:        {"ada byte NUL", "NUL byte"},
	FaultNULCharacter:   {"ada karakter NUL", "NUL character"},
	FaultInvalidUTF8:    {"bukan UTF-8 yang valid", "invalid UTF-8"},
	FaultOddUTF16:       {"berkas UTF-16 dengan jumlah byte ganjil", "UTF-16 file of odd length"},
	FaultLegacyWorkbook: {"buku kerja Excel lama .xls, atau .xlsx berkata sandi", "legacy Excel .xls workbook"},
	FaultNotAWorkbook:   {"bukan buku kerja .xlsx yang dapat dibaca", "not a readable .xlsx workbook"},
	FaultBareQuote:      {`ada tanda kutip (") di dalam nilai yang tidak diawali tanda kutip`, `bare " in non-quoted-field`},
	FaultQuote:          {`tanda kutip (") berlebih atau kurang dalam nilai yang diapit tanda kutip`, `extraneous or missing " in quoted-field`},
	FaultUnclosedQuote:  {`nilai yang diawali tanda kutip (") tidak pernah ditutup`, "a quoted field is never closed"},
}

// describe returns f in lang, or "" when lang has no text for it (an
// encoding/csv error of a kind not known here stays in English).
func (f Fault) describe(lang Lang) string {
	var what string
	switch f.Kind {
	case FaultRecordTooLong:
		what = fmt.Sprintf(pick(lang, "satu baris data lebih dari %d byte", "record longer than %d bytes"), f.Limit)
	case FaultCSV:
		if lang != LangEN {
			return ""
		}
		what = f.Cause
	default:
		t, ok := faultTexts[f.Kind]
		if !ok {
			return ""
		}
		what = pick(lang, t.id, t.en)
	}
	if f.At {
		return fmt.Sprintf(pick(lang, "baris %d, karakter ke-%d: %s", "line %d, column %d: %s"), f.Line, f.Column, what)
	}
	return what
}

// faultDetail is the detail of code for fault f, its value f in English.
func faultDetail(code Code, line int, column string, f Fault) Detail {
	return Detail{Code: code, Line: line, Column: column, Value: f.describe(LangEN), Fault: f}
}
