package batch

import "testing"

func TestHeaderSetKey(t *testing.T) {
	t.Parallel()
	base := HeaderSetKey([]string{"No. KPJ", "Nama Pegawai", "Tgl Out"})
	tests := []struct {
		name    string
		headers []string
		same    bool
	}{
		{"other order", []string{"Tgl Out", "No. KPJ", "Nama Pegawai"}, true},
		{"case and punctuation", []string{"no_kpj", "NAMA-PEGAWAI", "tgl out"}, true},
		{"trailing empty titles", []string{"No. KPJ", "Nama Pegawai", "Tgl Out", "", " "}, true},
		{"a repeated title", []string{"No. KPJ", "Nama Pegawai", "Tgl Out", "no kpj"}, true},
		{"one title more", []string{"No. KPJ", "Nama Pegawai", "Tgl Out", "Catatan"}, false},
		{"one title fewer", []string{"No. KPJ", "Nama Pegawai"}, false},
		{"another title", []string{"No. KPJ", "Nama Karyawan", "Tgl Out"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HeaderSetKey(tt.headers) == base; got != tt.same {
				t.Errorf("HeaderSetKey(%q) == HeaderSetKey of the base: %v, want %v", tt.headers, got, tt.same)
			}
		})
	}
	if HeaderSetKey([]string{"", " - "}) != "" {
		t.Error("a header of empty titles has a key, want none")
	}
}
