package batch_test

// The generator of rows for the differential test (oracle_test.go).

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"jhtbatch/batch"
)

// ---- the generator -------------------------------------------------------

// oCase is one generated row with what it is judged against, and the
// mutations that made it from a valid row.
type oCase struct {
	Row  batch.Row
	Ctx  batch.Setting
	Look batch.Lookup
	Muts []string

	// what the valid row was built from, for mutations that need it
	birth, term    time.Time
	name           string
	prov, serial   int
	region         string
	woman          bool
	origNIK        string
	participantCpy batch.Participant
}

const oCompany = "NN000123"

var oNames = []string{
	"Budi Santoso", "Siti Nurhaliza", "I Made Wirawan", "Ni Luh Putu Ayu Lestari", "Muhammad Rizky Pratama",
	"Dewi", "Agus Salim", "Yohanes Kristianto", "Ma'ruf Amin", "Anak Agung Gde-Agung", "Christine Hakim",
	"Ahmad Dahlan", "Nyoman Sukarja", "Lim Swie King", "Theresia O'Connor", "Al", "Eko Prasetyo",
}

var (
	oPrefixTitles = []string{"Dr. ", "Drs. ", "Dra. ", "Ir. ", "H. ", "Hj. ", "Dr. H. ", "DRS ", "Prof. ", "Prof. Dr. ", "Ns. ", "apt. "}
	oSuffixTitles = []string{", S.E.", ", S.H.", ", S.Kom.", ", S.T.", ", S.Pd.", ", S.Ag.", ", M.M.",
		", M.Si.", ", M.Kom.", ", M.Pd.", ", A.Md.", ", S.E., M.M.", " SE",
		", S.H.I.", ", S.Psi.", ", S.Sos.", ", S.Kep., Ns.", ", M.Kes.", ", A.Md.Kep.", ", A.Md.Keb.", ", M.Sc.",
		", S.H., M.H.", ", S.T., M.T.", ", MBA", ", S.Si.", ", S.S.", ", S.Ak.", ", S.IP.", ", S.I.Kom.", ", S.Ked.",
		", S.Farm., Apt.", ", Sp.PD", ", Sp.OG", ", Sp.A", ", Sp.B"}
	oReasonSpellings = []string{"PHK", "LAYOFF", "LAID_OFF", "TERMINATED", "RESIGN", "MENGUNDURKAN_DIRI",
		"MENGUNDURKAN DIRI", "CONTRACT_END", "KONTRAK_BERAKHIR", "HABIS_KONTRAK", "PKWT_BERAKHIR", "RETIREMENT", "PENSIUN",
		"pemutusan hubungan kerja", "di phk", "diberhentikan", "pengunduran diri", "berhenti sendiri", "kontrak habis",
		"akhir kontrak", "selesai kontrak", "usia pensiun", "pensiun normal"}
	oBankCodes = []string{"002", "008", "009", "011", "013", "014", "016", "019", "022", "028", "147", "200", "426", "451"}
)

type oGen struct{ r *rand.Rand }

func (g *oGen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *oGen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}

// spell writes a date in one of the three spellings.
func (g *oGen) spell(t time.Time) string {
	switch g.r.IntN(3) {
	case 0:
		return t.Format("2006-01-02")
	case 1:
		return t.Format("02/01/2006")
	}
	return t.Format("02-01-2006")
}

func (g *oGen) oddCase(s string) string {
	switch g.r.IntN(4) {
	case 0:
		return strings.ToLower(s)
	case 1:
		b := []byte(strings.ToLower(s))
		for i := range b {
			if g.r.IntN(2) == 0 && b[i] >= 'a' && b[i] <= 'z' {
				b[i] -= 'a' - 'A'
			}
		}
		return string(b)
	}
	return s
}

