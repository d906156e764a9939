package batch_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"jhtbatch/batch"
)

// workbookBytes builds a workbook with excelize, the way a spreadsheet
// program stores what a clerk typed: fill gets the file with one sheet,
// "Sheet1".
func workbookBytes(t testing.TB, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatalf("write workbook: %v", err)
	}
	return buf.Bytes()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// decodeWorkbook reads every record of a workbook.
func decodeWorkbook(t testing.TB, data []byte, wopt batch.WorkbookOptions) ([]batch.Record, error) {
	t.Helper()
	dec, err := batch.NewWorkbookDecoder(bytes.NewReader(data), int64(len(data)), batch.DecodeOptions{}, wopt)
	if err != nil {
		return nil, err
	}
	var recs []batch.Record
	for {
		rec, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

var templateHeader = []any{"kpj", "nik", "full_name", "birth_date", "termination_date", "reason",
	"bank_code", "bank_account", "account_name", "phone", "email", "npwp"}

// excelLikeWorkbook has a hidden first sheet, then the data sheet as a clerk
// leaves it: text, dates in date formats, identifiers typed as numbers,
// formatted but empty cells right of and below the table, and a second
// visible sheet.
func excelLikeWorkbook(t testing.TB) []byte {
	return workbookBytes(t, func(f *excelize.File) {
		must(t, f.SetSheetName("Sheet1", "Lookup"))
		must(t, f.SetSheetRow("Lookup", "A1", &[]any{"not", "the", "data"}))
		data, err := f.NewSheet("Data")
		must(t, err)
		f.SetActiveSheet(data)
		must(t, f.SetSheetVisible("Lookup", false))
		dmy, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
		must(t, err)
		iso, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		must(t, err)
		fill, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"FFFF00"}, Pattern: 1}})
		must(t, err)
		must(t, f.SetSheetRow("Data", "A1", &templateHeader))
		must(t, f.SetSheetRow("Data", "A2", &[]any{"23012345678", "3171011708850001", "Budi Santoso",
			time.Date(1985, 8, 17, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
			"PHK", "014", "1234567890", "Budi Santoso", "081234567890", "", ""}))
		must(t, f.SetCellStyle("Data", "D2", "D2", dmy))
		must(t, f.SetCellStyle("Data", "E2", "E2", iso))
		// Row 4 (row 3 left empty): identifiers typed as numbers.
		must(t, f.SetSheetRow("Data", "A4", &[]any{23012345679, int64(3171011708850002), "Siti Aminah",
			"1990-01-02", "2026-10-01", "RESIGN", 9, 1234567890, "Siti Aminah", 81234567891, "", int64(92542943407000)}))
		must(t, f.SetCellFloat("Data", "H4", 1.5, -1, 64))
		must(t, f.SetCellFormula("Data", "K4", `=LOWER("SITI@EXAMPLE.COM")`))
		must(t, f.SetCellStr("Data", "K4", "siti@example.com")) // the cached result
		// Formatted, empty cells right of the table and below it.
		must(t, f.SetCellStyle("Data", "M1", "P30", fill))
		_, err = f.NewSheet("Other")
		must(t, err)
		must(t, f.SetSheetRow("Other", "A3", &templateHeader))
		must(t, f.SetSheetRow("Other", "A4", &[]any{"23012345678", "x"}))
	})
}

func ptr[T any](v T) *T { return &v }

func TestWorkbookDecoder(t *testing.T) {
	t.Parallel()
	data := excelLikeWorkbook(t)
	recs, err := decodeWorkbook(t, data, batch.WorkbookOptions{})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	want := []batch.Record{
		{Line: 2, Fields: []string{"23012345678", "3171011708850001", "Budi Santoso", "1985-08-17", "2026-10-01",
			"PHK", "014", "1234567890", "Budi Santoso", "081234567890", "", ""}},
		{Line: 4, Fields: []string{"23012345679", "3.171011708850002E+15", "Siti Aminah", "1990-01-02", "2026-10-01",
			"RESIGN", "9", "1.5", "Siti Aminah", "81234567891", "siti@example.com", "9.2542943407E+13"}},
	}
	if d := cmp.Diff(want, recs); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}

	recs, err = decodeWorkbook(t, data, batch.WorkbookOptions{Sheet: "other"})
	if err != nil {
		t.Fatalf("decode sheet Other: %v", err)
	}
	if len(recs) != 1 || recs[0].Line != 4 || len(recs[0].Fields) != 12 || recs[0].Fields[1] != "x" {
		t.Errorf("sheet Other: got %+v, want one record at line 4 with 12 fields", recs)
	}
}

