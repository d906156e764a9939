package batch

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testNPP = "AB123456"

// validContext is the company and date validRow is judged against.
func validContext() Setting {
	return Setting{Today: ruleToday, CompanyNPP: testNPP, Mode: ModeCreate}
}

// validLookup finds validRow's participant with a balance above the tax-free part.
func validLookup() Lookup {
	return Lookup{Participant: &Participant{
		KPJ: "12345678901", NIK: "3171011508800001", FullName: "BUDI SANTOSO",
		BirthDate: ymd(1980, 8, 15), NPP: testNPP, Balance: 60_000_000,
		MembershipStart: ymd(2010, 1, 1),
	}}
}

func TestJudgeCreatesClaim(t *testing.T) {
	t.Parallel()
	got := Judge(validRow(), validContext(), validLookup())
	want := Verdict{Outcome: OutcomeCreated, Claim: &Claim{
		KPJ: "12345678901", NIK: "3171011508800001", FullName: "Budi Santoso",
		Reason: ReasonResign, TerminationDate: ymd(2026, 10, 31), EligibleOn: ymd(2026, 11, 30),
		Status: ClaimWaiting, BankCode: "014", BankAccount: "1234567890", AccountName: "BUDI SANTOSO",
		Phone: "+6281234567890", Email: "budi@example.com",
		NPWP:  strings.NewReplacer(".", "", "-", "").Replace(testNPWP),
		Gross: 60_000_000, Tax: 500_000, Net: 59_500_000,
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Judge (-want +got):\n%s", diff)
	}
}

func TestJudgeOutcomeAndStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		change     func(r *Row, c *Setting, l *Lookup)
		outcome    Outcome
		status     ClaimStatus
		eligibleOn time.Time
	}{
		{"validate mode", func(_ *Row, c *Setting, _ *Lookup) { c.Mode = ModeValidate },
			OutcomeValid, ClaimWaiting, ymd(2026, 11, 30)},
		{"wait is over", func(r *Row, _ *Setting, _ *Lookup) { r.TerminationDate = "2026-10-20" },
			OutcomeCreated, ClaimReady, ymd(2026, 11, 20)},
		{"eligible ruleToday", func(r *Row, _ *Setting, _ *Lookup) { r.TerminationDate = "25-10-2026" },
			OutcomeCreated, ClaimReady, ymd(2026, 11, 25)},
		{"eligible tomorrow", func(r *Row, _ *Setting, _ *Lookup) { r.TerminationDate = "26/10/2026" },
			OutcomeCreated, ClaimWaiting, ymd(2026, 11, 26)},
		{"retirement has no wait", func(r *Row, _ *Setting, l *Lookup) {
			r.Reason, r.BirthDate, r.NIK, r.TerminationDate = "PENSIUN", "1970-10-31", "3171013110700001", "2026-11-25"
			l.Participant.NIK = r.NIK
		}, OutcomeCreated, ClaimReady, ymd(2026, 11, 25)},
		{"ruleToday with a clock", func(_ *Row, c *Setting, _ *Lookup) { c.Today = ruleToday.Add(23 * time.Hour) },
			OutcomeCreated, ClaimWaiting, ymd(2026, 11, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, c, l := validRow(), validContext(), validLookup()
			tt.change(&r, &c, &l)
			v := Judge(r, c, l)
			if v.Outcome != tt.outcome || len(v.Issues) != 0 || v.Claim == nil {
				t.Fatalf("Judge = %s %v (claim %v), want %s without issues", v.Outcome, v.Issues, v.Claim != nil, tt.outcome)
			}
			if v.Claim.Status != tt.status || !v.Claim.EligibleOn.Equal(tt.eligibleOn) {
				t.Errorf("claim status, eligible on = %s, %s; want %s, %s", v.Claim.Status,
					v.Claim.EligibleOn.Format(time.DateOnly), tt.status, tt.eligibleOn.Format(time.DateOnly))
			}
		})
	}
}

