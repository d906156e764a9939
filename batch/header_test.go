package batch

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestHeaderNameVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want Column
	}{
		{"kpj", ColKPJ},
		{"KPJ", ColKPJ},
		{" No KPJ ", ColKPJ},
		{"no-kpj", ColKPJ},
		{"Nomor__KPJ", ColKPJ},
		{"NOMOR KTP", ColNIK},
		{"nomor - nik", ColNIK},
		{"Full Name", ColFullName},
		{"Nama Lengkap", ColFullName},
		{"nama", ColFullName},
		{"Tgl-Lahir", ColBirthDate},
		{"tanggal phk", ColTerminationDate},
		{"Alasan Berhenti", ColReason},
		{"KODE BANK", ColBankCode},
		{"No. Rekening", ColBankAccount}, // only letters and digits count
		{"No. KPJ", ColKPJ},
		{"NOKPJ", ColKPJ},
		{"no_kpj", ColKPJ},
		{"Nomor Peserta", ColKPJ},
		{"No. Peserta", ColKPJ},
		{"KPJ No.", ColKPJ},
		{"No NIK", ColNIK},
		{"NIK (KTP)", ColNIK},
		{"Nama Karyawan", ColFullName},
		{"nama pegawai", ColFullName},
		{"NAMA PESERTA", ColFullName},
		{"Nama Tenaga Kerja", ColFullName},
		{"Tanggal Keluar", ColTerminationDate},
		{"Tgl. Keluar", ColTerminationDate},
		{"Tanggal Resign", ColTerminationDate},
		{"Tanggal Akhir Kerja", ColTerminationDate},
		{"Tgl PHK", ColTerminationDate},
		{"Alasan PHK", ColReason},
		{"Alasan Keluar", ColReason},
		{"Sebab Berhenti", ColReason},
		{"No. Rek", ColBankAccount},
		{"Rekening", ColBankAccount},
		{"Atas Nama Rekening", ColAccountName},
		{"a/n", ""},
		{"Atas Nama", ColAccountName},
		{"Nama di Rekening", ColAccountName},
		{"No. Telepon", ColPhone},
		{"Handphone", ColPhone},
		{"No. Handphone", ColPhone},
		{"HP", ColPhone},
		{"No WA", ColPhone},
		{"Nomor WhatsApp", ColPhone},
		{"E-mail", ColEmail},
		{"Alamat Email", ColEmail},
		{"EMAIL", ColEmail},
		{"No. NPWP", ColNPWP},
		{"Nomor NPWP", ColNPWP},
		{"Tgl.Lahir", ColBirthDate},
		{"TANGGAL_LAHIR", ColBirthDate},
		{"Full-Name", ColFullName},
		{"BANK CODE", ColBankCode},
		{"Nomor\u00a0KTP", ColNIK},
		{"Kode Bank (3 digit)", ""},
		{"row", ""}, // a report-only column: see TestReportOnlyColumns
		{"nomor rekening", ColBankAccount},
		{"Nama Pemilik Rekening", ColAccountName},
		{"Telepon", ColPhone},
		{"surel", ColEmail},
		{"NPWP", ColNPWP},
		{"\u00a0npwp\u200b", ColNPWP},
		{"nama_lengkp", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := columnsByKey[headerKey(tt.name)]; got != tt.want {
			t.Errorf("header name %q: column %q, want %q", tt.name, got, tt.want)
		}
	}
}

// canonical returns the canonical names of Columns, minus the ones in drop.
func canonical(drop ...Column) []string {
	var names []string
	for _, c := range Columns {
		if !strings.Contains(" "+joinCols(drop)+" ", " "+string(c.Name)+" ") {
			names = append(names, string(c.Name))
		}
	}
	return names
}

func joinCols(cs []Column) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, " ")
}

