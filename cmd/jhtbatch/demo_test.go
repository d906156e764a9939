package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"jhtbatch/schemas"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"jhtbatch/batch"
)

// checkDemo runs the demo against the running server, submits the file it
// wrote with the key it printed, and checks that every row comes out as
// the demo says it does. It returns the demo's key.
func checkDemo(t *testing.T, s *server, dir string, submit func(func(string) string, ...string) result, today time.Time) string {
	t.Helper()
	out := filepath.Join(dir, "demo-batch.csv")
	r := runCmd(t, s.getenv, "demo", "--out", out)
	if r.err != nil {
		t.Fatalf("demo: %v\n%s", r.err, r.stderr)
	}
	key := demoKeyOf(t, r.stdout)
	checkDemoSignIn(t, s.url, r.stdout)
	for _, want := range []string{"curl ", "Bearer $JHTBATCH_KEY", s.url + "/v1/batches", "jhtbatch submit " + out + " --wait --report demo-report.csv", s.url + "/\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	report := filepath.Join(dir, "demo-report.csv")
	r = submit(s.getenv, out, "--key", key, "--report", report, "--poll", "100ms")
	if exitStatus(r.err) != exitCompletedErrors {
		t.Fatalf("submit demo file: exit %d (%v)\n%s%s", exitStatus(r.err), r.err, r.stdout, r.stderr)
	}
	recs := readReport(t, report, ',', demoHeader)
	if len(recs) != len(demoRows) {
		t.Fatalf("demo report has %d lines, want %d", len(recs), len(demoRows))
	}
	for i, rec := range recs {
		checkDemoLine(t, i+1, reportLine{rec: rec, width: len(demoHeader)}, demoRows[i])
	}

	// The template's example row is a participant of the demo company: the
	// template validates as VALID.
	tmpl := filepath.Join(dir, "template.csv")
	if err := os.WriteFile(tmpl, schemas.TemplateCSV, 0o644); err != nil {
		t.Fatal(err)
	}
	tmplReport := filepath.Join(dir, "template-report.csv")
	r = submit(s.getenv, tmpl, "--key", key, "--validate", "--report", tmplReport, "--poll", "100ms")
	if exitStatus(r.err) != 0 {
		t.Fatalf("submit the template after the demo: exit %d (%v)\n%s%s", exitStatus(r.err), r.err, r.stdout, r.stderr)
	}
	header := strings.Split(strings.SplitN(string(schemas.TemplateCSV), "\n", 2)[0], ",")
	if recs := readReport(t, tmplReport, ',', header); len(recs) != 1 || (reportLine{rec: recs[0], width: len(header)}).col("outcome") != "VALID" {
		t.Errorf("template after the demo: report %v, want one VALID row", recs)
	}

	// Again: the company is reused with a new key.
	r = runCmd(t, s.getenv, "demo", "--out", out)
	if r.err != nil || !strings.Contains(r.stdout, "reused") || demoKeyOf(t, r.stdout) == key {
		t.Errorf("demo again: err %v; want the company reused and a new key:\n%s", r.err, r.stdout)
	}
	// and its HR user with a new password, which signs in.
	checkDemoSignIn(t, s.url, r.stdout)
	return key
}

var demoUserRE = regexp.MustCompile(`(?m)^\s+e-mail (\S+), password (\S+) \(shown once\)$`)

// checkDemoSignIn signs in on the server with the HR user the demo printed:
// the web page opens with a sign-in form, so the demo must give one.
func checkDemoSignIn(t *testing.T, url, stdout string) {
	t.Helper()
	m := demoUserRE.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("demo printed no HR user (e-mail …, password …):\n%s", stdout)
	}
	body, _ := json.Marshal(map[string]string{"email": m[1], "password": m[2]})
	res, err := http.Post(url+"/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("sign in as the demo's HR user %s: status %d, want 200", m[1], res.StatusCode)
	}
}

var demoKeyRE = regexp.MustCompile(`(?m)^export JHTBATCH_KEY=(\S+)$`)

func demoKeyOf(t *testing.T, stdout string) string {
	t.Helper()
	m := demoKeyRE.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("demo printed no line export JHTBATCH_KEY=…:\n%s", stdout)
	}
	return m[1]
}

