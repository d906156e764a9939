package batch

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

// endless is a part that never ends.
type endless struct{ closed chan struct{} }

func (endless) Read(p []byte) (int, error) { return len(p), nil }
func (e endless) Close() error            { close(e.closed); return nil }

// TestAheadReader: the bytes come through whole and in order; Close stops
// the goroutine even while it waits to hand over a buffer, and closes the
// part.
func TestAheadReader(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("0123456789abcdef"), 50_000) // 800 kB: more than all buffers
	got, err := io.ReadAll(newAheadReader(io.NopCloser(bytes.NewReader(data))))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes (%v), want the %d written", len(got), err, len(data))
	}
	part := endless{closed: make(chan struct{})}
	a := newAheadReader(part)
	if _, err := io.ReadFull(a, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // let it fill every buffer and block
	_ = a.Close()
	select {
	case <-part.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the part was not closed after Close")
	}
	for {
		if _, err := a.Read(make([]byte, aheadBufferLen)); err != nil {
			if !errors.Is(err, errReaderClosed) {
				t.Errorf("read after Close: %v, want errReaderClosed", err)
			}
			return
		}
	}
}
