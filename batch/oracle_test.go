package batch_test

// A differential test of the row rules: oracleJudge is a second, independent
// implementation of docs/rules.md and docs/file-format.md and docs/codes.md, written from the
// specification alone the way an outside checker would read it, and
// batch.Judge must agree with it on many generated rows.

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"jhtbatch/batch"
)

// oracleVerdict is what the specification says about one row.
type oracleVerdict struct {
	Outcome batch.Outcome
	Errs    []batch.Code // sorted, no repeats
	Warns   []batch.Code // sorted, no repeats
	Claim   *oracleClaim // nil when rejected
}

// oracleClaim holds the claim values the specification fixes.
type oracleClaim struct {
	Reason      batch.Reason
	Termination time.Time
	EligibleOn  time.Time
	Status      batch.ClaimStatus
	BankCode    string
	BankAccount string
	Phone       string
	NPWP        string
	Gross       int64
	Tax         int64
	Net         int64
}

// oProvinces is docs/rules.md's list of province codes.
var oProvinces = func() map[int]bool {
	m := map[int]bool{}
	for _, r := range [][2]int{{11, 19}, {21, 21}, {31, 36}, {51, 53}, {61, 65}, {71, 76}, {81, 82}, {91, 96}} {
		for p := r[0]; p <= r[1]; p++ {
			m[p] = true
		}
	}
	return m
}()

// oBanks maps docs/rules.md's bank codes to the usual account length (0: none).
var oBanks = map[string]int{
	"002": 15, "008": 13, "009": 10, "011": 10, "013": 10, "014": 10, "016": 0,
	"019": 10, "022": 13, "028": 12, "147": 10, "200": 16, "426": 15, "451": 10,
}

// oReasons maps each accepted spelling (upper case) to its reason code:
// the domain's table, then the spellings real HR files use (docs "claim reasons").
// The spec lists MENGUNDURKAN_DIRI and MENGUNDURKAN DIRI but is silent on
// other separators; aligned with the implementation (see oReason).
var oReasons = map[string]batch.Reason{
	"PHK": batch.ReasonPHK, "LAYOFF": batch.ReasonPHK, "LAID_OFF": batch.ReasonPHK, "TERMINATED": batch.ReasonPHK,
	"RESIGN": batch.ReasonResign, "MENGUNDURKAN_DIRI": batch.ReasonResign, "MENGUNDURKAN DIRI": batch.ReasonResign,
	"CONTRACT_END": batch.ReasonContractEnd, "KONTRAK_BERAKHIR": batch.ReasonContractEnd,
	"HABIS_KONTRAK": batch.ReasonContractEnd, "PKWT_BERAKHIR": batch.ReasonContractEnd,
	"RETIREMENT": batch.ReasonRetirement, "PENSIUN": batch.ReasonRetirement,

	"PEMUTUSAN HUBUNGAN KERJA": batch.ReasonPHK, "DI PHK": batch.ReasonPHK, "DIBERHENTIKAN": batch.ReasonPHK,
	"PENGUNDURAN DIRI": batch.ReasonResign, "BERHENTI SENDIRI": batch.ReasonResign,
	"KONTRAK HABIS": batch.ReasonContractEnd, "AKHIR KONTRAK": batch.ReasonContractEnd,
	"SELESAI KONTRAK": batch.ReasonContractEnd, "USIA PENSIUN": batch.ReasonRetirement,
	"PENSIUN NORMAL": batch.ReasonRetirement,
}

// oIndividual are the reasons (docs "claim reasons") that are JHT grounds but not for
// the collective channel (REASON_NOT_COLLECTIVE).
var oIndividual = []string{"meninggal dunia", "meninggal", "death", "cacat total tetap", "disability",
	"meninggalkan indonesia", "leaving indonesia"}

// oTitles are the name tokens the name rules drop before comparing names, with
// the list of 2026-11-27.
var oTitles = map[string]bool{
	"DR": true, "DRS": true, "DRA": true, "IR": true, "H": true, "HJ": true, "SE": true, "SH": true,
	"SKOM": true, "ST": true, "SPD": true, "SAG": true, "MM": true, "MSI": true, "MKOM": true, "MPD": true, "AMD": true,
}

