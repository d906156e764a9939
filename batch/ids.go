package batch

import (
	"fmt"
	"math"
)

// Identifiers that reach the service in URL paths. What a path value may be
// is decided here, once, before any of it reaches the database: anything
// else is simply not found.

// ValidBatchID reports whether s is a batch id as the service gives them
// out: a UUID in its canonical 8-4-4-4-12 hexadecimal form (either case).
// Other spellings a UUID parser accepts (urn:uuid:, braces, no hyphens)
// are not batch ids.
func ValidBatchID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

// Claim numbers are JHT-YYYY-NNNNNNNN: the year of the processing date and
// a serial from one sequence, zero-padded to at least ClaimSerialDigits
// digits (it grows past 8 digits after 99,999,999 claims, up to a bigint's
// 19). The store numbers a chunk's claims in one statement with
// ClaimNumberPrefix and ClaimSerialDigits.
const (
	claimPrefix       = "JHT-"
	ClaimSerialDigits = 8
)

// ClaimNumberPrefix is what a claim number of a claim made in year has
// before its serial: "JHT-2026-".
func ClaimNumberPrefix(year int) string { return fmt.Sprintf("%s%04d-", claimPrefix, year) }

// ClaimNumberRanges returns the claim numbers of the serials first to
// last of year as ranges of text, [from, to] each, which hold exactly
// those numbers when compared byte by byte: one range, or one per length
// when the serials grow a digit in between (JHT-2026-100000000 sorts
// before JHT-2026-99999999). A batch's claims are numbered by row from one
// block of serials, so a window of its rows' claims is such a range. None
// when last < first.
func ClaimNumberRanges(year int, first, last int64) [][2]string {
	var out [][2]string
	for from := first; from <= last; {
		to := last
		if end := widthEnd(from); end < to {
			to = end
		}
		out = append(out, [2]string{FormatClaimNumber(year, from), FormatClaimNumber(year, to)})
		if to == last {
			break
		}
		from = to + 1
	}
	return out
}

// widthEnd is the largest serial formatted with as many digits as n.
func widthEnd(n int64) int64 {
	end := int64(1)
	for range ClaimSerialDigits {
		end *= 10
	}
	for end <= n {
		if end > math.MaxInt64/10 {
			return math.MaxInt64
		}
		end *= 10
	}
	return end - 1
}

// FormatClaimNumber is the claim number of serial in year.
func FormatClaimNumber(year int, serial int64) string {
	return fmt.Sprintf("%s%0*d", ClaimNumberPrefix(year), ClaimSerialDigits, serial)
}

// ValidClaimNumber reports whether s is a claim number as the service gives
// them out (FormatClaimNumber).
func ValidClaimNumber(s string) bool {
	const prefix = claimPrefix
	if len(s) < len("JHT-YYYY-NNNNNNNN") || len(s) > len("JHT-YYYY-")+19 || s[:len(prefix)] != prefix || s[8] != '-' {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		if i != 8 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
