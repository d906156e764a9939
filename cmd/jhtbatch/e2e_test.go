package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"jhtbatch/testenv"
)

// The end-to-end test runs "jhtbatch all" in process against its own
// PostgreSQL database and Redis database, sets up a company and a registry
// with the operator commands, uploads files with "jhtbatch submit" and
// checks every line of the reports against expectations computed here from
// the rules of DOMAIN.md, then stops the server as SIGTERM would.

// participant is a registry entry of the test.
type participant struct {
	kpj, nik, name, birth, npp string
	balance                    int64
	start                      string
}

const (
	testNPP  = "TEST0001"
	otherNPP = "OTHR0002"
)

// people is the test registry. NIKs are written out by hand from their
// structure: region, day (+40 for women), month, two-digit year, serial.
var people = map[string]participant{
	"budi":    {"11000000001", "3171011203850001", "Budi Santoso", "1985-03-12", testNPP, 35_750_000, "2005-01-01"},
	"siti":    {"11000000002", "3273016507900002", "Siti Aminah", "1990-07-25", testNPP, 50_000_000, "2012-01-01"},
	"bambang": {"11000000003", "3374010501600003", "Bambang Sutrisno", "1960-01-05", testNPP, 87_250_000, "1990-01-01"},
	"dewi":    {"11000000004", "3578017011920004", "Dewi Lestari", "1992-11-30", testNPP, 50_000_001, "2015-01-01"},
	"agus":    {"11000000005", "3201010606880005", "Agus Setiawan", "1988-06-06", testNPP, 123_456_789, "2008-01-01"},
	"hendra":  {"11000000006", "3171031708790006", "Hendra Gunawan", "1979-08-17", testNPP, 0, "2005-01-01"},
	"rina":    {"11000000007", "3273024112870007", "Rina Marlina", "1987-12-01", testNPP, 61_000_000, "2005-01-01"},
	"joko":    {"11000000008", "3374030707750008", "Joko Susilo", "1975-07-07", testNPP, 72_800_000, "2005-01-01"},
	"samsul":  {"11000000009", "6471010101800009", "Samsul Bahri", "1980-01-01", otherNPP, 40_000_000, "2005-01-01"},
	"wulan":   {"11000000010", "3273044210900010", "Wulan Sari", "1990-10-02", testNPP, 14_250_000, "2010-01-01"},
	"slamet":  {"11000000011", "3374062005700011", "Slamet Riyadi", "1970-05-20", testNPP, 120_000_000, "2000-01-01"},
	"andi":    {"11000000012", "7371011501910012", "Andi Pratama", "1991-01-15", testNPP, 31_200_000, "2012-01-01"},
	"kadek":   {"11000000013", "5103020202890013", "Kadek Sukadana", "1989-02-02", testNPP, 33_000_000, "2010-01-01"},
	"ratna":   {"11000000014", "3171065908720014", "Ratna Dewi Kusuma", "1972-08-19", testNPP, 80_000_000, "1995-01-01"},
	"yusuf":   {"11000000015", "3578022105930015", "Yusuf Maulana", "1993-05-21", testNPP, 9_750_000, "2015-01-01"},
	"fitri":   {"11000000016", "3171046709890016", "Fitri Handayani", "1989-09-27", testNPP, 19_800_000, "2010-01-01"},
	"nur":     {"11000000017", "7371024808940017", "Nur Aisyah", "1994-08-08", testNPP, 6_300_000, "2016-01-01"},
	"teguh":   {"11000000018", "3374041212820018", "Teguh Prasetyo", "1982-12-12", testNPP, 55_555_555, "2005-01-01"},
	"lina":    {"11000000019", "1271027006850019", "Lina Marpaung", "1985-06-30", testNPP, 41_000_000, "2005-01-01"},
	"yohana":  {"11000000020", "1271036001970020", "Yohana Situmorang", "1997-01-20", testNPP, 4_500_000, "2019-01-01"},
	"indah":   {"11000000021", "3578045407930021", "Indah Permatasari", "1993-07-14", testNPP, 17_600_000, "2015-01-01"},
	"arif":    {"11000000022", "3171051111810022", "Arif Rahman Hakim", "1981-11-11", testNPP, 64_000_000, "2005-01-01"},
	"dedi":    {"11000000023", "3201020505860023", "Dedi Kurniawan", "1986-05-05", testNPP, 38_000_000, "2008-01-01"},
	"rizky":   {"11000000024", "3171010505120024", "Rizky Ramadhan", "2012-05-05", testNPP, 2_000_000, "2026-01-01"},
	"putri":   {"11000000025", "3273036802960025", "Putri Anggraini", "1996-02-28", testNPP, 15_000_000, "2018-01-01"},
	"maria":   {"11000000026", "1271014303840026", "Maria Siregar", "1984-03-03", testNPP, 27_000_000, "2005-01-01"},
	"bobi":    {"11000000027", "3171070404900027", "Bobi Saputra", "1990-04-04", testNPP, 22_000_000, "2012-01-01"},
	"eko":     {"11000000028", "3374050909830028", "Eko Prasetya", "1983-09-09", testNPP, 29_000_000, "2005-01-01"},
	"gita":    {"11000000029", "3171086512950029", "Gita Savitri", "1995-12-25", testNPP, 45_000_000, "2017-01-01"},
}

