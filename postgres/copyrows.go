package postgres

import (
	"encoding/binary"
	"errors"
	"io"

	"github.com/google/uuid"

	"jhtbatch/batch"
)

// copyRowsSQL stores an upload's rows; newRowStream writes its input.
const copyRowsSQL = `COPY batch_rows (batch_id, row_no, line_no, fields, kpj_key, nik_key, duplicate_of,
	duplicate_line) FROM STDIN (FORMAT binary)`

// recordSource reads the decoder's records for COPY. Only the trimmed KPJ
// and NIK are extracted here (a value a spreadsheet damaged is kept out:
// batch.DuplicateKey), and with them the earlier row each row repeats, if
// any (batch.Repeats); the rules run later, in the workers. The keys are
// read from their columns directly, not through a whole batch.Row.
type recordSource struct {
	dec      *batch.Decoder
	width    int // columns of the layout
	kpjAt    int // index of the KPJ column in a record, -1 when none
	nikAt    int
	repeats  *batch.Repeats
	no, line int32
	fields   []string
	kpj, nik string
	dup      int32 // the earliest row this one repeats; 0 none
	dupLine  int32 // and its line
	err      error // the decoder's error, io.EOF excluded
}

func newRecordSource(dec *batch.Decoder) *recordSource {
	layout := dec.Layout()
	return &recordSource{dec: dec, width: len(layout), repeats: batch.NewRepeats(),
		kpjAt: layout.Index(batch.ColKPJ), nikAt: layout.Index(batch.ColNIK)}
}

// Next reads the next record; false at the end or on an error (in err).
func (r *recordSource) Next() bool {
	rec, err := r.dec.Next()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			r.err = err
		}
		return false
	}
	r.no++
	r.line, r.fields = int32(rec.Line), rec.Fields
	r.kpj, r.nik = "", ""
	if len(rec.Fields) == r.width {
		r.kpj, r.nik = r.key(r.kpjAt), r.key(r.nikAt)
	}
	dup, dupLine := r.repeats.Of(int(r.no), rec.Line, r.kpj, r.nik)
	r.dup, r.dupLine = int32(dup), int32(dupLine)
	return true
}

// key is the duplicate key of the field at i (batch.DuplicateKey trims).
func (r *recordSource) key(i int) string {
	if i < 0 {
		return ""
	}
	return batch.DuplicateKey(r.fields[i])
}

// rowStream is the input of copyRowsSQL: PostgreSQL's binary COPY format,
// written here rather than through pgx's CopyFrom, which encoded the fields
// (then a text[]) element by element through an interface (a boxed string
// and a plan lookup per value: 60% of the Go CPU of an upload in
// BenchmarkUpload's profile). It holds one buffer of rows at a time; pgx
// reads it from its own goroutine while PostgreSQL stores what came before,
// so decoding and storing overlap.
type rowStream struct {
	id   uuid.UUID
	src  *recordSource
	buf  []byte
	off  int
	done bool
}

// rowStreamBuf is how many bytes of rows are encoded ahead of a Read.
const rowStreamBuf = 64 << 10

func newRowStream(id uuid.UUID, src *recordSource) *rowStream {
	return &rowStream{id: id, src: src, buf: appendCopyHeader(make([]byte, 0, rowStreamBuf+4<<10))}
}

// Read gives the next bytes of the stream; the decoder's error, if any,
// ends it (and so the COPY, which PostgreSQL then rolls back).
func (s *rowStream) Read(p []byte) (int, error) {
	for s.off == len(s.buf) {
		if s.done {
			if s.src.err != nil {
				return 0, s.src.err
			}
			return 0, io.EOF
		}
		s.fill()
	}
	n := copy(p, s.buf[s.off:])
	s.off += n
	return n, nil
}

// fill encodes rows into the buffer until it holds rowStreamBuf bytes or
// the records end (then the trailer, unless the decoder failed).
func (s *rowStream) fill() {
	if s.off == len(s.buf) {
		s.buf, s.off = s.buf[:0], 0
	}
	for len(s.buf) < rowStreamBuf {
		if !s.src.Next() {
			s.done = true
			if s.src.err == nil {
				s.buf = binary.BigEndian.AppendUint16(s.buf, 0xffff)
			}
			return
		}
		s.appendRow()
	}
}

// appendRow encodes the current record as one tuple of copyRowsSQL.
func (s *rowStream) appendRow() {
	r, b := s.src, s.buf
	b = binary.BigEndian.AppendUint16(b, 8)
	b = binary.BigEndian.AppendUint32(b, 16)
	b = append(b, s.id[:]...)
	b = binary.BigEndian.AppendUint32(b, 4)
	b = binary.BigEndian.AppendUint32(b, uint32(r.no))
	b = binary.BigEndian.AppendUint32(b, 4)
	b = binary.BigEndian.AppendUint32(b, uint32(r.line))
	b = appendPackedFields(b, r.fields)
	b = appendText(b, r.kpj)
	b = appendText(b, r.nik)
	b = appendInt4OrNull(b, r.dup)
	b = appendInt4OrNull(b, r.dupLine)
	s.buf = b
}

// appendText appends a text value with its length.
func appendText(b []byte, v string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
	return append(b, v...)
}

// appendInt4OrNull appends v as an int4 with its length, or NULL when v is 0.
func appendInt4OrNull(b []byte, v int32) []byte {
	if v == 0 {
		return binary.BigEndian.AppendUint32(b, 0xffffffff)
	}
	b = binary.BigEndian.AppendUint32(b, 4)
	return binary.BigEndian.AppendUint32(b, uint32(v))
}

// appendPackedFields appends vs as one bytea value with its length: for
// each field its length in bytes as a uvarint, then its bytes (the form
// migration 00015 describes, which unpack_fields reads in SQL).
func appendPackedFields(b []byte, vs []string) []byte {
	size := 0
	for _, v := range vs {
		size += uvarintLen(len(v)) + len(v)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(size))
	for _, v := range vs {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return b
}

// uvarintLen is the length of n as a uvarint.
func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}
