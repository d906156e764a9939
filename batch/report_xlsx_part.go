package batch

import (
	"archive/zip"
	"bufio"
	"errors"
	"hash/crc32"
	"io"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
)

// partWriter deflates a worksheet's XML into a file in a goroutine of its
// own, so that the XML of the next rows is made while the last ones are
// compressed (deflate is the larger half of the work). It counts what the
// part's zip entry needs: the CRC and size of the XML and the size of what
// it made. Two buffers take turns: one is filled while the other is
// deflated.
type partWriter struct {
	buf    []byte      // XML not yet handed over
	work   chan []byte // full buffers, to deflate; nil once closed
	free   chan []byte // deflated buffers, to fill again
	done   chan error  // the goroutine's result, after which the fields below are set
	failed atomic.Bool // the goroutine failed: stop making XML

	size       uint64 // of the XML
	crc        uint32 // of the XML, set by the goroutine
	compressed uint64 // set by the goroutine
}

// partChunk is the size of the buffers handed to the deflating goroutine.
const partChunk = 256 << 10

var errPartFailed = errors.New("deflating the worksheet failed")

func newPartWriter(f io.Writer) (*partWriter, error) {
	file := bufio.NewWriterSize(f, 64<<10)
	counted := &countingWriter{w: file}
	fw, err := flate.NewWriter(counted, xlsxLevel)
	if err != nil {
		return nil, err
	}
	p := &partWriter{buf: make([]byte, 0, partChunk), work: make(chan []byte, 1),
		free: make(chan []byte, 2), done: make(chan error, 1)}
	p.free <- make([]byte, 0, partChunk)
	go p.deflate(p.work, fw, file, counted)
	return p, nil
}

// deflate compresses the buffers handed over until work is closed. (It is
// given work: the field is cleared when closed.)
func (p *partWriter) deflate(work <-chan []byte, fw *flate.Writer, file *bufio.Writer, counted *countingWriter) {
	var err error
	crc := crc32.NewIEEE()
	for b := range work {
		if err == nil {
			crc.Write(b)
			if _, err = fw.Write(b); err != nil {
				p.failed.Store(true)
			}
		}
		p.free <- b[:0]
	}
	if err == nil {
		err = fw.Close()
	}
	if err == nil {
		err = file.Flush()
	}
	p.crc, p.compressed = crc.Sum32(), counted.n
	p.done <- err
}

func (p *partWriter) Write(b []byte) (int, error) {
	if p.failed.Load() {
		return 0, errPartFailed // close returns the cause
	}
	n := len(b)
	p.size += uint64(n)
	for len(b) > 0 {
		k := copy(p.buf[len(p.buf):cap(p.buf)], b)
		p.buf, b = p.buf[:len(p.buf)+k], b[k:]
		if len(p.buf) == cap(p.buf) {
			p.work <- p.buf
			p.buf = <-p.free
		}
	}
	return n, nil
}

// close ends the part and returns its zip header.
func (p *partWriter) close(name string) (*zip.FileHeader, error) {
	if len(p.buf) > 0 {
		p.work <- p.buf
		p.buf = nil
	}
	close(p.work)
	p.work = nil
	if err := <-p.done; err != nil {
		return nil, err
	}
	return &zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: p.crc,
		CompressedSize64: p.compressed, UncompressedSize64: p.size}, nil
}

// abort ends the goroutine of a part that was not closed.
func (p *partWriter) abort() {
	if p.work != nil {
		close(p.work)
		p.work = nil
		<-p.done
	}
}

type countingWriter struct {
	w io.Writer
	n uint64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += uint64(n)
	return n, err
}
