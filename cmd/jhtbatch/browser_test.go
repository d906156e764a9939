package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"jhtbatch/batch/batchtest"
)

// TestBrowser is a clerk's afternoon, in a real browser: sign in, upload a
// file with a column title the service does not know, say what it holds,
// watch the check, fix the rejected row in the grid, check it again, create
// its claim, download the report — at 1280 px and on a 390 px phone, in
// both languages, without a console error and without one internal word
// on the screen.
func TestBrowser(t *testing.T) {
	p := newPage(t)
	s := startAll(t)
	dir := t.TempDir()
	key := createCompany(t, s)
	importRegistry(t, s, dir)

	p.run("open the page", chromedp.Navigate(s.url+"/"), chromedp.WaitVisible("#signin-form"))
	p.checkWords("sign-in")
	p.checkNarrow("sign-in")
	signIn(t, p, s, key)
	p.screenshot("signed-in")

	// A file as HR keeps it: Indonesian titles, one the service does not
	// know, and one row whose phone number is wrong.
	header := []string{"No KPJ", "NIK", "Nama Sesuai KTP", "Tanggal Lahir", "Tanggal Berhenti", "Alasan",
		"Kode Bank", "No Rekening", "Nama Rekening", "No HP"}
	row := func(name string, n int, phone string) []string {
		r := validRow(people[name], n)[:10]
		if phone != "" {
			r[cPhone] = phone
		}
		return r
	}
	// A workbook, as HR keeps it; the corrected rows go back as a CSV.
	file := filepath.Join(dir, "karyawan-keluar.xlsx")
	csv := csvFile(header, [][]string{row("budi", 1, ""), row("siti", 2, ""), row("bambang", 3, "12345")})
	if err := os.WriteFile(file, batchtest.Workbook(string(csv)), 0o644); err != nil {
		t.Fatal(err)
	}
	p.run("upload", chromedp.SetUploadFiles("#file", []string{file}),
		chromedp.Click(`input[name=mode][value=create]`), chromedp.Click("#upload-btn"),
		chromedp.WaitVisible("#mapping"))
	p.checkWords("mapping step")
	p.checkNarrow("mapping")
	p.run("map the column", chromedp.SetValue(`#mapping select[data-header="Nama Sesuai KTP"]`, "full_name"),
		chromedp.Click("#mapping-apply"))

	p.waitExact("progress", "#batch-status", "selesai, ada yang ditolak")
	p.screenshot("batch-done")
	p.waitText("the grid", "#fix-grid", "Baris")
	checkCounter(t, p, "#c-created", "2")
	checkCounter(t, p, "#c-rejected", "1")
	if eval[bool](p, `document.querySelector("#c-valid-box").offsetParent !== null`) {
		t.Error("create mode shows a Valid counter next to Claims created")
	}
	// The bad cell is the phone's, marked, with its message under it.
	if got := eval[string](p, `document.querySelector("#fix-grid td.bad input").value`); got != "12345" {
		t.Errorf("the marked cell holds %q, want the wrong phone 12345", got)
	}
	p.waitText("the cell's message", "#fix-grid td.bad .msg", "No HP")
	p.checkWords("grid")
	p.checkNarrow("grid")
	checkCSVOfGrid(t, p)

	// Fix the phone in the grid and check again (the saved mapping carries
	// the unknown title), then create the claim from the check.
	cell := `#fix-grid td.bad input`
	p.empty(cell)
	p.run("fix the cell", chromedp.SendKeys(cell, "081234509999"),
		chromedp.Click("#fix-check"))
	p.waitText("check again", "#batch-file", "perbaikan")
	p.waitExact("checked", "#batch-status", "selesai")
	p.waitText("create now", "#create-now", "Buat klaim sekarang")
	checkCounter(t, p, "#c-valid", "1")
	p.screenshot("checked")
	p.run("create now", chromedp.Click("#create-now-btn"))
	p.waitExact("claims created", "#batch-mode", "buat klaim")
	p.waitExact("claims done", "#batch-status", "selesai")
	checkCounter(t, p, "#c-created", "1")
	checkReceipt(t, p)

	p.run("download", chromedp.Click(`button[data-download=csv]`))
	report := p.waitDownload(".csv")
	if !bytes.Contains(report, []byte("CREATED")) || !bytes.Contains(report, []byte("081234509999")) {
		t.Errorf("downloaded report lacks the created, corrected row:\n%s", report)
	}
	p.waitText("download note", "#batch-note", "Unduhan dimulai.")

	// Everything switches language, the download note too.
	p.run("English", chromedp.Click("#lang-toggle"))
	p.waitText("English note", "#batch-note", "Download started.")
	p.waitText("English list", "#list", "claims created")
	p.waitText("who uploaded", "#list", "hr@contoh.co.id") // the signed-in user, recorded with each batch
	p.checkWords("English")
	p.checkNarrow("english")
	for _, id := range []string{"Unduhan", "Klaim dibuat", "Ditolak", "Unggah"} {
		if txt := p.text(); strings.Contains(txt, id) {
			t.Errorf("English page still shows %q", id)
		}
	}
	p.run("Indonesian", chromedp.Click("#lang-toggle"))
	p.checkWords("Indonesian")
	p.screenshot("final")

	// The same workbook again: the page names the earlier upload by its
	// file and time, never by an id, and shows it on request.
	p.run("same file again", chromedp.SetUploadFiles("#file", []string{file}),
		chromedp.Click(`input[name=mode][value=create]`), chromedp.Click("#upload-btn"))
	p.waitText("duplicate file", "#error-message", "karyawan-keluar.xlsx")
	if txt := p.text(); uuidRE.MatchString(txt) {
		t.Errorf("the page shows an id to a clerk: %s", uuidRE.FindString(txt))
	}
	p.screenshot("duplicate")
	p.run("open the earlier upload", chromedp.Click("#error-dup-open"))
	p.waitExact("earlier upload", "#batch-file", "karyawan-keluar.xlsx")
	p.run("sign out", chromedp.Click("#sign-out"), chromedp.WaitVisible("#signin-form"))
	p.waitText("signed out", "#signin-state", "Anda sudah keluar.")
	// The developer's corner still takes an API key.
	devKey(p, key)
	p.waitText("the key's uploads", "#list", "karyawan-keluar.xlsx")
	p.checkConsole()

	s.stop(t)
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// signIn signs in with an HR account's e-mail and password when the binary
// can create one, else with the developer key.
func signIn(t *testing.T, p *page, s *server, key string) {
	t.Helper()
	const email, password = "hr@contoh.co.id", "kata-sandi-panjang-sekali"
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, []string{"jhtbatch", "user", "create", "--npp", testNPP, "--email", email, "--password-stdin"},
		s.getenv, strings.NewReader(password+"\n"), &stdout, &stderr)
	if err != nil && strings.Contains(err.Error(), "unknown command") {
		t.Log("no HR accounts in this build: signing in with the developer key")
		devKey(p, key)
		return
	}
	if err != nil {
		t.Fatalf("user create: %v\n%s", err, stderr.String())
	}
	p.run("wrong password", chromedp.SendKeys("#email", email), chromedp.SendKeys("#password", "salah-salah-salah"),
		chromedp.Click("#signin-btn"))
	p.waitText("login failed", "#signin-state", "E-mail atau kata sandi salah.")
	p.empty("#password")
	p.run("sign in", chromedp.SendKeys("#password", password),
		chromedp.Click("#signin-btn"), chromedp.WaitVisible("#upload-form"))
	// The session outlives a reload: the page asks who is signed in.
	p.run("reload", chromedp.Reload(), chromedp.WaitVisible("#upload-form"))
	p.waitExact("who", "#who", email)
}