// TestJudgeEachCode breaks one thing at a time beyond the row's own format.
func TestJudgeEachCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(r *Row, l *Lookup)
		want   Issues
	}{
		{"duplicate", func(_ *Row, l *Lookup) { l.DuplicateOf = 3 }, Issues{{CodeDuplicateInFile, ColKPJ, "3"}}},
		{"not in registry", func(_ *Row, l *Lookup) { l.Participant = nil }, Issues{{CodeParticipantNotFound, ColKPJ, ""}}},
		{"other company", func(_ *Row, l *Lookup) { l.Participant.NPP = "ZZ999999" }, Issues{{CodeParticipantOtherCompany, ColKPJ, ""}}},
		{"registry NIK differs", func(_ *Row, l *Lookup) { l.Participant.NIK = "3171011508800002" }, Issues{{CodeParticipantNIKMismatch, ColNIK, ""}}},
		{"registry name differs", func(_ *Row, l *Lookup) { l.Participant.FullName = "BUDI SANTOSA" }, Issues{{CodeParticipantNameMismatch, ColFullName, ""}}},
		{"registry name with titles", func(_ *Row, l *Lookup) { l.Participant.FullName = "Drs. Budi Santoso, S.E." }, nil},
		{"left before joining", func(_ *Row, l *Lookup) { l.Participant.MembershipStart = ymd(2026, 11, 1) },
			Issues{{CodeTerminationBeforeMembership, ColTerminationDate, "2026-11-01"}}},
		{"left the day of joining", func(_ *Row, l *Lookup) { l.Participant.MembershipStart = ymd(2026, 10, 31) }, nil},
		{"start with a clock and zone", func(_ *Row, l *Lookup) {
			l.Participant.MembershipStart = time.Date(2026, 10, 31, 23, 0, 0, 0, time.FixedZone("WIB", 7*3600))
		}, nil},
		{"empty balance", func(_ *Row, l *Lookup) { l.Participant.Balance = 0 }, Issues{{CodeBalanceEmpty, ColKPJ, ""}}},
		{"negative balance", func(_ *Row, l *Lookup) { l.Participant.Balance = -1 }, Issues{{CodeBalanceEmpty, ColKPJ, ""}}},
		{"active claim", func(_ *Row, l *Lookup) { l.ActiveClaim = true }, Issues{{CodeClaimAlreadyActive, ColKPJ, ""}}},
		{"bad KPJ skips the registry", func(r *Row, l *Lookup) { r.KPJ = "123"; l.Participant = nil }, Issues{{CodeKPJFormat, ColKPJ, ""}}},
		{"other company hides the rest", func(_ *Row, l *Lookup) {
			p := l.Participant
			p.NPP, p.NIK, p.FullName, p.Balance, l.ActiveClaim = "ZZ999999", "3171011508800002", "X Y", 0, true
		}, Issues{{CodeParticipantOtherCompany, ColKPJ, ""}}},
		{"misaligned row gets only FIELD_COUNT", func(r *Row, l *Lookup) { r.FieldCount = 11; l.DuplicateOf = 2; l.Participant = nil },
			Issues{{CodeFieldCount, "", "11/12"}}},
		{"malformed NIK and name are not compared", func(r *Row, l *Lookup) {
			r.NIK, r.FullName = "317", "B"
			l.Participant.NIK, l.Participant.FullName = "3171011508800002", "Someone Else"
		}, Issues{{CodeNIKFormat, ColNIK, ""}, {CodeNameFormat, ColFullName, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, l := validRow(), validLookup()
			tt.change(&r, &l)
			v := Judge(r, validContext(), l)
			if diff := cmp.Diff(tt.want, v.Issues); diff != "" {
				t.Errorf("Judge issues (-want +got):\n%s", diff)
			}
			wantRejected := len(tt.want) > 0
			if rejected := v.Outcome == OutcomeRejected; rejected != wantRejected || (v.Claim == nil) != wantRejected {
				t.Errorf("Judge outcome = %s (claim %v), want rejected = %v", v.Outcome, v.Claim != nil, wantRejected)
			}
		})
	}
}

func TestJudgeWarningsKeepClaim(t *testing.T) {
	t.Parallel()
	r := validRow()
	r.BankAccount = "12345678" // BCA usually has 10 digits
	r.BirthDate = "1980-08-14" // NIK says the 15th
	r.Reason = "retirement"    // at 46
	l := validLookup()
	v := Judge(r, validContext(), l)
	want := Issues{
		{CodeNIKBirthDateMismatch, ColNIK, ""},
		{CodeBankAccountLengthUnusual, ColBankAccount, "10"},
		{CodeRetirementAgeUnder56, ColReason, "46"},
	}
	if diff := cmp.Diff(want, v.Issues); diff != "" {
		t.Errorf("Judge issues (-want +got):\n%s", diff)
	}
	if v.Outcome != OutcomeCreated || v.Claim == nil || v.Claim.Status != ClaimReady {
		t.Errorf("Judge = %s (claim %+v), want CREATED and READY", v.Outcome, v.Claim)
	}
}

