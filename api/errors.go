package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"jhtbatch/batch"
)

// API-level codes: errors of the HTTP layer itself, next to the CONTRACT.md
// codes of the domain and the store's own (messages.go has their texts).
const (
	codeUnauthorized     batch.Code = "UNAUTHORIZED" // as Store.Authenticate says it
	codeNotFound         batch.Code = "not_found"    // as batch.NotFound says it
	codeInvalidParameter batch.Code = "INVALID_PARAMETER"
	codeBatchNotFinished batch.Code = "BATCH_NOT_FINISHED"
	codeInternal         batch.Code = "INTERNAL"
	codeMethodNotAllowed batch.Code = "METHOD_NOT_ALLOWED"
)

// statusOf is the one table from an error kind to an HTTP status.
var statusOf = map[batch.Kind]int{
	batch.KindInvalid:          http.StatusBadRequest,
	batch.KindUnauthorized:     http.StatusUnauthorized,
	batch.KindForbidden:        http.StatusForbidden,
	batch.KindNotFound:         http.StatusNotFound,
	batch.KindConflict:         http.StatusConflict,
	batch.KindTooLarge:         http.StatusRequestEntityTooLarge,
	batch.KindUnprocessable:    http.StatusUnprocessableEntity,
	batch.KindTooManyRequests:  http.StatusTooManyRequests,
	batch.KindUnavailable:      http.StatusServiceUnavailable,
	batch.KindMethodNotAllowed: http.StatusMethodNotAllowed,
	batch.KindInternal:         http.StatusInternalServerError,
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code    batch.Code   `json:"code"`
	Message string       `json:"message"`
	Details []detailJSON `json:"details"`
	BatchID string       `json:"batch_id,omitempty"`
}

type detailJSON struct {
	Code    batch.Code `json:"code"`
	Line    int        `json:"line,omitempty"`
	Column  string     `json:"column,omitempty"`
	Value   string     `json:"value,omitempty"`
	Message string     `json:"message"`
	// Suggestion is the likeliest column of an unknown header name, or
	// null: present on HEADER_UNKNOWN_COLUMN details only.
	Suggestion json.RawMessage `json:"suggestion,omitempty"`
}

// suggestionJSON is the suggestion of d: a column name or null for an
// unknown column, nothing for any other detail.
func suggestionJSON(d batch.Detail) json.RawMessage {
	if d.Code != batch.CodeHeaderUnknownColumn {
		return nil
	}
	if d.Suggestion == "" {
		return json.RawMessage("null")
	}
	b, _ := json.Marshal(string(d.Suggestion)) // a string always marshals
	return b
}

// writeError is the one function that answers an error. A *batch.Error is
// shown with its code and details in the caller's language; anything else
// is logged with its cause and shown as a generic internal error, so no
// driver message or personal data reaches the client.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := batch.ErrorOf(err)
	if e == nil || e.Kind == batch.KindInternal {
		s.logCause(r, err)
		e = &batch.Error{Kind: batch.KindInternal, Code: codeInternal}
	}
	if e.Kind == batch.KindUnavailable {
		s.logCause(r, err)
	}
	status, ok := statusOf[e.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="jhtbatch"`)
	}
	if n := noteOf(r); n != nil {
		n.errorCode = string(e.Code)
	}
	writeJSON(w, status, errorBody{Error: errorOf(e, langOf(r))})
}

// errorOf renders e in lang: each detail gets its own message, and the
// error's message is the first detail's.
func errorOf(e *batch.Error, lang batch.Lang) errorJSON {
	details := e.Details
	if len(details) == 0 {
		details = []batch.Detail{{Code: e.Code}}
	}
	out := errorJSON{Code: e.Code, Details: make([]detailJSON, 0, len(details)), BatchID: e.BatchID}
	for _, d := range details {
		out.Details = append(out.Details, detailJSON{
			Code: d.Code, Line: d.Line, Column: d.Column, Value: d.Value,
			Suggestion: suggestionJSON(d), Message: detailMessage(d, lang),
		})
	}
	out.Message = out.Details[0].Message
	return out
}

// logCause logs the cause of an error the client only sees generically. A
// client that went away is not an error of ours.
func (s *server) logCause(r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		s.log.InfoContext(r.Context(), "client went away", "route", routeOf(r))
		return
	}
	s.log.ErrorContext(r.Context(), "request failed", "route", routeOf(r), "err", err)
}

// invalidParam is the error for a bad query parameter or header: the
// parameter's name is the detail's column, its value is not echoed back.
func invalidParam(name string) *batch.Error {
	return &batch.Error{
		Kind:    batch.KindInvalid,
		Code:    codeInvalidParameter,
		Details: []batch.Detail{{Code: codeInvalidParameter, Column: name}},
	}
}

func (s *server) handleNoRoute(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.writeError(w, r, &batch.Error{Kind: batch.KindMethodNotAllowed, Code: codeMethodNotAllowed,
			Details: []batch.Detail{{Code: codeMethodNotAllowed, Value: r.Method}}})
		return
	}
	s.writeError(w, r, &batch.Error{Kind: batch.KindNotFound, Code: codeNotFound})
}

// allowedMethods lists the methods a route of r's path answers, when r's
// own method is not one of them.
func (s *server) allowedMethods(r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/v1/" {
			allow = append(allow, m)
		}
	}
	return allow
}

// langOf is the language of the messages for r, from Accept-Language.
func langOf(r *http.Request) batch.Lang {
	return batch.ParseLang(r.Header.Get("Accept-Language"))
}