// checkDemoLine checks that a demo row shows exactly its code. The
// duplicate row may also find the first row's claim already active when
// the two fall in different chunks.
func checkDemoLine(t *testing.T, no int, l reportLine, row demoRow) {
	t.Helper()
	errs, warns := l.codes("error_codes"), l.codes("warning_codes")
	code := string(row.code)
	switch {
	case row.code == "" || row.code.IsWarning():
		var wantWarns []string
		if code != "" {
			wantWarns = []string{code}
		}
		got := []any{l.col("outcome"), errs, warns}
		if diff := cmp.Diff([]any{"CREATED", []string(nil), wantWarns}, got); diff != "" {
			t.Errorf("demo row %d: outcome, errors, warnings (-want +got):\n%s", no, diff)
		}
		gross := demoPeople[row.person].balance
		tax := finalTax(gross)
		amounts := []string{l.col("gross_amount"), l.col("tax_amount"), l.col("net_amount")}
		if diff := cmp.Diff([]string{strconv.FormatInt(gross, 10), strconv.FormatInt(tax, 10), strconv.FormatInt(gross-tax, 10)}, amounts); diff != "" {
			t.Errorf("demo row %d: gross, tax, net (-want +got):\n%s", no, diff)
		}
	default:
		ok := slices.Equal(errs, []string{code}) ||
			row.code == batch.CodeDuplicateInFile && slices.Equal(errs, []string{"CLAIM_ALREADY_ACTIVE", code})
		if l.col("outcome") != "REJECTED" || !ok || len(warns) > 0 {
			t.Errorf("demo row %d: outcome %s, errors %v, warnings %v; want REJECTED with only %s",
				no, l.col("outcome"), errs, warns, code)
		}
	}
}

// TestDemoData checks the generated registry and file without a database:
// NIKs are well formed and unique, ages are kept, and the file has one row
// per demo row with the demo header.
func TestDemoData(t *testing.T) {
	today := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ids := demoIdentities(today, rand.New(rand.NewPCG(1, 2)))
	seen := map[string]bool{}
	for _, p := range ids {
		if !batch.CheckNIK(p.nik) {
			t.Errorf("%s: NIK %s is not well formed", p.name, p.nik)
		}
		if seen[p.nik] || seen[p.kpj] {
			t.Errorf("%s: NIK %s or KPJ %s repeated", p.name, p.nik, p.kpj)
		}
		seen[p.nik], seen[p.kpj] = true, true
		if len(p.kpj) != 11 {
			t.Errorf("%s: KPJ %s is not 11 digits", p.name, p.kpj)
		}
		if age := ageOn(p.birth, today); age != p.age {
			t.Errorf("%s: born %s is %d on %s, want %d", p.name, p.birth.Format(time.DateOnly), age, today.Format(time.DateOnly), p.age)
		}
		if _, ok := batch.NormalizePhone(p.phone); !ok {
			t.Errorf("%s: phone %s is not a mobile number", p.name, p.phone)
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(demoBatch(ids, today))).ReadAll()
	if err != nil {
		t.Fatalf("demo file is not CSV: %v", err)
	}
	if len(recs) != 1+len(demoRows) || !slices.Equal(recs[0], demoHeader) {
		t.Errorf("demo file has %d records and header %q; want %d and %q", len(recs), recs[0], 1+len(demoRows), demoHeader)
	}
	valid, warned, rejected := demoCounts()
	if valid+rejected != len(demoRows) || warned != 3 || rejected < 14 {
		t.Errorf("demoCounts() = %d valid, %d warned, %d rejected of %d rows", valid, warned, rejected, len(demoRows))
	}
}

func ageOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || day.Month() == birth.Month() && day.Day() < birth.Day() {
		age--
	}
	return age
}

// TestDemoStepsNameTheAPI checks that the submit step the demo prints can be
// run as shown: it names the API (JHTBATCH_API) when HTTP_ADDR is not where
// submit looks by default.
func TestDemoStepsNameTheAPI(t *testing.T) {
	tests := []struct {
		web, want string
	}{
		{"http://127.0.0.1:8080", "\n       bin/jhtbatch submit demo.csv --wait --report demo-report.csv\n"},
		{"http://127.0.0.1:18181", "\n       JHTBATCH_API=http://127.0.0.1:18181 bin/jhtbatch submit demo.csv --wait --report demo-report.csv\n"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		printDemoSteps(env{stdout: &out, self: "bin/jhtbatch"}, "jht_key", "pw", "demo.csv", tt.web)
		if !strings.Contains(out.String(), tt.want) {
			t.Errorf("web %s: demo steps lack %q; got:\n%s", tt.web, tt.want, out.String())
		}
	}
}
