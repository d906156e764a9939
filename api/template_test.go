package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"jhtbatch/schemas"
)

// TestTemplates: the workbook and the ';' CSV templates hold the CSV
// template's header and example row, and each uploads back as a valid file
// whose stored row is the example row.
func TestTemplates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lines := strings.Split(strings.TrimSpace(string(schemas.TemplateCSV)), "\n")
	example := strings.Split(lines[1], ",")

	semi := e.get("/v1/template.csv?delimiter=semicolon", "")
	if semi.status != http.StatusOK || !bytes.HasPrefix(semi.body, []byte("\uFEFFkpj;nik;full_name;")) {
		t.Fatalf("semicolon template: status %d, body %.200q", semi.status, semi.body)
	}
	xlsx := e.get("/v1/template.xlsx", "")
	if xlsx.status != http.StatusOK || xlsx.header.Get("Content-Type") != contentTypeXLSX {
		t.Fatalf("workbook template: status %d, Content-Type %q", xlsx.status, xlsx.header.Get("Content-Type"))
	}
	checkTemplateWorkbook(t, xlsx.body)
	wantError(t, e.get("/v1/template.csv?delimiter=pipe", ""), http.StatusBadRequest, "INVALID_PARAMETER")

	for name, body := range map[string][]byte{"jhtbatch-template.csv": semi.body, "jhtbatch-template.xlsx": xlsx.body} {
		t.Run(name, func(t *testing.T) {
			b := decode[batchJSON](t, e.upload(e.keyA, "?mode=validate", name, string(body), nil))
			if b.TotalRows != 1 {
				t.Fatalf("template upload has %d rows, want 1", b.TotalRows)
			}
			_, fields := storedRows(t, e, b.ID)
			if d := cmp.Diff(example, fields[0]); d != "" {
				t.Errorf("stored example row (-want +got):\n%s", d)
			}
		})
	}
}

// checkTemplateWorkbook checks the identifier columns' Text format and the
// drop-down lists of the workbook template.
func checkTemplateWorkbook(t *testing.T, body []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("open workbook template: %v", err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	header, err := f.GetRows(sheet)
	if err != nil || len(header) != 2 {
		t.Fatalf("template rows: %v, %v", header, err)
	}
	for i, name := range header[0] {
		col, _ := excelize.ColumnNumberToName(i + 1)
		style, err := f.GetColStyle(sheet, col)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.GetStyle(style)
		text := st != nil && st.NumFmt == 49
		wantText := strings.Contains(" kpj nik bank_code bank_account phone npwp ", " "+name+" ")
		if text != wantText {
			t.Errorf("column %s (%s): Text format %v, want %v", col, name, text, wantText)
		}
	}
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
	}
	if !strings.Contains(lists["F2"], "PHK,RESIGN,CONTRACT_END,RETIREMENT") ||
		!strings.Contains(lists["G2"], "002,008,009,011,013,014,016,019,022,028,147,200,426,451") {
		t.Errorf("drop-down lists %q: want reasons in F, bank codes in G", lists)
	}
}
