package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser test drives the HR page in a headless Chromium (Debian's
// chromium package; scripts/test.sh installs it). It runs in every
// `go test ./...`: when the browser cannot start, the test fails, unless
// JHT_NO_BROWSER=1 says on purpose that this machine has none.

// page is one browser tab on the page under test, with what it has said on
// its console and where its screenshots go.
type page struct {
	t         *testing.T
	ctx       context.Context
	artifacts string // screenshots
	downloads string
	shot      int

	mu       sync.Mutex
	problems []string // console errors and uncaught exceptions
}

// newPage starts Chromium and opens a tab at 1280×900.
func newPage(t *testing.T) *page {
	t.Helper()
	if os.Getenv("JHT_NO_BROWSER") == "1" {
		t.Skip("JHT_NO_BROWSER=1: no browser on this machine, the page is not driven")
	}
	dir := os.Getenv("JHT_BROWSER_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("browser screenshots in %s", dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.WindowSize(1280, 900),
		// Chromium leaves its singleton socket's directory
		// (org.chromium.Chromium.*) in TMPDIR; the test's own is removed.
		chromedp.Env("TMPDIR="+t.TempDir()),
	)
	p := &page{t: t, artifacts: dir, downloads: t.TempDir()}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithListener(p.listen))
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	p.ctx = ctx
	// The first call opens the tab, which lives as long as that call's
	// context: the test's, never a step's with its timeout.
	err := chromedp.Do(ctx)
	if err == nil {
		yes := true
		_, err = chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: p.downloads, EventsEnabled: &yes})
	}
	if err != nil {
		t.Fatalf("Chromium did not start: %v\n(install it with `apt-get install chromium`, "+
			"or set JHT_NO_BROWSER=1 on a machine that has no browser on purpose)", err)
	}
	p.run("desktop width", p.viewport(1280, 900))
	return p
}

// listen records what the page says on its console as an error, and every
// exception it does not catch.
func (p *page) listen(ev any) {
	var problem string
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type != runtime.ConsoleAPICalledTypeError && e.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range e.Args {
			args = append(args, string(a.Value)+a.Description)
		}
		problem = "console." + string(e.Type) + ": " + strings.Join(args, " ")
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		problem = fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, d.Text)
		if d.Exception != nil {
			problem += " " + d.Exception.Description
		}
	default:
		return
	}
	p.mu.Lock()
	p.problems = append(p.problems, problem)
	p.mu.Unlock()
}

// checkConsole fails the test for everything the console said so far.
func (p *page) checkConsole() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.problems {
		p.t.Errorf("the page's console: %s", pr)
	}
	p.problems = nil
}

func (p *page) viewport(w, h int64) chromedp.Action[chromedp.Void] {
	if w < 600 {
		return chromedp.EmulateViewport(w, h, chromedp.EmulateMobile, chromedp.EmulatePortrait)
	}
	return chromedp.EmulateViewport(w, h)
}

// stepTimeout bounds one step; the browser itself lives as long as the test.
const stepTimeout = 60 * time.Second

// run runs actions in the tab and fails the test, with a screenshot, when
// one fails.
func (p *page) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.screenshot("failed-" + what)
		p.t.Fatalf("%s: %v\nthe page said:\n%s", what, err, p.text())
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// empty empties the input sel, as a user selecting its text and deleting
// it would (an input event follows).
func (p *page) empty(sel string) {
	p.t.Helper()
	eval[bool](p, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = "";
		e.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`, sel))
}

// screenshot saves the whole page as NN-name.png in the artifacts.
func (p *page) screenshot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p.shot++
	path := filepath.Join(p.artifacts, fmt.Sprintf("%02d-%s.png", p.shot, name))
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Errorf("save screenshot: %v", err)
	}
}

// text is the visible text of the page.
func (p *page) text() string {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	return s
}

// waitText waits until the element sel is shown and its text contains want.
func (p *page) waitText(what, sel, want string) { p.t.Helper(); p.wait(what, sel, want, false) }

// waitExact waits until the element sel is shown and its text is want.
func (p *page) waitExact(what, sel, want string) { p.t.Helper(); p.wait(what, sel, want, true) }

func (p *page) wait(what, sel, want string, exact bool) {
	p.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e || e.offsetParent === null) return false;
		const s = e.innerText.trim(); return %t ? s === %q : s.includes(%q); })()`, sel, exact, want, want)
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(stepTimeout-time.Second))); err != nil {
		p.screenshot("failed-" + what)
		p.t.Fatalf("%s: %q never showed %q: %v\nthe page said:\n%s", what, sel, want, err, p.text())
	}
}

// internalWords must never be shown to a clerk: column names of the
// contract, and the protocol's words.
var internalWords = []string{"full_name", "termination_date", "bank_account", "bank_code", "account_name",
	"birth_date", "Bearer", "Authorization", "HTTP", "undefined", "null", "NaN", "[object"}

// checkWords fails for any internal word in the page's visible text.
func (p *page) checkWords(where string) {
	p.t.Helper()
	txt := p.text()
	for _, w := range internalWords {
		if strings.Contains(txt, w) {
			p.t.Errorf("%s: the page shows %q to a clerk:\n%s", where, w, txt)
		}
	}
}

// checkNarrow switches to a 390 px wide phone, checks that the page itself
// never scrolls sideways, takes a screenshot and returns to 1280 px.
func (p *page) checkNarrow(name string) {
	p.t.Helper()
	p.run("phone width "+name, p.viewport(390, 844), chromedp.Sleep(300*time.Millisecond))
	if width := eval[int](p, `document.scrollingElement.scrollWidth`); width > 390 {
		culprits := eval[string](p, `[...document.querySelectorAll("body *")]
			.filter(e => e.getBoundingClientRect().right > 391 && e.offsetParent !== null)
			.slice(0, 8).map(e => e.tagName + "#" + e.id + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join("\n")`)
		p.t.Errorf("%s at 390 px: the page is %d px wide; wider than the screen:\n%s", name, width, culprits)
	}
	p.screenshot(name + "-390px")
	p.run("desktop width", p.viewport(1280, 900))
}

// waitDownload waits for a finished download whose name ends in suffix and
// returns its content.
func (p *page) waitDownload(suffix string) []byte {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(p.downloads)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), suffix) {
				b, err := os.ReadFile(filepath.Join(p.downloads, e.Name()))
				if err == nil && len(b) > 0 {
					return b
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("no download ending in %q within 30 s", suffix)
	return nil
}

// csvFile renders rows as a comma-separated file.
func csvFile(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.Bytes()
}