// titled dresses a name with academic or religious titles, or not.
func (g *oGen) titled(name string) string {
	switch g.r.IntN(5) {
	case 0:
		return g.pick(oPrefixTitles) + name
	case 1:
		return name + g.pick(oSuffixTitles)
	case 2:
		return g.pick(oPrefixTitles) + name + g.pick(oSuffixTitles)
	}
	return name
}

// variant spells the same name another way that normalises equal.
func (g *oGen) variant(name string) string {
	switch g.r.IntN(5) {
	case 0:
		return strings.ToUpper(name)
	case 1:
		return strings.ToLower(name)
	case 2:
		return strings.ReplaceAll(name, " ", "  ")
	case 3:
		return g.titled(strings.ToUpper(name))
	}
	return name
}

func oNIKOf(prov int, region string, birth time.Time, woman bool, serial int) string {
	d := birth.Day()
	if woman {
		d += 40
	}
	return fmt.Sprintf("%02d%s%02d%02d%02d%04d", prov, region, d, int(birth.Month()), birth.Year()%100, serial)
}

func (g *oGen) province() int {
	ps := make([]int, 0, len(oProvinces))
	for p := range oProvinces {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps[g.r.IntN(len(ps))]
}

// phoneForm writes an 08… number as 08…, +628… or 628…, maybe grouped.
func (g *oGen) phoneForm(local string) string {
	s := local
	switch g.r.IntN(3) {
	case 1:
		s = "+62" + local[1:]
	case 2:
		s = "62" + local[1:]
	}
	switch g.r.IntN(4) {
	case 0:
		return oGroup(s, " ", 4)
	case 1:
		return oGroup(s, "-", 4)
	}
	return s
}

// oGroup inserts sep every n characters.
func oGroup(s, sep string, n int) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%n == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// npwp15 returns a 15-digit NPWP whose 9th digit is the Luhn check of the first 8.
func (g *oGen) npwp15() string {
	head := g.digits(8)
	for c := '0'; c <= '9'; c++ {
		if oLuhn(head + string(c)) {
			return head + string(c) + g.digits(6)
		}
	}
	panic("no Luhn digit")
}

func oFormatNPWP(d string) string { // AA.BBB.BBB.C-DDD.EEE
	return d[0:2] + "." + d[2:5] + "." + d[5:8] + "." + d[8:9] + "-" + d[9:12] + "." + d[12:15]
}

func (g *oGen) account(code string) string {
	n := oBanks[code]
	if n == 0 {
		n = 8 + g.r.IntN(9)
	}
	return g.digits(n)
}

// valid builds a row that every rule accepts, with a consistent registry entry.
func (g *oGen) valid() *oCase {
	today := oDate(2024, 1, 1).AddDate(0, 0, g.r.IntN(4*366))
	back := g.r.IntN(70)
	if g.r.IntN(4) == 0 {
		back = g.r.IntN(2000)
	}
	term := today.AddDate(0, 0, -back)
	spelling := g.pick(oReasonSpellings)
	age := 18 + g.r.IntN(50)
	if oReasons[spelling] == batch.ReasonRetirement {
		age = 56 + g.r.IntN(10)
	}
	birth := term.AddDate(-age, 0, -g.r.IntN(365))
	c := &oCase{birth: birth, term: term, name: g.pick(oNames), prov: g.province(),
		serial: 1 + g.r.IntN(9999), region: g.digits(4), woman: g.r.IntN(2) == 0}
	c.origNIK = oNIKOf(c.prov, c.region, birth, c.woman, c.serial)
	code := g.pick(oBankCodes)
	c.Row = batch.Row{No: 1, Line: 2, FieldCount: 12, HeaderFields: 12,
		KPJ: g.digits(11), NIK: c.origNIK, FullName: g.titled(c.name), BirthDate: g.spell(birth),
		TerminationDate: g.spell(term), Reason: g.oddCase(spelling), BankCode: code, BankAccount: g.account(code),
		AccountName: g.variant(c.name), Phone: g.phoneForm("08" + g.digits(8+g.r.IntN(4)))}
	if g.r.IntN(2) == 0 {
		c.Row.Email = g.pick([]string{"budi@example.com", "siti.n+jht@mail.co.id", "HR.Dept@Company.ID"})
	}
	if g.r.IntN(2) == 0 {
		c.Row.NPWP = g.npwp15()
	}
	c.Ctx = batch.Setting{Today: today, CompanyNPP: oCompany, Mode: batch.ModeCreate}
	p := batch.Participant{KPJ: c.Row.KPJ, NIK: c.Row.NIK, FullName: g.variant(c.name), BirthDate: birth, NPP: oCompany,
		Balance: 1 + g.r.Int64N(300_000_000), MembershipStart: term.AddDate(-g.r.IntN(20), -g.r.IntN(12), -1-g.r.IntN(28))}
	c.participantCpy = p
	c.Look = batch.Lookup{Participant: &p}
	return c
}

// oMutation changes one aspect of a case.
type oMutation struct {
	name string
	f    func(g *oGen, c *oCase)
}

// set returns a mutation that sets a field to one of the given values.
func oSet(name string, field func(c *oCase) *string, values ...string) oMutation {
	return oMutation{name, func(g *oGen, c *oCase) { *field(c) = g.pick(values) }}
}

func fKPJ(c *oCase) *string     { return &c.Row.KPJ }
func fNIK(c *oCase) *string     { return &c.Row.NIK }
func fName(c *oCase) *string    { return &c.Row.FullName }
func fBirth(c *oCase) *string   { return &c.Row.BirthDate }
func fTerm(c *oCase) *string    { return &c.Row.TerminationDate }
func fReason(c *oCase) *string  { return &c.Row.Reason }
func fBank(c *oCase) *string    { return &c.Row.BankCode }
func fAccount(c *oCase) *string { return &c.Row.BankAccount }
func fAccName(c *oCase) *string { return &c.Row.AccountName }
func fPhone(c *oCase) *string   { return &c.Row.Phone }
func fEmail(c *oCase) *string   { return &c.Row.Email }
func fNPWP(c *oCase) *string    { return &c.Row.NPWP }

// nikWith rebuilds the case's NIK with other DD, MM, YY or serial text.
func nikWith(c *oCase, dd, mm, yy, serial string) string {
	n := c.origNIK
	if dd == "" {
		dd = n[6:8]
	}
	if mm == "" {
		mm = n[8:10]
	}
	if yy == "" {
		yy = n[10:12]
	}
	if serial == "" {
		serial = n[12:]
	}
	return n[:6] + dd + mm + yy + serial
}

// setBirth sets the birth date and, half of the time, the NIK to match it.
func (g *oGen) setBirth(c *oCase, t time.Time) {
	c.birth = t
	c.Row.BirthDate = g.spell(t)
	if g.r.IntN(2) == 0 {
		c.Row.NIK = oNIKOf(c.prov, c.region, t, c.woman, c.serial)
	}
}

// yearsBefore is the day n years before t (28 Feb for a missing 29 Feb).
func yearsBefore(t time.Time, n int) time.Time {
	y := t.Year() - n
	return oDate(y, t.Month(), min(t.Day(), oDaysIn(y, t.Month())))
}

func (g *oGen) leapYear(from, to int) int {
	for {
		y := from + g.r.IntN(to-from)
		if oDaysIn(y, 2) == 29 {
			return y
		}
	}
}

func (g *oGen) commonYear(from, to int) int {
	for {
		y := from + g.r.IntN(to-from)
		if oDaysIn(y, 2) == 28 {
			return y
		}
	}
}

func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, s)
}

