package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"jhtbatch/batch"
)

// rawError is an error answer with its details as raw JSON objects, so a
// test can tell a null from an absent key.
type rawError struct {
	Error struct {
		Code    string                       `json:"code"`
		Details []map[string]json.RawMessage `json:"details"`
	} `json:"error"`
}

func TestUploadUnknownColumnSuggestion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := strings.Replace(header, "full_name", "nama_lengkp", 1)
	file = strings.Replace(file, "\n", ",Departemen\n", 1) + strings.Replace(row1, "\n", ",HR\n", 1)
	res := e.upload(e.keyA, "", "karyawan.csv", file, http.Header{"Accept-Language": {"en"}})
	wantError(t, res, http.StatusBadRequest, "HEADER_UNKNOWN_COLUMN")
	got := decode[rawError](t, res)
	want := map[string]string{"nama_lengkp": `"full_name"`, "Departemen": "null"}
	seen := 0
	for _, d := range got.Error.Details {
		var code, column string
		_ = json.Unmarshal(d["code"], &code)
		_ = json.Unmarshal(d["column"], &column)
		s, has := d["suggestion"]
		switch code {
		case "HEADER_UNKNOWN_COLUMN":
			seen++
			if !has || string(s) != want[column] {
				t.Errorf("detail for %q: suggestion %s (present %v), want %s", column, s, has, want[column])
			}
		case "HEADER_MISSING_COLUMN":
			if has {
				t.Errorf("missing-column detail carries a suggestion: %s", s)
			}
			var msg string
			_ = json.Unmarshal(d["message"], &msg)
			// English, and still the Indonesian label (with its translation).
			if !strings.Contains(msg, `"Nama Lengkap (Full Name)"`) || strings.Contains(msg, "full_name") {
				t.Errorf("missing-column message %q, want it to name the column by its Indonesian label", msg)
			}
		}
	}
	if seen != 2 {
		t.Errorf("%d unknown-column details, want 2; body %s", seen, res.body)
	}
}

// hrFile is a file with an HR system's own header names: two need a
// mapping, one ("Departemen") is not a column at all.
const hrFile = "No. Peserta,NIK,Nama Karyawan,Tgl Lahir,Tgl Out,Alasan,Bank,Rekening,Atas Nama,HP,Departemen\n" +
	"23012345678,3171011708850001,Budi Santoso,1985-08-17,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,Keuangan\n"

const hrMapping = `{"Tgl Out":"termination_date","Bank":"bank_code","Departemen":null}`

