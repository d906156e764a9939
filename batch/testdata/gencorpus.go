//go:build ignore

// gencorpus writes the decoder's test corpus: testdata/malformed (files the
// upload must refuse, with the code in EXPECTED.tsv), testdata/nasty (odd but
// valid files that must decode, with their data-row count in EXPECTED.tsv)
// and seeds for FuzzDecode. Run from batch/: go run testdata/gencorpus.go
//
// The limits the corpus test uses (corpusMaxBytes etc. in
// decode_corpus_test.go) decide some of the codes: keep them in step.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

const (
	maxBytes       = 64 << 10 // corpusMaxBytes
	maxRows        = 50       // corpusMaxRows
	maxRecordBytes = 16 << 10 // corpusMaxRecordBytes
)

var header = "kpj,nik,full_name,birth_date,termination_date,reason,bank_code,bank_account,account_name,phone,email,npwp"

var good = "23012345678,3171011708850001,Budi Santoso,1985-08-17,2026-10-01,PHK,014,1234567890,Budi Santoso,0812-3456-7890,budi@example.com,09.254.294.3-407.000"

// semi turns a comma line of the corpus into a semicolon one.
func semi(s string) string { return strings.ReplaceAll(s, ",", ";") }

func tab(s string) string { return strings.ReplaceAll(s, ",", "\t") }

func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

func crlf(ls ...string) string { return strings.Join(ls, "\r\n") + "\r\n" }

// rows returns n good rows with distinct KPJ.
func rows(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("230%08d", i) + good[11:]
	}
	return out
}

// utf16 encodes s as UTF-16 with (bom) or without a byte order mark.
func utf16(s string, bigEndian, bom bool) string {
	var b []byte
	put := func(u uint16) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	if bom {
		put(0xFEFF)
	}
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			put(uint16(0xD800 + r>>10))
			put(uint16(0xDC00 + r&0x3FF))
			continue
		}
		put(uint16(r))
	}
	return string(b)
}

func columns(n int) string {
	c := make([]string, n)
	for i := range c {
		c[i] = fmt.Sprintf("col%d", i+1)
	}
	return strings.Join(c, ",")
}

type file struct{ name, content, want string }

