package batch

import (
	"errors"
	"fmt"
)

// Kind classifies an application error; the HTTP layer maps each kind to one
// status code in one table.
type Kind string

// Error kinds.
const (
	KindInvalid          Kind = "invalid"            // the input is wrong (400)
	KindUnauthorized     Kind = "unauthorized"       // no or bad credentials (401)
	KindForbidden        Kind = "forbidden"          // good credentials of the wrong kind, or a foreign origin (403)
	KindNotFound         Kind = "not_found"          // absent, or another company's (404)
	KindConflict         Kind = "conflict"           // the state forbids it (409)
	KindTooLarge         Kind = "too_large"          // a limit was exceeded (413)
	KindUnprocessable    Kind = "unprocessable"      // well-formed, but contradicts an earlier request (422)
	KindTooManyRequests  Kind = "too_many_requests"  // a capacity is full; try again later (429)
	KindMethodNotAllowed Kind = "method_not_allowed" // the path exists, not with that method (405)
	KindUnavailable      Kind = "unavailable"        // a dependency is down (503)
	KindInternal         Kind = "internal"           // a bug or an unexpected failure (500)
)

// Detail is one specific problem behind an error: a code, where it is (line
// in the file, column name as uploaded) and the offending value when it is
// safe to show (never personal data).
type Detail struct {
	Code   Code   `json:"code"`
	Line   int    `json:"line,omitempty"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	// Suggestion is the column an unknown header name most likely means
	// (HEADER_UNKNOWN_COLUMN only; "" when none is likely).
	Suggestion Column `json:"suggestion,omitempty"`
}

// Error is the one application error type. Code is a CONTRACT.md code when
// one applies (file-level errors), else a short lower-case word.
type Error struct {
	Kind    Kind
	Code    Code
	Details []Detail
	// BatchID names a related batch, such as the earlier batch of a
	// DUPLICATE_FILE or the batch an Idempotency-Key already created.
	BatchID string
	// Err is the underlying cause, for logs; never shown to users.
	Err error
}

// Error implements error in English, for logs.
func (e *Error) Error() string {
	msg := string(e.Code)
	if len(e.Details) > 0 {
		msg += ": " + e.Details[0].Message(LangEN)
		if len(e.Details) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(e.Details)-1)
		}
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// FileError returns the error that refuses an uploaded file with code.
func FileError(kind Kind, code Code, details ...Detail) *Error {
	if len(details) == 0 {
		details = []Detail{{Code: code}}
	}
	return &Error{Kind: kind, Code: code, Details: details}
}

// ErrorOf returns the *Error in err's chain, or nil.
func ErrorOf(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// NotFound returns the error for something absent or not the caller's.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: Code("not_found"), Details: []Detail{{Code: "not_found", Value: what}}}
}

// Conflict returns the error for an action the current state forbids.
func Conflict(code Code, value string) *Error {
	return &Error{Kind: KindConflict, Code: code, Details: []Detail{{Code: code, Value: value}}}
}