func init() {
	for _, t := range strings.Split("PROF, SHI, SPSI, SSOS, SKEP, NS, MKES, AMDKEP, AMDKEB, MSC, MH, MT, MBA, SSI, SS, SAK, SIP, SIKOM, SKED, SFARM, APT, SPPD, SPOG, SPA, SPB", ", ") {
		oTitles[t] = true
	}
}

const oTaxFree = 50_000_000

// oRow is a row's values as the oracle parsed them.
type oRow struct {
	r                    batch.Row
	kpjOK, nikOK, nameOK bool
	birth, term          time.Time
	birthOK, termOK      bool
	reason               batch.Reason
	reasonOK, bankOK     bool
	usual                int
	account, phone, npwp string
	accountOK, phoneOK   bool
	bank                 string       // bank_code, its lost zeros restored
	warns                []batch.Code // warnings of the format stage
}

// oSciRE is a number in scientific notation as docs/file-format.md "What spreadsheets do to numbers" shows it
// ("3,17101E+15", "3.17101E+15", "3.17101e15"). The spec is silent on a
// negative exponent and a mantissa without digits after the point; aligned:
// E- counts, "3.E3" and ".5E3" do not.
var oSciRE = regexp.MustCompile(`^[0-9]+([.,][0-9]+)?[eE][+-]?[0-9]+$`)

// oracleJudge judges one row from the specification alone.
func oracleJudge(r batch.Row, ctx batch.Setting, l batch.Lookup) oracleVerdict {
	errs, warns := map[batch.Code]bool{}, map[batch.Code]bool{}
	if r.FieldCount != r.HeaderFields {
		// The spec is silent on what else a misaligned row reports; aligned:
		// FIELD_COUNT alone, its values being in the wrong columns.
		return oracleVerdict{Outcome: batch.OutcomeRejected, Errs: []batch.Code{batch.CodeFieldCount}}
	}
	o := oFormat(r, ctx.Today, errs)
	oWarnings(o, warns)
	if l.DuplicateOf > 0 {
		errs[batch.CodeDuplicateInFile] = true
	}
	oRegistry(o, ctx, l, errs)
	v := oracleVerdict{Errs: oSorted(errs), Warns: oSorted(warns)}
	if len(errs) > 0 {
		v.Outcome = batch.OutcomeRejected
		return v
	}
	v.Outcome = batch.OutcomeCreated
	if ctx.Mode == batch.ModeValidate {
		v.Outcome = batch.OutcomeValid
	}
	v.Claim = oClaim(o.reason, o.term, ctx.Today, l.Participant.Balance)
	v.Claim.BankCode, v.Claim.BankAccount, v.Claim.Phone, v.Claim.NPWP = o.bank, o.account, o.phone, o.npwp
	return v
}

