package batch

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lang is a message language.
type Lang string

// Supported languages; Bahasa Indonesia is the default.
const (
	LangID Lang = "id"
	LangEN Lang = "en"
)

// ParseLang picks the message language from an Accept-Language header: the
// supported language the client ranks highest, Bahasa Indonesia when it
// names neither.
func ParseLang(acceptLanguage string) Lang {
	best, bestQ := LangID, 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
		lang := Lang(strings.ToLower(primary))
		if lang != LangID && lang != LangEN {
			continue
		}
		if q := quality(params); q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// quality returns the q weight in the parameters of an Accept-Language
// entry, 1 when it has none.
func quality(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.TrimSpace(k) == "q" {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || q < 0 {
				return 0
			}
			return q
		}
	}
	return 1
}

// Message renders the issue in lang: the column, then the rule broken, with
// the issue's argument (an earlier line, a usual length) where the rule has
// one. Columns are named by their labels ("Nama Lengkap"). Messages never
// carry personal data.
func (i Issue) Message(lang Lang) string {
	return i.message(lang, nil)
}

// message renders the issue naming every column by the header it was
// uploaded under (names), or by its label when the upload has none: never
// by the internal name. Rule texts name other columns as {column}.
func (i Issue) message(lang Lang, names map[Column]string) string {
	name := func(c Column) string {
		if n := names[c]; n != "" {
			return n
		}
		return c.Label(lang)
	}
	body := nameColumns(render(i.Code, i.Arg, lang), name)
	if i.Column == "" {
		return capitalize(body)
	}
	if lang == LangEN {
		return "Column " + name(i.Column) + ": " + body
	}
	return "Kolom " + name(i.Column) + ": " + body
}

// nameColumns replaces each {column} in a message text with name(column).
func nameColumns(s string, name func(Column) string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	for _, spec := range Columns {
		s = strings.ReplaceAll(s, "{"+string(spec.Name)+"}", name(spec.Name))
	}
	return s
}

// Message renders a file-level detail in lang: where it is (line, column as
// uploaded), what is wrong, and the detail's value where the code has one.
// A column the upload has no header for (a missing one) is named by its
// label, and a suggested column is offered.
func (d Detail) Message(lang Lang) string {
	value := d.Value
	if d.Code == CodeHeaderDuplicateColumn {
		value = Column(value).Label(lang)
	}
	body := render(d.Code, value, lang)
	if d.Suggestion != "" {
		body += fmt.Sprintf(pick(lang, " Mungkin maksudnya kolom %s?", " Did you mean %s?"), d.Suggestion.Label(lang))
	}
	column := d.Column
	if d.Code == CodeHeaderMissingColumn {
		column = Column(column).Label(lang)
	}
	var where string
	switch {
	case d.Line > 0 && column != "":
		where = fmt.Sprintf(pick(lang, "Baris %d, kolom %q: ", "Line %d, column %q: "), d.Line, column)
	case d.Line > 0:
		where = fmt.Sprintf(pick(lang, "Baris %d: ", "Line %d: "), d.Line)
	case column != "":
		where = fmt.Sprintf(pick(lang, "Kolom %q: ", "Column %q: "), column)
	default:
		return capitalize(body)
	}
	return where + body
}

// Describe returns a one-line description of any code, for documentation and
// user interfaces.
func Describe(c Code, lang Lang) string {
	return capitalize(render(c, "", lang))
}

// render returns the lower-case message body of code c with its argument.
// An argument the code's text has no place for is shown in parentheses, so
// that no detail a caller chose to give is lost.
func render(c Code, arg string, lang Lang) string {
	t, known := catalogue[c]
	if !known {
		if arg == "" {
			return string(c)
		}
		return string(c) + ": " + arg
	}
	if arg == "" {
		return pick(lang, t.id, t.en)
	}
	tmpl := pick(lang, t.idArg, t.enArg)
	switch strings.Count(tmpl, "%s") {
	case 1:
		return fmt.Sprintf(tmpl, arg)
	case 2:
		if a, b, ok := strings.Cut(arg, "/"); ok {
			return fmt.Sprintf(tmpl, a, b)
		}
	}
	return strings.TrimSuffix(pick(lang, t.id, t.en), ".") + " (" + arg + ")."
}