// registryCSV renders the registry in participants import format, sorted
// by KPJ, followed by one line that must be rejected (at line 31).
func registryCSV() []byte {
	var lines []string
	for _, p := range people {
		lines = append(lines, strings.Join([]string{p.kpj, p.nik, p.name, p.birth, p.npp,
			strconv.FormatInt(p.balance, 10), p.start}, ","))
	}
	slices.Sort(lines)
	return []byte("kpj,nik,full_name,birth_date,npp,jht_balance,membership_start\n" +
		strings.Join(lines, "\n") + "\n99999999998,123,Bad Line,not-a-date,TEST0001,abc,2020-01-01\n")
}

// Columns of the test files, in the order of fileHeader.
const (
	cKPJ = iota
	cNIK
	cName
	cBirth
	cTermination
	cReason
	cBank
	cAccount
	cAccountName
	cPhone
	cEmail
	cNPWP
)

// fileHeader names the columns with several Indonesian aliases, in the
// spellings people type.
var fileHeader = []string{"no_kpj", "Nomor KTP", "Nama", "tgl_lahir", "Tanggal Berhenti", "alasan_berhenti",
	"kode-bank", "nomor_rekening", "nama_rekening", "Telepon", "surel", "NPWP"}

// validRow is a correct row for p: PHK on 15 Sep 2026, BCA account of the
// usual 10 digits, a mobile phone; n makes the account and phone unique.
func validRow(p participant, n int) []string {
	b, _ := time.Parse(time.DateOnly, p.birth)
	return []string{p.kpj, p.nik, p.name, b.Format("02/01/2006"), "2026-09-15", "PHK", "014",
		fmt.Sprintf("70000000%02d", n), p.name, fmt.Sprintf("08123450%04d", n), "", ""}
}

// expected is what the report must say about one row. status is "" when
// no claim may exist; gross is then ignored.
type expected struct {
	outcome      string
	errs, warns  []string
	status       string
	eligible     string
	gross        int64
	uploadedCell map[int]string // report cells that differ from the upload (formula escaping)
}

func created(status, eligible string, gross int64, warns ...string) expected {
	return expected{outcome: "CREATED", status: status, eligible: eligible, gross: gross, warns: warns}
}

func rejected(errs ...string) expected { return expected{outcome: "REJECTED", errs: errs} }

// testRow is one data row of a test file and what it must become.
type testRow struct {
	fields []string
	want   expected
}

// edit returns a copy of r with fields changed.
func edit(r []string, changes map[int]string) []string {
	out := slices.Clone(r)
	for i, v := range changes {
		out[i] = v
	}
	return out
}

