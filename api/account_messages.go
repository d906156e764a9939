package api

import (
	"jhtbatch/batch"
	"jhtbatch/postgres"
)

// The messages of the codes of HR accounts and operators, in both
// languages. They join apiMessages here, in a file of their own, so that
// the table's other additions do not collide with them.
func init() {
	for code, t := range map[batch.Code]apiText{
		codeLoginFailed: {
			"E-mail atau kata sandi salah.",
			"Wrong e-mail or password."},
		codeLoginThrottled: {
			"Terlalu banyak percobaan masuk yang gagal untuk e-mail ini. Coba lagi setelah waktu pada header Retry-After (paling lama 15 menit).",
			"Too many failed sign-ins for this e-mail. Try again after the time in the Retry-After header (at most 15 minutes)."},
		codeForbidden: {
			"Kredensial ini tidak berlaku untuk alamat ini (kunci perusahaan di rute operator, token operator di rute perusahaan, atau permintaan dari situs lain).",
			"These credentials are not allowed here (a company's key on an operator route, an operator token on a company route, or a request from another site)."},
		postgres.CodeNotRetryable: {
			"Hanya batch berstatus failed yang dapat diulang.",
			"Only a failed batch can be retried."},
		"QUEUE_UNAVAILABLE": {
			"Antrean tugas (Redis) tidak dikonfigurasi pada proses ini.",
			"The task queue (Redis) is not configured in this process."},
	} {
		apiMessages[code] = t
	}
}