// uploadWithFields posts a multipart form of the given fields in order;
// the field "file" is sent as a file.
func (e *env) uploadWithFields(query string, fields ...[2]string) response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		var w io.Writer
		var err error
		if f[0] == "file" {
			w, err = mw.CreateFormFile("file", "karyawan.csv")
		} else {
			w, err = mw.CreateFormField(f[0])
		}
		if err != nil {
			e.t.Fatal(err)
		}
		_, _ = io.WriteString(w, f[1])
	}
	if err := mw.Close(); err != nil {
		e.t.Fatal(err)
	}
	return e.do(http.MethodPost, "/v1/batches"+query, e.keyA, &buf, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

func TestUploadMapping(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	q := func(m string) string { return "?mode=validate&mapping=" + url.QueryEscape(m) }
	tests := []struct {
		name   string
		res    func() response
		status int
		code   string // error code, or "" for 202
		detail string // the first detail's code
	}{
		{"no mapping", func() response { return e.uploadWithFields("?mode=validate", [2]string{"file", hrFile}) },
			400, "HEADER_UNKNOWN_COLUMN", "HEADER_UNKNOWN_COLUMN"},
		// Not a report: the company's earlier mappings are not applied
		// (TestMappedReportUploadsAgain).
		{"multipart field after the file is not read", func() response {
			return e.uploadWithFields("?mode=validate", [2]string{"file", hrFile}, [2]string{"mapping", hrMapping})
		}, 400, "HEADER_UNKNOWN_COLUMN", "HEADER_UNKNOWN_COLUMN"},
		{"query parameter", func() response { return e.uploadWithFields(q(hrMapping), [2]string{"file", hrFile}) }, 202, "", ""},
		{"multipart field before the file", func() response {
			return e.uploadWithFields("?mode=validate", [2]string{"mapping", hrMapping}, [2]string{"file", hrFile})
		}, 202, "", ""},
		{"raw body with the query parameter", func() response {
			return e.do(http.MethodPost, "/v1/batches"+q(hrMapping)+"&filename=hr.csv", e.keyA, strings.NewReader(hrFile),
				http.Header{"Content-Type": {"text/csv"}})
		}, 202, "", ""},
		{"mapping wins over an alias", func() response {
			// "Atas Nama" is an alias of account_name; mapped to null, the
			// file lacks account_name.
			return e.uploadWithFields(q(`{"Tgl Out":"termination_date","Bank":"bank_code","Departemen":null,"Atas Nama":null}`),
				[2]string{"file", hrFile})
		}, 400, "HEADER_MISSING_COLUMN", "HEADER_MISSING_COLUMN"},
		{"not JSON", func() response { return e.uploadWithFields(q(`{"Tgl Out":`), [2]string{"file", hrFile}) },
			400, "INVALID_PARAMETER", "MAPPING_JSON"},
		{"not an object", func() response { return e.uploadWithFields(q(`["kpj"]`), [2]string{"file", hrFile}) },
			400, "INVALID_PARAMETER", "MAPPING_JSON"},
		{"unknown target column", func() response {
			return e.uploadWithFields("", [2]string{"mapping", `{"Tgl Out":"tanggal_keluar"}`}, [2]string{"file", hrFile})
		}, 400, "INVALID_PARAMETER", "MAPPING_UNKNOWN_COLUMN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.res()
			if tt.code == "" {
				if res.status != http.StatusAccepted {
					t.Fatalf("status %d, want 202; body %s", res.status, res.body)
				}
				return
			}
			got := wantError(t, res, tt.status, tt.code)
			if got.Error.Details[0].Code != tt.detail {
				t.Errorf("first detail %q, want %q; body %s", got.Error.Details[0].Code, tt.detail, res.body)
			}
		})
	}
}

// TestMappedColumnInTheReport: a column mapped to null is kept as uploaded
// and shown in the report under its own name; messages name the mapped
// columns by their uploaded headers.
func TestMappedColumnInTheReport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.uploadWithFields("?mode=validate&mapping="+url.QueryEscape(hrMapping), [2]string{"file", hrFile})
	if res.status != http.StatusAccepted {
		t.Fatalf("upload: status %d; body %s", res.status, res.body)
	}
	b := decode[batchJSON](t, res)
	e.finish(b.ID, map[int]batch.Issues{1: {{Code: batch.CodeDateFormat, Column: batch.ColTerminationDate},
		{Code: batch.CodeAccountNameMismatch, Column: batch.ColAccountName}}})
	rep := e.do(http.MethodGet, b.Links.ReportCSV, e.keyA, nil, http.Header{"Accept-Language": {"en"}})
	records := readCSV(t, rep.body)
	wantHead := []string{"row", "line", "No. Peserta", "NIK", "Nama Karyawan", "Tgl Lahir", "Tgl Out", "Alasan", "Bank",
		"Rekening", "Atas Nama", "HP", "Departemen", "outcome", "claim_number", "claim_status", "eligible_on",
		"gross_amount", "tax_amount", "net_amount", "error_codes", "warning_codes", "messages"}
	if diff := cmp.Diff(wantHead, records[0]); diff != "" {
		t.Errorf("report header (-want +got):\n%s", diff)
	}
	if got := records[1][12]; got != "Keuangan" {
		t.Errorf("Departemen value %q, want Keuangan", got)
	}
	msgs := records[1][len(records[1])-1]
	for _, want := range []string{"Column Tgl Out:", "Column Atas Nama:", "does not match the column Nama Karyawan"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("messages %q, want %q in them", msgs, want)
		}
	}
}

