package batch

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// utf16 encodes s as UTF-16 in the given byte order, with its BOM.
func utf16(s string, bigEndian bool) []byte {
	var b []byte
	put := func(u uint16) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	put(0xFEFF)
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			put(uint16(0xD800 + r>>10))
			put(uint16(0xDC00 + r&0x3FF))
			continue
		}
		put(uint16(r))
	}
	return b
}

// codeOf returns the contract code of err, or "" when err is nil, or
// "not *Error" when err is some other error.
func codeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e := ErrorOf(err); e != nil {
		return e.Code
	}
	return "not *Error"
}

func TestInspectEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want Encoding
		code Code
	}{
		{"ascii", []byte("kpj,nik\n1,2\n"), EncUTF8, ""},
		{"utf8 multibyte", []byte("nama\nWirawan Ñ 😀\n"), EncUTF8, ""},
		{"utf8 bom", []byte("\xEF\xBB\xBFkpj\n1\n"), EncUTF8BOM, ""},
		{"utf16le bom", utf16("kpj\n1\n", false), EncUTF16LE, ""},
		{"utf16be bom", utf16("kpj\n1\n", true), EncUTF16BE, ""},
		{"windows-1252 N tilde", []byte("nama\nWirawan \xD1\n"), EncWindows1252, ""},
		{"rune cut at end", []byte("nama\nWirawan \xC3"), EncWindows1252, ""},
		{"overlong encoding", []byte("a\xC0\xAF"), EncWindows1252, ""},
		{"surrogate in utf-8", []byte("a\xED\xA0\x80"), EncWindows1252, ""},
		{"empty", nil, EncUTF8, CodeFileEmpty},
		{"one byte", []byte("k"), EncUTF8, ""},
		{"only utf8 bom", []byte("\xEF\xBB\xBF"), EncUTF8BOM, CodeFileEmpty},
		{"only utf16 bom", []byte("\xFF\xFE"), EncUTF16LE, CodeFileEmpty},
		{"whitespace", []byte(" \r\n\t\n  "), EncUTF8, CodeFileEmpty},
		{"bom and whitespace", []byte("\xEF\xBB\xBF \r\n"), EncUTF8BOM, CodeFileEmpty},
		{"utf16 whitespace", utf16(" \r\n", false), EncUTF16LE, CodeFileEmpty},
		{"nul in utf-8", []byte("kpj\n1\x002\n"), EncUTF8, CodeFileEncoding},
		{"nul in windows-1252", []byte("kpj\n\xD1\x00\n"), EncWindows1252, CodeFileEncoding},
		{"utf16 without bom", []byte("k\x00p\x00j\x00"), EncUTF8, CodeFileEncoding},
		{"utf16 odd length", append(utf16("kpj", false), 'x'), EncUTF16LE, CodeFileEncoding},
		{"invalid after utf8 bom", []byte("\xEF\xBB\xBFkpj\n\xD1\n"), EncWindows1252, ""},
		{"nul after utf8 bom", []byte("\xEF\xBB\xBFkpj\n\xD1\x00\n"), EncWindows1252, CodeFileEncoding},
		{"nul in utf16 is a character", utf16("kpj\x00", false), EncUTF16LE, ""},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			var r io.Reader = bytes.NewReader(tt.in)
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			var spool bytes.Buffer
			fi, err := Inspect(r, &spool, 1<<20)
			if got := codeOf(err); got != tt.code {
				t.Errorf("%s (one byte reads %v): code = %q, want %q (err %v)", tt.name, oneByte, got, tt.code, err)
			}
			if fi.Encoding != tt.want {
				t.Errorf("%s (one byte reads %v): encoding = %q, want %q", tt.name, oneByte, fi.Encoding, tt.want)
			}
			if !bytes.Equal(spool.Bytes(), tt.in) {
				t.Errorf("%s: spooled %q, want the input %q", tt.name, spool.Bytes(), tt.in)
			}
			if fi.Size != int64(len(tt.in)) || fi.SHA256 != sha256.Sum256(tt.in) {
				t.Errorf("%s: size %d hash %x, want %d %x", tt.name, fi.Size, fi.SHA256, len(tt.in), sha256.Sum256(tt.in))
			}
		}
	}
}

