package redact

import "testing"

// TestSensitiveKeysFromColumns checks that the keys built from the batch
// file's columns still cover the names logs and HR headers use.
func TestSensitiveKeysFromColumns(t *testing.T) {
	for key, want := range map[string]field{
		"nik": fieldNIK, "no_ktp": fieldNIK, "nomor_nik": fieldNIK, "nomor_ktp": fieldNIK,
		"kpj": fieldKPJ, "no_kpj": fieldKPJ, "nomor_kpj": fieldKPJ,
		"bank_account": fieldAccount, "account": fieldAccount, "no_rekening": fieldAccount, "nomor_rekening": fieldAccount,
		"phone": fieldPhone, "no_hp": fieldPhone, "nomor_hp": fieldPhone, "telepon": fieldPhone, "No WA": fieldPhone,
		"email": fieldEmail, "surel": fieldEmail, "E-mail": fieldEmail,
		"npwp": fieldNPWP, "nomor npwp": fieldNPWP,
	} {
		if got, ok := sensitiveKey(key); !ok || got != want {
			t.Errorf("sensitiveKey(%q) = %v, %v; want %v", key, got, ok, want)
		}
	}
}
