// Package batchtest makes test data for the pipeline's tests and
// benchmarks: a participant registry and a batch file whose rows pass every
// rule of package batch.
package batchtest

import (
	"fmt"
	"strings"
	"time"
)

// Header is the header line of a batch file with every column, canonical names.
const Header = "kpj,nik,full_name,birth_date,termination_date,reason,bank_code,bank_account,account_name,phone,email,npwp\n"

// RegistryHeader is the header line of a registry file (participants import).
const RegistryHeader = "kpj,nik,full_name,birth_date,npp,jht_balance,membership_start\n"

// ValidFile returns a registry of n participants of company npp and a batch
// file of n rows, one per participant, that each pass every rule: row i
// has KPJ 10000000000+i, a NIK matching its birth date, a name in letters,
// a BCA account, a mobile number, a PHK on 2026-09-01, and a balance of
// Rp1,000,000 + i×1,000.
func ValidFile(n int, npp string) (registry, file string) {
	return ValidRange(0, n, npp)
}

// ValidRange is ValidFile's rows first to first+n-1 alone: files of other
// participants (another company's, say) that no row of ValidFile(first, …)
// shares a KPJ or a NIK with.
func ValidRange(first, n int, npp string) (registry, file string) {
	var reg, f strings.Builder
	reg.WriteString(RegistryHeader)
	f.WriteString(Header)
	base := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := first; i < first+n; i++ {
		birth := base.AddDate(0, 0, i%9000)
		kpj := fmt.Sprintf("%011d", 10000000000+i)
		nik := fmt.Sprintf("317101%02d%02d%02d%04d", birth.Day(), birth.Month(), birth.Year()%100, i/9000+1)
		name := "Pekerja " + Letters(i)
		fmt.Fprintf(&reg, "%s,%s,%s,%s,%s,%d,2000-01-01\n", kpj, nik, name, birth.Format(time.DateOnly), npp, 1_000_000+i*1000)
		fmt.Fprintf(&f, "%s,%s,%s,%s,2026-09-01,PHK,014,%010d,%s,0812%08d,,\n",
			kpj, nik, name, birth.Format(time.DateOnly), i, name, i)
	}
	return reg.String(), f.String()
}

// Letters spells i in capital letters (0 → A, 26 → BA), since names may not
// hold digits.
func Letters(i int) string {
	s := ""
	for {
		s = string(rune('A'+i%26)) + s
		if i /= 26; i == 0 {
			return s
		}
	}
}