func TestWorkbookDecoderErrors(t *testing.T) {
	t.Parallel()
	good := excelLikeWorkbook(t)
	var notWorkbook bytes.Buffer
	zw := zip.NewWriter(&notWorkbook)
	w, _ := zw.Create("hello.txt")
	_, _ = w.Write([]byte("hello"))
	must(t, zw.Close())
	headerOnly := workbookBytes(t, func(f *excelize.File) { must(t, f.SetSheetRow("Sheet1", "A1", &templateHeader)) })
	unknownCol := workbookBytes(t, func(f *excelize.File) {
		must(t, f.SetSheetRow("Sheet1", "A1", &[]any{"kpj", "nikk"}))
	})
	for _, tc := range []struct {
		name string
		data []byte
		wopt batch.WorkbookOptions
		code batch.Code
		kind batch.Kind
	}{
		{"unknown sheet", good, batch.WorkbookOptions{Sheet: "Nope"}, batch.CodeSheetNotFound, batch.KindInvalid},
		{"unzipped too large", good, batch.WorkbookOptions{MaxUnzipped: 4096}, batch.CodeFileTooLarge, batch.KindTooLarge},
		{"zip of no workbook", notWorkbook.Bytes(), batch.WorkbookOptions{}, batch.CodeFileEncoding, batch.KindInvalid},
		{"truncated", good[:len(good)/2], batch.WorkbookOptions{}, batch.CodeFileEncoding, batch.KindInvalid},
		{"header only", headerOnly, batch.WorkbookOptions{}, batch.CodeNoDataRows, batch.KindInvalid},
		{"unknown column", unknownCol, batch.WorkbookOptions{}, batch.CodeHeaderUnknownColumn, batch.KindInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeWorkbook(t, tc.data, tc.wopt)
			e := batch.ErrorOf(err)
			if e == nil || e.Code != tc.code || e.Kind != tc.kind {
				t.Fatalf("got %v, want %s (%s)", err, tc.code, tc.kind)
			}
		})
	}
}

// TestWorkbookDecoderZipBomb: a worksheet that inflates far beyond the
// limit is refused from the sizes its package declares, and one that
// declares less than it holds fails while inflating, never filling memory.
func TestWorkbookDecoderZipBomb(t *testing.T) {
	t.Parallel()
	good := excelLikeWorkbook(t)
	bomb := rewriteZip(t, good, func(name string, data []byte) []byte {
		if name == "xl/worksheets/sheet2.xml" {
			pad := bytes.Repeat([]byte(" "), 8<<20)
			return bytes.Replace(data, []byte("<sheetData>"), append([]byte("<sheetData>"), pad...), 1)
		}
		return data
	})
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes compressed; want a small file", len(bomb))
	}
	_, err := decodeWorkbook(t, bomb, batch.WorkbookOptions{MaxUnzipped: 1 << 20})
	if e := batch.ErrorOf(err); e == nil || e.Code != batch.CodeFileTooLarge {
		t.Fatalf("declared bomb: got %v, want FILE_TOO_LARGE", err)
	}
	liar := lieAboutSizes(t, bomb)
	_, err = decodeWorkbook(t, liar, batch.WorkbookOptions{MaxUnzipped: 1 << 20})
	if e := batch.ErrorOf(err); e == nil || e.Code != batch.CodeFileEncoding {
		t.Fatalf("bomb with lying sizes: got %v, want FILE_ENCODING", err)
	}
}

