package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"jhtbatch/api"
	"jhtbatch/batch"
)

const contentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// fixture reads a committed workbook of batch/testdata/xlsx.
func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "batch", "testdata", "xlsx", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// storedRows returns the stored line number and fields of every row.
func storedRows(t *testing.T, e *env, id string) (lines []int, fields [][]string) {
	t.Helper()
	rows, err := e.db.Query(context.Background(),
		`SELECT line_no, unpack_fields(fields) FROM batch_rows WHERE batch_id = $1 ORDER BY row_no`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var line int
		var f []string
		if err := rows.Scan(&line, &f); err != nil {
			t.Fatal(err)
		}
		lines, fields = append(lines, line), append(fields, f)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return lines, fields
}

// TestUploadWorkbook: a workbook made the way Excel makes it (hidden first
// sheet, shared strings, date cells, identifiers typed as numbers, formatted
// empty cells around the table) is taken as a multipart *.xlsx, as a raw body
// of the xlsx content type, or as any body that is a workbook; ?sheet= picks
// another sheet. Its rows are stored with their worksheet row numbers.
func TestUploadWorkbook(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	excel, inline := fixture(t, "excel-like.xlsx"), fixture(t, "inline-strings.xlsx")
	budi := []string{"23012345678", "3171011708850001", "Budi Santoso", "1985-08-17", "2026-10-01",
		"PHK", "014", "1234567890", "Budi Santoso", "081234567890", "", ""}
	siti := []string{"23012345679", "3.171011708850002E+15", "Siti Aminah", "1990-01-02", "2026-10-01",
		"RESIGN", "9", "1.5", "Siti Aminah", "81234567891", "siti@example.com", "9.2542943407E+13"}
	tests := []struct {
		name     string
		send     func() response
		filename string
		lines    []int
		first    []string
		second   []string
	}{
		{"multipart *.xlsx", func() response { return e.upload(e.keyA, "", "karyawan.xlsx", excel, nil) },
			"karyawan.xlsx", []int{2, 4}, budi, siti},
		{"raw body, xlsx content type", func() response {
			return e.do(http.MethodPost, "/v1/batches?mode=validate", e.keyA, strings.NewReader(excel),
				http.Header{"Content-Type": {contentTypeXLSX}})
		}, "upload.xlsx", []int{2, 4}, budi, siti},
		{"any body that is a workbook, another sheet", func() response {
			return e.do(http.MethodPost, "/v1/batches?sheet=Other&filename=x.bin&mode=validate", e.keyA, strings.NewReader(excel),
				http.Header{"Content-Type": {"application/octet-stream"}})
		}, "x.bin", []int{4}, append([]string{"23012345678", "x"}, make([]string, 10)...), nil},
		{"inline strings, named .csv", func() response { return e.upload(e.keyA, "?mode=validate", "export.csv", inline, nil) },
			"export.csv", []int{2, 3},
			[]string{"23012345678", "3171011708850001", "Budi Santoso", "17/08/1985", "01-10-2026", "PHK", "014",
				"1234567890", "Budi Santoso", "0812-3456-7890", "", ""},
			[]string{"23012345679", "3171011708850002", "Siti Aminah", "1990-01-02", "2026-10-01", "RESIGN", "9",
				"1234567890", "Siti Aminah", "81234567891", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.send()
			if res.status != http.StatusAccepted {
				t.Fatalf("status %d, want 202; body %s", res.status, res.body)
			}
			b := decode[batchJSON](t, res)
			if b.Encoding != "xlsx" || b.Delimiter != "," || b.Filename != tt.filename || b.TotalRows != len(tt.lines) {
				t.Errorf("batch: encoding %q delimiter %q filename %q rows %d; want xlsx , %q %d",
					b.Encoding, b.Delimiter, b.Filename, b.TotalRows, tt.filename, len(tt.lines))
			}
			lines, fields := storedRows(t, e, b.ID)
			if !cmp.Equal(lines, tt.lines) {
				t.Errorf("stored lines %v, want %v", lines, tt.lines)
			}
			if d := cmp.Diff(tt.first, fields[0]); d != "" {
				t.Errorf("first row (-want +got):\n%s", d)
			}
			if tt.second != nil {
				if d := cmp.Diff(tt.second, fields[1]); d != "" {
					t.Errorf("second row (-want +got):\n%s", d)
				}
			}
		})
	}
}

// TestWorkbookReport: the CSV report of a workbook upload uses ',' and
// gives each row's worksheet row as its line.
func TestWorkbookReport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := decode[batchJSON](t, e.upload(e.keyA, "", "karyawan.xlsx", fixture(t, "excel-like.xlsx"), nil))
	e.finish(b.ID, map[int]batch.Issues{2: {{Code: batch.CodeSpreadsheetNumber, Column: batch.ColNIK}}})
	res := e.get(b.Links.ReportCSV, e.keyA)
	if res.status != http.StatusOK {
		t.Fatalf("report: status %d; body %s", res.status, res.body)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.body, []byte("\uFEFF"))))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("report is no ','-separated CSV: %v", err)
	}
	if len(recs) != 3 || recs[0][1] != "line" || recs[1][1] != "2" || recs[2][1] != "4" {
		t.Fatalf("report lines: %q", recs)
	}
	if got := recs[2][3]; got != "3.171011708850002E+15" {
		t.Errorf("report nik of row 2 = %q, want the value as read", got)
	}
	if !strings.Contains(recs[2][len(recs[2])-1], "Format Cells") {
		t.Errorf("row 2 message %q does not say how to fix it", recs[2][len(recs[2])-1])
	}
}

