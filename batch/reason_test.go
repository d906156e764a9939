package batch

import (
	"strings"
	"testing"
)

func TestParseReason(t *testing.T) {
	t.Parallel()
	spellings := map[Reason][]string{
		ReasonPHK:         {"PHK", "LAYOFF", "LAID_OFF", "TERMINATED"},
		ReasonResign:      {"RESIGN", "MENGUNDURKAN_DIRI", "MENGUNDURKAN DIRI"},
		ReasonContractEnd: {"CONTRACT_END", "KONTRAK_BERAKHIR", "HABIS_KONTRAK", "PKWT_BERAKHIR"},
		ReasonRetirement:  {"RETIREMENT", "PENSIUN"},
	}
	variants := []func(string) string{
		func(s string) string { return s },
		strings.ToLower,
		func(s string) string { return strings.ReplaceAll(s, "_", " ") },
		func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "_", "-") },
		func(s string) string { return strings.ReplaceAll(s, "_", " - ") },
		func(s string) string { l := strings.ToLower(s); return " " + strings.ToUpper(l[:1]) + l[1:] + " " },
	}
	for want, list := range spellings {
		for _, s := range list {
			for _, v := range variants {
				in := v(s)
				if got, ok := ParseReason(in); !ok || got != want {
					t.Errorf("ParseReason(%q) = %q, %v; want %q", in, got, ok, want)
				}
			}
		}
	}
}

func TestParseReasonRefuses(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "QUIT", "PH K", "RESIGNED", "MENGUNDURKANDIRI", "PENSIUN DINI", "LAY_OFF_", "_", "PHK!", "RESİGN", "resıgn", "ＰＨＫ"} {
		if got, ok := ParseReason(in); ok {
			t.Errorf("ParseReason(%q) = %q, true; want refused", in, got)
		}
	}
	// Separators at the ends do not matter.
	if got, ok := ParseReason("_LAID_OFF_"); !ok || got != ReasonPHK {
		t.Errorf("ParseReason(_LAID_OFF_) = %q, %v; want PHK", got, ok)
	}
}
