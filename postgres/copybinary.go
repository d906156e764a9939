package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// binaryCopy builds, in memory, the input of a COPY … FROM STDIN (FORMAT
// binary): a header, tuples of length-prefixed values, a trailer. A chunk's
// claims and outcomes are written this way rather than through pgx's
// CopyFrom, which encodes every value through an interface and a plan lookup
// (pgtype.Map.Encode: 0.46 s of Go CPU per 100,000 rows' claims and
// outcomes in a profile of the chunk path). The caller writes each tuple's
// values in the order of its column list, with the column's exact type.
type binaryCopy struct{ b []byte }

// pgEpoch is day 0 of PostgreSQL's date.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

// binaryCopies are the inputs of earlier COPYs, given back by copyFrom:
// a new buffer per COPY was 14% of the bytes the chunk path allocated.
var binaryCopies = sync.Pool{New: func() any { return new(binaryCopy) }}

// newBinaryCopy is an input with its header written and room for size
// bytes, reused from an earlier COPY when one was given back.
func newBinaryCopy(size int) *binaryCopy {
	c := binaryCopies.Get().(*binaryCopy)
	c.b = appendCopyHeader(slices.Grow(c.b[:0], size))
	return c
}

// copyFrom runs the COPY sql with c's tuples as its input, and gives c back
// for reuse when the COPY succeeded. Only then: pgconn's CopyFrom returns
// on some errors without waiting for its goroutine that reads the input.
func copyFrom(ctx context.Context, conn *pgconn.PgConn, c *binaryCopy, sql string) error {
	_, err := conn.CopyFrom(ctx, bytes.NewReader(c.bytes()), sql)
	if err == nil {
		binaryCopies.Put(c)
	}
	return err
}

// appendCopyHeader appends the header of a binary COPY input: its
// signature, flags (no OIDs) and no header extension.
func appendCopyHeader(b []byte) []byte {
	b = append(b, "PGCOPY\n\xff\r\n\x00"...)
	b = binary.BigEndian.AppendUint32(b, 0)
	return binary.BigEndian.AppendUint32(b, 0)
}

// tuple starts a tuple of n values.
func (c *binaryCopy) tuple(n int) { c.b = binary.BigEndian.AppendUint16(c.b, uint16(n)) }

func (c *binaryCopy) null() { c.b = binary.BigEndian.AppendUint32(c.b, 0xffffffff) }

// text writes a text value (appendText).
func (c *binaryCopy) text(s string) { c.b = appendText(c.b, s) }

// textOrNull writes s, or NULL when s is "".
func (c *binaryCopy) textOrNull(s string) {
	if s == "" {
		c.null()
		return
	}
	c.text(s)
}

// jsonb writes a jsonb value: its format version (1), then the JSON text.
func (c *binaryCopy) jsonb(js []byte) {
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(len(js)+1))
	c.b = append(c.b, 1)
	c.b = append(c.b, js...)
}

func (c *binaryCopy) int4(v int) {
	c.b = binary.BigEndian.AppendUint32(c.b, 4)
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(int32(v)))
}

func (c *binaryCopy) int8(v int64) {
	c.b = binary.BigEndian.AppendUint32(c.b, 8)
	c.b = binary.BigEndian.AppendUint64(c.b, uint64(v))
}

func (c *binaryCopy) boolean(v bool) {
	c.b = binary.BigEndian.AppendUint32(c.b, 1)
	if v {
		c.b = append(c.b, 1)
	} else {
		c.b = append(c.b, 0)
	}
}

func (c *binaryCopy) uuid(id [16]byte) {
	c.b = binary.BigEndian.AppendUint32(c.b, 16)
	c.b = append(c.b, id[:]...)
}

// date writes t's calendar day (as pgx does: the year, month and day of t
// in its own location), as days since 2000-01-01.
func (c *binaryCopy) date(t time.Time) {
	days := (time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() - pgEpoch) / 86400
	c.b = binary.BigEndian.AppendUint32(c.b, 4)
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(int32(days)))
}

// bytes ends the input with its trailer and returns it.
func (c *binaryCopy) bytes() []byte {
	return binary.BigEndian.AppendUint16(c.b, 0xffff)
}