func malformed() []file {
	return []file{
		{"empty.csv", "", "FILE_EMPTY"},
		{"only_bom.csv", "\uFEFF", "FILE_EMPTY"},
		{"only_bom_utf16le.csv", "\xFF\xFE", "FILE_EMPTY"},
		{"only_bom_utf16be.csv", "\xFE\xFF", "FILE_EMPTY"},
		{"whitespace_only.csv", "  \r\n\t\n \n", "FILE_EMPTY"},
		{"bom_and_whitespace.csv", "\uFEFF\r\n\r\n", "FILE_EMPTY"},
		{"utf16le_whitespace.csv", utf16(" \r\n\r\n", false, true), "FILE_EMPTY"},
		{"only_delimiters.csv", ";;;;;;\r\n;;;;;;\r\n", "FILE_EMPTY"},
		{"only_empty_quotes.csv", "\"\";\"\"\n", "FILE_EMPTY"},
		{"only_header.csv", lines(header), "NO_DATA_ROWS"},
		{"only_header_no_newline.csv", header, "NO_DATA_ROWS"},
		{"only_header_utf16le.csv", utf16(crlf(tab(header)), false, true), "NO_DATA_ROWS"},
		{"header_then_blank_rows.csv", "\uFEFF" + crlf(header, "", "  ", ""), "NO_DATA_ROWS"},
		{"header_then_delimiter_rows.csv", crlf(semi(header), ";;;;;;;;;;;", ";;;;;;;;;;;"), "NO_DATA_ROWS"},
		{"nul_in_value.csv", lines(header, strings.Replace(good, "Budi", "Bu\x00di", 1)), "FILE_ENCODING"},
		{"nul_in_header.csv", lines("kpj\x00,"+header[4:], good), "FILE_ENCODING"},
		{"png_image.csv", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00", "FILE_ENCODING"},
		{"xlsx_uploaded_as_csv.csv", "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01\x00\x00\x90\x04\x00\x00\x13\x00[Content_Types].xml", "FILE_ENCODING"},
		{"pdf.csv", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 /Filter /FlateDecode >>\nstream\nx\x9c\x03\x00\x00\x00\x00\x01\nendstream\n", "FILE_ENCODING"},
		{"binary_garbage.bin", garbage(4096), "FILE_ENCODING"},
		{"utf16le_no_bom.csv", utf16(lines(header, good), false, false), "FILE_ENCODING"},
		{"utf16be_no_bom.csv", utf16(lines(header, good), true, false), "FILE_ENCODING"},
		{"utf16le_odd_length.csv", utf16(lines(tab(header), tab(good)), false, true) + "x", "FILE_ENCODING"},
		{"utf32le_bom.csv", utf32le("\uFEFF" + lines(header, good)), "FILE_ENCODING"},
		{"nul_in_utf16le.csv", utf16(lines(tab(header), tab(strings.Replace(good, "Budi", "\x00", 1))), false, true), "FILE_ENCODING"},
		{"utf8_bom_then_1252.csv", "\uFEFF" + lines(header, strings.Replace(good, "Budi", "Wirawan \xD1", 2)), "FILE_ENCODING"},
		{"windows1252_with_nul.csv", lines(header, strings.Replace(good, "Budi", "\xD1\x00", 1)), "FILE_ENCODING"},
		{"too_large.csv", lines(append([]string{header}, rows(maxBytes/len(good)+10)...)...), "FILE_TOO_LARGE"},
		{"too_many_rows.csv", lines(append([]string{header}, rows(maxRows+1)...)...), "TOO_MANY_ROWS"},
		{"too_many_rows_semicolon_crlf.csv", crlf(append([]string{semi(header)}, strings.Split(semi(strings.Join(rows(maxRows+5), "\n")), "\n")...)...), "TOO_MANY_ROWS"},
		{"unterminated_quote.csv", lines(header, good, strings.Replace(good, "Budi Santoso", "\"Budi Santoso", 1), good), "CSV_SYNTAX"},
		{"truncated_quote_at_eof.csv", header + "\n" + good[:29] + "\"Budi San", "CSV_SYNTAX"},
		{"bare_quote.csv", lines(header, strings.Replace(good, "Budi Santoso", "Budi \"Bud\" Santoso", 1)), "CSV_SYNTAX"},
		{"text_after_quote.csv", lines(header, strings.Replace(good, "Budi Santoso", "\"Budi\" Santoso", 1)), "CSV_SYNTAX"},
		{"space_before_quote.csv", lines(header, strings.Replace(good, ",Budi Santoso", ", \"Budi Santoso\"", 1)), "CSV_SYNTAX"},
		{"header_bare_quote.csv", lines("kpj,nik,full\"name"+header[17:], good), "CSV_SYNTAX"},
		{"header_unterminated_quote.csv", lines("\"kpj,nik", good), "CSV_SYNTAX"},
		{"huge_line.csv", lines(header, good, strings.Repeat("x", maxRecordBytes+100)), "CSV_SYNTAX"},
		{"huge_line_no_newline.csv", strings.Repeat("kpj", maxRecordBytes), "CSV_SYNTAX"},
		{"too_wide_header.csv", lines(columns(3000), good), "CSV_SYNTAX"},
		{"json_payload.csv", "{\"kpj\": \"23012345678\", \"nik\": \"3171011708850001\"}\n", "CSV_SYNTAX"},
		{"header_typo.csv", lines(strings.Replace(header, "full_name", "nama_lengkp", 1), good), "HEADER_UNKNOWN_COLUMN"},
		{"header_extra_column.csv", lines(header+",catatan", good+",ok"), "HEADER_UNKNOWN_COLUMN"},
		{"header_empty_name_between.csv", crlf(strings.Replace(semi(header), ";reason;", ";;reason;", 1), strings.Replace(semi(good), ";PHK;", ";;PHK;", 1)), "HEADER_UNKNOWN_COLUMN"},
		{"no_header_data_first.csv", lines(good, good), "HEADER_UNKNOWN_COLUMN"},
		{"thousands_of_columns.csv", lines(columns(2000), good), "HEADER_UNKNOWN_COLUMN"},
		{"wrong_delimiter_pipe.csv", lines(strings.ReplaceAll(header, ",", "|"), strings.ReplaceAll(good, ",", "|")), "HEADER_UNKNOWN_COLUMN"},
		{"cr_only_line_endings.csv", header + "\r" + good + "\r", "HEADER_UNKNOWN_COLUMN"},
		{"html_page.csv", "<!DOCTYPE html>\n<html><head><title>Masuk</title></head><body><a href=\"/\">x</a></body></html>\n", "HEADER_UNKNOWN_COLUMN"},
		{"high_bytes_no_nul.csv", highBytes(2000), "HEADER_UNKNOWN_COLUMN"},
		{"unknown_and_missing.csv", lines("kpj,nik,nama_lengkp,catatan", "1,2,3,4"), "HEADER_UNKNOWN_COLUMN"},
		{"header_duplicate.csv", lines(header+",kpj", good+",23012345678"), "HEADER_DUPLICATE_COLUMN"},
		{"header_duplicate_alias.csv", lines(header+",no_kpj", good+",23012345678"), "HEADER_DUPLICATE_COLUMN"},
		{"header_duplicate_case_space.csv", lines(header+",Nama Lengkap", good+",Budi"), "HEADER_DUPLICATE_COLUMN"},
		{"duplicate_and_missing.csv", lines("kpj,nik,kpj", "1,2,3"), "HEADER_DUPLICATE_COLUMN"},
		{"header_missing_phone.csv", lines(strings.Replace(header, ",phone", "", 1), strings.Replace(good, ",0812-3456-7890", "", 1)), "HEADER_MISSING_COLUMN"},
		{"header_missing_many.csv", lines("kpj,nik,full_name", "23012345678,3171011708850001,Budi"), "HEADER_MISSING_COLUMN"},
		{"header_only_optional.csv", lines("email,npwp", "a@example.com,"), "HEADER_MISSING_COLUMN"},
	}
}

func nasty() []file {
	formula := []string{
		strings.Replace(good, "Budi Santoso,1985", "=cmd|' /C calc'!A0,1985", 1),
		strings.Replace(good, "0812-3456-7890", "+6281234567890", 1),
		strings.Replace(good, "PHK", "-2+3", 1),
		strings.Replace(good, "budi@example.com", "@SUM(1+1)*cmd|' /C calc'!A0", 1),
	}
	return []file{
		{"formula_cells.csv", lines(append([]string{header}, formula...)...), "4"},
		{"formula_cells_quoted.csv", lines(header, strings.Replace(good, "Budi Santoso,1985", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1985", 1)), "1"},
		{"quoted_newlines.csv", lines(header, strings.Replace(good, "Budi Santoso,1985", "\"Budi\nSantoso\",1985", 1), good, strings.Replace(good, "PHK", "\"PHK;\n,\n\"", 1)), "3"},
		{"crlf_in_quotes.csv", crlf(header, strings.Replace(good, "Budi Santoso,1985", "\"Budi\r\nSantoso\",1985", 1)), "1"},
		{"excel_id_semicolon_1252.csv", crlf(semi(header), semi(strings.ReplaceAll(good, "Budi Santoso", "Wirawan \xD1")), semi(good)), "2"},
		{"windows1252_smart_quotes.csv", crlf(header, strings.ReplaceAll(good, "Budi Santoso", "Ni Made D\x92Ayu \x93Sari\x94")), "1"},
		{"excel_unicode_text_utf16le.csv", utf16(crlf(tab(header), tab(good), tab(strings.ReplaceAll(good, "Budi", "Wirawan Ñ"))), false, true), "2"},
		{"utf16be_bom.csv", utf16(lines(header, strings.ReplaceAll(good, "Budi", "Ñ😀")), true, true), "1"},
		{"blank_lines_everywhere.csv", "\n\r\n  \n" + lines(header, "", good, ",,,,,,,,,,,", "   ", good, "", ";;;"), "2"},
		{"field_count_mismatch.csv", lines(header, "23012345678,short", good+",extra,more", good), "3"},
		{"header_aliases_variants.csv", lines("No KPJ,Nomor-KTP,NAMA LENGKAP, tgl_lahir ,Tanggal PHK,alasan,Kode Bank,nomor rekening,Nama-Pemilik-Rekening,NO HP,Surel,NPWP", good), "1"},
		{"header_dot_in_name.csv", lines(strings.Replace(header, "kpj", "No. KPJ", 1), good), "1"},
		{"header_hr_names.csv", lines("Nomor Peserta;NIK KTP;Nama Karyawan;Tgl. Lahir;Tanggal Resign;Alasan PHK;Kode Bank;No. Rek.;Atas Nama;No. WA;E-mail;No. NPWP",
			semi(good)), "1"},
		{"report_uploaded_again.csv", "\uFEFF" + crlf("row,line,"+header+",outcome,claim_number,claim_status,eligible_on,gross_amount,tax_amount,net_amount,error_codes,warning_codes,messages",
			"1,2,"+strings.Replace(good, "0812-3456-7890", "'+6281234567890", 1)+",REJECTED,,,,,,,PHONE_FORMAT,,Kolom phone: x"), "1"},
		{"header_reordered_required_only.csv", lines("phone,kpj,reason,nik,full_name,birth_date,termination_date,bank_code,bank_account,account_name", "0812-3456-7890,23012345678,PHK,3171011708850001,Budi,1985-08-17,2026-10-01,014,1234567890,Budi"), "1"},
		{"unicode_names.csv", lines(header,
			strings.ReplaceAll(good, "Budi Santoso", "ꦧꦸꦢꦶ ꦱꦤ꧀ꦠꦺꦴꦱ"),
			strings.ReplaceAll(good, "Budi Santoso", "Budi\u202eosotnaS\u202c \u200dSantoso\u00a0😀"),
			strings.ReplaceAll(good, "Budi Santoso", "Bu\u0301di Sa\u0308ntoso")), "3"},
		{"no_trailing_newline.csv", header + "\n" + good, "1"},
		{"bom_quoted_header.csv", "\uFEFF\"kpj\",\"nik\",\"full_name\",\"birth_date\",\"termination_date\",\"reason\",\"bank_code\",\"bank_account\",\"account_name\",\"phone\",\"email\",\"npwp\"\r\n" + good + "\r\n", "1"},
		{"html_sql_values.csv", lines(header, strings.Replace(good, "Budi Santoso,1985", "<script>alert(1)</script>,1985", 1), strings.Replace(good, "PHK", "PHK'); DROP TABLE claims;--", 1)), "2"},
		{"excel_trailing_empty_column.csv", crlf(semi(header)+";", semi(good)+";", semi(good)+";;"), "2"},
		{"header_semicolon_rows_comma.csv", lines(semi(header), good, good), "2"},
		{"long_but_allowed_value.csv", lines(header, strings.Replace(good, "Budi Santoso,1985", strings.Repeat("A", maxRecordBytes-500)+",1985", 1)), "1"},
		{"lone_cr_in_value.csv", lines(header, strings.Replace(good, "Budi Santoso", "Budi\rSantoso", 1)), "1"},
		{"exactly_max_rows.csv", lines(append([]string{header}, rows(maxRows)...)...), fmt.Sprint(maxRows)},
		{"whitespace_around_values.csv", lines(header, " "+strings.ReplaceAll(good, ",", " ,\t")+" "), "1"},
		{"utf8_bom_crlf_tab.csv", "\uFEFF" + crlf(tab(header), tab(good)), "1"},
		{"excel_mangled_numbers.csv", lines(header, "2.30123E+10,3.17101E+15,Budi,17/08/1985,01/10/2026,phk,14,1234567890,Budi,81234567890,,"), "1"},
		{"quoted_empty_fields.csv", lines(header, "\"\",\"\",\"x\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\""), "1"},
		{"thousands_of_short_rows.csv", lines(append([]string{header}, strings.Split(strings.Repeat("1\n", maxRows-1), "\n")[:maxRows-1]...)...), fmt.Sprint(maxRows - 1)},
	}
}

// garbage is n bytes of every value, NUL included, in a scrambled order.
func garbage(n int) string {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	b[0] = 0
	return string(b)
}

// highBytes is n bytes from 0x80–0xFF: no NUL, no ASCII, not UTF-8.
func highBytes(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(0x80 + (i*37)%128)
	}
	return string(b)
}

func utf32le(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
	}
	return string(b)
}

func write(dir string, files []file) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		panic(err)
	}
	var tsv strings.Builder
	tsv.WriteString("# file\texpected (generated by testdata/gencorpus.go)\n")
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(f.content), 0o644); err != nil {
			panic(err)
		}
		fmt.Fprintf(&tsv, "%s\t%s\n", f.name, f.want)
	}
	if err := os.WriteFile(filepath.Join(dir, "EXPECTED.tsv"), []byte(tsv.String()), 0o644); err != nil {
		panic(err)
	}
}

// fuzzSeeds are small inputs in Go's fuzz corpus format.
func fuzzSeeds() map[string]string {
	return map[string]string{
		"good_comma":        lines(header, good),
		"semicolon_quotes":  crlf(semi(header), semi(strings.Replace(good, "Budi Santoso", "\"Budi;\r\n\"\"B\"\"\"", 1))),
		"utf16le_tab":       utf16(crlf(tab(header), tab(good)), false, true),
		"bare_quote":        lines(header, "a\"b"),
		"unterminated":      lines(header, "\"abc"),
		"blank_and_delims":  "\n;;;\n" + lines(semi(header), ";;", semi(good)),
		"windows1252":       lines(header, strings.ReplaceAll(good, "Budi", "\xD1\x92")),
		"aliases_duplicate": lines("No KPJ,kpj,nama", "1,2,3"),
	}
}

func writeFuzz(dir string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		panic(err)
	}
	for name, s := range fuzzSeeds() {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			panic(err)
		}
	}
}

func main() {
	write("testdata/malformed", malformed())
	write("testdata/nasty", nasty())
	writeFuzz("testdata/fuzz/FuzzDecode")
}