func (g *oGen) pick2(xs ...int) int { return xs[g.r.IntN(len(xs))] }

func (g *oGen) pick2f(fs ...func(c *oCase) *string) func(c *oCase) *string {
	return fs[g.r.IntN(len(fs))]
}

// regP returns the case's participant, putting one back if a mutation took it.
func (c *oCase) regP() *batch.Participant {
	if c.Look.Participant == nil {
		p := c.participantCpy
		c.Look.Participant = &p
	}
	return c.Look.Participant
}

// trim trims the values the way the decoder does before Judge sees them.
func (c *oCase) trim() {
	r := c.Row
	t := oColumns.RowOf(r.No, r.Line, []string{r.KPJ, r.NIK, r.FullName, r.BirthDate, r.TerminationDate, r.Reason,
		r.BankCode, r.BankAccount, r.AccountName, r.Phone, r.Email, r.NPWP})
	t.FieldCount, t.HeaderFields = r.FieldCount, r.HeaderFields
	c.Row = t
}

// next returns a valid row with 0–3 random mutations.
func (g *oGen) next() *oCase {
	c := g.valid()
	n := g.pick2(0, 1, 1, 1, 2, 2, 3)
	for range n {
		m := oMutations[g.r.IntN(len(oMutations))]
		m.f(g, c)
		c.Muts = append(c.Muts, m.name)
	}
	c.trim()
	if p := c.Look.Participant; p != nil {
		// The registry usually knows the NIK the row carries; a changed KPJ
		// is usually not in the registry at all.
		if c.Row.NIK != c.origNIK && p.NIK == c.origNIK && g.r.IntN(10) < 7 {
			p.NIK = c.Row.NIK
		}
		if c.Row.KPJ != p.KPJ && g.r.IntN(2) == 0 {
			c.Look.Participant = nil
		}
	}
	return c
}

