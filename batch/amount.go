package batch

// Final PPh 21 on a lump-sum JHT payment (PMK 16/PMK.03/2010): nothing on the
// first Rp50,000,000, 5% on the part above it.
const (
	taxFreeAmount  = 50_000_000
	taxRatePercent = 5
)

// Tax returns the final income tax on a JHT lump sum of gross rupiah, rounded
// down to the rupiah. The tax is final, so there is no surcharge without an
// NPWP.
func Tax(gross int64) int64 {
	if gross <= taxFreeAmount {
		return 0
	}
	above := gross - taxFreeAmount
	// Split the multiplication so that no int64 balance can overflow it.
	return above/100*taxRatePercent + above%100*taxRatePercent/100
}