// TestInspectUTF8AcrossReads feeds valid UTF-8 runes of every length split
// at every possible read boundary.
func TestInspectUTF8AcrossReads(t *testing.T) {
	t.Parallel()
	text := []byte(strings.Repeat("aé€😀", 50) + "\n")
	for size := 1; size <= 7; size++ {
		fi, err := Inspect(&chunkReader{b: text, n: size}, io.Discard, 0)
		if err != nil || fi.Encoding != EncUTF8 {
			t.Errorf("reads of %d bytes: encoding %q, err %v; want %q, nil", size, fi.Encoding, err, EncUTF8)
		}
		bad := append(append([]byte{}, text[:len(text)-2]...), 0xF0, 0x9F, 'x')
		fi, err = Inspect(&chunkReader{b: bad, n: size}, io.Discard, 0)
		if err != nil || fi.Encoding != EncWindows1252 {
			t.Errorf("broken rune, reads of %d bytes: encoding %q, err %v; want %q, nil", size, fi.Encoding, err, EncWindows1252)
		}
	}
}

// chunkReader returns at most n bytes a read.
type chunkReader struct {
	b []byte
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	k := min(c.n, len(p), len(c.b))
	copy(p, c.b[:k])
	c.b = c.b[k:]
	return k, nil
}

// endlessReader serves an endless file and counts what was asked of it.
type endlessReader struct{ read int64 }

func (e *endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	e.read += int64(len(p))
	return len(p), nil
}

func TestInspectTooLargeStopsEarly(t *testing.T) {
	t.Parallel()
	for _, max := range []int64{1, 100, inspectBufSize, 3*inspectBufSize + 7} {
		src := &endlessReader{}
		_, err := Inspect(src, io.Discard, max)
		e := ErrorOf(err)
		if e == nil || e.Code != CodeFileTooLarge || e.Kind != KindTooLarge {
			t.Fatalf("max %d: err = %v, want FILE_TOO_LARGE of kind too_large", max, err)
		}
		if src.read > max+1 {
			t.Errorf("max %d: read %d bytes, want at most %d", max, src.read, max+1)
		}
	}
	// Exactly at the limit is fine.
	in := []byte("kpj\n1\n")
	if _, err := Inspect(bytes.NewReader(in), io.Discard, int64(len(in))); err != nil {
		t.Errorf("file of exactly maxBytes: err = %v, want nil", err)
	}
}

func TestInspectEncodingErrorLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []byte
		want Detail
	}{
		{"nul on line 3", []byte("kpj\n1\n2\x00\n"), Detail{Code: CodeFileEncoding, Line: 3, Value: "NUL byte"}},
		{"nul after a utf-8 bom on line 2", []byte("\xEF\xBB\xBFkpj\nab\xFF\x00\n"), Detail{Code: CodeFileEncoding, Line: 2, Value: "NUL byte"}},
	}
	for _, tt := range tests {
		_, err := Inspect(iotest.HalfReader(bytes.NewReader(tt.in)), io.Discard, 0)
		e := ErrorOf(err)
		if e == nil {
			t.Fatalf("%s: err = %v, want *Error", tt.name, err)
		}
		if diff := cmp.Diff([]Detail{tt.want}, e.Details, ignoreFault); diff != "" {
			t.Errorf("%s: details (-want +got):\n%s", tt.name, diff)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestInspectWriteError(t *testing.T) {
	t.Parallel()
	_, err := Inspect(strings.NewReader("kpj\n1\n"), failingWriter{}, 0)
	if err == nil || ErrorOf(err) != nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v, want a plain error wrapping the write failure", err)
	}
}
