package batch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// hdr is a complete header in canonical names, delimited by d.
func hdr(d string) string {
	names := make([]string, len(Columns))
	for i, c := range Columns {
		names[i] = string(c.Name)
	}
	return strings.Join(names, d)
}

// row is a data row of len(Columns) fields whose first field is first.
func row(d, first string) string {
	f := make([]string, len(Columns))
	f[0] = first
	for i := 1; i < len(f); i++ {
		f[i] = "v"
	}
	return strings.Join(f, d)
}

// decodeAll decodes in (with enc) and returns every record, or the error
// that stopped it.
func decodeAll(in []byte, enc Encoding, opt DecodeOptions) (*Decoder, []Record, error) {
	return decodeFrom(bytes.NewReader(in), enc, opt)
}

// decodeFrom is decodeAll over a reader.
func decodeFrom(in io.Reader, enc Encoding, opt DecodeOptions) (*Decoder, []Record, error) {
	d, err := NewDecoder(in, enc, opt)
	if err != nil {
		return nil, nil, err
	}
	var recs []Record
	for {
		r, err := d.Next()
		if errors.Is(err, io.EOF) {
			return d, recs, nil
		}
		if err != nil {
			return d, recs, err
		}
		recs = append(recs, r)
	}
}

// lines returns the Line of each record.
func lines(recs []Record) []int {
	var l []int
	for _, r := range recs {
		l = append(l, r.Line)
	}
	return l
}

func TestDecodeFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    []byte
		enc   Encoding
		delim rune
		lines []int
		first string // the first field of the first record
	}{
		{"comma LF", []byte(hdr(",") + "\n" + row(",", "a") + "\n" + row(",", "b") + "\n"), EncUTF8, ',', []int{2, 3}, "a"},
		{"semicolon CRLF", []byte(hdr(";") + "\r\n" + row(";", "a") + "\r\n"), EncUTF8, ';', []int{2}, "a"},
		{"tab", []byte(hdr("\t") + "\n" + row("\t", "a") + "\n"), EncUTF8, '\t', []int{2}, "a"},
		{"no final newline", []byte(hdr(",") + "\n" + row(",", "a")), EncUTF8, ',', []int{2}, "a"},
		{"utf-8 bom", []byte("\uFEFF" + hdr(",") + "\n" + row(",", "a") + "\n"), EncUTF8BOM, ',', []int{2}, "a"},
		{"bom with quoted header", []byte("\uFEFF\"kpj\"," + hdr(",")[4:] + "\n" + row(",", "a") + "\n"), EncUTF8BOM, ',', []int{2}, "a"},
		{"utf-16le", utf16(hdr("\t")+"\r\n"+row("\t", "Wirawan Ñ")+"\r\n", false), EncUTF16LE, '\t', []int{2}, "Wirawan Ñ"},
		{"utf-16be", utf16(hdr(";")+"\n"+row(";", "Ñ😀")+"\n", true), EncUTF16BE, ';', []int{2}, "Ñ😀"},
		{"windows-1252", []byte(hdr(";") + "\r\n" + row(";", "Wirawan \xD1") + "\r\n"), EncWindows1252, ';', []int{2}, "Wirawan Ñ"},
		{"windows-1252 after a utf-8 bom", []byte("\xEF\xBB\xBF" + hdr(";") + "\r\n" + row(";", "Wirawan \xD1") + "\r\n"), EncWindows1252, ';', []int{2}, "Wirawan Ñ"},
		{"quoted newline", []byte(hdr(",") + "\n" + row(",", "\"a\nb\r\nc\"") + "\n" + row(",", "d") + "\n"), EncUTF8, ',', []int{2, 5}, "a\nb\nc"},
		{"quoted delimiter and quote", []byte(hdr(";") + "\n" + row(";", `"a;""b"",c"`) + "\n"), EncUTF8, ';', []int{2}, `a;"b",c`},
		{"blank lines", []byte("\n\r\n" + hdr(",") + "\n\n" + row(",", "a") + "\n   \n;;;\n,,,,\n" + row(",", "b") + "\n\n"), EncUTF8, ',', []int{5, 9}, "a"},
		{"delimiter rows before header", []byte(";;;;\n" + hdr(";") + "\n" + row(";", "a") + "\n"), EncUTF8, ';', []int{3}, "a"},
		{"raw fields not trimmed", []byte(hdr(",") + "\n" + row(",", "  a ") + "\n"), EncUTF8, ',', []int{2}, "  a "},
	}
	for _, tt := range tests {
		d, recs, err := decodeAll(tt.in, tt.enc, DecodeOptions{})
		if err != nil {
			t.Errorf("%s: err = %v, want nil", tt.name, err)
			continue
		}
		if d.Delimiter() != tt.delim {
			t.Errorf("%s: delimiter %q, want %q", tt.name, d.Delimiter(), tt.delim)
		}
		if diff := cmp.Diff(tt.lines, lines(recs)); diff != "" {
			t.Errorf("%s: record lines (-want +got):\n%s", tt.name, diff)
		}
		if len(recs) > 0 && recs[0].Fields[0] != tt.first {
			t.Errorf("%s: first field %q, want %q", tt.name, recs[0].Fields[0], tt.first)
		}
		if got := d.Header(); len(got) != len(Columns) || got[0] != "kpj" {
			t.Errorf("%s: header %q, want the %d canonical names", tt.name, got, len(Columns))
		}
	}
}