// oFormat applies docs/file-format.md's column rules: every format error at once.
func oFormat(r batch.Row, today time.Time, errs map[batch.Code]bool) *oRow {
	o := &oRow{r: r}
	fail := func(value string, ok bool, c batch.Code) {
		if value == "" {
			errs[batch.CodeRequired] = true
		} else if !ok {
			errs[c] = true
		}
	}
	// docs/file-format.md "What spreadsheets do to numbers": an identifier in scientific notation is
	// SPREADSHEET_NUMBER instead of its column's format code (and, being
	// no valid value, takes part in no comparison).
	idFail := func(value string, ok bool, c batch.Code) {
		if value != "" && oSciRE.MatchString(value) {
			errs[batch.CodeSpreadsheetNumber] = true
			return
		}
		fail(value, ok, c)
	}
	o.kpjOK = len(r.KPJ) == 11 && oDigits(r.KPJ)
	idFail(r.KPJ, o.kpjOK, batch.CodeKPJFormat)
	o.nikOK = oNIK(r.NIK)
	idFail(r.NIK, o.nikOK, batch.CodeNIKFormat)
	o.nameOK = oNameFormat(r.FullName)
	fail(r.FullName, o.nameOK, batch.CodeNameFormat)
	o.birth, o.birthOK = oParseDate(r.BirthDate)
	fail(r.BirthDate, o.birthOK, batch.CodeDateFormat)
	o.term, o.termOK = oParseDate(r.TerminationDate)
	fail(r.TerminationDate, o.termOK, batch.CodeDateFormat)
	o.reason, o.reasonOK = oReason(r.Reason)
	if oNotCollective(r.Reason) {
		fail(r.Reason, false, batch.CodeReasonNotCollective)
	} else {
		fail(r.Reason, o.reasonOK, batch.CodeReasonUnknown)
	}
	// docs/file-format.md "What spreadsheets do to numbers": a bank code of 1–2 digits is padded with zeros to 3,
	// with a warning; the claim gets the padded code.
	o.bank = r.BankCode
	if len(o.bank) >= 1 && len(o.bank) <= 2 && oDigits(o.bank) {
		o.bank = strings.Repeat("0", 3-len(o.bank)) + o.bank
		o.warns = append(o.warns, batch.CodeLeadingZeroRestored)
	}
	o.usual, o.bankOK = oBanks[o.bank]
	fail(o.bank, o.bankOK, batch.CodeBankCodeUnknown)
	o.account, o.accountOK = oAccount(r.BankAccount)
	idFail(r.BankAccount, o.accountOK, batch.CodeBankAccountFormat)
	// docs/file-format.md gives account_name one rule, "must match full_name": it
	// has no format of its own. The spec is silent on comparing with a
	// full_name that broke its own rule; aligned: not compared.
	fail(r.AccountName, !o.nameOK || oSameName(r.AccountName, r.FullName), batch.CodeAccountNameMismatch)
	// docs/file-format.md "What spreadsheets do to numbers": a phone of 9–12 digits starting with 8 gets its 0
	// back, with a warning. The spec is silent on separators; aligned: the
	// digits are counted without the separators a phone may hold (see oPhone).
	phone := r.Phone
	if d := oStrip(phone, " -.()"); oDigits(d) && len(d) >= 9 && len(d) <= 12 && d[0] == '8' {
		phone = "0" + phone
		o.warns = append(o.warns, batch.CodeLeadingZeroRestored)
	}
	o.phone, o.phoneOK = oPhone(phone)
	idFail(r.Phone, o.phoneOK, batch.CodePhoneFormat)
	if r.Email != "" && !oEmail(r.Email) {
		errs[batch.CodeEmailFormat] = true
	}
	var npwpOK bool
	if o.npwp, npwpOK = oNPWP(r.NPWP); r.NPWP != "" && !npwpOK {
		idFail(r.NPWP, false, batch.CodeNPWPFormat)
	}
	if o.birthOK && o.termOK {
		if age := oAge(o.birth, o.term); age < 15 || age > 100 {
			errs[batch.CodeBirthDateRange] = true
		}
	}
	if o.termOK && o.term.After(today) {
		errs[batch.CodeTerminationInFuture] = true
	}
	return o
}

// oWarnings adds the warnings of docs/rules.md.
func oWarnings(o *oRow, warns map[batch.Code]bool) {
	for _, c := range o.warns {
		warns[c] = true
	}
	if o.nikOK && o.birthOK {
		d, m, yy := oNIKDate(o.r.NIK)
		if d != o.birth.Day() || m != int(o.birth.Month()) || yy != o.birth.Year()%100 {
			warns[batch.CodeNIKBirthDateMismatch] = true
		}
	}
	if o.accountOK && o.bankOK && o.usual != 0 && len(o.account) != o.usual {
		warns[batch.CodeBankAccountLengthUnusual] = true
	}
	// The spec is silent on a retirement age outside 15–100; aligned: that
	// row has BIRTH_DATE_RANGE and no age warning.
	if o.reasonOK && o.reason == batch.ReasonRetirement && o.birthOK && o.termOK {
		if age := oAge(o.birth, o.term); age >= 15 && age <= 100 && age < 56 {
			warns[batch.CodeRetirementAgeUnder56] = true
		}
	}
}

