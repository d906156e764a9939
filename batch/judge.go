package batch

import (
	"strconv"
	"time"
)

// Setting is what a row is judged against besides its own values: the
// processing date, the uploading company and the mode.
type Setting struct {
	Today      time.Time // processing date in BUSINESS_TZ, civil date at 00:00 UTC
	CompanyNPP string
	Mode       Mode
}

// Lookup is what the store found for one row.
type Lookup struct {
	DuplicateOf int          // earlier data row number with the same KPJ or NIK; 0 if none
	Participant *Participant // nil when the KPJ is not in the registry
	ActiveClaim bool         // an active (WAITING/READY) claim already exists for this KPJ
	// DuplicateLine is the line (the spreadsheet row the user sees) of
	// DuplicateOf, which the message names: "baris" means one thing in
	// every message. 0 when unknown; the message then names DuplicateOf.
	DuplicateLine int
}

// Judge decides a row: Check, then the duplicate, registry and active-claim
// rules, then the claim itself (eligibility date, status, tax). A row with
// any error is REJECTED without a claim; otherwise it is CREATED, or VALID in
// validate-only mode, with the claim filled in. Warnings are kept in either
// case.
func Judge(r Row, set Setting, l Lookup) Verdict { return JudgeInto(r, set, l, nil) }

// JudgeInto is Judge writing the claim, when there is one, into *c (a new
// Claim when c is nil), which the verdict then points to. A store judging
// a chunk of rows keeps their claims in one slice: a Claim allocated per
// row was a tenth of the bytes the chunk path allocated.
func JudgeInto(r Row, set Setting, l Lookup, c *Claim) Verdict {
	today := civilDate(set.Today)
	f, issues := Check(r, today)
	if r.FieldCount != r.HeaderFields {
		// Misaligned values: anything else found would be noise.
		return Verdict{Outcome: OutcomeRejected, Issues: issues}
	}
	if l.DuplicateOf > 0 {
		// A damaged KPJ is compared with nothing (DuplicateKey): the row
		// repeats an earlier one by its NIK.
		col := ColKPJ
		if DuplicateKey(r.KPJ) == "" {
			col = ColNIK
		}
		at := l.DuplicateOf
		if l.DuplicateLine > 0 {
			at = l.DuplicateLine
		}
		issues = append(issues, Issue{Code: CodeDuplicateInFile, Column: col, Arg: strconv.Itoa(at)})
	}
	if f.KPJ != "" {
		issues = append(issues, registryIssues(f, set.CompanyNPP, l)...)
	}
	// Without errors the KPJ was well-formed and found, so Participant is set;
	// the nil test only keeps a broken Lookup from panicking.
	if issues.HasErrors() || l.Participant == nil {
		return Verdict{Outcome: OutcomeRejected, Issues: issues}
	}
	if c == nil {
		c = new(Claim)
	}
	*c = newClaim(f, l.Participant.Balance, today)
	outcome := OutcomeCreated
	if set.Mode == ModeValidate {
		outcome = OutcomeValid
	}
	return Verdict{Outcome: outcome, Issues: issues, Claim: c}
}

// registryIssues checks a row with a well-formed KPJ against the registry
// and the active claims. A participant of another company gets only
// PARTICIPANT_OTHER_COMPANY: telling the uploader whether that person's NIK,
// name, balance or claims match would disclose another employer's data
// (UU 27/2022).
func registryIssues(f Fields, npp string, l Lookup) Issues {
	p := l.Participant
	if p == nil {
		return Issues{{Code: CodeParticipantNotFound, Column: ColKPJ}}
	}
	if p.NPP != npp {
		return Issues{{Code: CodeParticipantOtherCompany, Column: ColKPJ}}
	}
	var is Issues
	if f.NIK != "" && f.NIK != p.NIK {
		is = append(is, Issue{Code: CodeParticipantNIKMismatch, Column: ColNIK})
	}
	if f.FullName != "" && !SameName(f.FullName, p.FullName) {
		is = append(is, Issue{Code: CodeParticipantNameMismatch, Column: ColFullName})
	}
	if start := civilDate(p.MembershipStart); !f.TerminationDate.IsZero() && !p.MembershipStart.IsZero() && f.TerminationDate.Before(start) {
		is = append(is, Issue{Code: CodeTerminationBeforeMembership, Column: ColTerminationDate, Arg: start.Format(time.DateOnly)})
	}
	if p.Balance <= 0 {
		is = append(is, Issue{Code: CodeBalanceEmpty, Column: ColKPJ})
	}
	if l.ActiveClaim {
		is = append(is, Issue{Code: CodeClaimAlreadyActive, Column: ColKPJ})
	}
	return is
}

// newClaim builds the claim of a row that passed every rule: the balance is
// paid in full, less the final tax, from the eligibility date on.
func newClaim(f Fields, balance int64, today time.Time) Claim {
	eligible := EligibleOn(f.Reason, f.TerminationDate)
	status := ClaimReady
	if eligible.After(today) {
		status = ClaimWaiting
	}
	tax := Tax(balance)
	return Claim{
		KPJ: f.KPJ, NIK: f.NIK, FullName: f.FullName,
		Reason: f.Reason, TerminationDate: f.TerminationDate, EligibleOn: eligible, Status: status,
		BankCode: f.BankCode, BankAccount: f.BankAccount, AccountName: f.AccountName,
		Phone: f.Phone, Email: f.Email, NPWP: f.NPWP,
		Gross: balance, Tax: tax, Net: balance - tax,
	}
}