// mainRows is the mixed file: valid rows, every kind of format error,
// duplicates and registry mismatches. today is the business date; chunks
// are 7 rows, and the duplicate pair (rows 9 and 10) shares chunk 2.
func mainRows(today time.Time) []testRow {
	p := people
	recent := today.AddDate(0, 0, -3)
	future := today.AddDate(0, 0, 10)
	return []testRow{
		// 1–5: claims, with reasons spelled the Indonesian way and the
		// month-end clamping of the waiting period.
		{edit(validRow(p["budi"], 1), map[int]string{cTermination: "31/01/2026"}),
			created("READY", "2026-02-28", p["budi"].balance)},
		{edit(validRow(p["siti"], 2), map[int]string{cTermination: recent.Format("02-01-2006"), cReason: "Mengundurkan Diri"}),
			created("WAITING", addMonth(recent).Format(time.DateOnly), p["siti"].balance)},
		{edit(validRow(p["bambang"], 3), map[int]string{cName: "Drs. Bambang Sutrisno, S.E.", cAccountName: "BAMBANG SUTRISNO",
			cReason: "pensiun", cTermination: "2026-03-31", cEmail: "bambang.s@example.co.id"}),
			created("READY", "2026-03-31", p["bambang"].balance)},
		{edit(validRow(p["dewi"], 4), map[int]string{cReason: "habis kontrak", cTermination: "2024-01-31", cNPWP: "09.254.294.3-407.000"}),
			created("READY", "2024-02-29", p["dewi"].balance)},
		// The report defuses a cell starting with + as a formula.
		{edit(validRow(p["agus"], 5), map[int]string{cTermination: "30/11/2025", cPhone: "+62 812-3456-0005"}),
			expected{outcome: "CREATED", status: "READY", eligible: "2025-12-30", gross: p["agus"].balance,
				uploadedCell: map[int]string{cPhone: "'+62 812-3456-0005"}}},
		// A blank line follows row 5 in the file: from row 6 on, line = row + 2.
		{validRow(p["hendra"], 6), rejected("BALANCE_EMPTY")},
		{edit(validRow(p["rina"], 7), map[int]string{cName: "Rina Marlinah", cAccountName: "Rina Marlinah"}),
			rejected("PARTICIPANT_NAME_MISMATCH")},
		{edit(validRow(p["joko"], 8), map[int]string{cNIK: "3374030707750099"}), rejected("PARTICIPANT_NIK_MISMATCH")},
		{validRow(p["wulan"], 9), created("READY", "2026-10-15", p["wulan"].balance)},
		{edit(validRow(p["wulan"], 10), map[int]string{cReason: "RESIGN"}), rejected("DUPLICATE_IN_FILE")},
		{validRow(p["samsul"], 11), rejected("PARTICIPANT_OTHER_COMPANY")},
		{validRow(participant{kpj: "11000000999", nik: "3171011010800999", name: "Tono Sudirman", birth: "1980-10-10"}, 12),
			rejected("PARTICIPANT_NOT_FOUND")},
		{edit(validRow(p["slamet"], 13), map[int]string{cTermination: "1999-06-30"}), rejected("TERMINATION_BEFORE_MEMBERSHIP")},
		{edit(validRow(p["andi"], 14), map[int]string{cAccount: "123456789012", cTermination: "2026-06-15"}),
			created("READY", "2026-07-15", p["andi"].balance, "BANK_ACCOUNT_LENGTH_UNUSUAL")},
		{edit(validRow(p["kadek"], 15), map[int]string{cBirth: "03/02/1989", cTermination: "2026-08-31"}),
			created("READY", "2026-09-30", p["kadek"].balance, "NIK_BIRTH_DATE_MISMATCH")},
		{edit(validRow(p["ratna"], 16), map[int]string{cName: "Hj. Ratna Dewi Kusuma", cReason: "RETIREMENT", cTermination: "2026-10-01"}),
			created("READY", "2026-10-01", p["ratna"].balance, "RETIREMENT_AGE_UNDER_56")},
		// Every format error of a row is reported at once.
		{edit(validRow(p["fitri"], 17), map[int]string{cNIK: "3171", cPhone: "12345", cEmail: "fitri@"}),
			rejected("NIK_FORMAT", "PHONE_FORMAT", "EMAIL_FORMAT")},
		{edit(validRow(p["nur"], 18), map[int]string{cBank: "999"}), rejected("BANK_CODE_UNKNOWN")},
		{edit(validRow(p["teguh"], 19), map[int]string{cTermination: future.Format(time.DateOnly)}), rejected("TERMINATION_IN_FUTURE")},
		{edit(validRow(p["lina"], 20), map[int]string{cAccountName: "Rina Marpaung"}), rejected("ACCOUNT_NAME_MISMATCH")},
		{edit(validRow(p["yohana"], 21), map[int]string{cBirth: "31/02/1997"}), rejected("DATE_FORMAT")},
		{edit(validRow(p["indah"], 22), map[int]string{cReason: "DIPECAT"}), rejected("REASON_UNKNOWN")},
		{edit(validRow(p["arif"], 23), map[int]string{cKPJ: "1234"}), rejected("KPJ_FORMAT")},
		{edit(validRow(p["dedi"], 24), map[int]string{cName: ""}), rejected("REQUIRED")},
		{edit(validRow(p["rizky"], 25), map[int]string{cTermination: "2026-10-01"}), rejected("BIRTH_DATE_RANGE")},
		{edit(validRow(p["putri"], 26), map[int]string{cNPWP: "12.345"}), rejected("NPWP_FORMAT")},
		{edit(validRow(p["maria"], 27), map[int]string{cAccount: "12AB"}), rejected("BANK_ACCOUNT_FORMAT")},
		{edit(validRow(p["bobi"], 28), map[int]string{cName: "B0bi Saputra"}), rejected("NAME_FORMAT")},
		{edit(validRow(p["eko"], 29), map[int]string{cEmail: "=1+1"}),
			expected{outcome: "REJECTED", errs: []string{"EMAIL_FORMAT"}, uploadedCell: map[int]string{cEmail: "'=1+1"}}},
		{validRow(participant{kpj: "11000000777", nik: "3171011010800777", name: "Short Row", birth: "1980-10-10"}, 30)[:5],
			rejected("FIELD_COUNT")},
	}
}