func TestDecodeOneByteReads(t *testing.T) {
	t.Parallel()
	in := "\uFEFF" + hdr(";") + "\r\n" + row(";", "\"Ñ\r\n😀\"") + "\r\n\r\n" + row(";", "é") + "\r\n"
	d, err := NewDecoder(iotest.OneByteReader(strings.NewReader(in)), EncUTF8BOM, DecodeOptions{})
	if err != nil {
		t.Fatalf("NewDecoder: %v", err)
	}
	var got []Record
	for {
		r, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		got = append(got, Record{Line: r.Line, Fields: r.Fields[:1]})
	}
	want := []Record{{Line: 2, Fields: []string{"Ñ\n😀"}}, {Line: 5, Fields: []string{"é"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

func TestDecodeFieldsNotOverwritten(t *testing.T) {
	t.Parallel()
	in := hdr(",") + "\n" + row(",", "first") + "\n" + row(",", "second") + "\n"
	d, err := NewDecoder(strings.NewReader(in), EncUTF8, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := d.Next()
	b, _ := d.Next()
	if a.Fields[0] != "first" || b.Fields[0] != "second" {
		t.Errorf("fields after two Next: %q and %q, want first and second", a.Fields[0], b.Fields[0])
	}
}

func TestDecodeFieldCountPassesThrough(t *testing.T) {
	t.Parallel()
	in := hdr(",") + "\nshort,row\n" + row(",", "a") + ",extra\n"
	_, recs, err := decodeAll([]byte(in), EncUTF8, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || len(recs[0].Fields) != 2 || len(recs[1].Fields) != len(Columns)+1 {
		t.Errorf("got %d records, want 2 of %d and %d fields: %v", len(recs), 2, len(Columns)+1, recs)
	}
}

func TestDecodeFileErrors(t *testing.T) {
	t.Parallel()
	h := hdr(",") + "\n"
	tests := []struct {
		name string
		in   string
		enc  Encoding
		opt  DecodeOptions
		want *Error
	}{
		{"empty", "", EncUTF8, DecodeOptions{}, FileError(KindInvalid, CodeFileEmpty)},
		{"blank only", "\n  \n;;;\n", EncUTF8, DecodeOptions{}, FileError(KindInvalid, CodeFileEmpty)},
		{"header only", h, EncUTF8, DecodeOptions{}, FileError(KindInvalid, CodeNoDataRows, Detail{Code: CodeNoDataRows, Line: 1})},
		{"header and blank rows", "\n" + h + ";;;\n\n", EncUTF8, DecodeOptions{}, FileError(KindInvalid, CodeNoDataRows, Detail{Code: CodeNoDataRows, Line: 2})},
		{"bare quote", h + row(",", "a") + "\n" + row(",", `Budi "B" S`) + "\n", EncUTF8, DecodeOptions{},
			syntaxErr(3, `line 3, column 6: bare " in non-quoted-field`)},
		{"text after quote", h + row(",", `"Budi"x`) + "\n", EncUTF8, DecodeOptions{},
			syntaxErr(2, `line 2, column 6: extraneous or missing " in quoted-field`)},
		{"unterminated quote", h + row(",", "a") + "\n" + row(",", `"Budi`) + "\n" + row(",", "c") + "\n", EncUTF8, DecodeOptions{},
			syntaxErr(3, "a quoted field is never closed")},
		{"unterminated quote in header", `kpj,"nik` + "\n", EncUTF8, DecodeOptions{}, syntaxErr(1, "a quoted field is never closed")},
		{"bare quote in header", "kpj,n\"ik\n", EncUTF8, DecodeOptions{}, syntaxErr(1, `line 1, column 6: bare " in non-quoted-field`)},
		{"record too long", h + row(",", "a") + "\n" + row(",", strings.Repeat("x", 300)) + "\n", EncUTF8, DecodeOptions{MaxRecordBytes: 200},
			FileError(KindInvalid, CodeCSVSyntax, Detail{Code: CodeCSVSyntax, Line: 3, Value: "record longer than 200 bytes"})},
		{"quoted record too long", h + "\n" + row(",", "\""+strings.Repeat("x\n", 150)+"\"") + "\n", EncUTF8, DecodeOptions{MaxRecordBytes: 200},
			FileError(KindInvalid, CodeCSVSyntax, Detail{Code: CodeCSVSyntax, Line: 3, Value: "record longer than 200 bytes"})},
		{"header too long", strings.Repeat("x,", 200) + "\n", EncUTF8, DecodeOptions{MaxRecordBytes: 200},
			FileError(KindInvalid, CodeCSVSyntax, Detail{Code: CodeCSVSyntax, Line: 1, Value: "record longer than 200 bytes"})},
		{"too many rows", h + row(",", "a") + "\n\n" + row(",", "b") + "\n" + row(",", "c") + "\n", EncUTF8, DecodeOptions{MaxRows: 2},
			FileError(KindTooLarge, CodeTooManyRows, Detail{Code: CodeTooManyRows, Line: 5, Value: "2"})},
		{"nul in value", h + row(",", "a\x00") + "\n", EncUTF8, DecodeOptions{},
			FileError(KindInvalid, CodeFileEncoding, Detail{Code: CodeFileEncoding, Line: 2, Column: "kpj", Value: "NUL character"})},
		{"nul from utf-16", string(utf16(hdr(",")+"\n"+row(",", "a\x00")+"\n", false)), EncUTF16LE, DecodeOptions{},
			FileError(KindInvalid, CodeFileEncoding, Detail{Code: CodeFileEncoding, Line: 2, Column: "kpj", Value: "NUL character"})},
		{"invalid utf-8 said to be utf-8", h + row(",", "\xD1") + "\n", EncUTF8, DecodeOptions{},
			FileError(KindInvalid, CodeFileEncoding, Detail{Code: CodeFileEncoding, Line: 2, Column: "kpj", Value: "invalid UTF-8"})},
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":     func(r io.Reader) io.Reader { return r },
		"one byte":  iotest.OneByteReader,
		"half read": iotest.HalfReader,
	}
	for _, tt := range tests {
		for how, wrap := range readers {
			_, _, err := decodeFrom(wrap(strings.NewReader(tt.in)), tt.enc, tt.opt)
			e := ErrorOf(err)
			if e == nil {
				t.Errorf("%s (%s): err = %v, want %v", tt.name, how, err, tt.want)
				continue
			}
			if diff := cmp.Diff(tt.want, e, ignoreFault); diff != "" {
				t.Errorf("%s (%s): error (-want +got):\n%s", tt.name, how, diff)
			}
		}
	}
}

// TestDecodeRecordLimitBoundary checks the limit to the byte: a record of
// MaxRecordBytes passes, one byte more does not, whatever the read sizes.
func TestDecodeRecordLimitBoundary(t *testing.T) {
	t.Parallel()
	long := row(",", `"`+strings.Repeat("x", 120)+"\n"+`y"`) // a quoted field with a line break inside
	in := hdr(",") + "\n" + long + "\r\n" + row(",", "b") + "\n"
	max := len(long) + 1 // the record's bytes include its CR, not its LF
	if len(hdr(",")) > max {
		t.Fatalf("header longer than the record under test")
	}
	for _, wrap := range []func(io.Reader) io.Reader{iotest.OneByteReader, iotest.HalfReader} {
		if _, recs, err := decodeFrom(wrap(strings.NewReader(in)), EncUTF8, DecodeOptions{MaxRecordBytes: max}); err != nil || len(recs) != 2 {
			t.Errorf("record of exactly MaxRecordBytes: %d records, err %v; want 2, nil", len(recs), err)
		}
		_, _, err := decodeFrom(wrap(strings.NewReader(in)), EncUTF8, DecodeOptions{MaxRecordBytes: max - 1})
		want := FileError(KindInvalid, CodeCSVSyntax, Detail{Code: CodeCSVSyntax, Line: 2, Value: fmt.Sprintf("record longer than %d bytes", max-1)})
		if diff := cmp.Diff(want, ErrorOf(err), ignoreFault); diff != "" {
			t.Errorf("record one byte over: error (-want +got):\n%s", diff)
		}
	}
}

func syntaxErr(line int, value string) *Error {
	return FileError(KindInvalid, CodeCSVSyntax, Detail{Code: CodeCSVSyntax, Line: line, Value: value})
}

func TestDecodeErrorsAreSticky(t *testing.T) {
	t.Parallel()
	in := hdr(",") + "\n" + row(",", `a"b`) + "\n" + row(",", "fine") + "\n"
	d, err := NewDecoder(strings.NewReader(in), EncUTF8, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err1 := d.Next()
	_, err2 := d.Next()
	if codeOf(err1) != CodeCSVSyntax || err2 != err1 {
		t.Errorf("Next twice: %v then %v, want the same CSV_SYNTAX error", err1, err2)
	}
}

func TestDecodeMaxRowsExactlyReached(t *testing.T) {
	t.Parallel()
	in := hdr(",") + "\n" + row(",", "a") + "\n" + row(",", "b") + "\n"
	_, recs, err := decodeAll([]byte(in), EncUTF8, DecodeOptions{MaxRows: 2})
	if err != nil || len(recs) != 2 {
		t.Errorf("2 rows with MaxRows 2: %d records, err %v; want 2, nil", len(recs), err)
	}
}

func TestDecodeUnknownEncoding(t *testing.T) {
	t.Parallel()
	if _, err := NewDecoder(strings.NewReader("kpj\n"), "ebcdic", DecodeOptions{}); err == nil {
		t.Error("encoding ebcdic: err = nil, want an error")
	}
}

// readErrReader fails after its content.
type readErrReader struct{ r io.Reader }

func (e readErrReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, errors.New("connection reset")
	}
	return n, err
}

func TestDecodeReadError(t *testing.T) {
	t.Parallel()
	in := hdr(",") + "\n" + row(",", "a") + "\n"
	d, err := NewDecoder(readErrReader{strings.NewReader(in)}, EncUTF8, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Next(); err != nil {
		t.Fatalf("first row: %v", err)
	}
	_, err = d.Next()
	if err == nil || ErrorOf(err) != nil || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("err = %v, want a plain error wrapping the read failure", err)
	}
}

// TestDecodeTrailingEmptyColumns checks the file a spreadsheet writes when a
// column right of the data was once formatted: an empty cell at the end of
// the header and of every row. Those cells are not columns; a value under
// them keeps the row's extra fields, so the row is still a FIELD_COUNT.
func TestDecodeTrailingEmptyColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		widths []int // fields of each record
	}{
		{"header and rows end in ;", hdr(";") + ";\r\n" + row(";", "a") + ";\r\n" + row(";", "b") + ";\r\n", []int{12, 12}},
		{"three empty columns", hdr(";") + ";;;\r\n" + row(";", "a") + ";;;\r\n" + row(";", "b") + "\r\n", []int{12, 12}},
		{"quoted and blank cells", hdr(",") + `,"", ` + "\n" + row(",", "a") + `,"",  ` + "\n", []int{12}},
		// Wider than the header record: FIELD_COUNT, as docs/codes.md says.
		{"only the rows end in ,", hdr(",") + "\n" + row(",", "a") + ",\n", []int{13}},
		{"a value under an empty name", hdr(";") + ";\n" + row(";", "a") + ";x\n" + row(";", "b") + ";;x;\n", []int{13, 15}},
		{"short rows stay short", hdr(";") + ";\n" + "a;b;;\n", []int{4}},
	}
	for _, tt := range tests {
		d, recs, err := decodeAll([]byte(tt.in), EncUTF8, DecodeOptions{})
		if err != nil {
			t.Errorf("%s: err = %v, want nil", tt.name, err)
			continue
		}
		if got := d.Header(); len(got) != len(Columns) || len(d.Layout()) != len(Columns) {
			t.Errorf("%s: header %q, want the %d named columns only", tt.name, got, len(Columns))
		}
		var widths []int
		for _, r := range recs {
			widths = append(widths, len(r.Fields))
		}
		if diff := cmp.Diff(tt.widths, widths); diff != "" {
			t.Errorf("%s: fields per record (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestDecodeEmptyNameBetweenColumns checks that only trailing empty names
// are dropped: one between named columns is an unknown column, reported by
// its position.
func TestDecodeEmptyNameBetweenColumns(t *testing.T) {
	t.Parallel()
	in := "kpj;;" + hdr(";")[4:] + ";\n" + row(";", "a") + "\n"
	_, _, err := decodeAll([]byte(in), EncUTF8, DecodeOptions{})
	want := FileError(KindInvalid, CodeHeaderUnknownColumn, Detail{Code: CodeHeaderUnknownColumn, Line: 1, Value: "2"})
	if diff := cmp.Diff(want, err); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// ignoreFault leaves a detail's structured fault out of a comparison: the
// tests check its English Value, and TestFaultText the fault itself.
var ignoreFault = cmpopts.IgnoreFields(Detail{}, "Fault")

// TestDecodeChecked: Checked spares the values of a UTF-8 file the check
// Inspect has already made, and no other encoding's: a NUL character that
// UTF-16 can carry (and Inspect lets through) is FILE_ENCODING either way.
func TestDecodeChecked(t *testing.T) {
	t.Parallel()
	bad := []byte(hdr(",") + "\n" + row(",", "Bu\xffdi") + "\n")
	if _, _, err := decodeAll(bad, EncUTF8, DecodeOptions{}); codeOf(err) != CodeFileEncoding {
		t.Errorf("invalid UTF-8, not checked: %v, want FILE_ENCODING", err)
	}
	if _, recs, err := decodeAll(bad, EncUTF8, DecodeOptions{Checked: true}); len(recs) != 1 || err != nil {
		t.Errorf("invalid UTF-8, Checked: %d rows, %v; want the row (Inspect's verdict decides)", len(recs), err)
	}
	nul := utf16(hdr(",")+"\n"+row(",", "Bu\x00di")+"\n", false)
	for _, checked := range []bool{false, true} {
		if _, _, err := decodeAll(nul, EncUTF16LE, DecodeOptions{Checked: checked}); codeOf(err) != CodeFileEncoding {
			t.Errorf("UTF-16 with a NUL character, Checked %v: %v, want FILE_ENCODING", checked, err)
		}
	}
}
