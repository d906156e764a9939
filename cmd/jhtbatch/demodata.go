package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"jhtbatch/batch"
)

// NPPs of the demo: the demo company, and another company whose
// participants the demo file names to show PARTICIPANT_OTHER_COMPANY.
const (
	demoNPP       = "DEMO0001"
	demoName      = "PT Demo Sejahtera"
	demoOtherNPP  = "OTHR0001"
	demoBatchFile = "demo-batch.csv"
)

// demoPerson is a member of the demo registry. age is in whole years at the
// demo's date; birth days and months are fixed so that NIKs are stable
// within a run.
type demoPerson struct {
	name     string
	female   bool
	age      int
	birthDM  [2]int // day, month
	region   string // province, regency, district: the first 6 digits of a NIK
	balance  int64
	bankCode string
	other    bool // a participant of demoOtherNPP
}

// demoPeople is the demo registry: balances below, at and above the
// Rp50,000,000 tax-free part, and one with nothing to pay.
var demoPeople = []demoPerson{
	{"Budi Santoso", false, 41, [2]int{12, 3}, "317101", 35_750_000, "014", false},
	{"Siti Rahmawati", true, 36, [2]int{25, 7}, "327301", 12_400_000, "002", false},
	{"Bambang Sutrisno", false, 58, [2]int{5, 1}, "337401", 87_250_000, "008", false},
	{"Dewi Lestari", true, 34, [2]int{30, 11}, "357801", 8_900_000, "009", false},
	{"Ahmad Fauzi", false, 58, [2]int{14, 2}, "317402", 150_000_000, "451", false},
	{"I Made Wirawan", false, 46, [2]int{9, 9}, "517101", 50_000_000, "002", false},
	{"Ni Luh Putu Ayu", true, 31, [2]int{18, 4}, "510301", 50_000_001, "014", false},
	{"Agus Setiawan", false, 38, [2]int{6, 6}, "320101", 23_456_789, "022", false},
	{"Rina Marlina", true, 39, [2]int{1, 12}, "327302", 61_000_000, "013", false},
	{"Hendra Gunawan", false, 47, [2]int{17, 8}, "317103", 0, "014", false},
	{"Sri Wahyuni", true, 43, [2]int{10, 10}, "337402", 44_100_000, "009", false},
	{"Yusuf Maulana", false, 33, [2]int{21, 5}, "357802", 9_750_000, "147", false},
	{"Putri Anggraini", true, 30, [2]int{28, 2}, "327303", 15_000_000, "014", false},
	{"Joko Susilo", false, 51, [2]int{7, 7}, "337403", 72_800_000, "200", false},
	{"Maria Magdalena Siregar", true, 42, [2]int{3, 3}, "127101", 27_000_000, "028", false},
	{"Andi Pratama", false, 35, [2]int{15, 1}, "737101", 31_200_000, "014", false},
	{"Fitri Handayani", true, 37, [2]int{27, 9}, "317104", 19_800_000, "011", false},
	{"Rudi Hartono", false, 49, [2]int{4, 4}, "357803", 98_500_000, "426", false},
	{"Nur Aisyah", true, 32, [2]int{8, 8}, "737102", 6_300_000, "451", false},
	{"Teguh Prasetyo", false, 44, [2]int{12, 12}, "337404", 55_555_555, "002", false},
	{"Wulan Sari", true, 36, [2]int{2, 10}, "327304", 14_250_000, "009", false},
	{"Dedi Kurniawan", false, 40, [2]int{5, 5}, "320102", 38_000_000, "008", false},
	{"Lina Marpaung", true, 41, [2]int{30, 6}, "127102", 41_000_000, "019", false},
	{"Arif Rahman Hakim", false, 45, [2]int{11, 11}, "317105", 64_000_000, "014", false},
	{"Yohana Situmorang", true, 29, [2]int{20, 1}, "127103", 4_500_000, "022", false},
	{"Fajar Nugroho", false, 34, [2]int{9, 3}, "337405", 22_000_000, "002", false},
	{"Indah Permatasari", true, 33, [2]int{14, 7}, "357804", 17_600_000, "014", false},
	{"Slamet Riyadi", false, 56, [2]int{20, 5}, "337406", 120_000_000, "008", false},
	{"Kadek Sukadana", false, 37, [2]int{2, 2}, "510302", 33_000_000, "002", false},
	{"Ratna Dewi Kusuma", true, 54, [2]int{19, 8}, "317106", 80_000_000, "451", false},
	{"Samsul Bahri", false, 46, [2]int{1, 1}, "647101", 40_000_000, "009", true},
	{"Wati Susanti", true, 41, [2]int{5, 5}, "647102", 25_000_000, "014", true},
}