// writeFile writes a test batch file: header and rows with delimiter comma
// and CRLF line ends, and a blank line after row blankAfter (0: none). It
// returns the line of each row.
func writeFile(t *testing.T, path string, comma rune, header []string, rows []testRow, blankAfter int) []int {
	t.Helper()
	var buf bytes.Buffer
	line := 1
	var lines []int
	write := func(rec []string) {
		w := csv.NewWriter(&buf)
		w.Comma, w.UseCRLF = comma, true
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		w.Flush()
	}
	write(header)
	for i, r := range rows {
		line++
		lines = append(lines, line)
		write(r.fields)
		if i+1 == blankAfter {
			buf.WriteString("\r\n")
			line++
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return lines
}

// addMonth is DOMAIN.md's "one calendar month, clamped at month end",
// written here independently of the program's.
func addMonth(d time.Time) time.Time {
	first := time.Date(d.Year(), d.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d.Day(), last), 0, 0, 0, 0, time.UTC)
}

// finalTax is PMK 16/2010 on a JHT lump sum: 0% up to Rp50,000,000 and 5%
// of the rest, rounded down.
func finalTax(gross int64) int64 {
	if gross <= 50_000_000 {
		return 0
	}
	return (gross - 50_000_000) * 5 / 100
}

// businessDate is today in Asia/Jakarta as a civil date.
func businessDate(t *testing.T) time.Time {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// server is a running "jhtbatch all" and what the test needs to talk to it.
type server struct {
	getenv func(string) string
	env    map[string]string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan struct{} // closed when run has returned, with its error in err
	err    error
	url    string
}

// startAll runs "jhtbatch all" in a goroutine and waits until /healthz
// answers.
func startAll(t *testing.T) *server {
	t.Helper()
	_, dsn := testenv.DB(t)
	redisURL, _ := testenv.Redis(t)
	addr := testenv.FreeAddr(t)
	env := map[string]string{
		"DATABASE_URL": dsn, "REDIS_URL": redisURL, "HTTP_ADDR": addr, "CHUNK_ROWS": "7",
		"WORKER_CONCURRENCY": "2", "LOG_LEVEL": "debug", "JHTBATCH_API": "http://" + addr,
	}
	s := &server{getenv: envMap(env), env: env, logs: &syncBuffer{}, done: make(chan struct{}), url: "http://" + addr}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		s.err = run(ctx, []string{"jhtbatch", "all"}, s.getenv, strings.NewReader(""), s.logs, s.logs)
		close(s.done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(time.Minute):
		}
	})
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case <-s.done:
			t.Fatalf("jhtbatch all returned before it was healthy: %v\nlogs:\n%s", s.err, s.logs)
		default:
		}
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			http.DefaultClient.CloseIdleConnections()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz did not answer 200 within a minute (last error %v)\nlogs:\n%s", err, s.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop cancels the server's context, as SIGTERM does, and checks that run
// returns without error.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case <-s.done:
		if s.err != nil {
			t.Errorf("jhtbatch all returned %v after its context was cancelled, want nil", s.err)
		}
	case <-time.After(45 * time.Second):
		t.Fatalf("jhtbatch all did not return within 45 s of its context being cancelled\nlogs:\n%s", s.logs)
	}
}

