package batch

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The rules of HR accounts (jhtbatch user create, POST /v1/session).

// MinPasswordChars is the shortest password a user may have.
const MinPasswordChars = 12

// NormalEmail is the form an account's e-mail is stored and looked up in:
// trimmed, lower case.
func NormalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CheckAccountEmail checks an account's e-mail in its normal form: a bare
// address, no display name. The error is EMAIL_FORMAT on column email.
func CheckAccountEmail(email string) error {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return &Error{Kind: KindInvalid, Code: CodeEmailFormat,
			Details: []Detail{{Code: CodeEmailFormat, Column: "email"}}}
	}
	return nil
}

// CheckNewPassword checks a new password: at least MinPasswordChars
// characters. The error is PASSWORD_TOO_SHORT on column password.
func CheckNewPassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordChars {
		return Fail(CodePasswordTooShort, Detail{Code: CodePasswordTooShort, Column: "password", Value: strconv.Itoa(MinPasswordChars)})
	}
	return nil
}

// User is a company's HR staff member who signs in with e-mail and password.
type User struct {
	ID         int64
	CompanyID  int64
	CompanyNPP string
	Email      string // lower-cased
	CreatedAt  time.Time
	DisabledAt *time.Time
}

// SessionLimits bound a session's life: it ends after Idle without a
// request, and after Max whatever happens.
type SessionLimits struct {
	Idle time.Duration
	Max  time.Duration
}
