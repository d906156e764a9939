package batch

import "slices"

// Code is a stable machine-readable code of docs/codes.md: a file-level error,
// a row error, a row warning, or an error of the service itself (the API's,
// the store's and the operator commands'). Codes never change meaning; new
// ones are added. This file is the one place a code is spelled out; its
// messages in both languages are in messages.go (file, row and warning
// codes) and service.go (the others).
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

// CodeMappingJSON and CodeMappingUnknownColumn are the details of an
// invalid mapping (the upload is answered INVALID_PARAMETER).
const (
	CodeMappingJSON          Code = "MAPPING_JSON"
	CodeMappingUnknownColumn Code = "MAPPING_UNKNOWN_COLUMN"
)

// CodeSheetNotFound refuses an upload whose ?sheet= names no worksheet of
// the workbook. It is a request error, not a file code: the file itself may
// be fine.
const CodeSheetNotFound Code = "SHEET_NOT_FOUND"

// CodeNotFound is the code of NotFound: something absent, not the
// caller's, or named by a malformed id (404).
const CodeNotFound Code = "NOT_FOUND"

// Codes of the operator commands (company create, participants import,
// company webhook, user create).
const (
	CodeCompanyExists    Code = "COMPANY_EXISTS"
	CodeNPPFormat        Code = "NPP_FORMAT"
	CodeWebhookURL       Code = "WEBHOOK_URL"
	CodeBalanceFormat    Code = "BALANCE_FORMAT"
	CodeUserExists       Code = "USER_EXISTS"
	CodePasswordTooShort Code = "PASSWORD_TOO_SHORT"
)

// Codes of the service: errors of the HTTP layer, of the store and of
// sign-in, each with its message in service.go.
const (
	CodeUnauthorized         Code = "UNAUTHORIZED"
	CodeForbidden            Code = "FORBIDDEN"
	CodeLoginFailed          Code = "LOGIN_FAILED"
	CodeLoginThrottled       Code = "LOGIN_THROTTLED"
	CodeInvalidParameter     Code = "INVALID_PARAMETER"
	CodeMethodNotAllowed     Code = "METHOD_NOT_ALLOWED"
	CodeTooManyRequests      Code = "TOO_MANY_REQUESTS"
	CodeInternal             Code = "INTERNAL"
	CodeDatabaseUnavailable  Code = "DATABASE_UNAVAILABLE"
	CodeQueueUnavailable     Code = "QUEUE_UNAVAILABLE"
	CodeIdempotencyKeyReused Code = "IDEMPOTENCY_KEY_REUSED"
	CodeBatchNotFinished     Code = "BATCH_NOT_FINISHED"
	CodeBatchFinished        Code = "BATCH_FINISHED"
	CodeNotRetryable         Code = "NOT_RETRYABLE"
	CodeCursorInvalid        Code = "CURSOR_INVALID"
	CodeReportPurged         Code = "REPORT_PURGED"
	// CodeProcessingFailed is the reject code of a batch the pipeline gave
	// up on; its detail's value is the reason, for operators.
	CodeProcessingFailed Code = "PROCESSING_FAILED"
)

// Warning codes: reported, never blocking a claim.
const (
	CodeNIKBirthDateMismatch     Code = "NIK_BIRTH_DATE_MISMATCH"
	CodeBankAccountLengthUnusual Code = "BANK_ACCOUNT_LENGTH_UNUSUAL"
	CodeRetirementAgeUnder56     Code = "RETIREMENT_AGE_UNDER_56"
	// CodeLeadingZeroRestored: a bank code or phone had the leading zero a
	// spreadsheet drops put back.
	CodeLeadingZeroRestored Code = "LEADING_ZERO_RESTORED"
)

// warningCodes are the warnings.
var warningCodes = []Code{CodeNIKBirthDateMismatch, CodeBankAccountLengthUnusual, CodeRetirementAgeUnder56,
	CodeLeadingZeroRestored}

// fileLevelCodes are the codes that refuse a whole file.
var fileLevelCodes = []Code{CodeFileEmpty, CodeFileTooLarge, CodeTooManyRows, CodeFileEncoding, CodeCSVSyntax,
	CodeHeaderMissingColumn, CodeHeaderUnknownColumn, CodeHeaderDuplicateColumn,
	CodeNoDataRows, CodeDuplicateFile}

// kinds is the kind of error each code is when it refuses a request: with
// the API's one table from kind to HTTP status (api/errors.go), its status.
// Row errors and warnings refuse no request and have none; the codes of
// the details of another error (MAPPING_*) neither.
var kinds = map[Code]Kind{
	CodeFileEmpty: KindInvalid, CodeFileTooLarge: KindTooLarge, CodeTooManyRows: KindTooLarge,
	CodeFileEncoding: KindInvalid, CodeCSVSyntax: KindInvalid, CodeHeaderMissingColumn: KindInvalid,
	CodeHeaderUnknownColumn: KindInvalid, CodeHeaderDuplicateColumn: KindInvalid, CodeNoDataRows: KindInvalid,
	CodeDuplicateFile: KindConflict, CodeSheetNotFound: KindInvalid,

	CodeInvalidParameter: KindInvalid, CodeCursorInvalid: KindInvalid,
	CodeUnauthorized: KindUnauthorized, CodeLoginFailed: KindUnauthorized,
	CodeForbidden: KindForbidden, CodeNotFound: KindNotFound, CodeMethodNotAllowed: KindMethodNotAllowed,
	CodeBatchNotFinished: KindConflict, CodeBatchFinished: KindConflict, CodeNotACheckedBatch: KindConflict,
	CodeNotRetryable: KindConflict, CodeReportPurged: KindConflict,
	CodeIdempotencyKeyReused: KindUnprocessable, CodeLoginThrottled: KindTooManyRequests,
	CodeTooManyRequests: KindTooManyRequests, CodeInternal: KindInternal,
	CodeQueueUnavailable: KindUnavailable, CodeDatabaseUnavailable: KindUnavailable,

	CodeCompanyExists: KindConflict, CodeUserExists: KindConflict, CodeNPPFormat: KindInvalid,
	CodeWebhookURL: KindInvalid, CodeBalanceFormat: KindInvalid, CodePasswordTooShort: KindInvalid,
}

// Kind returns the kind of error c is when it refuses a request, and false
// for a code that never does.
func (c Code) Kind() (Kind, bool) {
	k, ok := kinds[c]
	return k, ok
}

// Fail returns the error that refuses a request with code c, of c's kind,
// with details (one detail of c when none is given).
func Fail(c Code, details ...Detail) *Error {
	k, ok := c.Kind()
	if !ok {
		k = KindInternal
	}
	if len(details) == 0 {
		details = []Detail{{Code: c}}
	}
	return &Error{Kind: k, Code: c, Details: details}
}

// IsWarning reports whether c is a warning rather than an error.
func (c Code) IsWarning() bool { return slices.Contains(warningCodes, c) }

// IsFileLevel reports whether c refuses a whole uploaded file: nothing of
// it is stored, and the refusal is kept for audit.
func (c Code) IsFileLevel() bool { return slices.Contains(fileLevelCodes, c) }

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
