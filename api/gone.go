package api

import (
	"errors"
	"io"
	"net/http"
)

// A client that goes away (hangs up mid-upload, closes a report download,
// or cancels its request) is not a failure of the service: it is logged at
// INFO as "client went away", answered with nothing (nobody listens), and
// counted in the metrics with status 499 (nginx's "client closed request"),
// never as a 5xx.

// statusClientGone is the status recorded for a request whose client went
// away before its answer.
const statusClientGone = 499

// clientError marks an error of the client's connection: reading the
// request body or writing the answer failed. Only the connection to the
// client fails that way; the store's errors never carry this type, so a
// lost database connection (also an unexpected EOF, for pgx) is never taken
// for a client that hung up.
type clientError struct{ err error }

func (e *clientError) Error() string { return "client connection: " + e.err.Error() }
func (e *clientError) Unwrap() error { return e.err }

// clientBody marks the read errors of a request body as the client's. EOF
// is the body's normal end; a body over its limit stays a
// *http.MaxBytesError (FILE_TOO_LARGE, the client is still there).
type clientBody struct{ io.ReadCloser }

func (b clientBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if err != nil && err != io.EOF && !errors.As(err, &mbe) {
		err = &clientError{err}
	}
	return n, err
}

// clientGone reports whether err, met while serving r, means the client
// went away: r's context is done (the server cancels it when the connection
// closes), or reading the body or writing the answer failed.
func clientGone(r *http.Request, err error) bool {
	if err == nil {
		return false
	}
	var ce *clientError
	return r.Context().Err() != nil || errors.As(err, &ce)
}

// noteClientGone logs that the client went away and marks the request for
// the request log and the metrics.
func (s *server) noteClientGone(r *http.Request, err error) {
	if n := noteOf(r); n != nil {
		n.clientGone = true
	}
	s.log.InfoContext(r.Context(), "client went away", "route", routeOf(r), "reason", goneReason(err))
}

// goneReason names how the client went, without the error's text (which
// may name addresses).
func goneReason(err error) string {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "body cut short"
	}
	var ce *clientError
	if errors.As(err, &ce) {
		return "connection closed"
	}
	return "request cancelled"
}