// withEnv returns the server's getenv with extra variables.
func (s *server) withEnv(extra map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := extra[k]; ok {
			return v
		}
		return s.env[k]
	}
}

func TestEndToEnd(t *testing.T) {
	s := startAll(t)
	today := businessDate(t)
	dir := t.TempDir()
	var outputs []string // everything submit printed, to look for the key
	submit := func(getenv func(string) string, args ...string) result {
		t.Helper()
		r := runCmd(t, getenv, append([]string{"submit"}, args...)...)
		outputs = append(outputs, r.stdout, r.stderr)
		return r
	}

	key := createCompany(t, s)
	importRegistry(t, s, dir)
	keyEnv := s.withEnv(map[string]string{"JHTBATCH_KEY": key})

	// The mixed file, semicolon-separated as Excel writes in an Indonesian
	// locale, with the key from JHTBATCH_KEY.
	rows := mainRows(today)
	mainPath := filepath.Join(dir, "main.csv")
	lines := writeFile(t, mainPath, ';', fileHeader, rows, 5)
	report := filepath.Join(dir, "main-report.csv")
	r := submit(keyEnv, mainPath, "--wait", "--report", report, "--poll", "100ms", "--lang", "en")
	if got := exitStatus(r.err); got != exitCompletedErrors {
		t.Fatalf("submit main.csv: exit status %d (%v), want %d\nstdout:\n%s\nstderr:\n%s\nlogs:\n%s",
			got, r.err, exitCompletedErrors, r.stdout, r.stderr, s.logs)
	}
	firstID := batchIDOf(t, r.stdout)
	checkCounters(t, r.stdout, rows)
	claims := checkReport(t, readReport(t, report, ';', fileHeader), rows, lines, yearsAround(today))

	// A second file: a participant whose claim is now active, and a new
	// one; the key from --key.
	second := []testRow{
		{edit(validRow(people["budi"], 31), map[int]string{cTermination: "2026-02-15"}), rejected("CLAIM_ALREADY_ACTIVE")},
		{edit(validRow(people["yusuf"], 32), map[int]string{cTermination: "2026-05-10"}), created("READY", "2026-06-10", people["yusuf"].balance)},
	}
	canonical := []string{"kpj", "nik", "full_name", "birth_date", "termination_date", "reason", "bank_code",
		"bank_account", "account_name", "phone", "email", "npwp"}
	secondPath := filepath.Join(dir, "second.csv")
	lines = writeFile(t, secondPath, ',', canonical, second, 0)
	report = filepath.Join(dir, "second-report.csv")
	r = submit(s.getenv, secondPath, "--key", key, "--report", report, "--poll", "100ms")
	if got := exitStatus(r.err); got != exitCompletedErrors {
		t.Fatalf("submit second.csv: exit status %d (%v), want %d\n%s%s", got, r.err, exitCompletedErrors, r.stdout, r.stderr)
	}
	claims = append(claims, checkReport(t, readReport(t, report, ',', canonical), second, lines, yearsAround(today))...)
	checkUnique(t, claims)

	checkValidateThenCreate(t, s, dir, keyEnv, submit, canonical)
	checkRefusals(t, s, dir, keyEnv, submit, mainPath, firstID)
	demoKey := checkDemo(t, s, dir, submit, today)

	checkNoSecrets(t, s, outputs, key, demoKey)
	s.stop(t)
}

