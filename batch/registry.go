package batch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The participant registry file that operators import ("jhtbatch
// participants import"): a CSV with a header naming RegistryColumns, in any
// order and case, other columns ignored. Reading it and judging its lines is
// pure; the store only upserts what this accepts.

// RegistryColumns are the columns a registry file must have.
var RegistryColumns = []string{"kpj", "nik", "full_name", "birth_date", "npp", "jht_balance", "membership_start"}

// nppLen is the length of an NPP, a company's registration number.
const nppLen = 8

// NormalNPP is the form an NPP is stored and compared in: trimmed, upper case.
func NormalNPP(npp string) string { return strings.ToUpper(strings.TrimSpace(npp)) }

// ValidNPP reports whether npp, in its normal form, is 8 letters or digits
// (docs/rules.md).
func ValidNPP(npp string) bool {
	if len(npp) != nppLen {
		return false
	}
	for _, r := range npp {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// RegistryLine is one data line of a registry file: the participant it
// holds, or why it is refused (Refused names the line and the column).
type RegistryLine struct {
	Line        int
	Participant Participant
	Refused     *Detail
}

// ReadRegistry reads a registry file and calls fn with each data line in
// order. A file without the columns is a HEADER_MISSING_COLUMN error and
// broken quoting a CSV_SYNTAX error, both naming the line; fn's error stops
// the reading and is returned.
func ReadRegistry(r io.Reader, fn func(RegistryLine) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var index map[string]int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			if index == nil {
				return registryHeaderError(nil, 1)
			}
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &Error{Kind: KindInvalid, Code: CodeCSVSyntax, Err: err,
					Details: []Detail{faultDetail(CodeCSVSyntax, pe.Line, "", csvFault(pe))}}
			}
			return fmt.Errorf("read registry: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if index == nil {
			if index, err = registryHeader(rec, line); err != nil {
				return err
			}
			continue
		}
		field := func(col string) string {
			if i := index[col]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if err := fn(registryLine(field, line)); err != nil {
			return err
		}
	}
}

// registryHeader maps each column of RegistryColumns to its index in the
// header rec (the last of a repeated name).
func registryHeader(rec []string, line int) (map[string]int, error) {
	index := map[string]int{}
	for i, h := range rec {
		index[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	if err := registryHeaderError(index, line); err != nil {
		return nil, err
	}
	return index, nil
}

// registryHeaderError is the error of a header without every column of
// RegistryColumns, one detail per missing column; nil when none is missing.
func registryHeaderError(index map[string]int, line int) error {
	var missing []Detail
	for _, c := range RegistryColumns {
		if _, ok := index[c]; !ok {
			missing = append(missing, Detail{Code: CodeHeaderMissingColumn, Line: line, Column: c})
		}
	}
	if len(missing) > 0 {
		return FileError(KindInvalid, CodeHeaderMissingColumn, missing...)
	}
	return nil
}

// registryLine judges one data line: the first rule it breaks refuses it.
func registryLine(field func(string) string, line int) RegistryLine {
	bad := func(code Code, col string) RegistryLine {
		return RegistryLine{Line: line, Refused: &Detail{Code: code, Line: line, Column: col}}
	}
	p := Participant{KPJ: field("kpj"), NIK: field("nik"), FullName: field("full_name"), NPP: NormalNPP(field("npp"))}
	birth, okBirth := ParseDate(field("birth_date"))
	start, okStart := ParseDate(field("membership_start"))
	balance, errBalance := strconv.ParseInt(field("jht_balance"), 10, 64)
	switch {
	case !validKPJ(p.KPJ):
		return bad(CodeKPJFormat, "kpj")
	case !CheckNIK(p.NIK):
		return bad(CodeNIKFormat, "nik")
	case p.FullName == "":
		return bad(CodeRequired, "full_name")
	case !okBirth:
		return bad(CodeDateFormat, "birth_date")
	case !ValidNPP(p.NPP):
		return bad(CodeNPPFormat, "npp")
	case errBalance != nil || balance < 0:
		return bad(CodeBalanceFormat, "jht_balance")
	case !okStart:
		return bad(CodeDateFormat, "membership_start")
	}
	p.BirthDate, p.Balance, p.MembershipStart = birth, balance, start
	return RegistryLine{Line: line, Participant: p}
}

// validKPJ reports whether s is a KPJ number: 11 digits.
func validKPJ(s string) bool { return len(s) == kpjLen && allDigits(s) }
