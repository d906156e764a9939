package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jhtbatch/api"
)

// clock is an injected clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const password = "kata-sandi-yang-panjang"

// user gives company a a user and returns its e-mail.
func (e *env) user(email string) string {
	e.t.Helper()
	if _, err := e.store.CreateUser(context.Background(), e.compA.NPP, email, password); err != nil {
		e.t.Fatalf("create user: %v", err)
	}
	return email
}

// login signs in and returns the answer.
func (e *env) login(email, pw string) response {
	e.t.Helper()
	body := `{"email":` + strconv.Quote(email) + `,"password":` + strconv.Quote(pw) + `}`
	return e.do(http.MethodPost, "/v1/session", "", strings.NewReader(body), http.Header{"Content-Type": {"application/json"}})
}

// sessionOf returns the jht_session cookie header a sign-in answer set,
// and checks its attributes.
func sessionOf(t *testing.T, res response) string {
	t.Helper()
	if res.status != http.StatusOK {
		t.Fatalf("sign in: status %d, want 200; body %s", res.status, res.body)
	}
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name != "jht_session" {
			continue
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Value == "" {
			t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict and a value", c)
		}
		return "jht_session=" + c.Value
	}
	t.Fatalf("sign in set no jht_session cookie: %v", res.header)
	return ""
}

func withCookie(cookie string, more ...string) http.Header {
	h := http.Header{"Cookie": {cookie}}
	for i := 0; i+1 < len(more); i += 2 {
		h.Set(more[i], more[i+1])
	}
	return h
}

// TestSessionWorksLikeKey: the cookie works where the key does, and the
// batch says who uploaded it.
func TestSessionWorksLikeKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie := sessionOf(t, e.login(e.user("hr@alpha.example"), password))
	res := e.do(http.MethodGet, "/v1/batches", "", nil, withCookie(cookie))
	if res.status != http.StatusOK {
		t.Fatalf("list with cookie: %d %s", res.status, res.body)
	}
	me := e.do(http.MethodGet, "/v1/session", "", nil, withCookie(cookie))
	if me.status != http.StatusOK || !strings.Contains(string(me.body), `"company_npp": "AA000001"`) {
		t.Errorf("GET /v1/session: %d %s", me.status, me.body)
	}
	up := e.upload("", "", "karyawan.csv", sampleFile, withCookie(cookie, "Origin", e.srv.URL))
	if up.status != http.StatusAccepted {
		t.Fatalf("upload with cookie: %d %s", up.status, up.body)
	}
	if got := decode[struct {
		UploadedBy string `json:"uploaded_by"`
	}](t, up).UploadedBy; got != "user:hr@alpha.example" {
		t.Errorf("uploaded_by %q, want user:hr@alpha.example", got)
	}
	byKey := e.mustUpload("?mode=validate", sampleFile)
	got := decode[struct {
		UploadedBy string `json:"uploaded_by"`
	}](t, e.get("/v1/batches/"+byKey.ID, e.keyA)).UploadedBy
	if !strings.HasPrefix(got, "key:jht_") {
		t.Errorf("uploaded_by %q, want key:<key id>", got)
	}
	// Signed out, the cookie is dead.
	if res := e.do(http.MethodDelete, "/v1/session", "", nil, withCookie(cookie)); res.status != http.StatusNoContent {
		t.Fatalf("sign out: %d %s", res.status, res.body)
	}
	wantError(t, e.do(http.MethodGet, "/v1/batches", "", nil, withCookie(cookie)), http.StatusUnauthorized, "UNAUTHORIZED")
	wantError(t, e.do(http.MethodGet, "/v1/session", "", nil, withCookie(cookie)), http.StatusUnauthorized, "UNAUTHORIZED")
}