// createCompany runs "company create" and returns the key it printed.
func createCompany(t *testing.T, s *server) string {
	t.Helper()
	r := runCmd(t, s.getenv, "company", "create", "--npp", testNPP, "--name", "PT Uji Coba")
	if r.err != nil {
		t.Fatalf("company create: %v\n%s", r.err, r.stderr)
	}
	return lastLine(r.stdout)
}

// importRegistry imports the test registry twice: first every participant
// is new, then every one is updated; the bad line is rejected both times.
func importRegistry(t *testing.T, s *server, dir string) {
	t.Helper()
	path := filepath.Join(dir, "registry.csv")
	if err := os.WriteFile(path, registryCSV(), 0o600); err != nil {
		t.Fatal(err)
	}
	n := len(people)
	for _, want := range []string{
		fmt.Sprintf("%d inserted, 0 updated, 1 rejected", n),
		fmt.Sprintf("0 inserted, %d updated, 1 rejected", n),
	} {
		r := runCmd(t, s.getenv, "participants", "import", path)
		if r.err != nil {
			t.Fatalf("participants import: %v\n%s", r.err, r.stderr)
		}
		if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, strconv.Itoa(n+2)) {
			t.Errorf("participants import printed:\n%s\nwant %q and the bad line's number %d", r.stdout, want, n+2)
		}
	}
}

// checkCounters checks the final counters submit printed against the
// expectations of the rows.
func checkCounters(t *testing.T, stdout string, rows []testRow) {
	t.Helper()
	var created, rejected, warned int
	for _, r := range rows {
		switch r.want.outcome {
		case "CREATED":
			created++
		case "REJECTED":
			rejected++
		}
		if len(r.want.warns) > 0 {
			warned++
		}
	}
	want := fmt.Sprintf("completed_with_errors: %d rows, %d processed: %d created, 0 valid, %d rejected, %d with warnings.",
		len(rows), len(rows), created, rejected, warned)
	if !strings.Contains(stdout, want) {
		t.Errorf("submit printed:\n%s\nwant the counters %q", stdout, want)
	}
}