// pick returns the text in lang, Bahasa Indonesia unless lang is English.
func pick(lang Lang, id, en string) string {
	if lang == LangEN {
		return en
	}
	return id
}

// capitalize upper-cases the first letter of a message that starts a sentence.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// AllCodes lists every code of CONTRACT.md §2: file-level errors, row errors,
// then warnings.
var AllCodes = []Code{
	CodeFileEmpty, CodeFileTooLarge, CodeTooManyRows, CodeFileEncoding, CodeCSVSyntax,
	CodeHeaderMissingColumn, CodeHeaderUnknownColumn, CodeHeaderDuplicateColumn,
	CodeNoDataRows, CodeDuplicateFile,

	CodeFieldCount, CodeRequired, CodeKPJFormat, CodeNIKFormat, CodeNameFormat,
	CodeDateFormat, CodeBirthDateRange, CodeTerminationInFuture, CodeReasonUnknown, CodeReasonNotCollective,
	CodeBankCodeUnknown, CodeBankAccountFormat, CodeAccountNameMismatch, CodePhoneFormat,
	CodeEmailFormat, CodeNPWPFormat, CodeDuplicateInFile, CodeParticipantNotFound,
	CodeParticipantOtherCompany, CodeParticipantNIKMismatch, CodeParticipantNameMismatch,
	CodeTerminationBeforeMembership, CodeBalanceEmpty, CodeClaimAlreadyActive,
	CodeSpreadsheetNumber,

	CodeNIKBirthDateMismatch, CodeBankAccountLengthUnusual, CodeRetirementAgeUnder56,
	CodeLeadingZeroRestored,
}

// text is the message of one code in both languages: without an argument,
// and with one (%s; FIELD_COUNT takes two, given as "a/b").
type text struct{ id, en, idArg, enArg string }

