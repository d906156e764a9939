package batch

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"unicode/utf8"
)

// Encoding is the character encoding of an uploaded file (CONTRACT.md §1).
type Encoding string

// Encodings an upload may have. A file without a BOM that is not valid UTF-8
// is read as Windows-1252, which is what Excel's "CSV" format writes.
const (
	EncUTF8        Encoding = "utf-8"
	EncUTF8BOM     Encoding = "utf-8-bom"
	EncUTF16LE     Encoding = "utf-16le"
	EncUTF16BE     Encoding = "utf-16be"
	EncWindows1252 Encoding = "windows-1252"
)

// FileInfo is what Inspect learns while copying an upload.
type FileInfo struct {
	Size     int64
	SHA256   [32]byte
	Encoding Encoding
}

// inspectBufSize is the copy buffer of Inspect.
const inspectBufSize = 32 << 10

// Inspect copies r to w (the API spools the upload to a temporary file) while
// hashing it and deciding its encoding: a UTF-8 or UTF-16 (LE or BE) byte
// order mark decides; otherwise valid UTF-8 is EncUTF8 and anything else is
// EncWindows1252. A zip package is EncXLSX, a workbook whose bytes
// NewWorkbookDecoder checks; a legacy .xls (an OLE2 file) is FILE_ENCODING.
//
// Inspect reads at most maxBytes+1 bytes: as soon as more than maxBytes
// arrived it returns *Error{KindTooLarge, FILE_TOO_LARGE} (Detail.Value is
// the limit) without reading the rest. maxBytes <= 0 means no limit. A file that holds nothing but a BOM and
// white space is FILE_EMPTY; a NUL byte outside UTF-16, invalid UTF-8 after a
// UTF-8 BOM or a UTF-16 file of odd length is FILE_ENCODING (with the line).
// The FileInfo returned with an error describes the bytes read so far.
func Inspect(r io.Reader, w io.Writer, maxBytes int64) (FileInfo, error) {
	if maxBytes > 0 {
		r = io.LimitReader(r, maxBytes+1)
	}
	s := newSniffer()
	buf := make([]byte, inspectBufSize)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if maxBytes > 0 && s.size+int64(n) > maxBytes {
				s.size += int64(n)
				return s.info(), FileError(KindTooLarge, CodeFileTooLarge,
					Detail{Code: CodeFileTooLarge, Value: fmt.Sprint(maxBytes)})
			}
			if _, werr := w.Write(buf[:n]); werr != nil {
				return s.info(), fmt.Errorf("spool upload: %w", werr)
			}
			s.write(buf[:n])
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.info(), fmt.Errorf("read upload: %w", err)
		}
	}
	return s.finish()
}

// sniffer watches the bytes of an upload go by: it hashes them, decides the
// encoding from the first bytes and checks the content as it streams, so an
// upload is read exactly once.
type sniffer struct {
	size    int64
	hash    hash.Hash
	head    []byte // the first bytes, until the BOM is decided
	decided bool
	enc     Encoding

	utf8     utf8Stream
	utf16    utf16Stream
	nonSpace bool // a byte (or UTF-16 unit) other than white space was seen
	lines    int  // newlines before the current chunk
	encErr   *Detail
}

func newSniffer() *sniffer {
	return &sniffer{hash: sha256.New()}
}

func (s *sniffer) info() FileInfo {
	fi := FileInfo{Size: s.size, Encoding: s.enc}
	copy(fi.SHA256[:], s.hash.Sum(nil))
	return fi
}

// write feeds one chunk of the upload.
func (s *sniffer) write(p []byte) {
	s.size += int64(len(p))
	s.hash.Write(p)
	if !s.decided {
		s.head = append(s.head, p...)
		if len(s.head) < len(oleMagic) {
			return
		}
		p = s.decide()
	}
	s.scan(p)
}

// decide picks the encoding from the BOM in head and returns the bytes after it.
func (s *sniffer) decide() []byte {
	s.decided = true
	p := s.head
	s.head = nil
	switch {
	case bytes.HasPrefix(p, zipMagic):
		// A workbook: its bytes are no text, NewWorkbookDecoder checks them.
		s.enc, s.nonSpace = EncXLSX, true
		return nil
	case bytes.HasPrefix(p, oleMagic):
		s.enc, s.nonSpace = EncUTF8, true
		s.encErr = &Detail{Code: CodeFileEncoding, Value: legacyWorkbook}
		return nil
	case bytes.HasPrefix(p, []byte{0xEF, 0xBB, 0xBF}):
		s.enc = EncUTF8BOM
		return p[3:]
	case bytes.HasPrefix(p, []byte{0xFF, 0xFE}):
		s.enc = EncUTF16LE
		return p[2:]
	case bytes.HasPrefix(p, []byte{0xFE, 0xFF}):
		s.enc = EncUTF16BE
		return p[2:]
	}
	s.enc = EncUTF8 // until proven otherwise
	return p
}