// rewriteZip copies a zip package, changing each part with edit.
func rewriteZip(t testing.TB, data []byte, edit func(name string, data []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		must(t, err)
		b, err := io.ReadAll(rc)
		must(t, err)
		w, err := zw.Create(f.Name)
		must(t, err)
		_, err = w.Write(edit(f.Name, b))
		must(t, err)
	}
	must(t, zw.Close())
	return out.Bytes()
}

// lieAboutSizes sets every uncompressed size a zip declares (local headers
// and central directory) to 100 bytes.
func lieAboutSizes(t testing.TB, data []byte) []byte {
	t.Helper()
	out := bytes.Clone(data)
	put := func(at int) { out[at], out[at+1], out[at+2], out[at+3] = 100, 0, 0, 0 }
	for i := 0; i+30 < len(out); i++ {
		switch {
		case bytes.Equal(out[i:i+4], []byte("PK\x03\x04")):
			put(i + 22)
		case bytes.Equal(out[i:i+4], []byte("PK\x01\x02")):
			put(i + 24)
		}
	}
	return out
}

// TestWorkbookFixtures reads the committed workbooks of testdata/xlsx.
func TestWorkbookFixtures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file  string
		sheet string
		lines []int
		first []string
	}{
		{"excel-like.xlsx", "", []int{2, 4}, []string{"23012345678", "3171011708850001"}},
		{"excel-like.xlsx", "Other", []int{4}, []string{"23012345678", "x"}},
		{"inline-strings.xlsx", "", []int{2, 3}, []string{"23012345678", "3171011708850001"}},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "xlsx", tc.file))
		must(t, err)
		recs, err := decodeWorkbook(t, data, batch.WorkbookOptions{Sheet: tc.sheet})
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		var lines []int
		for _, r := range recs {
			lines = append(lines, r.Line)
		}
		if !cmp.Equal(lines, tc.lines) || len(recs) == 0 || !cmp.Equal(recs[0].Fields[:2], tc.first) {
			t.Errorf("%s %s: lines %v first %q; want %v, %q", tc.file, tc.sheet, lines, recs[0].Fields, tc.lines, tc.first)
		}
	}
}

func TestInspectWorkbooks(t *testing.T) {
	t.Parallel()
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0}, 600)...)
	info, err := batch.Inspect(bytes.NewReader(xls), io.Discard, 0)
	if e := batch.ErrorOf(err); e == nil || e.Code != batch.CodeFileEncoding ||
		!strings.Contains(e.Details[0].Message(batch.LangEN), ".xlsx") {
		t.Fatalf(".xls: got %v, want FILE_ENCODING saying to save as .xlsx", err)
	}
	if info.Size != int64(len(xls)) {
		t.Errorf(".xls: size %d, want %d", info.Size, len(xls))
	}
	info, err = batch.Inspect(bytes.NewReader(excelLikeWorkbook(t)), io.Discard, 0)
	if err != nil || info.Encoding != batch.EncXLSX {
		t.Fatalf("xlsx: got %v, %v; want encoding xlsx", info.Encoding, err)
	}
}

// inlineStringsWorkbook is written by excelize's StreamWriter, which stores
// text as inline strings (no shared strings table), as many exporters do.
func inlineStringsWorkbook(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	must(t, err)
	must(t, sw.SetRow("A1", templateHeader))
	must(t, sw.SetRow("A2", []any{"23012345678", "3171011708850001", "Budi Santoso", "17/08/1985", "01-10-2026",
		"PHK", "014", "1234567890", "Budi Santoso", "0812-3456-7890"}))
	must(t, sw.SetRow("A3", []any{"23012345679", "3171011708850002", "Siti Aminah", "1990-01-02", "2026-10-01",
		"RESIGN", 9, 1234567890, "Siti Aminah", 81234567891}))
	must(t, sw.Flush())
	var buf bytes.Buffer
	must(t, f.Write(&buf))
	return buf.Bytes()
}