// catalogue holds the message of every code. Bodies start in lower case:
// Issue.Message puts a column in front, and capitalize makes the others
// sentences.
var catalogue = map[Code]text{
	CodeFileEmpty: {
		"berkas kosong.", "the file is empty.", "", ""},
	CodeFileTooLarge: {
		"berkas terlalu besar.", "the file is too large.",
		"berkas terlalu besar (batas %s byte).", "the file is too large (limit %s bytes)."},
	CodeTooManyRows: {
		"berkas berisi terlalu banyak baris data.", "the file has too many data rows.",
		"berkas berisi terlalu banyak baris data (batas %s baris).", "the file has too many data rows (limit %s rows)."},
	CodeFileEncoding: {
		"pengodean berkas tidak dapat dibaca; simpan sebagai CSV UTF-8 atau buku kerja Excel .xlsx.",
		"the file's encoding cannot be read; save it as CSV UTF-8 or as an Excel .xlsx workbook.",
		"pengodean berkas tidak dapat dibaca (%s); simpan sebagai CSV UTF-8 atau buku kerja Excel .xlsx.",
		"the file's encoding cannot be read (%s); save it as CSV UTF-8 or as an Excel .xlsx workbook."},
	CodeCSVSyntax: {
		"sintaks CSV tidak valid.", "invalid CSV syntax.",
		"sintaks CSV tidak valid: %s.", "invalid CSV syntax: %s."},
	CodeHeaderMissingColumn: {
		"kolom wajib tidak ada di baris header.", "a required column is missing from the header.",
		"kolom wajib %s tidak ada di baris header.", "the required column %s is missing from the header."},
	CodeHeaderUnknownColumn: {
		"kolom tidak dikenal di baris header; periksa ejaan nama kolom.",
		"unknown column in the header; check the spelling of the column name.",
		"kolom %s tidak dikenal; periksa ejaan nama kolom.", "unknown column %s; check the spelling of the column name."},
	CodeHeaderDuplicateColumn: {
		"kolom muncul lebih dari sekali di baris header.", "a column appears more than once in the header.",
		"kolom %s muncul lebih dari sekali di baris header.", "the column %s appears more than once in the header."},
	CodeNoDataRows: {
		"berkas tidak berisi baris data, hanya header.", "the file has no data rows, only a header.", "", ""},
	CodeDuplicateFile: {
		"berkas yang sama persis sudah diunggah dan diproses sebelumnya.",
		"the exact same file was already uploaded and processed.",
		"berkas yang sama persis sudah diunggah sebelumnya (batch %s).",
		"the exact same file was already uploaded (batch %s)."},

	CodeFieldCount: {
		"jumlah kolom baris ini tidak sama dengan header.",
		"this row has a different number of fields than the header.",
		"baris ini berisi %s kolom, sedangkan header berisi %s kolom.",
		"this row has %s fields but the header has %s."},
	CodeRequired: {
		"wajib diisi.", "a value is required.", "", ""},
	CodeKPJFormat: {
		"nomor KPJ harus 11 digit angka.", "the KPJ number must be 11 digits.", "", ""},
	CodeNIKFormat: {
		"NIK harus 16 digit angka dengan kode provinsi, tanggal lahir, dan nomor urut yang valid.",
		"the NIK must be 16 digits with a valid province code, birth date and serial number.", "", ""},
	CodeNameFormat: {
		"nama harus 2–100 karakter berupa huruf, spasi, atau tanda ' . , -.",
		"the name must be 2–100 characters: letters, spaces and ' . , -.", "", ""},
	CodeDateFormat: {
		"tanggal tidak valid; gunakan format " + dateFormats + ".",
		"not a valid date; use " + dateFormats + ".",
		"tanggal tidak valid; gunakan format %s.", "not a valid date; use %s."},
	CodeBirthDateRange: {
		"umur pada tanggal berhenti harus 15–100 tahun.",
		"the age at the termination date must be 15–100 years.",
		"umur pada tanggal berhenti adalah %s tahun; harus 15–100 tahun.",
		"the age at the termination date is %s years; it must be 15–100."},
	CodeTerminationInFuture: {
		"tanggal berhenti tidak boleh setelah tanggal proses.",
		"the termination date must not be after the processing date.",
		"tanggal berhenti tidak boleh setelah tanggal proses (%s).",
		"the termination date must not be after the processing date (%s)."},
	CodeReasonUnknown: {
		"alasan tidak dikenal; gunakan PHK, RESIGN (MENGUNDURKAN DIRI), CONTRACT_END (KONTRAK BERAKHIR) atau RETIREMENT (PENSIUN).",
		"unknown reason; use PHK, RESIGN (MENGUNDURKAN DIRI), CONTRACT_END (KONTRAK BERAKHIR) or RETIREMENT (PENSIUN).", "", ""},
	CodeReasonNotCollective: {
		"alasan ini (meninggal dunia, cacat total tetap, atau meninggalkan Indonesia) adalah dasar klaim JHT, tetapi tidak melalui klaim kolektif perusahaan: ahli waris atau peserta mengajukannya sendiri di kantor cabang atau secara daring dengan dokumennya sendiri.",
		"this reason (death, permanent total disability, or leaving Indonesia) is a JHT ground, but not for the company's collective claim: the participant or the heirs claim it individually at a branch office or online, with their own documents.", "", ""},
	CodeBankCodeUnknown: {
		"kode bank harus salah satu kode bank 3 digit yang diterima.",
		"the bank code must be one of the accepted 3-digit bank codes.", "", ""},
	CodeBankAccountFormat: {
		"nomor rekening harus 6–20 digit angka (spasi, - dan . diabaikan).",
		"the account number must be 6–20 digits (spaces, - and . are ignored).", "", ""},
	CodeAccountNameMismatch: {
		"nama pemilik rekening tidak sama dengan kolom {full_name}; rekening harus atas nama peserta sendiri.",
		"the account holder's name does not match the column {full_name}; the account must be in the claimant's own name.", "", ""},
	CodePhoneFormat: {
		"nomor HP harus nomor seluler Indonesia 08…, +628… atau 628… (10–13 digit).",
		"the phone must be an Indonesian mobile number 08…, +628… or 628… (10–13 digits).", "", ""},
	CodeEmailFormat: {
		"alamat email tidak valid.", "not a valid e-mail address.", "", ""},
	CodeNPWPFormat: {
		"NPWP harus 15 digit dengan digit pemeriksa yang benar, atau 16 digit (NIK, atau 0 + NPWP 15 digit).",
		"the NPWP must be 15 digits with a correct check digit, or 16 digits (a NIK, or 0 + the 15-digit NPWP).", "", ""},
	CodeDuplicateInFile: {
		"KPJ atau NIK sama dengan baris sebelumnya; hanya kemunculan pertama yang diproses.",
		"same KPJ or NIK as an earlier row; only the first occurrence is processed.",
		"KPJ atau NIK sama dengan baris %s berkas; hanya kemunculan pertama yang diproses.",
		"same KPJ or NIK as line %s of the file; only the first occurrence is processed."},
	CodeParticipantNotFound: {
		"KPJ tidak terdaftar sebagai peserta.", "the KPJ is not a registered participant.", "", ""},
	CodeParticipantOtherCompany: {
		"peserta tidak terdaftar pada perusahaan (NPP) Anda.",
		"the participant is not registered with your company (NPP).", "", ""},
	CodeParticipantNIKMismatch: {
		"NIK tidak sama dengan NIK peserta di data kepesertaan.",
		"the NIK differs from the participant's NIK in the registry.", "", ""},
	CodeParticipantNameMismatch: {
		"nama tidak sama dengan nama peserta di data kepesertaan.",
		"the name does not match the participant's name in the registry.", "", ""},
	CodeTerminationBeforeMembership: {
		"tanggal berhenti sebelum tanggal mulai kepesertaan.",
		"the termination date is before the start of membership.",
		"tanggal berhenti sebelum tanggal mulai kepesertaan (%s).",
		"the termination date is before the start of membership (%s)."},
	CodeBalanceEmpty: {
		"saldo JHT peserta kosong; tidak ada yang dapat dibayarkan.",
		"the participant's JHT balance is empty; there is nothing to pay.", "", ""},
	CodeClaimAlreadyActive: {
		"peserta sudah memiliki klaim JHT yang masih aktif (WAITING atau READY).",
		"the participant already has an active JHT claim (WAITING or READY).", "", ""},

	CodeSpreadsheetNumber: {
		"angka ini diubah oleh Excel menjadi notasi ilmiah (mis. 3,17101E+15) dan digit terakhirnya hilang. Di Excel, pilih kolom ini, klik kanan → Format Cells → Text, lalu ketik ulang nomornya lengkap dan simpan lagi.",
		"a spreadsheet turned this number into scientific notation (e.g. 3.17101E+15) and lost its last digits. In Excel, select this column, right-click → Format Cells → Text, then type the full number again and save.", "", ""},

	CodeNIKBirthDateMismatch: {
		"tanggal lahir dalam NIK tidak sama dengan kolom {birth_date} (peringatan).",
		"the birth date in the NIK differs from the column {birth_date} (warning).", "", ""},
	CodeBankAccountLengthUnusual: {
		"panjang nomor rekening tidak biasa untuk bank ini (peringatan).",
		"the account number has an unusual length for this bank (warning).",
		"nomor rekening bank ini biasanya %s digit (peringatan).",
		"account numbers of this bank usually have %s digits (warning)."},
	CodeRetirementAgeUnder56: {
		"alasan pensiun, tetapi umur pada tanggal berhenti di bawah 56 tahun (peringatan; peraturan perusahaan boleh menetapkan usia pensiun lebih rendah).",
		"retirement, but the age at the termination date is under 56 (warning; company rules may set a lower retirement age).",
		"alasan pensiun, tetapi umur pada tanggal berhenti %s tahun, di bawah 56 (peringatan; peraturan perusahaan boleh menetapkan usia pensiun lebih rendah).",
		"retirement, but the age at the termination date is %s, under 56 (warning; company rules may set a lower retirement age)."},

	CodeNotACheckedBatch: {
		"hanya batch pemeriksaan (mode validate) yang sudah selesai yang dapat dijadikan klaim.",
		"only a finished validate-only batch (a check) can be turned into claims.",
		"hanya batch pemeriksaan (mode validate) yang sudah selesai yang dapat dijadikan klaim (batch ini: %s).",
		"only a finished validate-only batch (a check) can be turned into claims (this batch: %s)."},
	CodeMappingJSON: {
		"parameter mapping harus objek JSON dari nama kolom di berkas ke nama kolom kontrak (misalnya {\"Nama Karyawan\":\"full_name\"}) atau null, dengan setiap nama kolom berkas sekali.",
		"the mapping parameter must be a JSON object from a header name of the file to a contract column (e.g. {\"Nama Karyawan\":\"full_name\"}) or null, each header name once.", "", ""},
	CodeMappingUnknownColumn: {
		"parameter mapping menunjuk kolom yang tidak ada; gunakan kpj, nik, full_name, birth_date, termination_date, reason, bank_code, bank_account, account_name, phone, email, npwp atau null.",
		"the mapping names a column that does not exist; use kpj, nik, full_name, birth_date, termination_date, reason, bank_code, bank_account, account_name, phone, email, npwp or null.",
		"parameter mapping menunjuk kolom \"%s\" yang tidak ada; gunakan kpj, nik, full_name, birth_date, termination_date, reason, bank_code, bank_account, account_name, phone, email, npwp atau null.",
		"the mapping names the column \"%s\", which does not exist; use kpj, nik, full_name, birth_date, termination_date, reason, bank_code, bank_account, account_name, phone, email, npwp or null."},
	CodeLeadingZeroRestored: {
		"angka 0 di depan yang dihapus Excel dikembalikan (peringatan; format kolom sebagai Text agar tidak terulang).",
		"the leading 0 that a spreadsheet dropped was put back (warning; format the column as Text so it does not happen again).", "", ""},

	// Not CONTRACT codes: the detail of NotFound (errors.go), and what the
	// operator commands (company create, participants import) report.
	CodeSheetNotFound: {
		"buku kerja tidak memiliki lembar kerja dengan nama itu.", "the workbook has no worksheet of that name.",
		"buku kerja tidak memiliki lembar kerja bernama %s; lembar yang ada: %s.", "the workbook has no worksheet named %s; its sheets are: %s."},
	"not_found": {
		"tidak ditemukan.", "not found.", "%s tidak ditemukan.", "%s was not found."},
	"COMPANY_EXISTS": {
		"perusahaan dengan NPP ini sudah terdaftar.", "a company with this NPP is already registered.",
		"perusahaan dengan NPP %s sudah terdaftar.", "a company with NPP %s is already registered."},
	"NPP_FORMAT": {
		"NPP harus 8 karakter huruf atau angka.", "the NPP must be 8 letters or digits.",
		"NPP harus 8 karakter huruf atau angka (diterima: \"%s\").", "the NPP must be 8 letters or digits (got \"%s\")."},
	"WEBHOOK_URL": {
		"URL webhook harus http:// atau https:// dengan nama host.", "the webhook URL must be http:// or https:// with a host name.", "", ""},
	"BALANCE_FORMAT": {
		"saldo JHT harus bilangan bulat rupiah, tidak negatif.", "the JHT balance must be a whole number of rupiah, not negative.", "", ""},
}