// checkValidateThenCreate runs a file in validate mode (no claim), then the
// same file for real: the dry run neither blocks it as a duplicate nor
// leaves a claim that would make it CLAIM_ALREADY_ACTIVE.
func checkValidateThenCreate(t *testing.T, s *server, dir string, getenv func(string) string,
	submit func(func(string) string, ...string) result, header []string) {
	t.Helper()
	rows := []testRow{{edit(validRow(people["gita"], 40), map[int]string{cTermination: "2026-04-30"}),
		created("READY", "2026-05-30", people["gita"].balance)}}
	path := filepath.Join(dir, "gita.csv")
	lines := writeFile(t, path, ',', header, rows, 0)
	report := filepath.Join(dir, "gita-validate.csv")
	r := submit(getenv, path, "--validate", "--report", report, "--poll", "100ms")
	if r.err != nil {
		t.Fatalf("submit --validate: %v (want exit status 0)\n%s%s", r.err, r.stdout, r.stderr)
	}
	recs := readReport(t, report, ',', header)
	if len(recs) != 1 {
		t.Fatalf("validate report has %d lines, want 1", len(recs))
	}
	l := reportLine{rec: recs[0], width: len(header)}
	got := []string{l.col("outcome"), l.col("claim_number"), l.col("error_codes"), l.col("warning_codes")}
	if diff := cmp.Diff([]string{"VALID", "", "", ""}, got); diff != "" {
		t.Errorf("validate report: outcome, claim number, errors, warnings (-want +got):\n%s", diff)
	}
	report = filepath.Join(dir, "gita-create.csv")
	r = submit(getenv, path, "--report", report, "--poll", "100ms")
	if r.err != nil {
		t.Fatalf("submit after --validate: %v (want exit status 0)\n%s%s", r.err, r.stdout, r.stderr)
	}
	checkReport(t, readReport(t, report, ',', header), rows, lines, yearsAround(businessDate(t)))
}

// checkRefusals checks the uploads the API refuses: the same bytes again, a
// bad header, a wrong key and no key at all.
func checkRefusals(t *testing.T, s *server, dir string, getenv func(string) string,
	submit func(func(string) string, ...string) result, mainPath, firstID string) {
	t.Helper()
	r := submit(getenv, mainPath)
	if exitStatus(r.err) != exitFailed || !strings.Contains(r.stderr, "DUPLICATE_FILE") || !strings.Contains(r.stderr, firstID) {
		t.Errorf("submit of the same file again: exit %d, stderr:\n%s\nwant exit 1 and DUPLICATE_FILE naming %s",
			exitStatus(r.err), r.stderr, firstID)
	}

	bad := filepath.Join(dir, "bad-header.csv")
	header := slices.Clone(fileHeader)
	header[cName] = "nama_lengkapp"
	writeFile(t, bad, ',', header, []testRow{{fields: validRow(people["eko"], 50)}}, 0)
	r = submit(getenv, bad, "--lang", "en")
	// The missing column is named by its label, never by its internal name.
	for _, want := range []string{"HEADER_UNKNOWN_COLUMN", "HEADER_MISSING_COLUMN", "nama_lengkapp", "Full Name", "Line 1"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("submit with a bad header: stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	if exitStatus(r.err) != exitFailed {
		t.Errorf("submit with a bad header: exit status %d, want %d", exitStatus(r.err), exitFailed)
	}

	r = submit(getenv, mainPath, "--key", "jht_not-a-real-key-at-all")
	if exitStatus(r.err) != exitFailed || !strings.Contains(r.stderr, "401") {
		t.Errorf("submit with a wrong key: exit %d, stderr %q; want exit 1 and the 401", exitStatus(r.err), r.stderr)
	}
	r = submit(s.getenv, mainPath)
	if r.err == nil || !strings.Contains(r.err.Error(), "JHTBATCH_KEY") {
		t.Errorf("submit without a key: %v, want an error naming JHTBATCH_KEY", r.err)
	}
}

// checkNoSecrets checks that no key was printed by submit or logged, and
// that no NIK or KPJ of the registry reached the server's logs unmasked.
func checkNoSecrets(t *testing.T, s *server, outputs []string, keys ...string) {
	t.Helper()
	logs := s.logs.String()
	if !strings.Contains(logs, "listening") {
		t.Errorf("the server logged nothing recognisable; the checks below would be vacuous:\n%s", logs)
	}
	for _, k := range keys {
		for _, out := range append(outputs, logs) {
			if strings.Contains(out, k) {
				t.Errorf("an API key was printed or logged:\n%s", out)
			}
		}
	}
	for name, p := range people {
		for _, v := range []string{p.nik, p.kpj} {
			if strings.Contains(logs, v) {
				t.Errorf("the logs contain %s's personal number %s unmasked", name, v)
			}
		}
	}
}
