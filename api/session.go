package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"jhtbatch/batch"
	"jhtbatch/credential"
)

// sessionCookie carries an HR user's session; the token in it is random and
// only its hash is stored.
const sessionCookie = "jht_session"

// Session lifetimes when the Config names none: a session ends after
// DefaultSessionIdle without a request and DefaultSessionMax after sign-in.
const (
	DefaultSessionIdle = 30 * time.Minute
	DefaultSessionMax  = 12 * time.Hour
)

func forbidden(why string) *batch.Error {
	return batch.Fail(batch.CodeForbidden, batch.Detail{Code: batch.CodeForbidden, Value: why})
}

// principalKey holds, in a request's context, who a company request is
// from: "user:<e-mail>" or "key:<key id>".
type principalKey struct{}

// principalOf is who sent r, as the company auth found it ("" if unknown).
func principalOf(r *http.Request) string {
	p, _ := r.Context().Value(principalKey{}).(string)
	return p
}

// authenticateCompany finds the company a request speaks for: by its Bearer
// API key, else by its session cookie. A state-changing request signed in
// by cookie must come from the service's own origin. An operator's
// credentials are never a company's: they get 403, not 401.
func (s *server) authenticateCompany(r *http.Request) (batch.Company, string, error) {
	if key, ok := bearerKey(r.Header.Get("Authorization")); ok {
		c, err := s.store.Authenticate(r.Context(), key)
		if isUnauthorized(err) && credential.IsOperatorToken(key) {
			if _, oerr := s.store.AuthenticateOperator(r.Context(), key); oerr == nil {
				return batch.Company{}, "", forbidden("operator")
			}
		}
		if err != nil {
			return batch.Company{}, "", err
		}
		return c, "key:" + credential.ID(key), nil
	}
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		u, c, err := s.store.SessionUser(r.Context(), ck.Value, s.now(), s.sessionLimits)
		if err != nil {
			return batch.Company{}, "", err
		}
		if !safeMethod(r.Method) && !sameOrigin(r) {
			return batch.Company{}, "", forbidden("origin")
		}
		return c, "user:" + u.Email, nil
	}
	if ck, err := r.Cookie(operatorCookie); err == nil && ck.Value != "" {
		if _, err := s.store.AuthenticateOperator(r.Context(), ck.Value); err == nil {
			return batch.Company{}, "", forbidden("operator")
		}
	}
	return batch.Company{}, "", unauthorized()
}

func isUnauthorized(err error) bool {
	e := batch.ErrorOf(err)
	return e != nil && e.Kind == batch.KindUnauthorized
}

// withPrincipal returns r carrying who sent it.
func withPrincipal(r *http.Request, who string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), principalKey{}, who))
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// sameOrigin reports whether a request's Origin (or, without one, its
// Referer) is this service's own origin. A request with neither is let
// through: browsers send Origin on every cross-site state-changing request,
// and the session cookie is SameSite=Strict besides.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		ref := r.Header.Get("Referer")
		if ref == "" {
			return true
		}
		u, err := url.Parse(ref)
		if err != nil {
			return false
		}
		origin = u.Scheme + "://" + u.Host
	}
	return strings.EqualFold(origin, ownOrigin(r))
}

// ownOrigin is scheme://host of the service as r reached it.
func ownOrigin(r *http.Request) string {
	scheme := "http"
	if secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// secure reports whether r came over TLS, directly or through a proxy
// that says so.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// setCookie sets an HttpOnly, SameSite=Strict cookie, Secure when served over TLS.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: secure(r), MaxAge: int(maxAge.Seconds()),
	})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: secure(r), MaxAge: -1,
	})
}

// loginJSON is the body of POST /v1/session.
type loginJSON struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// sessionJSON answers a sign-in: who is signed in, for which company.
type sessionJSON struct {
	Email      string    `json:"email"`
	CompanyNPP string    `json:"company_npp"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
}

// handleLogin signs an HR user in: 200 and the session cookie, or 401
// LOGIN_FAILED (wrong e-mail and wrong password alike), or 429
// LOGIN_THROTTLED with Retry-After.
func (s *server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Origin") != "" && !sameOrigin(r) {
		s.writeError(w, r, forbidden("origin"))
		return
	}
	var in loginJSON
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<10))
	if err != nil || json.Unmarshal(body, &in) != nil {
		s.writeError(w, r, invalidParam("body"))
		return
	}
	release, ok := s.loginSlot(w, r)
	if !ok {
		return
	}
	token, u, err := s.store.Login(r.Context(), in.Email, in.Password, s.now())
	release()
	if err != nil {
		if e := batch.ErrorOf(err); e != nil && e.Code == batch.CodeLoginThrottled && len(e.Details) > 0 {
			w.Header().Set("Retry-After", e.Details[0].Value)
		}
		s.writeError(w, r, err)
		return
	}
	setCookie(w, r, sessionCookie, token, s.sessionLimits.Max)
	writeJSON(w, http.StatusOK, sessionJSON{Email: u.Email, CompanyNPP: u.CompanyNPP,
		ExpiresAt: s.now().Add(s.sessionLimits.Max).UTC()})
}

// handleLogout signs the browser out: its session ends and the cookie is
// cleared. Signing out without a session is no error. A foreign origin may
// not sign anyone out.
func (s *server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		s.writeError(w, r, forbidden("origin"))
		return
	}
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := s.store.Logout(r.Context(), ck.Value); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	clearCookie(w, r, sessionCookie)
	w.WriteHeader(http.StatusNoContent)
}

// handleWhoAmI answers who the session cookie signs in (200), or 401: the
// web page asks it on load to know whether to show the sign-in form.
func (s *server) handleWhoAmI(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		s.writeError(w, r, unauthorized())
		return
	}
	u, _, err := s.store.SessionUser(r.Context(), ck.Value, s.now(), s.sessionLimits)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sessionJSON{Email: u.Email, CompanyNPP: u.CompanyNPP})
}

// A password check (argon2id) takes 19 MiB of memory (credential) and
// tens of milliseconds of a core, and signing in needs no credentials: so
// the checks running at once are bounded, or a stream of sign-ins with
// made-up e-mails could take the process's memory. A request waits up to
// loginWait for its turn, then is answered 429 TOO_MANY_REQUESTS.
const (
	loginWait       = 2 * time.Second
	loginRetryAfter = 1 // seconds
)

// loginConcurrency is how many password checks may run at once: one a core,
// at least two.
func loginConcurrency() int { return max(2, runtime.GOMAXPROCS(0)) }

// loginSlot waits for a turn to check a password; the caller must call
// release. When none comes in time it answers 429 with Retry-After.
func (s *server) loginSlot(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	t := time.NewTimer(loginWait)
	defer t.Stop()
	select {
	case s.logins <- struct{}{}:
		return func() { <-s.logins }, true
	case <-t.C:
		w.Header().Set("Retry-After", strconv.Itoa(loginRetryAfter))
		s.writeError(w, r, batch.Fail(batch.CodeTooManyRequests))
	case <-r.Context().Done():
		s.writeError(w, r, r.Context().Err())
	}
	return nil, false
}