// oRegistry checks the row against the registry and the active claims.
//
// The spec lists the checks but is silent on which apply when others fail;
// aligned with the implementation: a KPJ that is not well-formed is not
// looked up (no registry code at all); a KPJ not found gets only
// PARTICIPANT_NOT_FOUND; a participant of another company gets only
// PARTICIPANT_OTHER_COMPANY (saying more would disclose another employer's
// data); NIK, name and membership start are compared only when the row's
// value passed its own rule; CLAIM_ALREADY_ACTIVE is reported only for a
// participant found in the uploader's company.
func oRegistry(o *oRow, ctx batch.Setting, l batch.Lookup, errs map[batch.Code]bool) {
	p := l.Participant
	switch {
	case !o.kpjOK:
		return
	case p == nil:
		errs[batch.CodeParticipantNotFound] = true
		return
	case p.NPP != ctx.CompanyNPP:
		errs[batch.CodeParticipantOtherCompany] = true
		return
	}
	fail := func(bad bool, c batch.Code) {
		if bad {
			errs[c] = true
		}
	}
	fail(o.nikOK && o.r.NIK != p.NIK, batch.CodeParticipantNIKMismatch)
	fail(o.nameOK && !oSameName(o.r.FullName, p.FullName), batch.CodeParticipantNameMismatch)
	fail(o.termOK && o.term.Before(p.MembershipStart), batch.CodeTerminationBeforeMembership)
	fail(p.Balance <= 0, batch.CodeBalanceEmpty)
	fail(l.ActiveClaim, batch.CodeClaimAlreadyActive)
}

// oClaim computes eligibility, status and amounts.
func oClaim(reason batch.Reason, term, today time.Time, balance int64) *oracleClaim {
	c := &oracleClaim{Reason: reason, Termination: term, EligibleOn: term, Gross: balance}
	if reason != batch.ReasonRetirement {
		c.EligibleOn = oAddMonth(term)
	}
	c.Status = batch.ClaimReady
	if c.EligibleOn.After(today) {
		c.Status = batch.ClaimWaiting
	}
	if above := balance - oTaxFree; above > 0 {
		// 5% rounded down, in two parts so that no int64 balance overflows
		c.Tax = above/100*5 + above%100*5/100
	}
	c.Net = c.Gross - c.Tax
	return c
}

func oSorted(m map[batch.Code]bool) []batch.Code {
	var out []batch.Code
	for c := range m {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// implVerdict puts batch.Judge's verdict in the oracle's shape.
func implVerdict(v batch.Verdict) oracleVerdict {
	errs, warns := v.Issues.Codes()
	slices.Sort(errs)
	slices.Sort(warns)
	o := oracleVerdict{Outcome: v.Outcome, Errs: errs, Warns: warns}
	if c := v.Claim; c != nil {
		o.Claim = &oracleClaim{Reason: c.Reason, Termination: c.TerminationDate, EligibleOn: c.EligibleOn,
			Status: c.Status, BankCode: c.BankCode, BankAccount: c.BankAccount, Phone: c.Phone, NPWP: c.NPWP,
			Gross: c.Gross, Tax: c.Tax, Net: c.Net}
	}
	return o
}

// oDiffKinds names each way two verdicts differ (none when they agree): a
// code only one side reports, a claim field that differs, so that one
// example per kind can be kept.
func oDiffKinds(want, got oracleVerdict) []string {
	parts := oSetDiff("err", want.Errs, got.Errs)
	if want.Outcome != got.Outcome && len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("outcome %s→%s", want.Outcome, got.Outcome))
	}
	parts = append(parts, oSetDiff("warn", want.Warns, got.Warns)...)
	if want.Claim != nil && got.Claim != nil {
		w, g := *want.Claim, *got.Claim
		for _, f := range []struct {
			name string
			eq   bool
		}{
			{"reason", w.Reason == g.Reason}, {"termination", w.Termination.Equal(g.Termination)},
			{"eligible_on", w.EligibleOn.Equal(g.EligibleOn)}, {"status", w.Status == g.Status},
			{"bank_code", w.BankCode == g.BankCode}, {"bank_account", w.BankAccount == g.BankAccount},
			{"phone", w.Phone == g.Phone}, {"npwp", w.NPWP == g.NPWP},
			{"gross", w.Gross == g.Gross}, {"tax", w.Tax == g.Tax}, {"net", w.Net == g.Net},
		} {
			if !f.eq {
				parts = append(parts, "claim."+f.name)
			}
		}
	} else if (want.Claim == nil) != (got.Claim == nil) && want.Outcome == got.Outcome {
		parts = append(parts, "claim presence")
	}
	return parts
}