func TestCheckHeader(t *testing.T) {
	t.Parallel()
	unknown := func(col string) Detail { return Detail{Code: CodeHeaderUnknownColumn, Line: 4, Column: col} }
	dup := func(col, of string) Detail {
		return Detail{Code: CodeHeaderDuplicateColumn, Line: 4, Column: col, Value: of}
	}
	missing := func(col string) Detail { return Detail{Code: CodeHeaderMissingColumn, Line: 4, Column: col} }
	suggest := func(col string, c Column) Detail {
		return Detail{Code: CodeHeaderUnknownColumn, Line: 4, Column: col, Suggestion: c}
	}
	tests := []struct {
		name  string
		names []string
		code  Code
		want  []Detail
	}{
		{"canonical", canonical(), "", nil},
		{"optional columns left out", canonical(ColEmail, ColNPWP), "", nil},
		{"aliases in another order", []string{"No HP", "nomor_kpj", "no_ktp", "nama", "tgl_lahir", "tanggal_berhenti",
			"alasan", "kode_bank", "no_rekening", "nama_rekening", "surel"}, "", nil},
		{"typo", append(canonical(ColFullName), "nama_lengkp"), CodeHeaderUnknownColumn,
			[]Detail{suggest("nama_lengkp", ColFullName), missing("full_name")}},
		{"empty name", append(canonical(), ""), CodeHeaderUnknownColumn,
			[]Detail{{Code: CodeHeaderUnknownColumn, Line: 4, Value: "13"}}},
		{"duplicate", append(canonical(), "kpj"), CodeHeaderDuplicateColumn, []Detail{dup("kpj", "kpj")}},
		{"alias of a canonical", append(canonical(), "No KTP"), CodeHeaderDuplicateColumn, []Detail{dup("No KTP", "nik")}},
		{"case variant", append(canonical(), "NPWP"), CodeHeaderDuplicateColumn, []Detail{dup("NPWP", "npwp")}},
		{"missing", canonical(ColPhone, ColKPJ), CodeHeaderMissingColumn, []Detail{missing("kpj"), missing("phone")}},
		{"all kinds: unknown first", append(canonical(ColReason), "x", "nik"), CodeHeaderUnknownColumn,
			[]Detail{unknown("x"), dup("nik", "nik"), missing("reason")}},
		{"report-only columns are no columns", append([]string{"row", "Line"}, append(canonical(), "outcome", "Claim Number",
			"claim_status", "eligible_on", "gross_amount", "tax_amount", "net_amount", "error_codes", "warning_codes", "messages")...), "", nil},
		{"report-only twice is no duplicate", append(canonical(), "row", "row"), "", nil},
		{"duplicate before missing", append(canonical(ColReason), "kpj"), CodeHeaderDuplicateColumn,
			[]Detail{dup("kpj", "kpj"), missing("reason")}},
		{"long name shortened", append(canonical(), strings.Repeat("é", 70)), CodeHeaderUnknownColumn,
			[]Detail{unknown(strings.Repeat("é", 64) + "…")}},
	}
	for _, tt := range tests {
		layout, err := checkHeader(tt.names, 4)
		if codeOf(err) != tt.code {
			t.Errorf("%s: code %q, want %q (err %v)", tt.name, codeOf(err), tt.code, err)
			continue
		}
		if err == nil {
			for i, n := range tt.names {
				want, ok := columnsByKey[headerKey(n)]
				if !ok {
					want = ColReportOnly
				}
				if layout[i] != want {
					t.Errorf("%s: layout[%d] = %q, want the column of %q", tt.name, i, layout[i], n)
				}
			}
			continue
		}
		if diff := cmp.Diff(tt.want, ErrorOf(err).Details); diff != "" {
			t.Errorf("%s: details (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestCheckHeaderBoundsDetails(t *testing.T) {
	t.Parallel()
	names := make([]string, 5000)
	for i := range names {
		names[i] = "c"
	}
	_, err := checkHeader(names, 1)
	if e := ErrorOf(err); e == nil || len(e.Details) != maxHeaderDetails {
		t.Errorf("5000 unknown names: %v, want %d details", err, maxHeaderDetails)
	}
}

func TestSniffDelimiter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		head string
		want rune
	}{
		{"a,b,c\n", ','},
		{"a;b;c\n", ';'},
		{"a\tb\tc\n", '\t'},
		{"a;b,c;d\n", ';'},
		{"a,b;c\n", ','},                        // a tie goes to ','
		{"a\n", ','},                            // a single column
		{"", ','},                               // nothing at all
		{"\n;;;\n  \na\tb\n", '\t'},             // blank lines first
		{`"a;b;c",d` + "\n", ','},               // quoted delimiters do not vote
		{"a;b\n1,2,3,4,5\n", ';'},               // only the header line votes
		{`"x` + "\n;;;;\n" + `",y` + "\n", ','}, // a quoted line break continues the header
		{"a;b;c", ';'},                          // no line break in head
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.head)); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

func TestBlankRecord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fields []string
		want   bool
	}{
		{[]string{""}, true},
		{[]string{"", "", ""}, true},
		{[]string{" ", "\u00a0", "\t"}, true},
		{[]string{";;;"}, true},
		{[]string{",", ""}, true},
		{[]string{"", "x"}, false},
		{[]string{"0"}, false},
		{[]string{"-"}, false},
	}
	for _, tt := range tests {
		if got := blankRecord(tt.fields); got != tt.want {
			t.Errorf("blankRecord(%q) = %v, want %v", tt.fields, got, tt.want)
		}
	}
}

