package batch

import (
	"fmt"
	"slices"
	"strings"
)

// sentence is the message of a service code in both languages, a whole
// sentence; %s, where present, takes the detail's column (a parameter or
// header name).
type sentence struct{ id, en string }

// serviceCatalogue holds the messages of the service's own codes: those of
// the HTTP layer, the store and sign-in. Detail.Message renders the codes
// of the batch file (messages.go).
var serviceCatalogue = map[Code]sentence{
	CodeUnauthorized: {
		"Kunci API tidak ada, tidak dikenal, atau sudah dicabut. Kirim header Authorization: Bearer <kunci API>.",
		"The API key is missing, unknown or revoked. Send the header Authorization: Bearer <API key>."},
	CodeInvalidParameter: {
		"Parameter %s tidak valid.", "The parameter %s is invalid."},
	CodeBatchNotFinished: {
		"Batch belum selesai diproses; laporan tersedia setelah selesai.",
		"The batch has not finished processing; the report is available once it has."},
	CodeMethodNotAllowed: {
		"Metode HTTP ini tidak didukung untuk alamat ini; lihat header Allow.",
		"This HTTP method is not supported for this path; see the Allow header."},
	CodeInternal: {
		"Terjadi kesalahan di server. Silakan coba lagi nanti.",
		"Something went wrong on the server. Please try again later."},
	CodeIdempotencyKeyReused: {
		"Idempotency-Key ini sudah dipakai untuk berkas atau mode lain; gunakan kunci baru untuk unggahan baru.",
		"This Idempotency-Key was already used for another file or mode; use a new key for a new upload."},
	CodeBatchFinished: {
		"Batch sudah selesai dan tidak dapat dibatalkan.",
		"The batch has already finished and cannot be cancelled."},
	CodeCursorInvalid: {
		"Parameter cursor tidak valid; gunakan next_cursor dari halaman sebelumnya.",
		"The cursor parameter is invalid; use next_cursor from the previous page."},
	CodeDatabaseUnavailable: {
		"Basis data sedang tidak dapat dihubungi. Silakan coba lagi sebentar lagi; tidak ada yang disimpan.",
		"The database cannot be reached right now. Please try again shortly; nothing was stored."},
	CodeTooManyRequests: {
		"Terlalu banyak laporan sedang dibuat saat ini. Silakan coba lagi sebentar lagi (lihat header Retry-After).",
		"Too many reports are being built right now. Please try again shortly (see the Retry-After header)."},
	CodeReportPurged: {
		"Data baris batch ini sudah dihapus sesuai masa retensi; laporan tidak tersedia lagi.",
		"The rows of this batch were removed after the retention period; the report is no longer available."},
	CodeLoginFailed: {
		"E-mail atau kata sandi salah.",
		"Wrong e-mail or password."},
	CodeLoginThrottled: {
		"Terlalu banyak percobaan masuk yang gagal untuk e-mail ini. Coba lagi setelah waktu pada header Retry-After (paling lama 15 menit).",
		"Too many failed sign-ins for this e-mail. Try again after the time in the Retry-After header (at most 15 minutes)."},
	CodeForbidden: {
		"Kredensial ini tidak berlaku untuk alamat ini (kunci perusahaan di rute operator, token operator di rute perusahaan, atau permintaan dari situs lain).",
		"These credentials are not allowed here (a company's key on an operator route, an operator token on a company route, or a request from another site)."},
	CodeNotRetryable: {
		"Hanya batch berstatus failed yang dapat diulang.",
		"Only a failed batch can be retried."},
	CodeQueueUnavailable: {
		"Antrean tugas (Redis) tidak dikonfigurasi pada proses ini.",
		"The task queue (Redis) is not configured in this process."},
}

// ServiceCodes lists the codes with a message in the service's catalogue,
// sorted.
func ServiceCodes() []Code {
	codes := make([]Code, 0, len(serviceCatalogue))
	for c := range serviceCatalogue {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// Text renders d for an answer in lang: a service code's own sentence,
// else Message with a structured fault described in lang.
func (d Detail) Text(lang Lang) string {
	if t, ok := serviceCatalogue[d.Code]; ok {
		msg := pick(lang, t.id, t.en)
		if strings.Contains(msg, "%s") {
			return fmt.Sprintf(msg, d.Column)
		}
		return msg
	}
	if d.Fault.Kind != "" && lang != LangEN {
		if v := d.Fault.describe(lang); v != "" {
			d.Value = v
		}
	}
	return d.Message(lang)
}