// oSetDiff lists codes missing from got (-) and extra in got (+).
func oSetDiff(what string, want, got []batch.Code) []string {
	var out []string
	for _, c := range want {
		if !slices.Contains(got, c) {
			out = append(out, fmt.Sprintf("-%s:%s", what, c))
		}
	}
	for _, c := range got {
		if !slices.Contains(want, c) {
			out = append(out, fmt.Sprintf("+%s:%s", what, c))
		}
	}
	return out
}

func TestOracle(t *testing.T) {
	t.Parallel()
	n := *oracleN / oRaceDivisor()
	if testing.Short() {
		n /= 10
	}
	g := &oGen{r: rand.New(rand.NewPCG(20261101, 42))}
	kinds, seen := map[string]*oMismatch{}, oCoverage{}
	start := time.Now()
	for range n {
		c := g.next()
		want := oracleJudge(c.Row, c.Ctx, c.Look)
		got := implVerdict(batch.Judge(c.Row, c.Ctx, c.Look))
		seen.add(c, want)
		for _, kind := range oDiffKinds(want, got) {
			m := kinds[kind]
			if m == nil {
				m = &oMismatch{c: c, want: want, got: got, single: map[string]int{}}
				kinds[kind] = m
			}
			m.count++
			if len(c.Muts) == 1 {
				m.single[c.Muts[0]]++
			}
			if oSmaller(c, want, got, m) {
				m.c, m.want, m.got = c, want, got
			}
		}
	}
	t.Logf("%d generated rows judged twice in %v, %d kinds of mismatch", n, time.Since(start), len(kinds))
	if miss := seen.missing(); len(miss) > 0 {
		t.Errorf("the generator never produced: %v", miss)
	}
	for _, kind := range slices.Sorted(maps.Keys(kinds)) {
		m := kinds[kind]
		t.Errorf("mismatch %q (%d rows; alone after %v)\n%s", kind, m.count, m.single, oDescribe(m.c, m.want, m.got))
	}
}

// oSmaller prefers examples with fewer mutations, then fewer differences.
func oSmaller(c *oCase, want, got oracleVerdict, m *oMismatch) bool {
	if len(c.Muts) != len(m.c.Muts) {
		return len(c.Muts) < len(m.c.Muts)
	}
	return len(oDiffKinds(want, got)) < len(oDiffKinds(m.want, m.got))
}

// oDescribe prints a case for a failure message.
func oDescribe(c *oCase, want, got oracleVerdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  mutations: %v\n  today=%s mode=%s\n", c.Muts, c.Ctx.Today.Format("2006-01-02"), c.Ctx.Mode)
	r := c.Row
	fmt.Fprintf(&b, "  row: fields=%d/%d kpj=%q nik=%q full_name=%q birth=%q term=%q reason=%q bank=%q account=%q account_name=%q phone=%q email=%q npwp=%q\n",
		r.FieldCount, r.HeaderFields, r.KPJ, r.NIK, r.FullName, r.BirthDate, r.TerminationDate, r.Reason,
		r.BankCode, r.BankAccount, r.AccountName, r.Phone, r.Email, r.NPWP)
	if p := c.Look.Participant; p != nil {
		fmt.Fprintf(&b, "  registry: kpj=%q nik=%q name=%q npp=%q balance=%d start=%s\n",
			p.KPJ, p.NIK, p.FullName, p.NPP, p.Balance, p.MembershipStart.Format("2006-01-02"))
	} else {
		b.WriteString("  registry: none\n")
	}
	fmt.Fprintf(&b, "  lookup: duplicate_of=%d active=%v\n", c.Look.DuplicateOf, c.Look.ActiveClaim)
	fmt.Fprintf(&b, "  oracle: %s\n  judge:  %s", oShow(want), oShow(got))
	return b.String()
}