// TestMappedReportUploadsAgain: the report of a mapped upload keeps the
// uploaded header names; uploaded again without a mapping, it is read with
// the names the company's own mapping chose. Only the company's own, only
// a report (a header with the report's own columns), and only names a
// mapping chose: another name is still unknown.
func TestMappedReportUploadsAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.uploadWithFields("?mode=validate&mapping="+url.QueryEscape(hrMapping), [2]string{"file", hrFile})
	if res.status != http.StatusAccepted {
		t.Fatalf("upload: status %d; body %s", res.status, res.body)
	}
	first := decode[batchJSON](t, res)
	e.finish(first.ID, map[int]batch.Issues{1: {{Code: batch.CodeDateFormat, Column: batch.ColTerminationDate}}})
	rep := e.get(first.Links.ReportCSV+"?outcome=REJECTED", e.keyA)

	again := e.upload(e.keyA, "?mode=validate", "karyawan-report.csv", string(rep.body), nil)
	if again.status != http.StatusAccepted {
		t.Fatalf("report of a mapped upload, again: status %d, want 202; body %s", again.status, again.body)
	}
	b := decode[batchJSON](t, again)
	orig := e.rowFields(first.ID)
	var values [][]string
	for _, f := range e.rowFields(b.ID) {
		values = append(values, f[2:2+len(orig[0])])
	}
	if diff := cmp.Diff(orig, values); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	e.finish(b.ID, map[int]batch.Issues{1: {{Code: batch.CodeDateFormat, Column: batch.ColTerminationDate}}})
	msgs := readCSV(t, e.get(b.Links.ReportCSV, e.keyA).body)[1]
	if !strings.HasPrefix(msgs[len(msgs)-1], "Kolom Tgl Out:") {
		t.Errorf("messages %q, want the mapped column named as uploaded", msgs[len(msgs)-1])
	}

	other := e.upload(e.keyB, "?mode=validate", "karyawan.csv", hrFile, nil)
	wantError(t, other, http.StatusBadRequest, "HEADER_UNKNOWN_COLUMN")
	// Only a report is read with the learned names: the same file that was
	// mapped, uploaded again without its mapping, still has unknown
	// columns (a typo must not silently drop data).
	wantError(t, e.upload(e.keyA, "?mode=validate", "karyawan.csv", hrFile, nil), http.StatusBadRequest, "HEADER_UNKNOWN_COLUMN")
	unknown := strings.Replace(hrFile, "Departemen", "Catatan", 1)
	got := wantError(t, e.upload(e.keyA, "?mode=validate", "karyawan.csv", unknown, nil), http.StatusBadRequest, "HEADER_UNKNOWN_COLUMN")
	if len(got.Error.Details) != 5 || got.Error.Details[0].Column != "Tgl Out" || got.Error.Details[2].Column != "Catatan" {
		t.Errorf("a never-mapped name: want the first reading's error (Tgl Out, Bank, Catatan unknown; two missing), got %+v", got.Error.Details)
	}
}

