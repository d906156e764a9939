package batch

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/go-playground/validator/v10"
)

// rowValues holds a row's trimmed values as the validator sees them. The col
// tag names the canonical column a field's errors are reported under; the
// fields are in template order, so a row's format errors come in that order.
type rowValues struct {
	KPJ             string `col:"kpj" validate:"required,kpj"`
	NIK             string `col:"nik" validate:"required,nik"`
	FullName        string `col:"full_name" validate:"required,jhtname"`
	BirthDate       string `col:"birth_date" validate:"required,jhtdate"`
	TerminationDate string `col:"termination_date" validate:"required,jhtdate"`
	Reason          string `col:"reason" validate:"required,reason"`
	BankCode        string `col:"bank_code" validate:"required,bankcode"`
	BankAccount     string `col:"bank_account" validate:"required,bankaccount"`
	AccountName     string `col:"account_name" validate:"required"` // its one rule: the same name as full_name (docs/file-format.md)
	Phone           string `col:"phone" validate:"required,idphone"`
	// jhtemail is the library's email rule (validEmail); omitempty: an
	// absent e-mail is not checked.
	Email string `col:"email" validate:"omitempty,jhtemail"`
	NPWP  string `col:"npwp" validate:"omitempty,npwp"`
}

// fieldRules are the custom validator tags: one JHT format rule each.
var fieldRules = map[string]func(string) bool{
	"kpj":         validKPJ,
	"nik":         CheckNIK,
	"jhtname":     validName,
	"jhtdate":     func(s string) bool { _, ok := ParseDate(s); return ok },
	"reason":      func(s string) bool { _, ok := ParseReason(s); return ok },
	"bankcode":    func(s string) bool { _, ok := LookupBank(s); return ok },
	"bankaccount": func(s string) bool { _, ok := normalizeAccount(s); return ok },
	"idphone":     func(s string) bool { _, ok := NormalizePhone(s); return ok },
	"npwp":        func(s string) bool { _, ok := CheckNPWP(s); return ok },
	"jhtemail":    validEmail,
}

// tagCodes maps a failed validator tag to the row error it means.
var tagCodes = map[string]Code{
	"required":    CodeRequired,
	"kpj":         CodeKPJFormat,
	"nik":         CodeNIKFormat,
	"jhtname":     CodeNameFormat,
	"jhtdate":     CodeDateFormat,
	"reason":      CodeReasonUnknown,
	"bankcode":    CodeBankCodeUnknown,
	"bankaccount": CodeBankAccountFormat,
	"idphone":     CodePhoneFormat,
	"jhtemail":    CodeEmailFormat,
	"npwp":        CodeNPWPFormat,
}

const kpjLen = 11

// Age limits at the termination date (docs/codes.md, Permenaker 4/2022).
const (
	minAge        = 15
	maxAge        = 100
	retirementAge = 56
)

// rowValidator is built once: a validator caches struct metadata and is safe
// for concurrent use.
var rowValidator = newRowValidator()

func newRowValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string { return f.Tag.Get("col") })
	for tag, rule := range fieldRules {
		err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			return rule(fl.Field().String())
		})
		if err != nil {
			// Only a malformed tag name fails here: a bug, found by any test.
			panic(fmt.Sprintf("register validator tag %q: %v", tag, err))
		}
	}
	return v
}

// Check applies every format rule of docs/file-format.md and docs/codes.md to r. It returns the
// normalised fields (zero values where a field could not be parsed) and all
// issues found: every format error of the row at once, the rules spanning
// fields, and the format-level warnings. today is the processing date as a
// civil date. A row whose field count differs from the header's gets
// FIELD_COUNT only, because its values are misaligned.
func Check(r Row, today time.Time) (Fields, Issues) {
	if r.FieldCount != r.HeaderFields {
		return Fields{}, Issues{{Code: CodeFieldCount, Arg: fmt.Sprintf("%d/%d", r.FieldCount, r.HeaderFields)}}
	}
	v := valuesOf(r)
	repairs := restoreLeadingZeros(&v)
	issues := validateValues(&v)
	spreadsheetIssues(&v, issues)
	bad := map[Column]bool{}
	for _, i := range issues {
		bad[i.Column] = true
	}
	f := normalize(v, bad)
	issues = append(issues, repairs...)
	issues = append(issues, crossIssues(f, civilDate(today))...)
	return f, issues
}