func oShow(v oracleVerdict) string {
	s := fmt.Sprintf("%s errs=%v warns=%v", v.Outcome, v.Errs, v.Warns)
	if c := v.Claim; c != nil {
		s += fmt.Sprintf(" claim{%s eligible=%s %s gross=%d tax=%d net=%d phone=%s account=%s npwp=%s}",
			c.Reason, c.EligibleOn.Format("2006-01-02"), c.Status, c.Gross, c.Tax, c.Net, c.Phone, c.BankAccount, c.NPWP)
	}
	return s
}

// oColumns is the full header layout, so RowOf trims fuzzed values the way
// the decoder does.
var oColumns = batch.Layout{batch.ColKPJ, batch.ColNIK, batch.ColFullName, batch.ColBirthDate, batch.ColTerminationDate,
	batch.ColReason, batch.ColBankCode, batch.ColBankAccount, batch.ColAccountName, batch.ColPhone, batch.ColEmail, batch.ColNPWP}

// FuzzOracle lets the fuzzer vary every value of a row and of its registry
// entry; the corpus is seeded from the generator.
func FuzzOracle(f *testing.F) {
	g := &oGen{r: rand.New(rand.NewPCG(7, 7))}
	base := oDate(2024, 1, 1)
	for range 400 {
		c := g.next()
		r, flags := c.Row, uint8(0)
		p := c.Look.Participant
		if p == nil {
			p, flags = &c.participantCpy, 1
		}
		if p.NPP != oCompany {
			flags |= 2
		}
		if c.Look.ActiveClaim {
			flags |= 4
		}
		if c.Look.DuplicateOf > 0 {
			flags |= 8
		}
		if c.Ctx.Mode == batch.ModeValidate {
			flags |= 16
		}
		today := int32(c.Ctx.Today.Sub(base) / (24 * time.Hour))
		mem := int32(c.Ctx.Today.Sub(p.MembershipStart) / (24 * time.Hour))
		f.Add(r.KPJ, r.NIK, r.FullName, r.BirthDate, r.TerminationDate, r.Reason, r.BankCode, r.BankAccount,
			r.AccountName, r.Phone, r.Email, r.NPWP, p.NIK, p.FullName, p.Balance, today, mem, flags)
	}
	f.Fuzz(func(t *testing.T, kpj, nik, name, birth, term, reason, bank, account, accName, phone, email, npwp,
		regNIK, regName string, balance int64, today, mem int32, flags uint8) {
		fields := []string{kpj, nik, name, birth, term, reason, bank, account, accName, phone, email, npwp}
		for _, s := range append(fields, regNIK, regName) {
			if !utf8.ValidString(s) {
				t.Skip("the decoder only hands out valid UTF-8")
			}
		}
		c := &oCase{Row: oColumns.RowOf(1, 2, fields), Muts: []string{"fuzz"}}
		c.Ctx = batch.Setting{Today: base.AddDate(0, 0, int(today%3000)), CompanyNPP: oCompany, Mode: batch.ModeCreate}
		if flags&16 != 0 {
			c.Ctx.Mode = batch.ModeValidate
		}
		p := &batch.Participant{KPJ: c.Row.KPJ, NIK: regNIK, FullName: regName, NPP: oCompany, Balance: balance,
			MembershipStart: c.Ctx.Today.AddDate(0, 0, -int(mem%40000))}
		if flags&2 != 0 {
			p.NPP = "NN999999"
		}
		c.Look = batch.Lookup{Participant: p, ActiveClaim: flags&4 != 0}
		if flags&1 != 0 {
			c.Look.Participant = nil
		}
		if flags&8 != 0 {
			c.Look.DuplicateOf = 1
		}
		want := oracleJudge(c.Row, c.Ctx, c.Look)
		got := implVerdict(batch.Judge(c.Row, c.Ctx, c.Look))
		if kinds := oDiffKinds(want, got); len(kinds) > 0 {
			t.Errorf("mismatch %q\n%s", kinds, oDescribe(c, want, got))
		}
	})
}
