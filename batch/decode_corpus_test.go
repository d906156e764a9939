package batch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Limits of the corpus test, small so the corpus files stay small; the
// expectations in testdata/*/EXPECTED.tsv depend on them (see
// testdata/gencorpus.go, which writes the corpus).
const (
	corpusMaxBytes       = 64 << 10
	corpusMaxRows        = 50
	corpusMaxRecordBytes = 16 << 10
)

// fileCodes are the file-level codes of CONTRACT.md §2 the upload path can
// answer with (DUPLICATE_FILE is the store's, not the decoder's).
var fileCodes = map[Code]bool{
	CodeFileEmpty: true, CodeFileTooLarge: true, CodeTooManyRows: true, CodeFileEncoding: true,
	CodeCSVSyntax: true, CodeHeaderMissingColumn: true, CodeHeaderUnknownColumn: true,
	CodeHeaderDuplicateColumn: true, CodeNoDataRows: true,
}

// upload runs a file through the upload path as the API does: Inspect
// while spooling, then decode every record. It returns the records and the
// error that refused the file, if any.
func upload(data []byte, maxBytes int64, opt DecodeOptions) ([]Record, error) {
	var spool bytes.Buffer
	fi, err := Inspect(bytes.NewReader(data), &spool, maxBytes)
	if err != nil {
		return nil, err
	}
	if fi.Encoding == EncXLSX {
		return workbookRecords(spool.Bytes(), opt)
	}
	_, recs, err := decodeAll(spool.Bytes(), fi.Encoding, opt)
	return recs, err
}

// workbookRecords reads every record of a workbook upload.
func workbookRecords(data []byte, opt DecodeOptions) ([]Record, error) {
	d, err := NewWorkbookDecoder(bytes.NewReader(data), int64(len(data)), opt, WorkbookOptions{MaxUnzipped: 1 << 20})
	if err != nil {
		return nil, err
	}
	var recs []Record
	for {
		r, err := d.Next()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, r)
	}
}

// readExpected reads a file<TAB>expectation table; '#' starts a comment.
func readExpected(t *testing.T, dir string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "EXPECTED.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			name, exp, ok := strings.Cut(line, "\t")
			if !ok {
				t.Fatalf("%s/EXPECTED.tsv: line %q has no tab", dir, line)
			}
			want[name] = exp
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return want
}

// corpusFiles returns the files of dir other than EXPECTED.tsv, and fails
// when a file has no expectation or an expectation has no file.
func corpusFiles(t *testing.T, dir string, want map[string]string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() == "EXPECTED.tsv" {
			continue
		}
		if _, ok := want[e.Name()]; !ok {
			t.Errorf("%s/%s has no line in EXPECTED.tsv", dir, e.Name())
		}
		names = append(names, e.Name())
	}
	if len(names) != len(want) {
		t.Errorf("%s: %d files, %d expectations", dir, len(names), len(want))
	}
	return names
}

func corpusOptions() DecodeOptions {
	return DecodeOptions{MaxRows: corpusMaxRows, MaxRecordBytes: corpusMaxRecordBytes}
}

func TestMalformedCorpus(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "malformed")
	want := readExpected(t, dir)
	names := corpusFiles(t, dir, want)
	if len(names) < 40 {
		t.Errorf("malformed corpus has %d files, want at least 40", len(names))
	}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		_, err = upload(data, corpusMaxBytes, corpusOptions())
		e := ErrorOf(err)
		if e == nil {
			t.Errorf("%s: err = %v, want *Error %s", name, err, want[name])
			continue
		}
		if string(e.Code) != want[name] {
			t.Errorf("%s: code %s, want %s (err %v)", name, e.Code, want[name], err)
		}
		if len(e.Details) == 0 || e.Details[0].Code != e.Code {
			t.Errorf("%s: details %v, want at least one of code %s", name, e.Details, e.Code)
		}
	}
}

func TestNastyCorpus(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "nasty")
	want := readExpected(t, dir)
	for _, name := range corpusFiles(t, dir, want) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := upload(data, corpusMaxBytes, corpusOptions())
		if err != nil {
			t.Errorf("%s: err = %v, want the file accepted", name, err)
			continue
		}
		if n, _ := strconv.Atoi(want[name]); len(recs) != n {
			t.Errorf("%s: %d data rows, want %s", name, len(recs), want[name])
		}
		if err := recordsWellFormed(recs); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestNastyFormulaCellsStayRaw checks that formula-like values decode as
// plain data, exactly as uploaded.
func TestNastyFormulaCellsStayRaw(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "nasty", "formula_cells.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := upload(data, corpusMaxBytes, corpusOptions())
	if err != nil || len(recs) == 0 {
		t.Fatalf("formula_cells.csv: %d records, err %v", len(recs), err)
	}
	if got, want := recs[0].Fields[2], "=cmd|' /C calc'!A0"; got != want {
		t.Errorf("full_name of row 1 = %q, want %q", got, want)
	}
}

// recordsWellFormed checks what every decoded file must satisfy: lines
// strictly increasing, and every field valid UTF-8 without NUL.
func recordsWellFormed(recs []Record) error {
	last := 0
	for _, r := range recs {
		if r.Line <= last {
			return fmt.Errorf("record at line %d follows line %d", r.Line, last)
		}
		last = r.Line
		for _, f := range r.Fields {
			if !utf8.ValidString(f) || strings.IndexByte(f, 0) >= 0 {
				return fmt.Errorf("line %d: field %q is not clean UTF-8", r.Line, f)
			}
		}
	}
	return nil
}

func FuzzDecode(f *testing.F) {
	for _, dir := range []string{"malformed", "nasty"} {
		entries, _ := os.ReadDir(filepath.Join("testdata", dir))
		for _, e := range entries {
			if data, err := os.ReadFile(filepath.Join("testdata", dir, e.Name())); err == nil && len(data) < 4<<10 {
				f.Add(data)
			}
		}
	}
	if wbs, err := filepath.Glob(filepath.Join("testdata", "xlsx", "*")); err == nil {
		for _, name := range wbs {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(hdr(";") + "\r\n" + row(";", `"a;""b""`+"\r\n\"") + "\r\n"))
	f.Add(utf16(hdr("\t")+"\n"+row("\t", "Ñ")+"\n", true))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := upload(data, 1<<20, DecodeOptions{MaxRows: 1000, MaxRecordBytes: 4 << 10})
		if err != nil {
			e := ErrorOf(err)
			if e == nil || !fileCodes[e.Code] {
				t.Fatalf("err = %v (%T), want *Error with a file-level code", err, err)
			}
			if e.Kind != KindInvalid && e.Kind != KindTooLarge {
				t.Fatalf("err kind %q, want invalid or too_large", e.Kind)
			}
		}
		if err := recordsWellFormed(recs); err != nil {
			t.Fatal(err)
		}
	})
}

// generated returns a batch file of n data rows like a real upload.
func generated(n int) []byte {
	var b bytes.Buffer
	b.WriteString(hdr(";") + "\r\n")
	for i := range n {
		fmt.Fprintf(&b, "230%08d;3171011708850001;\"Budi Santoso, S.E.\";1985-08-17;2026-10-01;PHK;014;%010d;Budi Santoso;0812-3456-7890;budi%d@example.com;09.254.294.3-407.000\r\n", i, i, i)
	}
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	const rows = 100_000
	data := generated(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := NewDecoder(bytes.NewReader(data), EncUTF8, DecodeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := d.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("decoded %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkInspect(b *testing.B) {
	data := generated(100_000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Inspect(bytes.NewReader(data), io.Discard, 0); err != nil {
			b.Fatal(err)
		}
	}
}