// FuzzJudge feeds arbitrary values and checks the invariants every verdict
// keeps: no panic, one known outcome, REJECTED exactly when an error was
// found, a claim exactly when not rejected, and sound amounts.
func FuzzJudge(f *testing.F) {
	v := validRow()
	f.Add(v.KPJ, v.NIK, v.FullName, v.BirthDate, v.TerminationDate, v.Reason, v.BankCode, v.BankAccount,
		v.AccountName, v.Phone, v.Email, v.NPWP, int64(60_000_000), 0, true, false, false)
	f.Add("1", "", "Ma’ruf", "31/2/2024", "1-1-2026", "pensiun", "016", "0", "ma'ruf", "+62", "@", "0.-",
		int64(-1), 7, false, true, true)
	f.Add(v.KPJ, v.NIK, v.FullName, v.BirthDate, v.TerminationDate, "PHK", "451", v.BankAccount,
		v.AccountName, v.Phone, "", "", int64(1<<62), 0, true, true, false)
	f.Fuzz(func(t *testing.T, kpj, nik, name, birth, term, reason, bank, account, holder, phone, email, npwp string,
		balance int64, dup int, found, validate, active bool) {
		r := Row{No: 9, Line: 10, FieldCount: 12, HeaderFields: 12, KPJ: kpj, NIK: nik, FullName: name,
			BirthDate: birth, TerminationDate: term, Reason: reason, BankCode: bank, BankAccount: account,
			AccountName: holder, Phone: phone, Email: email, NPWP: npwp}
		c := validContext()
		if validate {
			c.Mode = ModeValidate
		}
		l := Lookup{DuplicateOf: dup, ActiveClaim: active}
		if found {
			l.Participant = &Participant{KPJ: kpj, NIK: nik, FullName: name, NPP: testNPP, Balance: balance,
				MembershipStart: ymd(2000, 1, 1)}
		}
		checkVerdict(t, r, c, Judge(r, c, l))
	})
}

// checkVerdict asserts the invariants of FuzzJudge.
func checkVerdict(t *testing.T, r Row, c Setting, v Verdict) {
	t.Helper()
	wantOK := OutcomeCreated
	if c.Mode == ModeValidate {
		wantOK = OutcomeValid
	}
	switch {
	case v.Outcome == OutcomeRejected:
		if !v.Issues.HasErrors() || v.Claim != nil {
			t.Fatalf("REJECTED with issues %v and claim %v", v.Issues, v.Claim)
		}
	case v.Outcome == wantOK:
		if v.Issues.HasErrors() || v.Claim == nil {
			t.Fatalf("%s with issues %v and claim %v", v.Outcome, v.Issues, v.Claim)
		}
		cl := v.Claim
		if cl.Gross <= 0 || cl.Tax < 0 || cl.Net != cl.Gross-cl.Tax || cl.Net < 0 || cl.Tax != Tax(cl.Gross) {
			t.Fatalf("claim amounts gross %d tax %d net %d", cl.Gross, cl.Tax, cl.Net)
		}
		if cl.EligibleOn.Before(cl.TerminationDate) {
			t.Fatalf("eligible on %s before termination %s", cl.EligibleOn, cl.TerminationDate)
		}
	default:
		t.Fatalf("outcome %q in mode %s", v.Outcome, c.Mode)
	}
	for _, i := range v.Issues {
		if i.Message(LangID) == "" || i.Message(LangEN) == "" {
			t.Fatalf("issue %v has an empty message", i)
		}
		if i.Code == CodeDuplicateInFile {
			continue // its Arg is a row number the fuzzer chose
		}
		for _, pd := range []string{r.KPJ, r.NIK, r.BankAccount, r.Phone, r.Email} {
			if len(pd) >= 6 && strings.Contains(i.Arg, pd) {
				t.Fatalf("issue %v carries personal data %q", i, pd)
			}
		}
	}
}

// BenchmarkJudge judges a row that makes a claim and one the registry
// rejects, with a titled name and separators in its identifiers, as real
// files have them.
func BenchmarkJudge(b *testing.B) {
	created := validRow()
	created.FullName, created.AccountName = "Dr. Budi Santoso, S.E.", "BUDI SANTOSO"
	rejected := validRow()
	rejected.FullName, rejected.Phone, rejected.NPWP = "Budi Santosa", "0812-3456", ""
	for _, bc := range []struct {
		name string
		row  Row
	}{{"created", created}, {"rejected", rejected}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			set, l := validContext(), validLookup()
			for b.Loop() {
				Judge(bc.row, set, l)
			}
		})
	}
}