// ---- the comparison -------------------------------------------------------

var oracleN = flag.Int("oracle.n", 200_000, "number of generated rows TestOracle judges")

// oMismatch keeps the smallest example (fewest mutations) of one kind.
type oMismatch struct {
	count     int
	single    map[string]int // single-mutation cases by mutation
	c         *oCase
	want, got oracleVerdict
}

// oRaceDivisor shrinks the run under the race detector, which makes Judge
// about eight times slower, to keep the test near its plain duration.
func oRaceDivisor() int {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return 8
			}
		}
	}
	return 1
}

// oCoverage counts what the oracle saw, so that a generator that stopped
// reaching a rule fails the test instead of passing it vacuously.
type oCoverage map[string]int

func (cv oCoverage) add(c *oCase, v oracleVerdict) {
	cv["outcome "+string(v.Outcome)]++
	for _, code := range append(slices.Clone(v.Errs), v.Warns...) {
		cv["code "+string(code)]++
	}
	if v.Claim != nil {
		cv["status "+string(v.Claim.Status)]++
		cv[fmt.Sprintf("taxed %v", v.Claim.Tax > 0)]++
		cv[fmt.Sprintf("eligible today %v", v.Claim.EligibleOn.Equal(c.Ctx.Today))]++
	}
	for _, m := range c.Muts {
		cv["mutation "+m]++
	}
}

// missing lists what every run must have seen at least once.
func (cv oCoverage) missing() []string {
	want := []string{"outcome CREATED", "outcome VALID", "outcome REJECTED", "status WAITING", "status READY",
		"taxed true", "taxed false", "eligible today true"}
	for _, c := range batch.AllCodes {
		if !strings.HasPrefix(string(c), "FILE_") && !slices.Contains(oFileCodes, c) {
			want = append(want, "code "+string(c))
		}
	}
	for _, m := range oMutations {
		want = append(want, "mutation "+m.name)
	}
	return slices.DeleteFunc(want, func(k string) bool { return cv[k] > 0 })
}

// oFileCodes are the file-level codes, which no row can get.
var oFileCodes = []batch.Code{batch.CodeTooManyRows, batch.CodeCSVSyntax, batch.CodeHeaderMissingColumn,
	batch.CodeHeaderUnknownColumn, batch.CodeHeaderDuplicateColumn, batch.CodeNoDataRows, batch.CodeDuplicateFile}
