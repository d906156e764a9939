package api

import (
	"fmt"
	"regexp"
	"strings"

	"jhtbatch/batch"
)

// Codes the store returns that the domain's catalogue does not describe.
const (
	codeIdempotencyKeyReused batch.Code = "IDEMPOTENCY_KEY_REUSED"
	codeBatchFinished        batch.Code = "BATCH_FINISHED"
	codeCursorInvalid        batch.Code = "CURSOR_INVALID"
	codeReportPurged         batch.Code = "REPORT_PURGED"
)

// apiText is the message of a code in both languages; %s, where present,
// takes the detail's column (a parameter or header name).
type apiText struct{ id, en string }

// apiMessages holds the messages of the codes the HTTP layer and the store
// add to the domain's; batch.Detail.Message renders all others.
var apiMessages = map[batch.Code]apiText{
	codeUnauthorized: {
		"Kunci API tidak ada, tidak dikenal, atau sudah dicabut. Kirim header Authorization: Bearer <kunci API>.",
		"The API key is missing, unknown or revoked. Send the header Authorization: Bearer <API key>."},
	codeInvalidParameter: {
		"Parameter %s tidak valid.", "The parameter %s is invalid."},
	codeBatchNotFinished: {
		"Batch belum selesai diproses; laporan tersedia setelah selesai.",
		"The batch has not finished processing; the report is available once it has."},
	codeMethodNotAllowed: {
		"Metode HTTP ini tidak didukung untuk alamat ini; lihat header Allow.",
		"This HTTP method is not supported for this path; see the Allow header."},
	codeInternal: {
		"Terjadi kesalahan di server. Silakan coba lagi nanti.",
		"Something went wrong on the server. Please try again later."},
	codeIdempotencyKeyReused: {
		"Idempotency-Key ini sudah dipakai untuk berkas atau mode lain; gunakan kunci baru untuk unggahan baru.",
		"This Idempotency-Key was already used for another file or mode; use a new key for a new upload."},
	codeBatchFinished: {
		"Batch sudah selesai dan tidak dapat dibatalkan.",
		"The batch has already finished and cannot be cancelled."},
	codeCursorInvalid: {
		"Parameter cursor tidak valid; gunakan next_cursor dari halaman sebelumnya.",
		"The cursor parameter is invalid; use next_cursor from the previous page."},
	"DATABASE_UNAVAILABLE": {
		"Basis data sedang tidak dapat dihubungi. Silakan coba lagi sebentar lagi; tidak ada yang disimpan.",
		"The database cannot be reached right now. Please try again shortly; nothing was stored."},
	codeReportPurged: {
		"Data baris batch ini sudah dihapus sesuai masa retensi; laporan tidak tersedia lagi.",
		"The rows of this batch were removed after the retention period; the report is no longer available."},
}

// detailMessage renders d in lang: with the API's own text for the codes
// above, else with the domain's catalogue.
func detailMessage(d batch.Detail, lang batch.Lang) string {
	t, ok := apiMessages[d.Code]
	if !ok {
		return localValue(d, lang).Message(lang)
	}
	msg := t.id
	if lang == batch.LangEN {
		msg = t.en
	}
	if strings.Contains(msg, "%s") {
		return fmt.Sprintf(msg, d.Column)
	}
	return msg
}

// valueTextID is Bahasa Indonesia for the descriptions that the upload's
// inspection and the decoder give, in English, as the value of a
// FILE_ENCODING or CSV_SYNTAX detail. The JSON value keeps the English; the
// message is all in the caller's language.
var valueTextID = map[string]string{
	`bare " in non-quoted-field`:              `ada tanda kutip (") di dalam nilai yang tidak diawali tanda kutip`,
	`extraneous or missing " in quoted-field`: `tanda kutip (") berlebih atau kurang dalam nilai yang diapit tanda kutip`,
	"a quoted field is never closed":          `nilai yang diawali tanda kutip (") tidak pernah ditutup`,
	"NUL byte":                                "ada byte NUL",
	"NUL character":                           "ada karakter NUL",
	"invalid UTF-8":                           "bukan UTF-8 yang valid",
	"UTF-16 file of odd length":               "berkas UTF-16 dengan jumlah byte ganjil",
	"legacy Excel .xls workbook":              "buku kerja Excel lama .xls, atau .xlsx berkata sandi",
	"not a readable .xlsx workbook":           "bukan buku kerja .xlsx yang dapat dibaca",
}

// The decoder's descriptions that carry numbers.
var (
	syntaxAtRE = regexp.MustCompile(`^line (\d+), column (\d+): (.+)$`)
	tooLongRE  = regexp.MustCompile(`^record longer than (\d+) bytes$`)
)

// localValue returns d with its value in Bahasa Indonesia when lang is not
// English and the value is one of the descriptions above; else d.
func localValue(d batch.Detail, lang batch.Lang) batch.Detail {
	if lang == batch.LangEN || (d.Code != batch.CodeCSVSyntax && d.Code != batch.CodeFileEncoding) {
		return d
	}
	if t, ok := valueTextID[d.Value]; ok {
		d.Value = t
	} else if m := syntaxAtRE.FindStringSubmatch(d.Value); m != nil && valueTextID[m[3]] != "" {
		d.Value = fmt.Sprintf("baris %s, karakter ke-%s: %s", m[1], m[2], valueTextID[m[3]])
	} else if m := tooLongRE.FindStringSubmatch(d.Value); m != nil {
		d.Value = fmt.Sprintf("satu baris data lebih dari %s byte", m[1])
	}
	return d
}
