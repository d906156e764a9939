package batch

// reasonSpellings maps every accepted spelling of a claim reason, upper case
// with '_' as the only separator, to its code (docs/rules.md "Claim reasons").
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
	var buf [reasonKeyBuf]byte
	key, ok := appendReasonKey(buf[:0], s)
	return ok && individualReasons[string(key)]
}

// ParseReason returns the reason code for an uploaded spelling. Case does not
// matter, and spaces, '-' and '_' are the same separator (a run of them counts
// as one).
func ParseReason(s string) (Reason, bool) {
	// The key is folded on the stack and looked up without a copy: the
	// string it was cost an allocation per row.
	var buf [reasonKeyBuf]byte
	key, ok := appendReasonKey(buf[:0], s)
	if !ok {
		return "", false
	}
	r, ok := reasonSpellings[string(key)]
	return r, ok
}

// reasonKeyBuf is room on the stack for the key of any accepted spelling
// (a longer one is folded on the heap, and found in neither map).
const reasonKeyBuf = 32

// appendReasonKey appends s folded to upper-case ASCII with single '_'
// separators to dst. Non-ASCII input is refused so that look-alike letters
// cannot pass as a reason.
func appendReasonKey(key []byte, s string) ([]byte, bool) {
	start := len(key)
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '_':
			sep = len(key) > start
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		default:
			return nil, false
		}
		if sep {
			key = append(key, '_')
			sep = false
		}
		key = append(key, c)
	}
	return key, true
}
