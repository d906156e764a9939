package redact

import "testing"

func TestMask(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"no digits", "batch planned", "batch planned"},
		{"nik", "nik 3171014101900001 rejected", "nik 3171********0001 rejected"},
		{"nik in key=value", "nik=3171014101900001", "nik=3171********0001"},
		{"nik glued to letters", "NIK3171014101900001", "NIK3171********0001"},
		{"kpj", "kpj=12345678901", "kpj=123*****901"},
		{"phone 08", "hp 081234567890.", "hp *********890."},
		{"phone +62", "call +6281234567890 now", "call *********890 now"},
		{"phone 62", "62812345678", "*******678"},
		{"phone with spaces", "+62 812 3456 7890", "*********890"},
		{"phone with dashes", "0812-3456-7890", "*********890"},
		{"phone then counter", "0812 3456 7890 12 rows", "*********890 12 rows"},
		{"phone 10 digits", "0812345678", "*******678"},
		{"phone too long is an account", "08123456789012345", "****2345"},
		{"email", "mail budi.santoso@example.co.id ok", "mail b***@example.co.id ok"},
		{"email with digits", "x 081234567890@mail.com", "x 0***@mail.com"},
		{"bank account", "account 1234567890", "account ****7890"},
		{"bank account 6 digits", "acct 123456", "acct ****3456"},
		{"bank account 20 digits", "12345678901234567890", "****7890"},
		{"two values", "3171014101900001/12345678901", "3171********0001/123*****901"},
		{"five digits kept", "rows=99999", "rows=99999"},
		{"uuid kept", "batch 0b7e4c1a-2f3d-4e5f-8a9b-426614174000 done", "batch 0b7e4c1a-2f3d-4e5f-8a9b-426614174000 done"},
		{"claim number kept", "claim JHT-2026-00000042 created", "claim JHT-2026-00000042 created"},
		{"timestamp kept", "at 2026-11-03T10:15:30.123456789+07:00", "at 2026-11-03T10:15:30.123456789+07:00"},
		{"duration kept", "took 1.234567891s", "took 1.234567891s"},
		{"date kept", "08-01-2026 and 2026-01-08", "08-01-2026 and 2026-01-08"},
		{"sha256 kept", "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{"small numbers kept", "chunk 3 of 12, 2000 rows in 45ms", "chunk 3 of 12, 2000 rows in 45ms"},
		{"amount with separators kept", "Rp50.000.000", "Rp50.000.000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskAsByKey(t *testing.T) {
	tests := []struct {
		key, in, want string
	}{
		{"nik", "3171014101900001", "3171********0001"},
		{"NIK", "12", "**"},
		{"kpj", "12345678901", "123*****901"},
		{"no_kpj", "ABC", "***"},
		{"bank_account", "1234-5678-90", "****8-90"},
		{"account", "123", "***"},
		{"phone", "+62 812 3456 7890", "**************890"},
		{"email", "budi@example.com", "b***@example.com"},
		{"email", "not-an-address", "**************"},
		{"npwp", "01.234.567.8-901.000", "****.000"},
		{"Nomor-Rekening", "9876543210", "****3210"},
		{"nik", "", ""},
	}
	for _, tt := range tests {
		f, ok := sensitiveKey(tt.key)
		if !ok {
			t.Errorf("sensitiveKey(%q) = false, want true", tt.key)
			continue
		}
		if got := maskAs(f, tt.in); got != tt.want {
			t.Errorf("maskAs(%q, %q) = %q, want %q", tt.key, tt.in, got, tt.want)
		}
	}
	for _, key := range []string{"batch_id", "rows", "name", "accounts_total"} {
		if _, ok := sensitiveKey(key); ok {
			t.Errorf("sensitiveKey(%q) = true, want false", key)
		}
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"3171014101900001", "+62 812 3456 7890", "a@b.co", "JHT-2026-00000042", "0812-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Mask(s)
		if Mask(got) != got {
			t.Errorf("Mask is not idempotent on %q: %q then %q", s, got, Mask(got))
		}
	})
}
