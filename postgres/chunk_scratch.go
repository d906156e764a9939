package postgres

import (
	"slices"
	"sync"
	"time"

	"jhtbatch/batch"
)

// chunkScratch is the memory a chunk reuses from the chunk before: its
// judged rows, their registry entries and claims (one slice each, where a
// Participant and a Claim allocated per row, and the judged slice per
// chunk, were 30% of the bytes the chunk path allocated), and the buffers
// its rows are read into. Everything that points into it (the judged
// rows, their lookups' participants and their verdicts' claims) lives only
// as long as the chunk: release gives it back when RunChunk is done, and
// no outcome, claim, issue, error or log keeps one. The strings (fields,
// participants) are cut out of one string per chunk, never out of these
// buffers, so what is made of them may outlive it.
type chunkScratch struct {
	rows   []judged
	people []batch.Participant // people[i]: row i's registry entry, when found
	claims []batch.Claim       // claims[i]: row i's claim, when it has one
	read   []rowRead
	// text holds, row after row, the row's fields (counts: how many) and
	// then its participant's kpj, nik, full_name and npp.
	text   windowReader
	fields []string // one row's fields at a time (RowOf copies them)
}

// rowRead is what judgeRows reads of a row besides its strings.
type rowRead struct {
	no, line, dup, dupLine int
	active                 bool
	balance                int64
	birth, start           time.Time
}

var chunkScratches = sync.Pool{New: func() any { return new(chunkScratch) }}

// newChunkScratch is a chunk's scratch, empty, reused when one was
// released.
func newChunkScratch() *chunkScratch { return chunkScratches.Get().(*chunkScratch) }

// release empties the scratch and gives it back for the next chunk. It
// clears what held pointers, so that the pool keeps no finished chunk's
// strings or issues alive.
func (sc *chunkScratch) release() {
	clear(sc.rows)
	clear(sc.people)
	clear(sc.claims)
	clear(sc.fields)
	sc.rows, sc.people, sc.claims, sc.read, sc.fields = sc.rows[:0], sc.people[:0], sc.claims[:0], sc.read[:0], sc.fields[:0]
	sc.text.text, sc.text.ends, sc.text.counts = sc.text.text[:0], sc.text.ends[:0], sc.text.counts[:0]
	chunkScratches.Put(sc)
}

// reserve makes room for a chunk of n rows, so that a scratch new from the
// pool (a garbage collection empties it) is not grown row by row. A row's
// strings are about 200 bytes in the files we see; more grows as needed.
func (sc *chunkScratch) reserve(n int) {
	sc.read = slices.Grow(sc.read, n)
	sc.text.counts = slices.Grow(sc.text.counts, n)
	sc.text.ends = slices.Grow(sc.text.ends, n*16)
	sc.text.text = slices.Grow(sc.text.text, n*200)
}

// addText adds one string value (a text column's bytes) after the row's
// fields.
func (sc *chunkScratch) addText(v []byte) {
	sc.text.text = append(sc.text.text, v...)
	sc.text.ends = append(sc.text.ends, int32(len(sc.text.text)))
}

// participantValues is how many strings of a participant addText adds
// per row.
const participantValues = 4

// judge judges the rows read (read, text), in order. people and claims
// are sized before any pointer into them is taken, and never grow after.
func (sc *chunkScratch) judge(layout batch.Layout, set batch.Setting) []judged {
	n := len(sc.read)
	sc.people = slices.Grow(sc.people[:0], n)[:n]
	sc.claims = slices.Grow(sc.claims[:0], n)[:n]
	rows := slices.Grow(sc.rows[:0], n)
	all := string(sc.text.text) // the chunk's one allocation of its strings
	var begin, e int32
	next := func() string {
		end := sc.text.ends[e]
		s := all[begin:end]
		begin, e = end, e+1
		return s
	}
	for i, m := range sc.read {
		fields := sc.fields[:0]
		for range sc.text.counts[i] {
			fields = append(fields, next())
		}
		sc.fields = fields
		r := layout.RowOf(m.no, m.line, fields)
		l := batch.Lookup{DuplicateOf: m.dup, DuplicateLine: m.dupLine, ActiveClaim: m.active}
		kpj, nik, name, npp := next(), next(), next(), next()
		if kpj != "" {
			sc.people[i] = batch.Participant{KPJ: kpj, NIK: nik, FullName: name, BirthDate: m.birth, NPP: npp,
				Balance: m.balance, MembershipStart: m.start}
			l.Participant = &sc.people[i]
		}
		rows = append(rows, judged{row: r, lookup: l, verdict: batch.JudgeInto(r, set, l, &sc.claims[i])})
	}
	sc.rows = rows
	return rows
}