func TestUploadWorkbookRefused(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	e := newEnv(t, func(c *api.Config) { c.MaxUploadBytes = limit })
	bomb := padWorksheet(t, fixture(t, "excel-like.xlsx"), 4*limit)
	if len(bomb) > limit {
		t.Fatalf("the bomb is %d bytes, want less than the limit %d", len(bomb), limit)
	}
	tests := []struct {
		name    string
		file    string
		content string
		query   string
		lang    string
		status  int
		code    string
		message string
	}{
		{"zip bomb", "bomb.xlsx", bomb, "", "", http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE", "65536"},
		{"legacy .xls", "karyawan.xls", fixture(t, "legacy.xls"), "", "", http.StatusBadRequest, "FILE_ENCODING", "simpan sebagai CSV UTF-8 atau buku kerja Excel .xlsx"},
		{"legacy .xls, English", "karyawan.xls", fixture(t, "legacy.xls"), "", "en", http.StatusBadRequest, "FILE_ENCODING", "save it as CSV UTF-8 or as an Excel .xlsx workbook"},
		{"unknown sheet", "karyawan.xlsx", fixture(t, "excel-like.xlsx"), "?sheet=Karyawan", "en", http.StatusBadRequest, "SHEET_NOT_FOUND", `"Karyawan"`},
		{"zip of no workbook", "karyawan.xlsx", zipOf(t, "readme.txt", "hello"), "", "", http.StatusBadRequest, "FILE_ENCODING", ".xlsx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.upload(e.keyA, tt.query, tt.file, tt.content, http.Header{"Accept-Language": {tt.lang}})
			er := wantError(t, res, tt.status, tt.code)
			if !strings.Contains(er.Error.Details[0].Message, tt.message) {
				t.Errorf("message %q does not contain %q", er.Error.Details[0].Message, tt.message)
			}
		})
	}
	var rows int
	if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM batch_rows`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Errorf("%d rows stored from refused workbooks, want 0", rows)
	}
	if list := e.get("/v1/batches", e.keyA); !strings.Contains(string(list.body), `"batches": []`) {
		t.Errorf("refused workbooks are listed: %s", list.body)
	}
}

// padWorksheet returns the workbook with n spaces added to each worksheet's
// XML: it unpacks to far more than it weighs.
func padWorksheet(t *testing.T, xlsx string, n int) string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(f.Name, "xl/worksheets/") {
			data = bytes.Replace(data, []byte("<sheetData>"), append([]byte("<sheetData>"), bytes.Repeat([]byte(" "), n)...), 1)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func zipOf(t *testing.T, name, content string) string {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, err := zw.Create(name)
	if err == nil {
		_, err = io.WriteString(w, content)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.String()
}