// TestTemplatePassesRules decodes schemas/template.csv and judges its
// example row with the format rules as of a fixed day.
func TestTemplatePassesRules(t *testing.T) {
	t.Parallel()
	f, err := os.Open("../schemas/template.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := NewDecoder(f, EncUTF8, DecodeOptions{})
	if err != nil {
		t.Fatalf("decode template: %v", err)
	}
	if diff := cmp.Diff(canonical(), d.Header()); diff != "" {
		t.Errorf("template header (-want +got):\n%s", diff)
	}
	rec, err := d.Next()
	if err != nil {
		t.Fatalf("template example row: %v", err)
	}
	today := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	_, issues := Check(d.Layout().RowOf(1, rec.Line, rec.Fields), today)
	if len(issues) != 0 {
		t.Errorf("template example row has issues %v, want none", issues)
	}
	if _, err := d.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after the example row: %v, want io.EOF (one example row)", err)
	}
}

// A file without a header row must not have its first data row, personal
// data, quoted back as unknown column names.
func TestHeaderlessFileEchoesNoData(t *testing.T) {
	row := "23012345678,3171011708850001,Budi Santoso,1985-08-17,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n"
	_, err := NewDecoder(strings.NewReader(row+row), EncUTF8, DecodeOptions{})
	e := ErrorOf(err)
	// The row's two empty fields at the end are not columns (headerNames).
	if e == nil || e.Code != CodeHeaderUnknownColumn || len(e.Details) != 10+10 {
		t.Fatalf("headerless file: %v, want HEADER_UNKNOWN_COLUMN with 10 unknown and 10 missing columns", err)
	}
	for _, d := range e.Details {
		for _, v := range []string{"23012345678", "3171011708850001", "Budi"} {
			if strings.Contains(d.Column+d.Value+d.Message(LangID), v) {
				t.Errorf("detail %+v quotes %q from the data row", d, v)
			}
		}
	}
}

