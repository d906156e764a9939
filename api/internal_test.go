package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"jhtbatch/batch"
)

func TestMask(t *testing.T) {
	tests := []struct {
		fn       func(string) string
		name, in string
		want     string
	}{
		{maskMiddle, "NIK", "3171011708850001", "3171********0001"},
		{maskMiddle, "KPJ", "23012345678", "2301***5678"},
		{maskMiddle, "nine", "123456789", "1234*6789"},
		{maskMiddle, "eight is starred whole", "12345678", "********"},
		{maskMiddle, "empty", "", ""},
		{func(s string) string { return maskAllButLast(s, 4) }, "account", "1234567890", "******7890"},
		{func(s string) string { return maskAllButLast(s, 4) }, "four is starred whole", "1234", "****"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"karyawan.csv", "karyawan.csv"},
		{`C:\Users\hr\Desktop\PHK Nov.csv`, "PHK Nov.csv"},
		{"../../etc/passwd", "passwd"},
		{"dir/", "dir"},
		{"", "upload.csv"},
		{"..", "upload.csv"},
		{"/", "upload.csv"},
		{"a\x00b\r\n\x1b[31mc.csv", "ab[31mc.csv"},
		{"gaji\u202egpj.csv", "gajigpj.csv"}, // a right-to-left override would disguise the extension
		{"  spaced.csv  ", "spaced.csv"},
		{"bad\xffutf8.csv", "badutf8.csv"},
		{strings.Repeat("é", 200) + ".csv", strings.Repeat("é", 127)},
	}
	for _, tt := range tests {
		got := cleanFilename(tt.in)
		if got != tt.want {
			t.Errorf("cleanFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > 255 {
			t.Errorf("cleanFilename(%q) is %d bytes, want at most 255", tt.in, len(got))
		}
	}
}

func TestBearerKey(t *testing.T) {
	tests := []struct {
		header, key string
		ok          bool
	}{
		{"Bearer jht_abc", "jht_abc", true},
		{"bearer   jht_abc  ", "jht_abc", true},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Basic jht_abc", "", false},
		{"", "", false},
		{"jht_abc", "", false},
	}
	for _, tt := range tests {
		key, ok := bearerKey(tt.header)
		if key != tt.key || ok != tt.ok {
			t.Errorf("bearerKey(%q) = %q, %v; want %q, %v", tt.header, key, ok, tt.key, tt.ok)
		}
	}
}

func TestValidIdempotencyKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"", true},
		{"upload-2026-11-25/001", true},
		{strings.Repeat("k", 200), true},
		{strings.Repeat("k", 201), false},
		{"with space", false},
		{"tab\there", false},
		{"kunci-é", false},
	}
	for _, tt := range tests {
		if got := validIdempotencyKey(tt.key); got != tt.want {
			t.Errorf("validIdempotencyKey(%.20q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestPageSize(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"", 20, true}, {"1", 1, true}, {"100", 100, true},
		{"0", 0, false}, {"101", 0, false}, {"-1", 0, false}, {"2x", 0, false},
	}
	for _, tt := range tests {
		got, err := pageSize(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("pageSize(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestStatusOfEveryKind checks that the status table covers every kind.
func TestStatusOfEveryKind(t *testing.T) {
	want := map[batch.Kind]int{
		batch.KindForbidden: 403, // operators and accounts
		batch.KindInvalid:   400, batch.KindUnauthorized: 401, batch.KindNotFound: 404,
		batch.KindConflict: 409, batch.KindTooLarge: 413, batch.KindUnavailable: 503,
		batch.KindInternal: 500, batch.KindMethodNotAllowed: 405, batch.KindUnprocessable: 422,
		batch.KindTooManyRequests: 429,
	}
	for k, status := range want {
		if got := statusOf[k]; got != status {
			t.Errorf("statusOf[%s] = %d, want %d", k, got, status)
		}
	}
	if len(statusOf) != len(want) {
		t.Errorf("statusOf has %d kinds, want %d", len(statusOf), len(want))
	}
}

// TestErrorOfMessages checks that every detail gets its own message in the
// language asked for, and that API codes have texts in both languages.
func TestErrorOfMessages(t *testing.T) {
	e := &batch.Error{Kind: batch.KindInvalid, Code: batch.CodeHeaderMissingColumn, Details: []batch.Detail{
		{Code: batch.CodeHeaderMissingColumn, Line: 1, Column: "phone"},
		{Code: batch.CodeHeaderMissingColumn, Line: 1, Column: "nik"},
	}}
	for _, lang := range []batch.Lang{batch.LangID, batch.LangEN} {
		got := errorOf(e, lang)
		for i, d := range got.Details {
			if want := e.Details[i].Message(lang); d.Message != want {
				t.Errorf("%s detail %d message %q, want %q", lang, i, d.Message, want)
			}
		}
		if got.Message != got.Details[0].Message {
			t.Errorf("%s message %q, want the first detail's", lang, got.Message)
		}
	}
	for _, code := range batch.ServiceCodes() {
		id := batch.Detail{Code: code, Column: "x"}.Text(batch.LangID)
		en := batch.Detail{Code: code, Column: "x"}.Text(batch.LangEN)
		if id == "" || en == "" || id == en || strings.Contains(id+en, "%!") {
			t.Errorf("%s: messages %q / %q", code, id, en)
		}
	}
}

// TestInternalErrorHidden checks that an unexpected error shows nothing of
// its cause.
func TestInternalErrorHidden(t *testing.T) {
	s := newServer(Config{Registry: prometheus.NewRegistry(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec := httptest.NewRecorder()
	s.writeError(rec, httptest.NewRequest(http.MethodGet, "/x", nil),
		errors.New("connect to 10.0.0.5: password authentication failed for user jht"))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "password") {
		t.Errorf("status %d, body %s; want 500 without the cause", rec.Code, rec.Body)
	}
}

// TestLineStream checks that lines arrive in order with the producer's
// error at the end, and that a consumer that stops early ends the producer.
func TestLineStream(t *testing.T) {
	produce := func(n int, fail error) func(context.Context, func(batch.ReportLine) error) error {
		return func(ctx context.Context, fn func(batch.ReportLine) error) error {
			for i := 1; i <= n; i++ {
				if err := fn(batch.ReportLine{Row: i}); err != nil {
					return err
				}
			}
			return fail
		}
	}
	t.Run("all lines", func(t *testing.T) {
		ls := newLineStream(context.Background(), produce(1000, nil))
		for want := 1; ; want++ {
			l, ok, err := ls.next()
			if !ok {
				if err != nil || want != 1001 {
					t.Fatalf("end after %d lines with %v, want 1000 and nil", want-1, err)
				}
				break
			}
			if l.Row != want {
				t.Fatalf("line %d, want %d", l.Row, want)
			}
		}
		if err := ls.stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	t.Run("producer fails", func(t *testing.T) {
		boom := errors.New("connection reset")
		ls := newLineStream(context.Background(), produce(3, boom))
		var err error
		for ok := true; ok; {
			_, ok, err = ls.next()
		}
		if !errors.Is(err, boom) {
			t.Errorf("end error %v, want %v", err, boom)
		}
		if err := ls.stop(); !errors.Is(err, boom) {
			t.Errorf("stop error %v, want %v", err, boom)
		}
	})
	t.Run("consumer stops early", func(t *testing.T) {
		ls := newLineStream(context.Background(), produce(1_000_000, nil))
		if _, ok, _ := ls.next(); !ok {
			t.Fatal("no first line")
		}
		done := make(chan error)
		go func() { done <- ls.stop() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("stop: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("stop did not end the producer")
		}
	})
}

// TestNewHTTPServerTimeouts checks what the timeouts do to slow clients.
// The server of NewHTTPServer itself cuts a client that never finishes its
// request head (slowloris); a server with the same code and short limits
// cuts a client whose body stalls, a client that stops reading the answer,
// and an idle keep-alive connection. Each cut is seen as the connection
// closing well before the test's own generous deadline.
func TestNewHTTPServerTimeouts(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 64<<20)
	bigWritten := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			_, err := io.WriteString(w, big)
			bigWritten <- err
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "ok")
	})
	start := func(s *http.Server) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = s.Serve(ln) }()
		t.Cleanup(func() { s.Close() })
		return ln.Addr().String()
	}
	real := start(NewHTTPServer("", h))
	short := start(newHTTPServer("", h, serverTimeouts{readHeader: 300 * time.Millisecond,
		read: 500 * time.Millisecond, write: 500 * time.Millisecond, idle: 300 * time.Millisecond}))

	tests := []struct {
		name, addr, send string
		readAll          bool // read the answer, then wait on the idle connection
		stopReading      bool // send, then read nothing
	}{
		{"request head never finished (real server)", real, "GET / HTTP/1.1\r\nHost: x\r\n", false, false},
		{"body stalls", short, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", false, false},
		{"idle keep-alive", short, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", true, false},
		{"answer never read", short, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", tt.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if tt.stopReading {
				_ = conn.(*net.TCPConn).SetReadBuffer(4096)
			}
			if _, err := io.WriteString(conn, tt.send); err != nil {
				t.Fatal(err)
			}
			if tt.stopReading {
				// The server's write to a client that reads nothing fails:
				// the writer is cut, its goroutine freed.
				select {
				case err := <-bigWritten:
					if err == nil {
						t.Error("the whole answer was written to a client that reads nothing")
					}
				case <-time.After(30 * time.Second):
					t.Fatal("the write to a client that reads nothing still blocks after 30 s")
				}
				return
			}
			_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
			_, err = io.Copy(io.Discard, conn) // until the server closes the connection
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the connection was still open after 30 s: the server did not cut the client")
			}
		})
	}
}

// TestLoginChecksAreBounded: while every password-check slot is taken, a
// sign-in waits its turn and is then answered 429 TOO_MANY_REQUESTS with
// Retry-After, without checking any password (the store is never reached:
// this server has none).
func TestLoginChecksAreBounded(t *testing.T) {
	s := newServer(Config{Registry: prometheus.NewRegistry(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for range cap(s.logins) {
		s.logins <- struct{}{}
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/v1/session", strings.NewReader(`{"email":"a@b.example","password":"x"}`))
	s.handleLogin(rec, req)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" ||
		!strings.Contains(rec.Body.String(), `"TOO_MANY_REQUESTS"`) {
		t.Errorf("sign-in with every slot busy: %d, Retry-After %q, body %s; want 429 TOO_MANY_REQUESTS",
			rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}
