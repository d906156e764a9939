package batch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner reads the tags of a worksheet or shared strings part, and the
// text between them where asked: the little of XML those parts use
// (elements, attributes, character and entity references, CDATA, comments,
// processing instructions). encoding/xml allocates for every token, which
// made a workbook thirty times slower to read than the same rows as CSV;
// this allocates nothing per tag. A DOCTYPE is refused: no workbook has
// one, and it is the door to entity expansion.
type xmlScanner struct {
	r     io.Reader
	buf   []byte // buf[pos:end] is read and not yet scanned
	pos   int
	end   int
	err   error  // the reader's error, once buf holds all it gave
	raw   []byte // text before the tag, unresolved, reused
	local []byte // local name of the current tag (in buf)
	attrs []byte // attributes of the current start tag (in buf)
	isEnd bool   // an end tag
	empty bool   // a start tag that closes itself (<c/>)
}

// scanBufSize is the scanner's window; a tag, comment or processing
// instruction must fit in it.
const scanBufSize = 64 << 10

var errDoctype = errors.New("XML DOCTYPE not allowed in a workbook part")

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, scanBufSize)}
}

// fill moves the unscanned bytes to the front of the window and reads more
// after them. It reports false when nothing more can be read (s.err says
// why) or the window is full.
func (s *xmlScanner) fill() bool {
	if s.err != nil {
		return false
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		return false
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.err = io.ErrNoProgress
	return false
}

// failure is the error that ends a scan at an unexpected place: the
// reader's, or io.ErrUnexpectedEOF at the end of the input, or, with the
// window full, too long a construct.
func (s *xmlScanner) failure(what string) error {
	switch {
	case s.err == nil:
		return fmt.Errorf("XML %s longer than %d bytes", what, scanBufSize)
	case errors.Is(s.err, io.EOF):
		return io.ErrUnexpectedEOF
	}
	return s.err
}

// next moves to the next tag. The text before it is appended to *text when
// text is not nil, with references resolved and line ends normalised. At
// the end of the input it returns io.EOF.
func (s *xmlScanner) next(text *[]byte) error {
	for {
		if err := s.readText(text); err != nil {
			return err
		}
		// s.buf[s.pos] follows a '<'.
		if s.pos+9 > s.end {
			s.fill()
		}
		rest := s.buf[s.pos:s.end]
		switch {
		case len(rest) == 0:
			return s.failure("tag")
		case rest[0] == '?':
			if err := s.skipPast("?>", nil); err != nil {
				return err
			}
		case bytes.HasPrefix(rest, []byte("!--")):
			if err := s.skipPast("-->", nil); err != nil {
				return err
			}
		case bytes.HasPrefix(rest, []byte("![CDATA[")):
			s.pos += 8
			if err := s.skipPast("]]>", text); err != nil {
				return err
			}
		case rest[0] == '!':
			return errDoctype
		default:
			return s.readTag()
		}
	}
}

// indexByte is bytes.IndexByte that first looks at a few bytes itself:
// the text between tags is mostly short.
func indexByte(b []byte, c byte) int {
	for i := 0; i < len(b) && i < 16; i++ {
		if b[i] == c {
			return i
		}
	}
	if len(b) <= 16 {
		return -1
	}
	if i := bytes.IndexByte(b[16:], c); i >= 0 {
		return i + 16
	}
	return -1
}

// readText scans up to and including the next '<'.
func (s *xmlScanner) readText(text *[]byte) error {
	if text != nil {
		s.raw = s.raw[:0]
	}
	for {
		window := s.buf[s.pos:s.end]
		i := indexByte(window, '<')
		if i >= 0 {
			s.pos += i + 1
			if text == nil {
				return nil
			}
			if len(s.raw) == 0 {
				var err error
				*text, err = appendText(*text, window[:i])
				return err
			}
			s.raw = append(s.raw, window[:i]...)
			var err error
			*text, err = appendText(*text, s.raw)
			return err
		}
		if text != nil {
			s.raw = append(s.raw, window...)
		}
		s.pos = s.end
		if !s.fill() {
			if s.err != nil {
				return s.err // io.EOF between tags: the end of the part
			}
		}
	}
}

// readTag scans a tag after its '<', up to its '>' outside quotes. Tags
// are short: a plain loop beats a vectorised search here. fill keeps the
// window's start, so what was scanned stays scanned.
func (s *xmlScanner) readTag() error {
	from, quote := 0, byte(0)
	for {
		window := s.buf[s.pos:s.end]
		for i := from; i < len(window); i++ {
			switch c := window[i]; {
			case c == '>' && quote == 0:
				s.pos += i + 1
				return s.parseTag(window[:i])
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case c == quote:
				quote = 0
			}
		}
		from = len(window)
		if !s.fill() {
			return s.failure("tag")
		}
	}
}

// plainElement reads, right after the current start tag, an element
// <name>text</name> followed by closing (such as "</v></c>") when the
// window holds it all and the text needs no resolving: the common cell or
// shared string in one step. It returns the text (valid until the next
// call) and true, or false having read nothing.
func (s *xmlScanner) plainElement(name, closing string) ([]byte, bool) {
	w := s.buf[s.pos:s.end]
	open := len(name) + 2
	if len(w) < open || w[0] != '<' || string(w[1:open-1]) != name || w[open-1] != '>' {
		return nil, false
	}
	i := bytes.IndexByte(w[open:], '<')
	if i < 0 {
		return nil, false
	}
	text, rest := w[open:open+i], w[open+i:]
	if !bytes.HasPrefix(rest, []byte(closing)) || bytes.IndexByte(text, '&') >= 0 || bytes.IndexByte(text, '\r') >= 0 {
		return nil, false
	}
	s.pos += open + i + len(closing)
	return text, true
}

// parseTag splits a tag (between < and >) into its name and attributes.
func (s *xmlScanner) parseTag(t []byte) error {
	s.isEnd = len(t) > 0 && t[0] == '/'
	if s.isEnd {
		t = t[1:]
	}
	s.empty = len(t) > 0 && t[len(t)-1] == '/'
	if s.empty {
		t = t[:len(t)-1]
	}
	n := 0
	for n < len(t) && !isXMLSpace(t[n]) {
		n++
	}
	name := t[:n]
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	if len(name) == 0 {
		return errors.New("XML tag without a name")
	}
	s.local, s.attrs = name, t[n:]
	return nil
}

// skipPast scans up to and including end, appending what it passes to
// *text when text is not nil (CDATA: text as it is).
func (s *xmlScanner) skipPast(end string, text *[]byte) error {
	from := 0
	for {
		window := s.buf[s.pos:s.end]
		if i := bytes.Index(window[from:], []byte(end)); i >= 0 {
			i += from
			if text != nil {
				*text = append(*text, window[:i]...)
			}
			s.pos += i + len(end)
			return nil
		}
		if keep := len(window) - len(end) + 1; keep > 0 {
			if text != nil {
				*text = append(*text, window[:keep]...)
			}
			s.pos += keep
		}
		from = 0
		if !s.fill() {
			return s.failure("section")
		}
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipXMLSpace(a []byte) []byte {
	for len(a) > 0 && isXMLSpace(a[0]) {
		a = a[1:]
	}
	return a
}

// nextAttr splits the first attribute off a tag's attributes: its name and
// its raw value (references unresolved); ok is false when none is left.
// Attributes are short: plain loops beat vectorised searches here.
func nextAttr(a []byte) (key, val, rest []byte, ok bool) {
	i := 0
	for i < len(a) && isXMLSpace(a[i]) {
		i++
	}
	start := i
	for i < len(a) && a[i] != '=' && !isXMLSpace(a[i]) {
		i++
	}
	key = a[start:i]
	for i < len(a) && (isXMLSpace(a[i]) || a[i] == '=') {
		i++
	}
	if i >= len(a) || (a[i] != '"' && a[i] != '\'') || len(key) == 0 {
		return nil, nil, nil, false
	}
	q := a[i]
	i++
	vstart := i
	for i < len(a) && a[i] != q {
		i++
	}
	if i >= len(a) {
		return nil, nil, nil, false
	}
	return key, a[vstart:i], a[i+1:], true
}

// is reports whether the current tag is a start (or empty) tag named local.
func (s *xmlScanner) is(local string) bool { return !s.isEnd && string(s.local) == local }

// nest returns depth after the current tag: one more after a start tag,
// one less after an end tag.
func (s *xmlScanner) nest(depth int) int {
	switch {
	case s.empty:
		return depth
	case s.isEnd:
		return depth - 1
	}
	return depth + 1
}

// attr returns the value of the current tag's unprefixed attribute name.
func (s *xmlScanner) attr(name string) (string, bool) {
	for a := s.attrs; ; {
		key, val, rest, ok := nextAttr(a)
		if !ok {
			return "", false
		}
		if string(key) == name {
			v, err := appendText(nil, val)
			return string(v), err == nil
		}
		a = rest
	}
}

// appendText appends XML character data to dst: references resolved, and
// CR LF and lone CR read as LF, as XML requires.
func appendText(dst, src []byte) ([]byte, error) {
	if bytes.IndexByte(src, '&') < 0 && bytes.IndexByte(src, '\r') < 0 {
		return append(dst, src...), nil
	}
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '\r':
			dst = append(dst, '\n')
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
		case '&':
			end := bytes.IndexByte(src[i:], ';')
			if end < 0 {
				return dst, errors.New("XML reference without ';'")
			}
			r, err := reference(src[i+1 : i+end])
			if err != nil {
				return dst, err
			}
			dst = utf8.AppendRune(dst, r)
			i += end
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

// reference resolves the name of &name; or &#N; or &#xN;.
func reference(name []byte) (rune, error) {
	switch string(name) {
	case "lt":
		return '<', nil
	case "gt":
		return '>', nil
	case "amp":
		return '&', nil
	case "quot":
		return '"', nil
	case "apos":
		return '\'', nil
	}
	if len(name) > 1 && name[0] == '#' {
		base, digits := 10, name[1:]
		if digits[0] == 'x' {
			base, digits = 16, digits[1:]
		}
		n, err := strconv.ParseUint(string(digits), base, 32)
		if err == nil && n <= utf8.MaxRune {
			return rune(n), nil
		}
	}
	return 0, fmt.Errorf("unknown XML reference &%s;", shorten(string(name)))
}