// TestSessionOrigin: a state-changing request signed in by cookie from
// another origin is refused; a read, or the same request from our own
// origin, is not.
func TestSessionOrigin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie := sessionOf(t, e.login(e.user("hr@alpha.example"), password))
	tests := []struct {
		name, method, origin, referer string
		want                          int
	}{
		{"foreign origin upload", http.MethodPost, "https://evil.example", "", http.StatusForbidden},
		{"foreign referer upload", http.MethodPost, "", "https://evil.example/page", http.StatusForbidden},
		{"own origin upload", http.MethodPost, e.srv.URL, "", http.StatusAccepted},
		{"foreign origin read", http.MethodGet, "https://evil.example", "", http.StatusOK},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := withCookie(cookie)
			if tc.origin != "" {
				h.Set("Origin", tc.origin)
			}
			if tc.referer != "" {
				h.Set("Referer", tc.referer)
			}
			var res response
			if tc.method == http.MethodPost {
				res = e.upload("", "?mode=validate", "f"+strconv.Itoa(i)+".csv", sampleFile, h)
			} else {
				res = e.do(tc.method, "/v1/batches", "", nil, h)
			}
			if res.status != tc.want {
				t.Fatalf("status %d, want %d; body %s", res.status, tc.want, res.body)
			}
			if tc.want == http.StatusForbidden {
				wantError(t, res, http.StatusForbidden, "FORBIDDEN")
			}
		})
	}
}

// TestLoginThrottle: a wrong e-mail and a wrong password answer alike;
// after 5 failures in 15 minutes even the right password gets 429 with
// Retry-After, until the window has passed.
func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := newEnv(t, func(c *api.Config) { c.Now = clk.Now })
	email := e.user("hr@alpha.example")
	unknown := wantError(t, e.login("nobody@alpha.example", password), http.StatusUnauthorized, "LOGIN_FAILED")
	for i := range 5 {
		clk.Add(time.Minute)
		wrong := wantError(t, e.login(email, "not-the-password!"), http.StatusUnauthorized, "LOGIN_FAILED")
		if i == 0 && wrong.Error.Message != unknown.Error.Message {
			t.Errorf("unknown e-mail says %q, wrong password %q: want the same", unknown.Error.Message, wrong.Error.Message)
		}
	}
	// The first failure was at +1m; the window passes over it at +16m.
	res := e.login(email, password)
	wantError(t, res, http.StatusTooManyRequests, "LOGIN_THROTTLED")
	if ra, err := strconv.Atoi(res.header.Get("Retry-After")); err != nil || ra != 11*60 {
		t.Errorf("Retry-After %q, want %d", res.header.Get("Retry-After"), 11*60)
	}
	clk.Add(11*time.Minute - time.Second)
	wantError(t, e.login(email, password), http.StatusTooManyRequests, "LOGIN_THROTTLED")
	clk.Add(time.Second)
	sessionOf(t, e.login(email, password))
	// Another e-mail was never throttled by these.
	wantError(t, e.login("other@alpha.example", password), http.StatusUnauthorized, "LOGIN_FAILED")
}

// TestLoginThrottleUnderParallelGuesses: wrong passwords for one e-mail
// sent at once are counted one by one, so no more than the allowed failures
// are ever answered LOGIN_FAILED; the rest are LOGIN_THROTTLED (or, when the
// password checks are all busy, TOO_MANY_REQUESTS). Never a session.
func TestLoginThrottleUnderParallelGuesses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	email := e.user("hr@alpha.example")
	const guesses = 24
	codes := make(chan string, guesses)
	var wg sync.WaitGroup
	for range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := e.login(email, "not-the-password!")
			var body struct {
				Error struct{ Code string } `json:"error"`
			}
			_ = json.Unmarshal(res.body, &body)
			codes <- fmt.Sprintf("%d %s", res.status, body.Error.Code)
		}()
	}
	wg.Wait()
	close(codes)
	count := map[string]int{}
	for c := range codes {
		count[c]++
	}
	if count["401 LOGIN_FAILED"] > 5 || count["401 LOGIN_FAILED"]+count["429 LOGIN_THROTTLED"]+count["429 TOO_MANY_REQUESTS"] != guesses {
		t.Errorf("%d parallel wrong passwords answered %v; want at most 5 LOGIN_FAILED, the rest throttled", guesses, count)
	}
	wantError(t, e.login(email, password), http.StatusTooManyRequests, "LOGIN_THROTTLED")
}

