package batch

import "time"

// DefaultTimeZone is the business time zone when none is configured
// (BUSINESS_TZ): the processing date, the waiting periods and "not in the
// future" are dates in Jakarta.
const DefaultTimeZone = "Asia/Jakarta"

// DefaultLocation is DefaultTimeZone, or UTC+7 (WIB) where the zone
// database is missing.
func DefaultLocation() *time.Location {
	loc, err := time.LoadLocation(DefaultTimeZone)
	if err != nil {
		return time.FixedZone("WIB", 7*3600)
	}
	return loc
}
