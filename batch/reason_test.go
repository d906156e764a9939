package batch

import (
	"strings"
	"testing"
)

func TestParseReason(t *testing.T) {
	t.Parallel()
	spellings := map[Reason][]string{
		ReasonPHK:         {"PHK", "LAYOFF", "LAID_OFF", "TERMINATED", "PEMUTUSAN_HUBUNGAN_KERJA", "DI_PHK", "DIBERHENTIKAN"},
		ReasonResign:      {"RESIGN", "MENGUNDURKAN_DIRI", "MENGUNDURKAN DIRI", "PENGUNDURAN_DIRI", "BERHENTI_SENDIRI"},
		ReasonContractEnd: {"CONTRACT_END", "KONTRAK_BERAKHIR", "HABIS_KONTRAK", "PKWT_BERAKHIR", "KONTRAK_HABIS", "AKHIR_KONTRAK", "SELESAI_KONTRAK"},
		ReasonRetirement:  {"RETIREMENT", "PENSIUN", "USIA_PENSIUN", "PENSIUN_NORMAL"},
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
	for _, in := range []string{"", "QUIT", "PH K", "RESIGNED", "MENGUNDURKANDIRI", "PENSIUN DINI", "LAY_OFF_", "_", "PHK!", "RESİGN", "resıgn", "ＰＨＫ",
		"DIPHK", "MENINGGAL", "DEATH", "CACAT TOTAL TETAP"} {
		if got, ok := ParseReason(in); ok {
			t.Errorf("ParseReason(%q) = %q, true; want refused", in, got)
		}
	}
	// Separators at the ends do not matter.
	if got, ok := ParseReason("_LAID_OFF_"); !ok || got != ReasonPHK {
		t.Errorf("ParseReason(_LAID_OFF_) = %q, %v; want PHK", got, ok)
	}
}

// TestIndividualReasons: death, disability and leaving Indonesia are JHT
// grounds the collective channel refuses with REASON_NOT_COLLECTIVE, not
// REASON_UNKNOWN.
func TestIndividualReasons(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"meninggal dunia", "MENINGGAL DUNIA", "Meninggal_Dunia", "meninggal", "death", "DEATH",
		"cacat total tetap", "Cacat-Total-Tetap", "disability", "meninggalkan indonesia", "MENINGGALKAN-INDONESIA",
		"leaving indonesia", "Leaving_Indonesia"} {
		if !IsIndividualReason(in) {
			t.Errorf("IsIndividualReason(%q) = false, want true", in)
		}
		if _, ok := ParseReason(in); ok {
			t.Errorf("ParseReason(%q) accepted an individual reason", in)
		}
		r := validRow()
		r.Reason = in
		if _, is := Check(r, ruleToday); !hasCode(is, CodeReasonNotCollective) || hasCode(is, CodeReasonUnknown) {
			t.Errorf("Check with reason %q: issues %v, want REASON_NOT_COLLECTIVE and not REASON_UNKNOWN", in, is)
		}
	}
	for _, in := range []string{"meninggal2", "cacat", "leaving", "PHK", "", "mati"} {
		if IsIndividualReason(in) {
			t.Errorf("IsIndividualReason(%q) = true, want false", in)
		}
	}
}

func hasCode(is Issues, c Code) bool {
	for _, i := range is {
		if i.Code == c {
			return true
		}
	}
	return false
}
