package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"jhtbatch/batch"
)

// rowPage mirrors the answer of GET /v1/batches/{id}/rows.
type rowPage struct {
	BatchID string   `json:"batch_id"`
	Header  []string `json:"header"`
	Rows    []struct {
		Row     int      `json:"row"`
		Line    int      `json:"line"`
		Outcome string   `json:"outcome"`
		Values  []string `json:"values"`
		Issues  []struct {
			Code    string `json:"code"`
			Column  string `json:"column"`
			Index   *int   `json:"index"`
			Warning bool   `json:"warning"`
			Message string `json:"message"`
		} `json:"issues"`
	} `json:"rows"`
	NextCursor *string `json:"next_cursor"`
}

// The rows of a finished batch come page by page, in input order, with the
// uploaded header names, each row's spreadsheet line, and its issues named
// by the uploaded column in the request's language.
func TestRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Uploaded header names differ from the column names; a blank line
	// makes lines differ from row numbers.
	file := "No KPJ,Nomor KTP,Nama,tgl_lahir,tanggal_berhenti,alasan,kode_bank,no_rekening,nama_rekening,no_hp\n" +
		row1 + "\n" + row2 + row3
	b := e.mustUpload("", file)
	kpj := batch.Issue{Code: batch.CodeKPJFormat, Column: batch.ColKPJ}
	count := batch.Issue{Code: batch.CodeFieldCount, Arg: "9/10"}
	warn := batch.Issue{Code: batch.CodeBankAccountLengthUnusual, Column: batch.ColBankAccount, Arg: "10"}
	e.finish(b.ID, map[int]batch.Issues{2: {kpj, warn}, 3: {count}})

	res := e.do(http.MethodGet, b.Links.Self+"/rows?outcome=REJECTED&limit=1", e.keyA, nil, http.Header{"Accept-Language": {"en"}})
	if res.status != http.StatusOK {
		t.Fatalf("status %d; body %s", res.status, res.body)
	}
	p := decode[rowPage](t, res)
	wantHeader := strings.Split(strings.TrimSpace(strings.SplitN(file, "\n", 2)[0]), ",")
	if diff := cmp.Diff(wantHeader, p.Header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(p.Rows) != 1 || p.NextCursor == nil {
		t.Fatalf("first page: %d rows, next %v; want 1 row and a next cursor", len(p.Rows), p.NextCursor)
	}
	r := p.Rows[0]
	if r.Row != 2 || r.Line != 4 || r.Outcome != "REJECTED" || len(r.Values) != 10 || r.Values[2] != "Siti Aminah" {
		t.Errorf("row = %+v; want row 2 at line 4, REJECTED, its 10 values", r)
	}
	if len(r.Issues) != 2 {
		t.Fatalf("issues %+v, want 2", r.Issues)
	}
	if is := r.Issues[0]; is.Code != "KPJ_FORMAT" || is.Column != "No KPJ" || is.Index == nil || *is.Index != 0 ||
		is.Warning || !strings.Contains(is.Message, "No KPJ") || strings.Contains(is.Message, "kpj") {
		t.Errorf("first issue %+v; want KPJ_FORMAT at column 0 named No KPJ in its message", is)
	}
	if is := r.Issues[1]; !is.Warning || is.Index == nil || *is.Index != 7 {
		t.Errorf("second issue %+v; want a warning at column 7", is)
	}

	res = e.get(b.Links.Self+"/rows?outcome=REJECTED&limit=1&cursor="+*p.NextCursor, e.keyA)
	p = decode[rowPage](t, res)
	if len(p.Rows) != 1 || p.NextCursor != nil || p.Rows[0].Row != 3 {
		t.Fatalf("second page: %+v, want row 3 and no next cursor", p)
	}
	if is := p.Rows[0].Issues[0]; is.Index != nil || is.Column != "" || is.Message != count.Message(batch.LangID) {
		t.Errorf("row-wide issue %+v; want no column and the Indonesian message %q", is, count.Message(batch.LangID))
	}

	p = decode[rowPage](t, e.get(b.Links.Self+"/rows", e.keyA))
	if len(p.Rows) != 3 || p.Rows[0].Outcome != "VALID" || len(p.Rows[0].Issues) != 0 {
		t.Errorf("all rows: %+v; want 3 rows, the first VALID without issues", p.Rows)
	}
}

func TestRowsErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	running := e.mustUpload("", sampleFile)
	done := e.mustUpload("", header+row1)
	e.finish(done.ID, nil)
	tests := []struct {
		name, path, key string
		status          int
		code            string
	}{
		{"not finished", running.Links.Self + "/rows", e.keyA, http.StatusConflict, "BATCH_NOT_FINISHED"},
		{"bad outcome", done.Links.Self + "/rows?outcome=VALID", e.keyA, http.StatusBadRequest, "INVALID_PARAMETER"},
		{"bad limit", done.Links.Self + "/rows?limit=101", e.keyA, http.StatusBadRequest, "INVALID_PARAMETER"},
		{"bad cursor", done.Links.Self + "/rows?cursor=x", e.keyA, http.StatusBadRequest, "CURSOR_INVALID"},
		{"another company's", done.Links.Self + "/rows", e.keyB, http.StatusNotFound, "NOT_FOUND"},
		{"no key", done.Links.Self + "/rows", "", http.StatusUnauthorized, "UNAUTHORIZED"},
		{"malformed id", "/v1/batches/nope/rows", e.keyA, http.StatusNotFound, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.get(tt.path, tt.key), tt.status, tt.code)
		})
	}
}

// A page never holds more than limit rows, and walking the cursors visits
// every row once, in order.
func TestRowsPagesVisitEveryRowOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var sb strings.Builder
	sb.WriteString(header)
	for i := range 7 {
		sb.WriteString(strings.Replace(row1, "23012345678", strconv.Itoa(23012345600+i), 1))
	}
	b := e.mustUpload("", sb.String())
	e.finish(b.ID, nil)
	var seen []int
	path := b.Links.Self + "/rows?limit=3"
	for pages := 0; pages < 10; pages++ {
		p := decode[rowPage](t, e.get(path, e.keyA))
		if len(p.Rows) > 3 {
			t.Fatalf("page of %d rows, want at most 3", len(p.Rows))
		}
		for _, r := range p.Rows {
			seen = append(seen, r.Row)
		}
		if p.NextCursor == nil {
			break
		}
		path = b.Links.Self + "/rows?limit=3&cursor=" + *p.NextCursor
	}
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5, 6, 7}, seen); diff != "" {
		t.Errorf("rows visited (-want +got):\n%s", diff)
	}
}