// checkCSVOfGrid checks the CSV the page builds from corrected rows: every
// field that needs quotes gets them, with a byte-order mark and CRLF.
func checkCSVOfGrid(t *testing.T, p *page) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`import("/static/fix.js").then(m =>
		m.csvOf(["Nama", "Catatan, lain"], [['Budi "Bud" Santoso', "baris 1\nbaris 2"], ["", " spasi"], ["=1+1", "a;b"]]))`,
		chromedp.EvalAwaitPromise))
	want := "\ufeffNama,\"Catatan, lain\"\r\n\"Budi \"\"Bud\"\" Santoso\",\"baris 1\nbaris 2\"\r\n,\" spasi\"\r\n=1+1,a;b\r\n"
	if err != nil || got != want {
		t.Errorf("csvOf = %q (%v), want %q", got, err, want)
	}
}

// checkReceipt opens the printable receipt: a new tab with the receipt of
// the batch shown.
func checkReceipt(t *testing.T, p *page) {
	t.Helper()
	id := eval[string](p, `document.querySelector("#receipt-link").getAttribute("href")`)
	opened := chromedp.WaitNewTarget(p.ctx, func(info *target.Info) bool { return strings.Contains(info.URL, "receipt") })
	p.run("receipt", chromedp.Click("#receipt-link"))
	select {
	case tid, ok := <-opened:
		if !ok {
			t.Fatal("no receipt tab")
		}
		tab, cancel := chromedp.NewContext(p.ctx, chromedp.WithTargetID(tid))
		defer cancel()
		ctx, cancelT := context.WithTimeout(tab, stepTimeout)
		defer cancelT()
		txt, err := chromedp.Run(ctx, chromedp.Poll[string](`document.readyState === "complete" && document.body.innerText`))
		if err != nil || !strings.Contains(id, "/receipt.html") || len(txt) < 50 {
			t.Errorf("receipt tab (%s): %q, %v", id, txt, err)
		}
		batchID := strings.TrimSuffix(strings.TrimPrefix(id, "/v1/batches/"), "/receipt.html?lang=id")
		if !strings.Contains(txt, batchID) {
			t.Errorf("receipt tab does not show batch %s:\n%s", batchID, txt)
		}
	case <-time.After(stepTimeout):
		t.Fatal("clicking the receipt opened no tab")
	}
}

// devKey signs in with an API key in the developers' corner.
func devKey(p *page, key string) {
	p.t.Helper()
	if !eval[bool](p, `document.querySelector("#dev").open`) {
		p.run("developer corner", chromedp.Click("#dev summary"))
	}
	p.run("developer key", chromedp.SendKeys("#api-key", key),
		chromedp.Click(`#key-form button[type=submit]`), chromedp.WaitVisible("#upload-form"))
}

func checkCounter(t *testing.T, p *page, sel, want string) {
	t.Helper()
	if got := eval[string](p, fmt.Sprintf(`document.querySelector(%q).textContent`, sel)); strings.TrimSpace(got) != want {
		t.Errorf("counter %s = %q, want %s", sel, got, want)
	}
}