// The first bytes of a zip package (an .xlsx workbook) and of an OLE2
// compound file (a legacy .xls workbook, or a password-protected .xlsx).
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// scan checks the content bytes p (after the BOM).
func (s *sniffer) scan(p []byte) {
	if s.enc == EncXLSX || (s.encErr != nil && s.encErr.Value == legacyWorkbook) {
		return
	}
	if s.enc == EncUTF16LE || s.enc == EncUTF16BE {
		if s.utf16.write(p, s.enc == EncUTF16BE) {
			s.nonSpace = true
		}
		return
	}
	if !s.nonSpace && !onlySpace(p) {
		s.nonSpace = true
	}
	if s.encErr != nil {
		s.utf8.write(p)
		return
	}
	if i := bytes.IndexByte(p, 0); i >= 0 {
		s.encErr = &Detail{Code: CodeFileEncoding, Line: s.lines + bytes.Count(p[:i], nl) + 1, Value: "NUL byte"}
	}
	if bad := s.utf8.write(p); bad >= 0 && s.enc == EncUTF8BOM && s.encErr == nil {
		s.encErr = &Detail{Code: CodeFileEncoding, Line: s.lines + bytes.Count(p[:bad], nl) + 1, Value: "invalid UTF-8"}
	}
	s.lines += bytes.Count(p, nl)
}

var nl = []byte{'\n'}

// finish decides what the whole upload was.
func (s *sniffer) finish() (FileInfo, error) {
	if !s.decided {
		s.scan(s.decide())
	}
	if s.enc == EncUTF8 && !s.utf8.valid() {
		s.enc = EncWindows1252
	}
	if (s.enc == EncUTF16LE || s.enc == EncUTF16BE) && s.utf16.odd {
		s.encErr = &Detail{Code: CodeFileEncoding, Value: "UTF-16 file of odd length"}
	}
	if s.enc == EncUTF8BOM && s.encErr == nil && !s.utf8.valid() {
		s.encErr = &Detail{Code: CodeFileEncoding, Line: s.lines + 1, Value: "invalid UTF-8"}
	}
	switch {
	case s.encErr != nil:
		return s.info(), FileError(KindInvalid, CodeFileEncoding, *s.encErr)
	case !s.nonSpace:
		return s.info(), FileError(KindInvalid, CodeFileEmpty)
	}
	return s.info(), nil
}

// isSpaceByte reports ASCII white space, the only white space a file made of
// nothing else can hold in any of the accepted encodings.
func isSpaceByte(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\v', '\f':
		return true
	}
	return false
}

func onlySpace(p []byte) bool {
	for _, c := range p {
		if !isSpaceByte(c) {
			return false
		}
	}
	return true
}

// utf8Stream validates UTF-8 that arrives in chunks; a rune may be split
// across two chunks, so an incomplete rune at the end of a chunk is carried.
type utf8Stream struct {
	carry [utf8.UTFMax]byte
	n     int  // bytes in carry
	bad   bool // an invalid sequence was seen
}

// write validates p and returns the offset in p of the first invalid
// sequence it finds, or -1.
func (u *utf8Stream) write(p []byte) int {
	if u.bad {
		return -1
	}
	if u.n > 0 {
		used, ok := u.complete(p)
		if !ok {
			u.bad = true
			return 0
		}
		p = p[used:]
		if u.n > 0 { // still incomplete: p was shorter than the rest of the rune
			return -1
		}
	}
	tail := incompleteTail(p)
	if i := firstInvalid(p[:len(p)-tail]); i >= 0 {
		u.bad = true
		return i
	}
	u.n = copy(u.carry[:], p[len(p)-tail:])
	return -1
}

// complete adds bytes of p to the carried rune; it returns how many bytes of
// p it used and whether the rune is (so far) valid.
func (u *utf8Stream) complete(p []byte) (int, bool) {
	used := 0
	for u.n < utf8.UTFMax && used < len(p) && !utf8.FullRune(u.carry[:u.n]) {
		u.carry[u.n] = p[used]
		u.n++
		used++
	}
	if !utf8.FullRune(u.carry[:u.n]) {
		return used, true
	}
	r, size := utf8.DecodeRune(u.carry[:u.n])
	if r == utf8.RuneError && size <= 1 {
		return used, false
	}
	// A full rune from carry: any bytes of it beyond size came from p and
	// belong to the next rune; give them back.
	used -= u.n - size
	u.n = 0
	return used, true
}

// valid reports whether everything written was valid UTF-8 and no rune was
// left incomplete at the end.
func (u *utf8Stream) valid() bool { return !u.bad && u.n == 0 }

// incompleteTail returns how many bytes at the end of p start a rune that p
// does not complete.
func incompleteTail(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(p[i]) {
			if utf8.FullRune(p[i:]) {
				return 0
			}
			return len(p) - i
		}
	}
	return 0
}

// firstInvalid returns the offset of the first invalid UTF-8 sequence in p, or -1.
func firstInvalid(p []byte) int {
	if utf8.Valid(p) {
		return -1
	}
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// utf16Stream pairs the bytes of a UTF-16 file into code units, across chunks.
type utf16Stream struct {
	pending byte
	odd     bool // a byte is pending: the length so far is odd
}

// write reports whether p (with a byte pending from before) holds a code unit
// other than ASCII white space.
func (u *utf16Stream) write(p []byte, bigEndian bool) bool {
	nonSpace := false
	for _, c := range p {
		if !u.odd {
			u.pending, u.odd = c, true
			continue
		}
		u.odd = false
		hi, lo := c, u.pending
		if bigEndian {
			hi, lo = u.pending, c
		}
		if hi != 0 || !isSpaceByte(lo) {
			nonSpace = true
		}
	}
	return nonSpace
}
