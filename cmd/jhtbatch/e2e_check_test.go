package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// reportColumnsAfterUpload are the columns a report adds after the
// uploaded ones (docs/report.md).
var reportColumnsAfterUpload = []string{"outcome", "claim_number", "claim_status", "eligible_on",
	"gross_amount", "tax_amount", "net_amount", "error_codes", "warning_codes", "messages"}

// readReport reads a CSV report written with delimiter comma: it must start
// with a UTF-8 BOM and have the header row, line, the uploaded header, then
// the report columns.
func readReport(t *testing.T, path string, comma rune, uploaded []string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read report: %v", err)
	}
	body, ok := bytes.CutPrefix(data, []byte("\uFEFF"))
	if !ok {
		t.Errorf("report %s does not start with a UTF-8 BOM", path)
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse report %s: %v\n%s", path, err, body)
	}
	want := append(append([]string{"row", "line"}, uploaded...), reportColumnsAfterUpload...)
	if diff := cmp.Diff(want, recs[0]); diff != "" {
		t.Fatalf("report header (-want +got):\n%s", diff)
	}
	return recs[1:]
}

var claimNumberRE = regexp.MustCompile(`^JHT-(\d{4})-\d{8}$`)

// checkReport checks every line of a report against rows, and returns the
// claim numbers it holds.
func checkReport(t *testing.T, recs [][]string, rows []testRow, lines []int, years []string) []string {
	t.Helper()
	if len(recs) != len(rows) {
		t.Errorf("report has %d lines, want one per data row: %d", len(recs), len(rows))
	}
	width := len(fileHeader)
	var claims []string
	for i, rec := range recs[:min(len(recs), len(rows))] {
		if len(rec) != 2+width+len(reportColumnsAfterUpload) {
			t.Errorf("report line %d has %d cells: %q", i+1, len(rec), rec)
			continue
		}
		got := reportLine{rec: rec, width: width}
		if n := got.checkRow(t, i+1, rows[i], lines[i], years); n != "" {
			claims = append(claims, n)
		}
	}
	return claims
}

// reportLine is one line of a report, read by column name.
type reportLine struct {
	rec   []string
	width int // uploaded columns
}

func (l reportLine) col(name string) string {
	return l.rec[2+l.width+slices.Index(reportColumnsAfterUpload, name)]
}

func (l reportLine) codes(name string) []string {
	if l.col(name) == "" {
		return nil
	}
	c := strings.Split(l.col(name), ";")
	slices.Sort(c)
	return c
}

// checkRow checks one report line against its row; it returns the claim
// number when there is one.
func (l reportLine) checkRow(t *testing.T, no int, row testRow, line int, years []string) string {
	t.Helper()
	w := row.want
	errs, warns := slices.Clone(w.errs), slices.Clone(w.warns)
	slices.Sort(errs)
	slices.Sort(warns)
	got := []any{l.rec[0], l.rec[1], l.col("outcome"), l.codes("error_codes"), l.codes("warning_codes")}
	want := []any{strconv.Itoa(no), strconv.Itoa(line), w.outcome, errs, warns}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("row %d (%s): row, line, outcome, errors, warnings (-want +got):\n%s", no, row.fields[0], diff)
	}
	uploaded := make([]string, l.width)
	copy(uploaded, row.fields)
	for i, v := range w.uploadedCell {
		uploaded[i] = v
	}
	if diff := cmp.Diff(uploaded, l.rec[2:2+l.width]); diff != "" {
		t.Errorf("row %d: uploaded values in the report (-want +got):\n%s", no, diff)
	}
	if (len(errs)+len(warns) > 0) != (l.col("messages") != "") {
		t.Errorf("row %d: messages %q, want messages exactly when there are codes", no, l.col("messages"))
	}
	if w.status == "" {
		l.checkNoClaim(t, no)
		return ""
	}
	l.checkClaim(t, no, w, years)
	return l.col("claim_number")
}

func (l reportLine) checkNoClaim(t *testing.T, no int) {
	t.Helper()
	for _, c := range []string{"claim_number", "claim_status", "eligible_on", "gross_amount", "tax_amount", "net_amount"} {
		if l.col(c) != "" {
			t.Errorf("row %d: %s = %q, want empty: the row has no claim", no, c, l.col(c))
		}
	}
}

func (l reportLine) checkClaim(t *testing.T, no int, w expected, years []string) {
	t.Helper()
	m := claimNumberRE.FindStringSubmatch(l.col("claim_number"))
	if m == nil || !slices.Contains(years, m[1]) {
		t.Errorf("row %d: claim_number %q, want JHT-YYYY-NNNNNNNN with YYYY in %v", no, l.col("claim_number"), years)
	}
	tax := finalTax(w.gross)
	want := []string{w.status, w.eligible, strconv.FormatInt(w.gross, 10), strconv.FormatInt(tax, 10), strconv.FormatInt(w.gross-tax, 10)}
	got := []string{l.col("claim_status"), l.col("eligible_on"), l.col("gross_amount"), l.col("tax_amount"), l.col("net_amount")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("row %d: claim status, eligible_on, gross, tax, net (-want +got):\n%s", no, diff)
	}
}

// checkUnique fails when a claim number appears twice.
func checkUnique(t *testing.T, claims []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range claims {
		if seen[c] {
			t.Errorf("claim number %s given twice", c)
		}
		seen[c] = true
	}
}

// exitStatus is the status the process would exit with after err.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	return exitCode(err)
}

// batchIDOf finds the batch id in submit's first line of output.
func batchIDOf(t *testing.T, stdout string) string {
	t.Helper()
	m := regexp.MustCompile(`Batch ([0-9a-f-]{36}) `).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("submit printed no batch id:\n%s", stdout)
	}
	return m[1]
}

// yearsAround is the business year now and a second later, so that a test
// running over New Year's midnight does not fail.
func yearsAround(today time.Time) []string {
	return []string{strconv.Itoa(today.Year()), strconv.Itoa(today.AddDate(0, 0, 1).Year())}
}
