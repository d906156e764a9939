package batch

import (
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
)

// rowValues holds a row's trimmed values as the validator sees them. The col
// tag names the canonical column a field's errors are reported under; the
// fields are in template order, so a row's format errors come in that order.
//
// The fields are unexported, and the validator reads them as such
// (WithPrivateFieldValidation): it then cannot box each value into an
// interface to look for a Valuer, which cost one allocation per field and
// an eighth of checking a row.
//
// A required column's rule also does the work of the required tag: it fails
// on an empty value (validateValues reports that as REQUIRED), and an
// optional column's rule passes one (as omitempty would skip it). One tag
// per field instead of two: the validator's walk of each tag, not the rules,
// was most of its cost per row.
type rowValues struct {
	kpj             string `col:"kpj" validate:"kpj"`
	nik             string `col:"nik" validate:"nik"`
	fullName        string `col:"full_name" validate:"jhtname"`
	birthDate       string `col:"birth_date" validate:"birthdate"`
	terminationDate string `col:"termination_date" validate:"terminationdate"`
	reason          string `col:"reason" validate:"reason"`
	bankCode        string `col:"bank_code" validate:"bankcode"`
	bankAccount     string `col:"bank_account" validate:"bankaccount"`
	accountName     string `col:"account_name" validate:"required"` // its one rule: the same name as full_name (docs/file-format.md)
	phone           string `col:"phone" validate:"idphone"`
	// jhtemail is the library's email rule (validEmail); optional (an
	// absent e-mail is not checked), as is npwp.
	email string `col:"email" validate:"jhtemail"`
	npwp  string `col:"npwp" validate:"npwp"`

	// parsed is, beside the values, the normalised form of each value
	// that passed its rule, which the rule itself stores (fieldRules):
	// normalising parsed every value again. It is here rather than in a
	// struct that embeds the values: the validator walked that outer
	// struct as one more field, a nested struct, for every row.
	parsed Fields `validate:"-"`
}

// optionalTags are the rules of optional columns: an empty value passes.
var optionalTags = map[string]bool{"jhtemail": true, "npwp": true}

// fieldRules are the custom validator tags: one JHT format rule each. A
// rule that passes stores the value's normalised form in f; one that fails
// leaves f as it is. The two date columns have a tag each, so that each
// rule knows where its date goes.
var fieldRules = map[string]func(f *Fields, s string) bool{
	"kpj":             func(f *Fields, s string) bool { return keep(&f.KPJ, s, validKPJ(s)) },
	"nik":             func(f *Fields, s string) bool { return keep(&f.NIK, s, CheckNIK(s)) },
	"jhtname":         func(f *Fields, s string) bool { return keep(&f.FullName, s, validName(s)) },
	"birthdate":       func(f *Fields, s string) bool { return keepDate(&f.BirthDate, s) },
	"terminationdate": func(f *Fields, s string) bool { return keepDate(&f.TerminationDate, s) },
	"reason": func(f *Fields, s string) bool {
		r, ok := ParseReason(s)
		return keep(&f.Reason, r, ok)
	},
	"bankcode": func(f *Fields, s string) bool {
		_, ok := LookupBank(s)
		return keep(&f.BankCode, s, ok)
	},
	"bankaccount": func(f *Fields, s string) bool {
		d, ok := normalizeAccount(s)
		return keep(&f.BankAccount, d, ok)
	},
	"idphone": func(f *Fields, s string) bool {
		p, ok := NormalizePhone(s)
		return keep(&f.Phone, p, ok)
	},
	"jhtemail": func(f *Fields, s string) bool { return keep(&f.Email, s, validEmail(s)) },
	"npwp": func(f *Fields, s string) bool {
		d, ok := CheckNPWP(s)
		return keep(&f.NPWP, d, ok)
	},
}

// keep stores v in *dst when ok, and returns ok.
func keep[T any](dst *T, v T, ok bool) bool {
	if ok {
		*dst = v
	}
	return ok
}

// keepDate parses s and stores the date in *dst when it is one.
func keepDate(dst *time.Time, s string) bool {
	t, ok := ParseDate(s)
	return keep(dst, t, ok)
}