func TestSuggestColumn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		taken []Column
		want  Column
	}{
		{"nama_lengkp", nil, ColFullName},
		{"KPJJ", nil, ColKPJ},
		{"Tanggal Lahr", nil, ColBirthDate},
		{"Tgl Out", nil, ColTerminationDate},
		{"Tanggal Efektif Keluar", nil, ColTerminationDate},
		{"Date of Birth", nil, ColBirthDate},
		{"Alasan Berhenti Kerja", nil, ColReason},
		{"Nama Bank Rekening Pemilik", nil, ColAccountName},
		{"Nomor Rekening Bank", nil, ColBankAccount},
		{"Kode Bank (3 digit)", nil, ColBankCode},
		{"No. KTP/NIK", nil, ColNIK},
		{"Nomor Handphone Aktif", nil, ColPhone},
		{"Email Pribadi", nil, ColEmail},
		{"Nama Karyawan Lengkap", nil, ColFullName},
		{"Nama Karyawan Lengkap", []Column{ColFullName}, ""}, // already there: it would be a duplicate
		{"Bank", nil, ColBankCode},
		{"Nama Bank", nil, ColBankCode},
		{"Departemen", nil, ""},
		{"Jabatan", nil, ""},
		{"Gaji Pokok", nil, ""},
		{"", nil, ""},
		{"???", nil, ""},
	}
	for _, tt := range tests {
		taken := map[Column]bool{}
		for _, c := range tt.taken {
			taken[c] = true
		}
		if got := suggestColumn(tt.name, taken); got != tt.want {
			t.Errorf("suggestColumn(%q, %v) = %q, want %q", tt.name, tt.taken, got, tt.want)
		}
	}
}

// TestSuggestionOnlyWhenAHeaderIsLikely: a first line of data (no header
// row) has its columns named by position, and suggests nothing from values.
func TestSuggestionOnlyWhenAHeaderIsLikely(t *testing.T) {
	t.Parallel()
	_, err := checkHeader([]string{"23012345678", "Budi Santoso", "2026-10-01"}, 1)
	for _, d := range ErrorOf(err).Details {
		if d.Code == CodeHeaderUnknownColumn && (d.Suggestion != "" || d.Column != "") {
			t.Errorf("detail %+v: want no column name and no suggestion", d)
		}
	}
}

