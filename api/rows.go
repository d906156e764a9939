package api

import (
	"net/http"
	"strconv"

	"jhtbatch/batch"
)

// rowPageJSON is one page of a finished batch's rows, for a person to read
// and fix on the web page: the uploaded header names, each row's line (the
// spreadsheet row the person sees), its values as uploaded, and its issues
// named by the uploaded column and worded in the request's language.
type rowPageJSON struct {
	BatchID    string        `json:"batch_id"`
	Header     []string      `json:"header"`
	Rows       []rowViewJSON `json:"rows"`
	NextCursor *string       `json:"next_cursor"`
}

type rowViewJSON struct {
	Row     int             `json:"row"`
	Line    int             `json:"line"`
	Outcome batch.Outcome   `json:"outcome"`
	Values  []string        `json:"values"`
	Issues  []issueViewJSON `json:"issues"`
}

type issueViewJSON struct {
	Code    batch.Code `json:"code"`
	Column  string     `json:"column,omitempty"` // the uploaded header; absent when the issue is the whole row's
	Index   *int       `json:"index"`            // the column's position in header, null when absent
	Warning bool       `json:"warning"`
	Message string     `json:"message"`
}

// handleRows answers a page of the company's finished batch's rows
// (?outcome=REJECTED for the rejected ones only), keyset-paginated on the
// data row number: ?limit= (1–100, default 20) and ?cursor= (the previous
// page's next_cursor).
func (s *server) handleRows(w http.ResponseWriter, r *http.Request, c batch.Company) {
	q := r.URL.Query()
	req, ok := s.reportRequest(w, r, c) // the batch, finished, and ?outcome=
	if !ok {
		return
	}
	limit, err := pageSize(q.Get("limit"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	after, err := rowCursor(q.Get("cursor"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lines, more, err := s.store.RowPage(r.Context(), req.batch, req.onlyRejected, after, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rowPageOf(req.meta, lines, more))
}

// rowCursor reads ?cursor=: the last data row number of the previous page.
func rowCursor(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, &batch.Error{Kind: batch.KindInvalid, Code: batch.CodeCursorInvalid,
			Details: []batch.Detail{{Code: batch.CodeCursorInvalid}}}
	}
	return n, nil
}

func rowPageOf(meta batch.ReportMeta, lines []batch.ReportLine, more bool) rowPageJSON {
	view := batch.NewRowViewer(meta)
	out := rowPageJSON{BatchID: meta.BatchID, Header: view.Header(), Rows: make([]rowViewJSON, 0, len(lines))}
	if out.Header == nil {
		out.Header = []string{}
	}
	for _, l := range lines {
		rv := rowViewJSON{Row: l.Row, Line: l.Line, Outcome: l.Outcome, Values: view.Values(l), Issues: []issueViewJSON{}}
		for _, is := range view.Issues(l) {
			iv := issueViewJSON{Code: is.Code, Column: is.Column, Warning: is.Warning, Message: is.Message}
			if is.Index >= 0 {
				iv.Index = &is.Index
			}
			rv.Issues = append(rv.Issues, iv)
		}
		out.Rows = append(out.Rows, rv)
	}
	if more && len(lines) > 0 {
		next := strconv.Itoa(lines[len(lines)-1].Row)
		out.NextCursor = &next
	}
	return out
}