// tagCodes maps a failed validator tag to the row error it means.
var tagCodes = map[string]Code{
	"required":        CodeRequired,
	"kpj":             CodeKPJFormat,
	"nik":             CodeNIKFormat,
	"jhtname":         CodeNameFormat,
	"birthdate":       CodeDateFormat,
	"terminationdate": CodeDateFormat,
	"reason":          CodeReasonUnknown,
	"bankcode":        CodeBankCodeUnknown,
	"bankaccount":     CodeBankAccountFormat,
	"idphone":         CodePhoneFormat,
	"jhtemail":        CodeEmailFormat,
	"npwp":            CodeNPWPFormat,
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
	v := validator.New(validator.WithRequiredStructEnabled(), validator.WithPrivateFieldValidation())
	for tag, rule := range fieldRules {
		// The values are trimmed (valuesOf): empty is what the required
		// tag's test (a string's length) meant.
		emptyOK := optionalTags[tag]
		err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			s := fl.Field().String()
			if s == "" {
				return emptyOK
			}
			// Top is the *rowValues given to Struct (validateValues).
			return rule(&fl.Top().Interface().(*rowValues).parsed, s)
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
	v := checkedRows.Get().(*rowValues)
	defer checkedRows.Put(v)
	*v = valuesOf(r)
	repairs := restoreLeadingZeros(v)
	issues := validateValues(v)
	spreadsheetIssues(v, issues)
	f := normalize(v)
	issues = append(issues, repairs...)
	issues = append(issues, crossIssues(f, civilDate(today))...)
	return f, issues
}

// checkedRows are reused: the validator keeps what it is given, so the
// values made per row went to the heap, the largest allocation of checking
// a row.
var checkedRows = sync.Pool{New: func() any { return new(rowValues) }}

// valuesOf copies r's values, trimmed again in case r was built by hand.
func valuesOf(r Row) rowValues {
	return rowValues{
		kpj: trimSpace(r.KPJ), nik: trimSpace(r.NIK), fullName: trimSpace(r.FullName),
		birthDate: trimSpace(r.BirthDate), terminationDate: trimSpace(r.TerminationDate),
		reason: trimSpace(r.Reason), bankCode: trimSpace(r.BankCode),
		bankAccount: trimSpace(r.BankAccount), accountName: trimSpace(r.AccountName),
		phone: trimSpace(r.Phone), email: trimSpace(r.Email), npwp: trimSpace(r.NPWP),
	}
}

// fieldColumns maps a rowValues field's name to its column (its col tag).
// The validator is not given the col tag as each field's name
// (RegisterTagNameFunc): it then built a second name string for every
// error.
var fieldColumns = func() map[string]Column {
	typ := reflect.TypeFor[rowValues]()
	m := make(map[string]Column, typ.NumField())
	for i := range typ.NumField() {
		f := typ.Field(i)
		m[f.Name] = Column(f.Tag.Get("col"))
	}
	return m
}()

// validateValues runs the field rules and turns each failure into an issue.
func validateValues(v *rowValues) Issues {
	// Struct fails with anything else only for a non-struct argument. A
	// type assertion rather than errors.As: Struct does not wrap its
	// errors, and errors.As cost an allocation per row.
	errs, ok := rowValidator.Struct(v).(validator.ValidationErrors)
	if !ok {
		return nil
	}
	issues := make(Issues, 0, len(errs))
	for _, fe := range errs {
		i := Issue{Code: tagCodes[fe.Tag()], Column: fieldColumns[fe.StructField()]}
		if fe.Value() == "" {
			// A rule fails an empty value only in a required column.
			i.Code = CodeRequired
		}
		if i.Code == CodeDateFormat {
			i.Arg = dateFormats
		}
		if i.Code == CodeReasonUnknown && IsIndividualReason(v.reason) {
			i.Code = CodeReasonNotCollective
		}
		issues = append(issues, i)
	}
	return issues
}

// normalize returns the typed, normalised form of every value that passed
// its rule; a value in a bad column is left zero. Each rule stored its value's
// form as it passed (fieldRules); a value that failed its rule, or was
// required and empty, has an issue in its column and was stored by nothing.
// The account name's only format rule is required: it is kept as it is.
func normalize(v *rowValues) Fields {
	f := v.parsed
	f.AccountName = v.accountName
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
