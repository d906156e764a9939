package batch

// reasonSpellings maps every accepted spelling of a claim reason, upper case
// with '_' as the only separator, to its code (DOMAIN.md "Claim reasons").
var reasonSpellings = map[string]Reason{
	"PHK":               ReasonPHK,
	"LAYOFF":            ReasonPHK,
	"LAID_OFF":          ReasonPHK,
	"TERMINATED":        ReasonPHK,
	"RESIGN":            ReasonResign,
	"MENGUNDURKAN_DIRI": ReasonResign,
	"CONTRACT_END":      ReasonContractEnd,
	"KONTRAK_BERAKHIR":  ReasonContractEnd,
	"HABIS_KONTRAK":     ReasonContractEnd,
	"PKWT_BERAKHIR":     ReasonContractEnd,
	"RETIREMENT":        ReasonRetirement,
	"PENSIUN":           ReasonRetirement,

	// Spellings real HR files use (docs "claim reasons", 2026-11-27).
	"PEMUTUSAN_HUBUNGAN_KERJA": ReasonPHK,
	"DI_PHK":                   ReasonPHK,
	"DIBERHENTIKAN":            ReasonPHK,
	"PENGUNDURAN_DIRI":         ReasonResign,
	"BERHENTI_SENDIRI":         ReasonResign,
	"KONTRAK_HABIS":            ReasonContractEnd,
	"AKHIR_KONTRAK":            ReasonContractEnd,
	"SELESAI_KONTRAK":          ReasonContractEnd,
	"USIA_PENSIUN":             ReasonRetirement,
	"PENSIUN_NORMAL":           ReasonRetirement,
}

// individualReasons are JHT grounds that are never claimed collectively:
// death, permanent total disability and leaving Indonesia for good each
// need the claimant's (or heirs') own documents (REASON_NOT_COLLECTIVE).
var individualReasons = map[string]bool{
	"MENINGGAL_DUNIA":        true,
	"MENINGGAL":              true,
	"DEATH":                  true,
	"CACAT_TOTAL_TETAP":      true,
	"DISABILITY":             true,
	"MENINGGALKAN_INDONESIA": true,
	"LEAVING_INDONESIA":      true,
}

// IsIndividualReason reports whether s spells a JHT ground that is claimed
// individually, not through the collective channel (compared as
// ParseReason compares).
func IsIndividualReason(s string) bool {
	key, ok := reasonKey(s)
	return ok && individualReasons[key]
}

// ParseReason returns the reason code for an uploaded spelling. Case does not
// matter, and spaces, '-' and '_' are the same separator (a run of them counts
// as one).
func ParseReason(s string) (Reason, bool) {
	key, ok := reasonKey(s)
	if !ok {
		return "", false
	}
	r, ok := reasonSpellings[key]
	return r, ok
}

// reasonKey folds s to upper-case ASCII with single '_' separators. Non-ASCII
// input is refused so that look-alike letters cannot pass as a reason.
func reasonKey(s string) (string, bool) {
	key := make([]byte, 0, len(s))
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '_':
			sep = len(key) > 0
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return "", false
		}
		if sep {
			key = append(key, '_')
			sep = false
		}
		key = append(key, c)
	}
	return string(key), true
}
