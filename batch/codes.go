package batch

// Code is a stable machine-readable code of CONTRACT.md §2: a file-level error,
// a row error or a row warning. Codes never change meaning; new ones are added.
type Code string

// File-level error codes: the upload is refused and no row is stored.
const (
	CodeFileEmpty             Code = "FILE_EMPTY"
	CodeFileTooLarge          Code = "FILE_TOO_LARGE"
	CodeTooManyRows           Code = "TOO_MANY_ROWS"
	CodeFileEncoding          Code = "FILE_ENCODING"
	CodeCSVSyntax             Code = "CSV_SYNTAX"
	CodeHeaderMissingColumn   Code = "HEADER_MISSING_COLUMN"
	CodeHeaderUnknownColumn   Code = "HEADER_UNKNOWN_COLUMN"
	CodeHeaderDuplicateColumn Code = "HEADER_DUPLICATE_COLUMN"
	CodeNoDataRows            Code = "NO_DATA_ROWS"
	CodeDuplicateFile         Code = "DUPLICATE_FILE"
)

// Row error codes: a row with any of them is REJECTED and gets no claim.
const (
	CodeFieldCount                  Code = "FIELD_COUNT"
	CodeRequired                    Code = "REQUIRED"
	CodeKPJFormat                   Code = "KPJ_FORMAT"
	CodeNIKFormat                   Code = "NIK_FORMAT"
	CodeNameFormat                  Code = "NAME_FORMAT"
	CodeDateFormat                  Code = "DATE_FORMAT"
	CodeBirthDateRange              Code = "BIRTH_DATE_RANGE"
	CodeTerminationInFuture         Code = "TERMINATION_IN_FUTURE"
	CodeReasonUnknown               Code = "REASON_UNKNOWN"
	CodeBankCodeUnknown             Code = "BANK_CODE_UNKNOWN"
	CodeBankAccountFormat           Code = "BANK_ACCOUNT_FORMAT"
	CodeAccountNameMismatch         Code = "ACCOUNT_NAME_MISMATCH"
	CodePhoneFormat                 Code = "PHONE_FORMAT"
	CodeEmailFormat                 Code = "EMAIL_FORMAT"
	CodeNPWPFormat                  Code = "NPWP_FORMAT"
	CodeDuplicateInFile             Code = "DUPLICATE_IN_FILE"
	CodeParticipantNotFound         Code = "PARTICIPANT_NOT_FOUND"
	CodeParticipantOtherCompany     Code = "PARTICIPANT_OTHER_COMPANY"
	CodeParticipantNIKMismatch      Code = "PARTICIPANT_NIK_MISMATCH"
	CodeParticipantNameMismatch     Code = "PARTICIPANT_NAME_MISMATCH"
	CodeTerminationBeforeMembership Code = "TERMINATION_BEFORE_MEMBERSHIP"
	CodeBalanceEmpty                Code = "BALANCE_EMPTY"
	CodeClaimAlreadyActive          Code = "CLAIM_ALREADY_ACTIVE"
	// CodeSpreadsheetNumber: an identifier a spreadsheet took for a number
	// (scientific notation, or a nik/npwp from a numeric workbook cell).
	CodeSpreadsheetNumber Code = "SPREADSHEET_NUMBER"
)

// CodeReasonNotCollective is a row error: death, permanent total
// disability or leaving Indonesia are JHT grounds, claimed individually
// with the claimant's own documents, never through the collective channel.
const CodeReasonNotCollective Code = "REASON_NOT_COLLECTIVE"

// CodeNotACheckedBatch refuses POST /v1/batches/{id}/create on a batch that
// is not a finished validate-only batch (409).
const CodeNotACheckedBatch Code = "NOT_A_CHECKED_BATCH"

// Warning codes: reported, never blocking a claim.
const (
	CodeNIKBirthDateMismatch     Code = "NIK_BIRTH_DATE_MISMATCH"
	CodeBankAccountLengthUnusual Code = "BANK_ACCOUNT_LENGTH_UNUSUAL"
	CodeRetirementAgeUnder56     Code = "RETIREMENT_AGE_UNDER_56"
	// CodeLeadingZeroRestored: a bank code or phone had the leading zero a
	// spreadsheet drops put back.
	CodeLeadingZeroRestored Code = "LEADING_ZERO_RESTORED"
)

// IsWarning reports whether c is a warning rather than an error.
func (c Code) IsWarning() bool {
	switch c {
	case CodeNIKBirthDateMismatch, CodeBankAccountLengthUnusual, CodeRetirementAgeUnder56,
		CodeLeadingZeroRestored:
		return true
	}
	return false
}

// Issue is one problem found in one row: the rule broken (Code), the column it
// concerns (empty when it concerns the whole row) and an optional argument
// that the message needs, such as the earlier row number of a duplicate or
// the usual account length of a bank.
type Issue struct {
	Code   Code   `json:"code"`
	Column Column `json:"column,omitempty"`
	Arg    string `json:"arg,omitempty"`
}

// Issues is the list of problems of one row, in the order they were found.
type Issues []Issue

// HasErrors reports whether any issue is an error (not a warning).
func (is Issues) HasErrors() bool {
	for _, i := range is {
		if !i.Code.IsWarning() {
			return true
		}
	}
	return false
}

// Codes returns the error codes and the warning codes, each in order and
// without repeats.
func (is Issues) Codes() (errs, warns []Code) {
	seen := map[Code]bool{}
	for _, i := range is {
		if seen[i.Code] {
			continue
		}
		seen[i.Code] = true
		if i.Code.IsWarning() {
			warns = append(warns, i.Code)
		} else {
			errs = append(errs, i.Code)
		}
	}
	return errs, warns
}