func TestMapHeader(t *testing.T) {
	t.Parallel()
	hr := []string{"No", "Nomor Peserta", "NIK", "Nama Karyawan", "Tgl Lahir", "Tgl Out", "Alasan", "Bank",
		"Rekening", "Atas Nama", "HP", "Departemen"}
	mapping := func(raw string) Mapping {
		m, err := ParseMapping(raw)
		if err != nil {
			t.Fatalf("ParseMapping(%s): %v", raw, err)
		}
		return m
	}
	tests := []struct {
		name    string
		header  []string
		mapping string
		code    Code
		want    Layout
	}{
		{"without a mapping the HR names are unknown", hr, ``, CodeHeaderUnknownColumn, nil},
		{"mapping names the rest", hr,
			`{"No": null, "Tgl Out": "termination_date", "Bank": "bank_code", "Departemen": null}`, "",
			Layout{ColIgnored, ColKPJ, ColNIK, ColFullName, ColBirthDate, ColTerminationDate, ColReason, ColBankCode,
				ColBankAccount, ColAccountName, ColPhone, ColIgnored}},
		{"keys compared like headers, targets too", hr,
			`{"no": null, "TGL. OUT": "Termination Date", "bank": "BANK_CODE", "departemen": null}`, "",
			Layout{ColIgnored, ColKPJ, ColNIK, ColFullName, ColBirthDate, ColTerminationDate, ColReason, ColBankCode,
				ColBankAccount, ColAccountName, ColPhone, ColIgnored}},
		{"mapping wins over an alias", canonical(ColAccountName, ColEmail, ColNPWP, ColPhone, ColFullName),
			`{"nik": null, "kpj": "nik", "bank_account": "kpj"}`, CodeHeaderMissingColumn, nil},
		{"mapping wins over an alias: swapped", append(canonical(), "Nama Karyawan"),
			`{"full_name": "account_name", "account_name": null, "Nama Karyawan": "full_name"}`, "",
			Layout{ColKPJ, ColNIK, ColAccountName, ColBirthDate, ColTerminationDate, ColReason, ColBankCode,
				ColBankAccount, ColIgnored, ColPhone, ColEmail, ColNPWP, ColFullName}},
		{"null cannot leave a required column out", canonical(), `{"phone": null}`, CodeHeaderMissingColumn, nil},
		{"two names mapped to one column", append(canonical(), "HP Kantor"), `{"HP Kantor": "phone"}`, CodeHeaderDuplicateColumn, nil},
		{"names the header lacks are no error", canonical(), `{"Tgl Out": "termination_date"}`, "",
			Layout{ColKPJ, ColNIK, ColFullName, ColBirthDate, ColTerminationDate, ColReason, ColBankCode,
				ColBankAccount, ColAccountName, ColPhone, ColEmail, ColNPWP}},
	}
	for _, tt := range tests {
		layout, err := mapHeader(tt.header, 1, mapping(tt.mapping))
		if codeOf(err) != tt.code {
			t.Errorf("%s: code %q, want %q (err %v)", tt.name, codeOf(err), tt.code, err)
			continue
		}
		if diff := cmp.Diff(tt.want, layout); err == nil && diff != "" {
			t.Errorf("%s: layout (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestParseMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw   string
		want  Mapping
		codes []Code
	}{
		{``, nil, nil},
		{`  `, nil, nil},
		{`{}`, Mapping{}, nil},
		{`{"Nama Karyawan":"full_name","Tgl Out":"termination_date","X":null}`,
			Mapping{"namakaryawan": ColFullName, "tglout": ColTerminationDate, "x": ColIgnored}, nil},
		{`{"A":"Full Name"}`, Mapping{"a": ColFullName}, nil},
		{`{"A":"nama"}`, nil, []Code{CodeMappingUnknownColumn}}, // an alias is no contract column
		{`{"A":"salary","B":"kpj","C":"_ignored"}`, nil, []Code{CodeMappingUnknownColumn, CodeMappingUnknownColumn}},
		{`{"A":"kpj","a":"nik"}`, nil, []Code{CodeMappingJSON}},
		{`{"A":"kpj","a":"kpj"}`, Mapping{"a": ColKPJ}, nil},
		{`["kpj"]`, nil, []Code{CodeMappingJSON}},
		{`{"A":1}`, nil, []Code{CodeMappingJSON}},
		{`{"A":"kpj"`, nil, []Code{CodeMappingJSON}},
		{`{"A":"kpj"} {}`, nil, []Code{CodeMappingJSON}},
		{`null`, nil, []Code{CodeMappingJSON}},
		{`"kpj"`, nil, []Code{CodeMappingJSON}},
	}
	for _, tt := range tests {
		got, err := ParseMapping(tt.raw)
		var codes []Code
		if e := ErrorOf(err); e != nil {
			if e.Kind != KindInvalid || e.Code != "INVALID_PARAMETER" {
				t.Errorf("ParseMapping(%s): error %v, want INVALID_PARAMETER", tt.raw, err)
			}
			for _, d := range e.Details {
				codes = append(codes, d.Code)
			}
		}
		if diff := cmp.Diff(tt.codes, codes); diff != "" {
			t.Errorf("ParseMapping(%s) detail codes (-want +got):\n%s", tt.raw, diff)
		}
		if diff := cmp.Diff(tt.want, got); err == nil && diff != "" {
			t.Errorf("ParseMapping(%s) (-want +got):\n%s", tt.raw, diff)
		}
	}
}

func TestLearnedMapping(t *testing.T) {
	t.Parallel()
	headers := [][]string{
		{"row", "No. Peserta", "Tgl Out", "Bank", "Departemen", "Nama"}, // newest
		{"Tgl Out", "Departemen", "Gaji"},
		{"kpj", "broken"}, // layout of another width: skipped
	}
	layouts := []Layout{
		{ColReportOnly, ColKPJ, ColTerminationDate, ColBankCode, ColIgnored, ColAccountName},
		{ColBirthDate, ColTerminationDate, ColIgnored},
		{ColKPJ},
	}
	want := Mapping{"tglout": ColTerminationDate, "bank": ColBankCode, "departemen": ColIgnored, "gaji": ColIgnored}
	if diff := cmp.Diff(want, LearnedMapping(headers, layouts)); diff != "" {
		t.Errorf("LearnedMapping (-want +got):\n%s", diff)
	}
}