// demoIdentity is what one run of the demo made up for a person: numbers
// fresh on every run, so that running the demo again gives a file that is
// not a DUPLICATE_FILE and participants without active claims.
type demoIdentity struct {
	demoPerson
	kpj, nik, account, phone string
	birth, memberSince       time.Time
}

// demoIdentities makes up the numbers of every demo person for a run.
func demoIdentities(today time.Time, rng *rand.Rand) []demoIdentity {
	run := rng.IntN(1_000_000)
	serial := rng.IntN(9000)
	out := make([]demoIdentity, len(demoPeople))
	for i, p := range demoPeople {
		birth := time.Date(today.Year()-p.age, time.Month(p.birthDM[1]), p.birthDM[0], 0, 0, 0, 0, time.UTC)
		if birth.AddDate(p.age, 0, 0).After(today) {
			birth = birth.AddDate(-1, 0, 0) // keep the age: the birthday is yet to come this year
		}
		out[i] = demoIdentity{
			demoPerson:  p,
			kpj:         fmt.Sprintf("2%06d%04d", run, i+1),
			nik:         demoNIK(p.region, birth, p.female, (serial+i)%9999+1),
			account:     randomDigits(rng, accountLength(p.bankCode)),
			phone:       "08" + strconv.Itoa(1+rng.IntN(9)) + randomDigits(rng, 9),
			birth:       birth,
			memberSince: birth.AddDate(22, 0, 0),
		}
	}
	return out
}

// demoNIK builds a NIK with a valid structure (docs/rules.md): region, birth
// day (plus 40 for women), month, two-digit year, and a serial other than
// 0000.
func demoNIK(region string, birth time.Time, female bool, serial int) string {
	day := birth.Day()
	if female {
		day += 40
	}
	return fmt.Sprintf("%s%02d%02d%02d%04d", region, day, int(birth.Month()), birth.Year()%100, serial)
}

// accountLength is the usual account length of a demo bank.
func accountLength(code string) int {
	switch code {
	case "002", "426":
		return 15
	case "008", "022":
		return 13
	case "200":
		return 16
	case "028":
		return 12
	}
	return 10
}

func randomDigits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	b[0] = byte('1' + rng.IntN(9))
	for i := 1; i < n; i++ {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// demoRegistry renders the registry CSV of participants import.
func demoRegistry(ids []demoIdentity) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"kpj", "nik", "full_name", "birth_date", "npp", "jht_balance", "membership_start"})
	for _, p := range ids {
		npp := demoNPP
		if p.other {
			npp = demoOtherNPP
		}
		w.Write([]string{p.kpj, p.nik, p.name, p.birth.Format(time.DateOnly), npp,
			strconv.FormatInt(p.balance, 10), p.memberSince.Format(time.DateOnly)})
	}
	w.Flush()
	return buf.Bytes()
}

// demoHeader uses several Indonesian aliases of docs/file-format.md, written the
// way people type them (spaces, capitals).
var demoHeader = []string{"No KPJ", "Nomor KTP", "Nama Lengkap", "Tgl Lahir", "Tanggal PHK", "Alasan",
	"Kode Bank", "No Rekening", "Nama Pemilik Rekening", "No HP", "Surel", "NPWP"}

// Positions of the demo header's columns.
const (
	dKPJ = iota
	dNIK
	dName
	dBirth
	dTermination
	dReason
	dBank
	dAccount
	dAccountName
	dPhone
	dEmail
	dNPWP
)

// demoRow is one row of the demo file: the person it is about and what is
// changed from a valid row to show one rule.
type demoRow struct {
	person int
	code   batch.Code // the error or warning the row shows; "" for a clean valid row
	edit   func(r []string, p demoIdentity, today time.Time)
}

func ddmmyyyy(t time.Time) string { return t.Format("02/01/2006") }