// rowFields returns the raw stored fields of every row of a batch.
func (e *env) rowFields(id string) [][]string {
	e.t.Helper()
	rows, err := e.db.Query(context.Background(),
		`SELECT unpack_fields(fields) FROM batch_rows WHERE batch_id = $1 ORDER BY row_no`, id)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		var f []string
		if err := rows.Scan(&f); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// fixLoopFile is a batch file with values a spreadsheet would run (the
// report defuses them with ') and a value that starts with ' itself.
const fixLoopFile = header + row1 +
	"23012345679,3171015505900002,-Siti Aminah,1990-05-15,2026-09-30,=1+1,008,@123,Siti;=Aminah,+6281234567891\n" +
	"23012345680,3171010101800003,'Agus Salim,1980-01-01,2026-08-31,PENSIUN,009,1234567890,Agus Salim,081234567892\n"

// checkToFix uploads fixLoopFile as a check, finished with its second row
// rejected, and returns the batch and its stored rows.
func (e *env) checkToFix() (batchJSON, [][]string) {
	e.t.Helper()
	first := e.mustUpload("?mode=validate", fixLoopFile)
	e.finish(first.ID, map[int]batch.Issues{2: {{Code: batch.CodeReasonUnknown, Column: batch.ColReason}}})
	return first, e.rowFields(first.ID)
}

// TestFixAndSendAgain: a report, full or rejected rows only, uploads as a
// batch file, and the values it carries are exactly the ones first
// uploaded, also those the report defused with a leading '.
func TestFixAndSendAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first, orig := e.checkToFix()

	for _, tt := range []struct {
		name  string
		query string
		rows  []int // rows of the first upload the report holds
	}{
		{"full report", "", []int{0, 1, 2}},
		{"rejected rows only", "?outcome=REJECTED", []int{1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := e.get(first.Links.ReportCSV+tt.query, e.keyA)
			if rep.status != http.StatusOK {
				t.Fatalf("report: status %d", rep.status)
			}
			if !bytes.Contains(rep.body, []byte("'-Siti")) || !bytes.Contains(rep.body, []byte("'+62812")) {
				t.Fatalf("the report defused nothing; the test proves nothing: %s", rep.body)
			}
			again := e.upload(e.keyA, "?mode=validate", "karyawan-report.csv", string(rep.body), nil)
			if again.status != http.StatusAccepted {
				t.Fatalf("report uploaded again: status %d, want 202; body %s", again.status, again.body)
			}
			b := decode[batchJSON](t, again)
			got := e.rowFields(b.ID)
			var want [][]string
			for _, i := range tt.rows {
				want = append(want, orig[i])
			}
			// The stored raw row keeps the report-only columns (ignored);
			// the uploaded columns sit between row, line and outcome.
			var values [][]string
			for _, f := range got {
				values = append(values, f[2:2+len(orig[0])])
			}
			if diff := cmp.Diff(want, values); diff != "" {
				t.Errorf("values after the round trip (-want +got):\n%s", diff)
			}
			e.finish(b.ID, nil)
			second := readCSV(t, e.get(b.Links.ReportCSV, e.keyA).body)
			firstHead := readCSV(t, rep.body)[0]
			if diff := cmp.Diff(firstHead, second[0]); diff != "" {
				t.Errorf("the new report's header repeats report columns (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFixAndSendAgainXLSX: the XLSX report (its first sheet, the rows)
// uploads again as a workbook with the values first uploaded.
func TestFixAndSendAgainXLSX(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first, orig := e.checkToFix()
	rep := e.get(first.Links.ReportXLSX, e.keyA)
	if rep.status != http.StatusOK {
		t.Fatalf("report.xlsx: status %d", rep.status)
	}
	again := e.upload(e.keyA, "?mode=validate", "karyawan-report.xlsx", string(rep.body), nil)
	if again.status != http.StatusAccepted {
		t.Fatalf("XLSX report uploaded again: status %d, want 202; body %s", again.status, again.body)
	}
	b := decode[batchJSON](t, again)
	var values [][]string
	for _, f := range e.rowFields(b.ID) {
		values = append(values, f[2:2+len(orig[0])])
	}
	if diff := cmp.Diff(orig, values); diff != "" {
		t.Errorf("values after the XLSX round trip (-want +got):\n%s", diff)
	}
}

func TestCreateFromCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	check := e.mustUpload("?mode=validate", sampleFile)
	path := "/v1/batches/" + check.ID + "/create"
	links := decode[struct {
		Links map[string]any `json:"links"`
	}](t, e.get("/v1/batches/"+check.ID, e.keyA)).Links
	if links["create"] != path || links["receipt_html"] != "/v1/batches/"+check.ID+"/receipt.html" {
		t.Errorf("links %v, want create %s and receipt_html", links, path)
	}
	post := func(path, key string) response { return e.do(http.MethodPost, path, key, nil, nil) }

	wantError(t, post(path, e.keyA), http.StatusConflict, "NOT_A_CHECKED_BATCH") // not finished yet
	e.finish(check.ID, map[int]batch.Issues{2: {{Code: batch.CodeKPJFormat, Column: batch.ColKPJ}}})
	wantError(t, post(path, e.keyB), http.StatusNotFound, "NOT_FOUND")
	wantError(t, post("/v1/batches/not-a-uuid/create", e.keyA), http.StatusNotFound, "NOT_FOUND")
	if res := post(path, ""); res.status != http.StatusUnauthorized {
		t.Errorf("without a key: status %d, want 401", res.status)
	}

	res := post(path, e.keyA)
	if res.status != http.StatusAccepted {
		t.Fatalf("create from check: status %d, want 202; body %s", res.status, res.body)
	}
	var got struct {
		batchJSON
		SourceBatchID *string `json:"source_batch_id"`
	}
	if err := json.Unmarshal(res.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.SourceBatchID == nil || *got.SourceBatchID != check.ID || got.Mode != "create" || got.Status != "accepted" ||
		got.TotalRows != 3 || got.ID == check.ID || got.Filename != check.Filename {
		t.Errorf("new batch %s, want an accepted create batch of 3 rows from %s", res.body, check.ID)
	}
	if loc := res.header.Get("Location"); loc != "/v1/batches/"+got.ID {
		t.Errorf("Location %q", loc)
	}
	if diff := cmp.Diff(e.rowFields(check.ID), e.rowFields(got.ID)); diff != "" {
		t.Errorf("copied rows (-check +new):\n%s", diff)
	}
	shown := decode[map[string]any](t, e.get("/v1/batches/"+got.ID, e.keyA))
	if shown["source_batch_id"] != check.ID {
		t.Errorf("GET new batch: source_batch_id %v, want %s", shown["source_batch_id"], check.ID)
	}
	if by, _ := shown["uploaded_by"].(string); !strings.HasPrefix(by, "key:jht_") {
		t.Errorf("GET new batch: uploaded_by %q, want the key that asked (key:jht_…)", by)
	}
	if c := decode[map[string]any](t, e.get("/v1/batches/"+check.ID, e.keyA)); c["source_batch_id"] != nil {
		t.Errorf("GET check: source_batch_id %v, want null", c["source_batch_id"])
	}

	// A second click while the first is live makes no second batch.
	dup := wantError(t, post(path, e.keyA), http.StatusConflict, "DUPLICATE_FILE")
	if dup.Error.BatchID != got.ID {
		t.Errorf("DUPLICATE_FILE names %q, want %q", dup.Error.BatchID, got.ID)
	}
	// Nor does uploading the same file for claims.
	wantError(t, e.upload(e.keyA, "", "karyawan.csv", sampleFile, nil), http.StatusConflict, "DUPLICATE_FILE")
	// A create-mode batch is no check.
	wantError(t, post("/v1/batches/"+got.ID+"/create", e.keyA), http.StatusConflict, "NOT_A_CHECKED_BATCH")
	// Once the claims batch is cancelled, the check may be sent again.
	if res := e.do(http.MethodPost, "/v1/batches/"+got.ID+"/cancel", e.keyA, nil, nil); res.status != http.StatusOK {
		t.Fatalf("cancel: status %d", res.status)
	}
	if res := post(path, e.keyA); res.status != http.StatusAccepted {
		t.Errorf("create after cancel: status %d, want 202; body %s", res.status, res.body)
	}
}

func TestReceiptHTML(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	rc := decode[map[string]any](t, e.get(b.Links.Receipt, e.keyA))
	path := "/v1/batches/" + b.ID + "/receipt.html"
	tests := []struct {
		name, query, accept, title string
	}{
		{"Indonesian by default", "", "", "Tanda Terima Pengajuan Klaim JHT Kolektif"},
		{"Accept-Language", "", "en-US,en;q=0.9", "Collective JHT Claim Submission Receipt"},
		{"?lang=en wins", "?lang=en", "id", "Collective JHT Claim Submission Receipt"},
		{"?lang=id wins", "?lang=id", "en", "Tanda Terima Pengajuan Klaim JHT Kolektif"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(http.MethodGet, path+tt.query, e.keyA, nil, http.Header{"Accept-Language": {tt.accept}})
			if res.status != http.StatusOK {
				t.Fatalf("status %d; body %s", res.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("Content-Security-Policy %q, want default-src 'none'", csp)
			}
			page := html.UnescapeString(string(res.body))
			for _, k := range []string{"batch_id", "company_npp", "company_name", "filename", "file_sha256",
				"public_key", "signature", "signed_payload", "key_id"} {
				if v, _ := rc[k].(string); v == "" || !strings.Contains(page, v) {
					t.Errorf("page lacks %s %q", k, v)
				}
			}
			for _, want := range []string{"<h1>" + tt.title + "</h1>", "@media print", "openssl pkeyutl -verify", "Ed25519"} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			for _, external := range []string{"http://", "https://", "<script", "<link", "<img", "src="} {
				if strings.Contains(page, external) {
					t.Errorf("page holds %q: a receipt loads nothing from anywhere", external)
				}
			}
		})
	}
	wantError(t, e.get(path+"?lang=fr", e.keyA), http.StatusBadRequest, "INVALID_PARAMETER")
	wantError(t, e.get(path, e.keyB), http.StatusNotFound, "NOT_FOUND")
	if res := e.get(path, ""); res.status != http.StatusUnauthorized {
		t.Errorf("without a key: status %d, want 401", res.status)
	}
}
