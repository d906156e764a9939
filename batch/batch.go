// Package batch holds the domain of collective JHT claims: batches, rows,
// chunks, claims, the companies, users and operators who handle them, their
// codes, and the pure rules that judge a row (docs/rules.md). The values the
// store returns are declared here, so the API and the workers need no storage
// package for them. It does no I/O beyond the readers and writers it is handed.
package batch

import "time"

// Status is the lifecycle state of a batch (docs/architecture.md "State").
type Status string

// Batch statuses.
const (
	StatusAccepted            Status = "accepted"
	StatusProcessing          Status = "processing"
	StatusCompleted           Status = "completed"
	StatusCompletedWithErrors Status = "completed_with_errors"
	StatusFailed              Status = "failed"
	StatusCancelled           Status = "cancelled"
	StatusRejected            Status = "rejected"
)

// Finished reports whether s is terminal: no more work will be done.
func (s Status) Finished() bool {
	switch s {
	case StatusCompleted, StatusCompletedWithErrors, StatusFailed, StatusCancelled, StatusRejected:
		return true
	}
	return false
}

// Counts are a batch's rows by outcome: processed (every row with an
// outcome), created, valid and rejected, and those with a warning.
type Counts struct {
	Processed, Created, Valid, Rejected, Warnings int
}

// FinalStatus is the status a batch ends with once every row has its
// outcome: completed_with_errors when a row was rejected, else completed
// (warnings never block a claim, so they do not count).
func FinalStatus(c Counts) Status {
	if c.Rejected > 0 {
		return StatusCompletedWithErrors
	}
	return StatusCompleted
}

// Mode says whether a batch creates claims or only validates its rows.
type Mode string

// Batch modes.
const (
	ModeCreate   Mode = "create"
	ModeValidate Mode = "validate"
)

// Outcome is the one result every data row gets.
type Outcome string

// Row outcomes.
const (
	OutcomeCreated  Outcome = "CREATED"
	OutcomeValid    Outcome = "VALID"
	OutcomeRejected Outcome = "REJECTED"
)

// ClaimStatus is the state of a JHT claim.
type ClaimStatus string

// Claim statuses. WAITING and READY are "active": at most one per KPJ.
const (
	ClaimWaiting ClaimStatus = "WAITING"
	ClaimReady   ClaimStatus = "READY"
)

// Reason is a canonical claim reason (docs/rules.md "Claim reasons").
type Reason string

// Claim reasons.
const (
	ReasonPHK         Reason = "PHK"
	ReasonResign      Reason = "RESIGN"
	ReasonContractEnd Reason = "CONTRACT_END"
	ReasonRetirement  Reason = "RETIREMENT"
)

// RulesVersion names the rule set that judges rows. Bump it whenever a rule,
// a table (banks, titles, provinces) or an amount computation changes, so a
// batch records which rules decided it.
const RulesVersion = "2026.11.3"

// Row is one data row of an uploaded file, with its values trimmed and keyed
// by canonical column. Values are exactly as uploaded otherwise.
type Row struct {
	No   int // 1-based data row number
	Line int // line in the file where the row starts

	// FieldCount and HeaderFields differ when the row has a different number
	// of fields than the header (FIELD_COUNT).
	FieldCount   int
	HeaderFields int

	KPJ             string `csv:"kpj"`
	NIK             string `csv:"nik"`
	FullName        string `csv:"full_name"`
	BirthDate       string `csv:"birth_date"`
	TerminationDate string `csv:"termination_date"`
	Reason          string `csv:"reason"`
	BankCode        string `csv:"bank_code"`
	BankAccount     string `csv:"bank_account"`
	AccountName     string `csv:"account_name"`
	Phone           string `csv:"phone"`
	Email           string `csv:"email"`
	NPWP            string `csv:"npwp"`
}

// Fields is a row after its format rules passed: values normalised and typed.
// Dates are civil dates at 00:00 UTC.
type Fields struct {
	KPJ             string
	NIK             string
	FullName        string
	BirthDate       time.Time
	TerminationDate time.Time
	Reason          Reason
	BankCode        string
	BankAccount     string // digits only
	AccountName     string
	Phone           string // +628…
	Email           string // "" when absent
	NPWP            string // digits only, "" when absent
}

// Participant is a member in the registry (docs/rules.md "The participant registry").
type Participant struct {
	KPJ             string    `csv:"kpj"`
	NIK             string    `csv:"nik"`
	FullName        string    `csv:"full_name"`
	BirthDate       time.Time `csv:"-"`
	NPP             string    `csv:"npp"`
	Balance         int64     `csv:"-"`
	MembershipStart time.Time `csv:"-"`
}

// Claim is what a valid row becomes: the fields of a JHT claim before the
// store gives it a number.
type Claim struct {
	KPJ             string
	NIK             string
	FullName        string
	Reason          Reason
	TerminationDate time.Time
	EligibleOn      time.Time
	Status          ClaimStatus
	BankCode        string
	BankAccount     string
	AccountName     string
	Phone           string
	Email           string
	NPWP            string
	Gross           int64
	Tax             int64
	Net             int64
}

// Verdict is the judgement of one row: its outcome, every issue found, and the
// claim to create when the outcome is not REJECTED.
type Verdict struct {
	Outcome Outcome
	Issues  Issues
	Claim   *Claim
}

// Reject turns v into a rejection with one more issue (used when the store
// finds a conflict the pure rules could not see, such as a racing claim).
func (v *Verdict) Reject(i Issue) {
	v.Outcome = OutcomeRejected
	v.Issues = append(v.Issues, i)
	v.Claim = nil
}

// Company is an employer that uploads batches, identified by its NPP.
type Company struct {
	ID   int64
	NPP  string
	Name string
}
