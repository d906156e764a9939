package batch

import (
	"bufio"
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
	r     *bufio.Reader
	tag   []byte // the current tag between < and >, reused
	raw   []byte // text before the tag, unresolved, reused
	local []byte // local name of the current tag (a slice of tag)
	attrs []byte // attributes of the current start tag (a slice of tag)
	end   bool   // an end tag
	empty bool   // a start tag that closes itself (<c/>)
}

// maxTagBytes bounds one tag; real ones are well under a kilobyte.
const maxTagBytes = 64 << 10

var errDoctype = errors.New("XML DOCTYPE not allowed in a workbook part")

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// next moves to the next tag. The text before it is appended to text, when
// text is not nil, with references resolved and line ends normalised; it
// returns the new text (text unchanged when nil). At the end of the input it
// returns io.EOF.
func (s *xmlScanner) next(text *[]byte) error {
	for {
		if err := s.readText(text); err != nil {
			return err
		}
		c, err := s.r.ReadByte()
		if err != nil {
			return unexpectedEOF(err)
		}
		switch c {
		case '?':
			if err := s.skipPast("?>"); err != nil {
				return err
			}
			continue
		case '!':
			if err := s.special(text); err != nil {
				return err
			}
			continue
		}
		if err := s.r.UnreadByte(); err != nil {
			return err
		}
		return s.readTag()
	}
}

// readText reads up to and including the next '<'.
func (s *xmlScanner) readText(text *[]byte) error {
	s.raw = s.raw[:0]
	for {
		chunk, err := s.r.ReadSlice('<')
		if text != nil {
			s.raw = append(s.raw, chunk...)
		}
		switch {
		case err == nil:
			if text == nil {
				return nil
			}
			var terr error
			*text, terr = appendText(*text, s.raw[:len(s.raw)-1])
			return terr
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return err // io.EOF at the end of the part, between tags
		}
	}
}

// readTag reads a tag after its '<', up to its '>' outside quotes.
func (s *xmlScanner) readTag() error {
	s.tag = s.tag[:0]
	var quote byte
	for {
		chunk, err := s.r.ReadSlice('>')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return unexpectedEOF(err)
		}
		for _, c := range chunk {
			switch {
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case c == quote:
				quote = 0
			}
		}
		if s.tag = append(s.tag, chunk...); len(s.tag) > maxTagBytes {
			return errors.New("XML tag too long")
		}
		if err == nil && quote == 0 {
			break
		}
	}
	t := s.tag[:len(s.tag)-1] // without '>'
	s.end = len(t) > 0 && t[0] == '/'
	if s.end {
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

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipXMLSpace(a []byte) []byte {
	for len(a) > 0 && isXMLSpace(a[0]) {
		a = a[1:]
	}
	return a
}

// nextAttr splits the first attribute off a tag's attributes: its name and
// its raw value (references unresolved); ok is false when none is left.
func nextAttr(a []byte) (key, val, rest []byte, ok bool) {
	a = skipXMLSpace(a)
	eq := bytes.IndexByte(a, '=')
	if eq < 0 {
		return nil, nil, nil, false
	}
	key = a[:eq]
	for len(key) > 0 && isXMLSpace(key[len(key)-1]) {
		key = key[:len(key)-1]
	}
	a = skipXMLSpace(a[eq+1:])
	if len(a) == 0 || (a[0] != '"' && a[0] != '\'') {
		return nil, nil, nil, false
	}
	end := bytes.IndexByte(a[1:], a[0])
	if end < 0 {
		return nil, nil, nil, false
	}
	return key, a[1 : 1+end], a[end+2:], true
}

// is reports whether the current tag is a start (or empty) tag named local.
func (s *xmlScanner) is(local string) bool { return !s.end && string(s.local) == local }

// isEnd reports whether the current tag is an end tag named local.
func (s *xmlScanner) isEnd(local string) bool { return s.end && string(s.local) == local }

// nest returns depth after the current tag: one more after a start tag,
// one less after an end tag.
func (s *xmlScanner) nest(depth int) int {
	switch {
	case s.empty:
		return depth
	case s.end:
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

// special handles what follows "<!": a comment, CDATA (text) or a DOCTYPE.
func (s *xmlScanner) special(text *[]byte) error {
	head, err := s.r.Peek(2)
	if err != nil {
		return unexpectedEOF(err)
	}
	if string(head) == "--" {
		return s.skipPast("-->")
	}
	head, err = s.r.Peek(7)
	if err != nil || string(head) != "[CDATA[" {
		return errDoctype
	}
	_, _ = s.r.Discard(7)
	start := 0
	if text != nil {
		start = len(*text)
	}
	var buf []byte
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return unexpectedEOF(err)
		}
		if buf = append(buf, c); len(buf) > maxCDATABytes {
			return errors.New("XML CDATA section too long")
		}
		if c == '>' && bytes.HasSuffix(buf, []byte("]]>")) {
			if text != nil {
				*text = append((*text)[:start], buf[:len(buf)-3]...)
			}
			return nil
		}
	}
}

// maxCDATABytes bounds a CDATA section: a cell holds at most 32,767
// characters.
const maxCDATABytes = 1 << 20

// skipPast discards input up to and including end.
func (s *xmlScanner) skipPast(end string) error {
	last := end[len(end)-1]
	var tail []byte
	for {
		chunk, err := s.r.ReadSlice(last)
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return unexpectedEOF(err)
		}
		tail = append(tail, chunk...)
		if len(tail) > len(end) {
			tail = tail[len(tail)-len(end):]
		}
		if err == nil && bytes.HasSuffix(tail, []byte(end)) {
			return nil
		}
	}
}

func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
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