// valuesOf copies r's values, trimmed again in case r was built by hand.
func valuesOf(r Row) rowValues {
	return rowValues{
		KPJ: trimSpace(r.KPJ), NIK: trimSpace(r.NIK), FullName: trimSpace(r.FullName),
		BirthDate: trimSpace(r.BirthDate), TerminationDate: trimSpace(r.TerminationDate),
		Reason: trimSpace(r.Reason), BankCode: trimSpace(r.BankCode),
		BankAccount: trimSpace(r.BankAccount), AccountName: trimSpace(r.AccountName),
		Phone: trimSpace(r.Phone), Email: trimSpace(r.Email), NPWP: trimSpace(r.NPWP),
	}
}

// validateValues runs the field rules and turns each failure into an issue.
func validateValues(v *rowValues) Issues {
	var errs validator.ValidationErrors
	// Struct fails with anything else only for a non-struct argument.
	if !errors.As(rowValidator.Struct(v), &errs) {
		return nil
	}
	issues := make(Issues, 0, len(errs))
	for _, fe := range errs {
		i := Issue{Code: tagCodes[fe.Tag()], Column: Column(fe.Field())}
		if i.Code == CodeDateFormat {
			i.Arg = dateFormats
		}
		if i.Code == CodeReasonUnknown && IsIndividualReason(v.Reason) {
			i.Code = CodeReasonNotCollective
		}
		issues = append(issues, i)
	}
	return issues
}

// normalize returns the typed, normalised form of every value that passed
// its rule; a value in a bad column is left zero.
func normalize(v rowValues, bad map[Column]bool) Fields {
	var f Fields
	ok := func(c Column) bool { return !bad[c] }
	if ok(ColKPJ) {
		f.KPJ = v.KPJ
	}
	if ok(ColNIK) {
		f.NIK = v.NIK
	}
	if ok(ColFullName) {
		f.FullName = v.FullName
	}
	if ok(ColBirthDate) {
		f.BirthDate, _ = ParseDate(v.BirthDate)
	}
	if ok(ColTerminationDate) {
		f.TerminationDate, _ = ParseDate(v.TerminationDate)
	}
	if ok(ColReason) {
		f.Reason, _ = ParseReason(v.Reason)
	}
	if ok(ColBankCode) {
		f.BankCode = v.BankCode
	}
	if ok(ColBankAccount) {
		f.BankAccount, _ = normalizeAccount(v.BankAccount)
	}
	if ok(ColAccountName) {
		f.AccountName = v.AccountName
	}
	if ok(ColPhone) {
		f.Phone, _ = NormalizePhone(v.Phone)
	}
	if ok(ColEmail) {
		f.Email = v.Email
	}
	if ok(ColNPWP) && v.NPWP != "" {
		f.NPWP, _ = CheckNPWP(v.NPWP)
	}
	return f
}

// crossIssues applies the rules that span fields to the values that passed
// their own rules: errors first, then warnings.
func crossIssues(f Fields, today time.Time) Issues {
	var is Issues
	datesOK := !f.BirthDate.IsZero() && !f.TerminationDate.IsZero()
	age := 0
	if datesOK {
		age = ageAt(f.BirthDate, f.TerminationDate)
	}
	ageOK := age >= minAge && age <= maxAge
	if datesOK && !ageOK {
		is = append(is, Issue{Code: CodeBirthDateRange, Column: ColBirthDate, Arg: strconv.Itoa(age)})
	}
	if !f.TerminationDate.IsZero() && f.TerminationDate.After(today) {
		is = append(is, Issue{Code: CodeTerminationInFuture, Column: ColTerminationDate, Arg: today.Format(time.DateOnly)})
	}
	if f.FullName != "" && f.AccountName != "" && !SameName(f.FullName, f.AccountName) {
		is = append(is, Issue{Code: CodeAccountNameMismatch, Column: ColAccountName})
	}
	if f.NIK != "" && !f.BirthDate.IsZero() && !nikMatchesBirth(f.NIK, f.BirthDate) {
		is = append(is, Issue{Code: CodeNIKBirthDateMismatch, Column: ColNIK})
	}
	if b, known := LookupBank(f.BankCode); known && f.BankAccount != "" && b.UsualLength > 0 && len(f.BankAccount) != b.UsualLength {
		is = append(is, Issue{Code: CodeBankAccountLengthUnusual, Column: ColBankAccount, Arg: strconv.Itoa(b.UsualLength)})
	}
	if f.Reason == ReasonRetirement && datesOK && ageOK && age < retirementAge {
		is = append(is, Issue{Code: CodeRetirementAgeUnder56, Column: ColReason, Arg: strconv.Itoa(age)})
	}
	return is
}

// nikMatchesBirth reports whether the date in a well-formed NIK is the birth
// date (day, month and the year's last two digits).
func nikMatchesBirth(nik string, birth time.Time) bool {
	day, month, yy, ok := nikBirth(nik)
	return ok && day == birth.Day() && month == int(birth.Month()) && yy == birth.Year()%100
}