// demoRows is the demo file: mostly valid rows (titles in names, reasons
// spelled the Indonesian way, warnings), then one row for each kind of
// rejection, each with the one code it shows.
var demoRows = []demoRow{
	{0, "", nil}, // PHK a month and a half ago: claim READY
	// A resignation ten days ago: claim WAITING.
	{1, "", func(r []string, p demoIdentity, t time.Time) {
		r[dReason], r[dTermination] = "Mengundurkan Diri", ddmmyyyy(t.AddDate(0, 0, -10))
	}},
	// Titles in the name; the account name without them still matches.
	{2, "", func(r []string, p demoIdentity, t time.Time) {
		r[dName], r[dAccountName], r[dReason] = "Drs. Bambang Sutrisno, S.E.", "BAMBANG SUTRISNO", "habis kontrak"
	}},
	// Retirement: no waiting period.
	{4, "", func(r []string, p demoIdentity, t time.Time) {
		r[dName], r[dReason], r[dTermination] = "Ir. H. Ahmad Fauzi", "PENSIUN", ddmmyyyy(t.AddDate(0, 0, -5))
	}},
	{5, "", nil}, // exactly Rp50,000,000: no tax
	// Rp50,000,001: 5% of Rp1 rounds down to no tax.
	{6, "", func(r []string, p demoIdentity, t time.Time) { r[dReason] = "layoff" }},
	// A phone written +62 with separators.
	{7, "", func(r []string, p demoIdentity, t time.Time) {
		r[dPhone], r[dReason] = "+62 "+p.phone[1:4]+"-"+p.phone[4:8]+"-"+p.phone[8:], "resign"
	}},
	{8, "", func(r []string, p demoIdentity, t time.Time) { r[dReason] = "Kontrak Berakhir" }},
	{10, "", func(r []string, p demoIdentity, t time.Time) { r[dEmail] = "sri.wahyuni@example.co.id" }},
	// The NIK given as NPWP.
	{11, "", func(r []string, p demoIdentity, t time.Time) { r[dNPWP] = p.nik }},
	{12, "", nil},
	{13, "", nil},
	{14, "", nil},
	{15, batch.CodeBankAccountLengthUnusual, func(r []string, p demoIdentity, t time.Time) { r[dAccount] += "55" }},
	{28, batch.CodeNIKBirthDateMismatch, func(r []string, p demoIdentity, t time.Time) {
		r[dBirth] = ddmmyyyy(p.birth.AddDate(0, 0, 1))
	}},
	{29, batch.CodeRetirementAgeUnder56, func(r []string, p demoIdentity, t time.Time) {
		r[dName], r[dAccountName], r[dReason] = "Hj. Ratna Dewi Kusuma, S.Pd.", "Ratna Dewi Kusuma", "pensiun"
	}},
	{16, batch.CodeNIKFormat, func(r []string, p demoIdentity, t time.Time) { r[dNIK] = p.nik[:12] + "0000" }},
	{17, batch.CodeBankCodeUnknown, func(r []string, p demoIdentity, t time.Time) { r[dBank] = "999" }},
	{18, batch.CodePhoneFormat, func(r []string, p demoIdentity, t time.Time) { r[dPhone] = "021-5551234" }},
	{19, batch.CodeTerminationInFuture, func(r []string, p demoIdentity, t time.Time) { r[dTermination] = ddmmyyyy(t.AddDate(0, 0, 30)) }},
	{20, "", nil}, // its KPJ comes again in the next row
	{20, batch.CodeDuplicateInFile, func(r []string, p demoIdentity, t time.Time) { r[dReason] = "RESIGN" }},
	{30, batch.CodeParticipantOtherCompany, nil},
	{21, batch.CodeParticipantNameMismatch, func(r []string, p demoIdentity, t time.Time) {
		r[dName], r[dAccountName] = "Dedi Kurniadi", "Dedi Kurniadi"
	}},
	{9, batch.CodeBalanceEmpty, nil},
	{22, batch.CodeAccountNameMismatch, func(r []string, p demoIdentity, t time.Time) { r[dAccountName] = "Rina Marpaung" }},
	{23, batch.CodeEmailFormat, func(r []string, p demoIdentity, t time.Time) { r[dEmail] = "arif.rahman@" }},
	{24, batch.CodeDateFormat, func(r []string, p demoIdentity, t time.Time) { r[dBirth] = "31/02/" + strconv.Itoa(p.birth.Year()) }},
	{25, batch.CodeParticipantNotFound, func(r []string, p demoIdentity, t time.Time) { r[dKPJ] = "3" + p.kpj[1:] }},
	{26, batch.CodeReasonUnknown, func(r []string, p demoIdentity, t time.Time) { r[dReason] = "DIPECAT" }},
	{27, batch.CodeTerminationBeforeMembership, func(r []string, p demoIdentity, t time.Time) {
		r[dTermination] = p.memberSince.AddDate(0, -6, 0).Format(time.DateOnly)
	}},
	{3, batch.CodeRequired, func(r []string, p demoIdentity, t time.Time) { r[dPhone] = "" }},
}

// demoBatch renders the demo batch file for the run's identities.
func demoBatch(ids []demoIdentity, today time.Time) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(demoHeader)
	for _, row := range demoRows {
		p := ids[row.person]
		r := []string{p.kpj, p.nik, p.name, p.birth.Format(time.DateOnly), today.AddDate(0, 0, -45).Format(time.DateOnly),
			"PHK", p.bankCode, p.account, p.name, p.phone, "", ""}
		if row.edit != nil {
			row.edit(r, p, today)
		}
		w.Write(r)
	}
	w.Flush()
	return buf.Bytes()
}
