package batch

import (
	"errors"
	"io"
	"sync"
)

// aheadReader inflates a workbook part ahead of its reader, in a goroutine
// of its own: inflating and scanning then use two cores, and a workbook
// reads in little more than the time its XML takes to scan. It holds at
// most aheadBuffers buffers. The goroutine ends at the end of the part, at
// its first error, or at close.
type aheadReader struct {
	filled chan []byte
	free   chan []byte
	done   chan struct{}
	stop   sync.Once
	cur    []byte // unread rest of the buffer being read
	held   []byte // that buffer, to give back
	err    error  // why filled was closed; written before the close
}

const (
	aheadBuffers   = 4
	aheadBufferLen = 64 << 10
)

var errReaderClosed = errors.New("workbook part closed")

func newAheadReader(rc io.ReadCloser) *aheadReader {
	a := &aheadReader{
		filled: make(chan []byte, aheadBuffers),
		free:   make(chan []byte, aheadBuffers),
		done:   make(chan struct{}),
	}
	for range aheadBuffers {
		a.free <- make([]byte, aheadBufferLen)
	}
	go a.inflate(rc)
	return a
}

// inflate fills buffers from rc until its end, an error or close.
func (a *aheadReader) inflate(rc io.ReadCloser) {
	defer close(a.filled)
	defer rc.Close()
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.done:
			a.err = errReaderClosed
			return
		}
		n, err := io.ReadFull(rc, buf)
		if n > 0 {
			select {
			case a.filled <- buf[:n]:
			case <-a.done:
				a.err = errReaderClosed
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = io.EOF // the last, short buffer
			}
			a.err = err
			return
		}
	}
}

func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.held != nil {
			a.free <- a.held[:cap(a.held)] // never blocks: free holds every buffer
			a.held = nil
		}
		buf, ok := <-a.filled
		if !ok {
			return 0, a.err
		}
		a.cur, a.held = buf, buf
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine; reading after it fails.
func (a *aheadReader) Close() error {
	a.stop.Do(func() { close(a.done) })
	return nil
}
