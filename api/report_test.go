package api_test

import (
	"bytes"
	"encoding/csv"
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"jhtbatch/batch"
)

func TestReportBeforeFinished(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	for _, path := range []string{b.Links.ReportCSV, b.Links.ReportXLSX, b.Links.ReportCSV + "?outcome=REJECTED"} {
		t.Run(path, func(t *testing.T) {
			wantError(t, e.get(path, e.keyA), http.StatusConflict, "BATCH_NOT_FINISHED")
		})
	}
}

func TestReportCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	issue := batch.Issue{Code: batch.CodeKPJFormat, Column: batch.ColKPJ}
	e.finish(b.ID, map[int]batch.Issues{2: {issue}})

	tests := []struct {
		name     string
		query    string
		lang     string
		rows     []string // the "row" column of each line
		filename string
		message  string // messages of row 2
	}{
		// Messages name the column by its uploaded header, "kpj".
		{"all rows, Indonesian", "", "", []string{"1", "2", "3"}, "karyawan-report.csv", "Kolom kpj: nomor KPJ harus 11 digit angka."},
		{"all rows, English", "", "en-US,en;q=0.9", []string{"1", "2", "3"}, "karyawan-report.csv", "Column kpj: the KPJ number must be 11 digits."},
		{"rejected only", "?outcome=REJECTED", "en", []string{"2"}, "karyawan-rejected.csv", "Column kpj: the KPJ number must be 11 digits."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(http.MethodGet, b.Links.ReportCSV+tt.query, e.keyA, nil, http.Header{"Accept-Language": {tt.lang}})
			if res.status != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", res.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type %q, want text/csv; charset=utf-8", ct)
			}
			if got := attachmentName(t, res); got != tt.filename {
				t.Errorf("attachment filename %q, want %q", got, tt.filename)
			}
			if got := res.header.Get("Jhtbatch-Rules-Version"); got != batch.RulesVersion {
				t.Errorf("Jhtbatch-Rules-Version %q, want %q", got, batch.RulesVersion)
			}
			records := readCSV(t, res.body)
			head := records[0]
			col := func(name string) int {
				for i, h := range head {
					if h == name {
						return i
					}
				}
				t.Fatalf("report header %v has no column %q", head, name)
				return -1
			}
			var rows []string
			for _, rec := range records[1:] {
				rows = append(rows, rec[col("row")])
				if rec[col("row")] == "2" {
					if rec[col("outcome")] != "REJECTED" || rec[col("error_codes")] != string(issue.Code) {
						t.Errorf("row 2: outcome %q, codes %q; want REJECTED, %s", rec[col("outcome")], rec[col("error_codes")], issue.Code)
					}
					if rec[col("messages")] != tt.message {
						t.Errorf("row 2 messages %q, want %q", rec[col("messages")], tt.message)
					}
				}
			}
			if diff := cmp.Diff(tt.rows, rows); diff != "" {
				t.Errorf("report rows (-want +got):\n%s", diff)
			}
		})
	}
	wantError(t, e.get(b.Links.ReportCSV+"?outcome=CREATED", e.keyA), http.StatusBadRequest, "INVALID_PARAMETER")
}

func TestReportXLSX(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.mustUpload("", sampleFile)
	e.finish(b.ID, map[int]batch.Issues{3: {{Code: batch.CodeReasonUnknown, Column: batch.ColReason}}})
	tests := []struct {
		query string
		rows  int // data rows on the Report sheet
	}{
		{"", 3},
		{"?outcome=REJECTED", 1},
	}
	for _, tt := range tests {
		t.Run("query "+tt.query, func(t *testing.T) {
			res := e.get(b.Links.ReportXLSX+tt.query, e.keyA)
			if res.status != http.StatusOK {
				t.Fatalf("status %d, want 200; body %s", res.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Errorf("Content-Type %q", ct)
			}
			f, err := excelize.OpenReader(bytes.NewReader(res.body))
			if err != nil {
				t.Fatalf("open the XLSX answer: %v", err)
			}
			defer f.Close()
			sheets := f.GetSheetList()
			if len(sheets) == 0 {
				t.Fatal("the workbook has no sheet")
			}
			rows, err := f.GetRows(sheets[0])
			if err != nil {
				t.Fatalf("read sheet %q: %v", sheets[0], err)
			}
			if len(rows)-1 != tt.rows {
				t.Errorf("sheet %q has %d data rows, want %d", sheets[0], len(rows)-1, tt.rows)
			}
		})
	}
}

func attachmentName(t *testing.T, res response) string {
	t.Helper()
	disp, params, err := mime.ParseMediaType(res.header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" {
		t.Fatalf("Content-Disposition %q: %v", res.header.Get("Content-Disposition"), err)
	}
	return params["filename"]
}

// readCSV reads a report: a UTF-8 BOM, then comma-separated records.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	text, ok := strings.CutPrefix(string(body), "\uFEFF")
	if !ok {
		t.Error("the report does not start with a UTF-8 BOM")
	}
	records, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("read report CSV: %v (%d records)", err, len(records))
	}
	return records
}
