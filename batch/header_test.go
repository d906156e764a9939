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
		{"No. Rekening", ""}, // '.' is not a separator
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
			[]Detail{unknown("nama_lengkp"), missing("full_name")}},
		{"empty name", append(canonical(), ""), CodeHeaderUnknownColumn,
			[]Detail{{Code: CodeHeaderUnknownColumn, Line: 4, Value: "13"}}},
		{"duplicate", append(canonical(), "kpj"), CodeHeaderDuplicateColumn, []Detail{dup("kpj", "kpj")}},
		{"alias of a canonical", append(canonical(), "No KTP"), CodeHeaderDuplicateColumn, []Detail{dup("No KTP", "nik")}},
		{"case variant", append(canonical(), "NPWP"), CodeHeaderDuplicateColumn, []Detail{dup("NPWP", "npwp")}},
		{"missing", canonical(ColPhone, ColKPJ), CodeHeaderMissingColumn, []Detail{missing("kpj"), missing("phone")}},
		{"all kinds: unknown first", append(canonical(ColReason), "x", "nik"), CodeHeaderUnknownColumn,
			[]Detail{unknown("x"), dup("nik", "nik"), missing("reason")}},
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
				if layout[i] != columnsByKey[headerKey(n)] {
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