// TestWriteWorkbookFixtures rewrites testdata/xlsx when
// JHTBATCH_WRITE_FIXTURES=1; the committed files are what it wrote.
func TestWriteWorkbookFixtures(t *testing.T) {
	if os.Getenv("JHTBATCH_WRITE_FIXTURES") != "1" {
		t.Skip("set JHTBATCH_WRITE_FIXTURES=1 to rewrite testdata/xlsx")
	}
	must(t, os.MkdirAll(filepath.Join("testdata", "xlsx"), 0o755))
	must(t, os.WriteFile(filepath.Join("testdata", "xlsx", "excel-like.xlsx"), excelLikeWorkbook(t), 0o644))
	must(t, os.WriteFile(filepath.Join("testdata", "xlsx", "inline-strings.xlsx"), inlineStringsWorkbook(t), 0o644))
	must(t, os.WriteFile(filepath.Join("testdata", "xlsx", "legacy.xls"),
		append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...), 0o644))
}

// FuzzWorkbookSheet varies the XML of a workbook's worksheet and shared
// strings inside a valid package: the reader never panics, errors are file
// errors, and records are clean UTF-8 in worksheet order.
func FuzzWorkbookSheet(f *testing.F) {
	base := inlineStringsWorkbook(f)
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>kpj</t></is></c></row></sheetData></worksheet>`), []byte(""))
	f.Add([]byte(`<?xml version="1.0"?><x:worksheet xmlns:x="s"><x:sheetData><x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>`+
		`<x:row r="3"><x:c t="s"><x:v>2</x:v></x:c><x:c><x:v>3.2E+15</x:v></x:c></x:row></x:sheetData></x:worksheet>`),
		[]byte(`<sst><si><t>kpj</t></si><si><r><t>ni</t></r><r><t>k</t></r><rPh><t>x</t></rPh></si><si><t><![CDATA[a&b]]></t></si></sst>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"/><c r="B1" t="s"><v></v></c><c r="C1" s="1" t="n"/></row></sheetData></worksheet>`), []byte(`<sst/>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="str"><f>"a"&amp;"b"</f><v>a&amp;b&#x41;&#10;</v></c><!-- c --></row></sheetData></worksheet>`), []byte(`<sst/>`))
	f.Fuzz(func(t *testing.T, sheet, strs []byte) {
		data := rewriteZip(t, base, func(name string, data []byte) []byte {
			switch name {
			case "xl/worksheets/sheet1.xml":
				return sheet
			case "xl/sharedStrings.xml":
				return strs
			}
			return data
		})
		if !bytes.Contains(data, []byte("xl/sharedStrings.xml")) {
			data = addPart(t, data, "xl/sharedStrings.xml", strs)
		}
		recs, err := decodeWorkbook(t, data, batch.WorkbookOptions{MaxUnzipped: 1 << 20})
		if err != nil {
			if e := batch.ErrorOf(err); e == nil || (e.Kind != batch.KindInvalid && e.Kind != batch.KindTooLarge) {
				t.Fatalf("err = %v (%T), want a file error", err, err)
			}
		}
		last := 0
		for _, r := range recs {
			if r.Line <= last {
				t.Fatalf("record at row %d follows row %d", r.Line, last)
			}
			last = r.Line
			for _, v := range r.Fields {
				if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
					t.Fatalf("row %d: value %q is not clean UTF-8", r.Line, v)
				}
			}
		}
	})
}

// addPart returns the package with one more part.
func addPart(t testing.TB, data []byte, name string, content []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		must(t, zw.Copy(f))
	}
	w, err := zw.Create(name)
	must(t, err)
	_, err = w.Write(content)
	must(t, err)
	must(t, zw.Close())
	return out.Bytes()
}