// TestSessionExpiry: a session ends after the idle time without a request,
// and after the absolute time whatever happens.
func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	clk := newClock()
	e := newEnv(t, func(c *api.Config) {
		c.Now, c.SessionIdle, c.SessionMax = clk.Now, 30*time.Minute, time.Hour
	})
	email := e.user("hr@alpha.example")
	list := func(cookie string) int {
		return e.do(http.MethodGet, "/v1/batches", "", nil, withCookie(cookie)).status
	}
	t.Run("idle", func(t *testing.T) {
		cookie := sessionOf(t, e.login(email, password))
		clk.Add(29 * time.Minute)
		if got := list(cookie); got != http.StatusOK {
			t.Fatalf("after 29 idle minutes: %d, want 200", got)
		}
		clk.Add(30*time.Minute + time.Second)
		if got := list(cookie); got != http.StatusUnauthorized {
			t.Fatalf("after 30 idle minutes: %d, want 401", got)
		}
	})
	t.Run("absolute", func(t *testing.T) {
		cookie := sessionOf(t, e.login(email, password))
		for range 3 {
			clk.Add(20 * time.Minute)
			if got := list(cookie); got != http.StatusOK {
				t.Fatalf("used every 20 minutes, within the hour: %d, want 200", got)
			}
		}
		clk.Add(time.Second)
		if got := list(cookie); got != http.StatusUnauthorized {
			t.Fatalf("past the absolute hour: %d, want 401", got)
		}
	})
	t.Run("password change signs out everywhere", func(t *testing.T) {
		one := sessionOf(t, e.login(email, password))
		two := sessionOf(t, e.login(email, password))
		if err := e.store.SetPassword(context.Background(), email, "another-long-password"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{one, two} {
			if got := list(c); got != http.StatusUnauthorized {
				t.Fatalf("after a password change: %d, want 401", got)
			}
		}
	})
}

// TestSessionCookieSecureBehindTLS: behind a proxy that says https, the
// cookie is Secure; over plain http it cannot be.
func TestSessionCookieSecureBehindTLS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	email := e.user("hr@alpha.example")
	body := `{"email":"` + email + `","password":"` + password + `"}`
	for _, tc := range []struct {
		proto  string
		secure bool
	}{{"", false}, {"https", true}} {
		h := http.Header{"Content-Type": {"application/json"}}
		if tc.proto != "" {
			h.Set("X-Forwarded-Proto", tc.proto)
		}
		res := e.do(http.MethodPost, "/v1/session", "", strings.NewReader(body), h)
		var found bool
		for _, c := range (&http.Response{Header: res.header}).Cookies() {
			if c.Name == "jht_session" {
				found = true
				if c.Secure != tc.secure {
					t.Errorf("X-Forwarded-Proto %q: Secure %v, want %v", tc.proto, c.Secure, tc.secure)
				}
			}
		}
		if res.status != http.StatusOK || !found {
			t.Errorf("X-Forwarded-Proto %q: %d, cookie set %v", tc.proto, res.status, found)
		}
	}
}

// TestProgressPollsLogAtDebug: a client polling a batch's progress every
// few seconds does not fill the INFO log; other requests still show.
func TestProgressPollsLogAtDebug(t *testing.T) {
	t.Parallel()
	logs := &syncBuf{}
	e := newEnv(t, func(c *api.Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	b := e.mustUpload("", sampleFile)
	for range 3 {
		e.get("/v1/batches/"+b.ID, e.keyA)
	}
	e.get("/v1/batches", e.keyA)
	out := logs.String()
	if strings.Contains(out, `route="GET /v1/batches/{id}"`) {
		t.Errorf("progress polls logged at INFO:\n%s", out)
	}
	if !strings.Contains(out, `route="GET /v1/batches"`) || !strings.Contains(out, `route="POST /v1/batches"`) {
		t.Errorf("other requests missing from the INFO log:\n%s", out)
	}
}