// TestWorkbookRepeatedStringBomb: one long shared string in every cell of
// many rows is small packed and unpacked, but its rows' text is bounded
// like the file's.
func TestWorkbookRepeatedStringBomb(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 30000)
	var sheet strings.Builder
	sheet.WriteString(`<worksheet><sheetData>`)
	for r := 1; r <= 200; r++ {
		fmt.Fprintf(&sheet, `<row r="%d">`, r)
		for c := range 12 {
			if r == 1 {
				fmt.Fprintf(&sheet, `<c t="inlineStr"><is><t>%s</t></is></c>`, templateHeader[c])
			} else {
				sheet.WriteString(`<c t="s"><v>0</v></c>`)
			}
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	data := workbookWithSheet(t, sheet.String())
	data = addPart(t, data, "xl/sharedStrings.xml", []byte(`<sst><si><t>`+long+`</t></si></sst>`))
	recs, err := decodeWorkbook(t, data, batch.WorkbookOptions{MaxUnzipped: 1 << 20})
	if e := batch.ErrorOf(err); e == nil || e.Code != batch.CodeFileTooLarge {
		t.Fatalf("got %d records, %v; want FILE_TOO_LARGE", len(recs), err)
	}
	if len(data) > 1<<20 || len(recs) > 3 {
		t.Errorf("package of %d bytes, %d records read before the error; want a small package stopped early", len(data), len(recs))
	}
}

// TestWorkbookOddCells: cells as other writers store them: prefixed
// element names, empty typed cells, booleans, errors, formulas with their
// saved value, escaped text, rich text runs with phonetic hints, CDATA.
func TestWorkbookOddCells(t *testing.T) {
	t.Parallel()
	header := `<x:row r="1">`
	for c, name := range templateHeader {
		header += fmt.Sprintf(`<x:c r="%s1" t="inlineStr"><x:is><x:t>%s</x:t></x:is></x:c>`, string(rune('A'+c)), name)
	}
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` + header + `</x:row>` +
		`<x:row r="2" spans="1:12"><x:c r="A2" t="s"/><x:c r="B2" t="s"><x:v>0</x:v></x:c>` +
		`<x:c r="C2" t="inlineStr"><x:is><x:r><x:t>Budi </x:t></x:r><x:r><x:rPr/><x:t>O&apos;Neil &amp; Co</x:t></x:r><x:rPh><x:t>ブディ</x:t></x:rPh></x:is></x:c>` +
		`<x:c r="D2" t="b"><x:v>1</x:v></x:c><x:c r="E2" t="e"><x:v>#N/A</x:v></x:c>` +
		`<x:c r="F2" t="str"><x:f>UPPER("phk")</x:f><x:v>PHK</x:v></x:c>` +
		`<x:c r="G2"><x:v>14</x:v></x:c><x:c r="H2"><x:v><![CDATA[1234567890]]></x:v></x:c><!-- a comment -->` +
		`<x:c r="L2" s="0"/></x:row></x:sheetData></x:worksheet>`
	data := workbookWithSheet(t, sheet)
	data = addPart(t, data, "xl/sharedStrings.xml", []byte(`<sst uniqueCount="1"><si><t xml:space="preserve">3171011708850001</t></si></sst>`))
	recs, err := decodeWorkbook(t, data, batch.WorkbookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []batch.Record{{Line: 2, Fields: []string{"", "3171011708850001", "Budi O'Neil & Co", "TRUE", "#N/A", "PHK",
		"14", "1234567890", "", "", "", ""}}}
	if d := cmp.Diff(want, recs); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
}

// TestWorkbookCellsWithoutReferences: the r attribute of a cell is
// optional; a writer that leaves it out puts every cell, empty ones too, in
// its place, so an empty cell must still take its column (the e-mail after
// an empty phone stays an e-mail).
func TestWorkbookCellsWithoutReferences(t *testing.T) {
	t.Parallel()
	header := `<row>`
	for _, name := range templateHeader {
		header += fmt.Sprintf(`<c t="inlineStr"><is><t>%s</t></is></c>`, name)
	}
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + header + `</row>` +
		`<row><c t="inlineStr"><is><t>23012345678</t></is></c>` + strings.Repeat(`<c/>`, 9) +
		`<c t="inlineStr"><is><t>budi@example.com</t></is></c><c t="s"/></row>` +
		`<row><c t="inlineStr"><is><t>23012345679</t></is></c>` + strings.Repeat(`<c t="inlineStr"/>`, 8) +
		`<c><v>812345678</v></c><c/><c/></row></sheetData></worksheet>`
	data := workbookWithSheet(t, sheet)
	recs, err := decodeWorkbook(t, data, batch.WorkbookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []batch.Record{
		{Line: 2, Fields: []string{"23012345678", "", "", "", "", "", "", "", "", "", "budi@example.com", ""}},
		{Line: 3, Fields: []string{"23012345679", "", "", "", "", "", "", "", "", "812345678", "", ""}},
	}
	if d := cmp.Diff(want, recs); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
}

// TestWorkbookTextEscapes: text that a spreadsheet stores escaped
// (ECMA-376 ST_Xstring, _xHHHH_) is read as it was typed, from shared
// strings, inline strings and a formula's saved text alike: an e-mail
// address that looks like an escape (Excel, and excelize's StreamWriter,
// store its _ as _x005F_), a carriage return pasted into a name (Excel
// stores _x000D_).
func TestWorkbookTextEscapes(t *testing.T) {
	t.Parallel()
	typed := workbookBytes(t, func(f *excelize.File) {
		sw, err := f.NewStreamWriter("Sheet1")
		must(t, err)
		must(t, sw.SetRow("A1", templateHeader))
		must(t, sw.SetRow("A2", []any{"23012345678", "3171011708850001", "Dewi Lestari",
			"1985-08-17", "2026-10-01", "PHK", "014", "1234567890", "Dewi Lestari", "081234567890",
			"dewi_x2024_@contoh.co.id", ""}))
		must(t, sw.Flush())
	})
	if !zipHolds(t, typed, "_x005F_x2024_") {
		t.Fatal("the workbook does not store the e-mail escaped: the test proves nothing")
	}
	recs, err := decodeWorkbook(t, typed, batch.WorkbookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || len(recs[0].Fields) < 11 || recs[0].Fields[10] != "dewi_x2024_@contoh.co.id" {
		t.Errorf("records %+v; want the e-mail dewi_x2024_@contoh.co.id as typed", recs)
	}

	header := `<row r="1">`
	for c, name := range templateHeader {
		header += fmt.Sprintf(`<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>`, string(rune('A'+c)), name)
	}
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + header + `</row>` +
		`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="s"><v>1</v></c>` +
		`<c r="I2" t="inlineStr"><is><t>Budi_x000D_</t></is></c>` +
		`<c r="K2" t="str"><f>LOWER(K3)</f><v>budi_x005F_x0041_@contoh.co.id</v></c></row></sheetData></worksheet>`
	data := workbookWithSheet(t, sheet)
	data = addPart(t, data, "xl/sharedStrings.xml",
		[]byte(`<sst count="2" uniqueCount="2"><si><t>_x0032_3012345678</t></si><si><r><t>Budi</t></r><r><t xml:space="preserve"> Santoso_x000D_</t></r></si></sst>`))
	recs, err = decodeWorkbook(t, data, batch.WorkbookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []batch.Record{{Line: 2, Fields: []string{"23012345678", "", "Budi Santoso\r", "", "", "", "", "", "Budi\r", "",
		"budi_x0041_@contoh.co.id", ""}}}
	if d := cmp.Diff(want, recs); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
}

// zipHolds says whether a part of the package data holds s.
func zipHolds(t testing.TB, data []byte, s string) bool {
	t.Helper()
	found := false
	rewriteZip(t, data, func(_ string, d []byte) []byte {
		found = found || bytes.Contains(d, []byte(s))
		return d
	})
	return found
}

// workbookWithSheet is inlineStringsWorkbook with its only worksheet's XML
// replaced by sheet: cells written the way other programs write them.
func workbookWithSheet(t testing.TB, sheet string) []byte {
	t.Helper()
	return rewriteZip(t, inlineStringsWorkbook(t), func(name string, d []byte) []byte {
		if name == "xl/worksheets/sheet1.xml" {
			return []byte(sheet)
		}
		return d
	})
}
