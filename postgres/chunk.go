package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"jhtbatch/batch"
)

// errBatchStopped rolls a chunk back when its batch was cancelled or failed
// while the chunk ran.
var errBatchStopped = errors.New("batch no longer processing")

// chunkState is what a chunk needs to know of its batch.
type chunkState struct {
	done      bool
	status    batch.Status
	mode      batch.Mode
	layout    batch.Layout
	companyID int64
	npp       string
	today     time.Time // the batch's processing date
	// claimBase numbers the batch's claims: row r's is claimBase + r
	// (reserveClaimNumbers); not valid for a batch that creates none.
	claimBase pgtype.Int8
}

// judged is one row with its verdict.
type judged struct {
	row     batch.Row
	lookup  batch.Lookup // what the row was judged with
	verdict batch.Verdict
	number  string // claim number once created
}

// RunChunk judges the rows of chunk c against the registry and records their
// outcomes and claims, all in one transaction: either every row of the chunk
// gets its outcome and the chunk is marked done, or nothing changes. A chunk
// already done, or of a batch no longer processing, is skipped, so a task
// that runs twice does the work once. Rows are judged at the batch's
// processing date (set by PlanBatch).
func (s *Store) RunChunk(ctx context.Context, c batch.Chunk) (batch.ChunkResult, error) {
	var res batch.ChunkResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		res = batch.ChunkResult{}
		st, err := lockChunk(ctx, tx, c)
		if err != nil || st.done || st.status != batch.StatusProcessing {
			res.Skipped = true
			return err
		}
		set := batch.Setting{Today: st.today, CompanyNPP: st.npp, Mode: st.mode}
		sc := newChunkScratch()
		defer sc.release() // the rows point into it: nothing of them outlives the chunk
		rows, err := judgeRows(ctx, tx, c, st, set, sc)
		if err != nil {
			return err
		}
		if st.mode == batch.ModeCreate {
			if err := judgeActiveClaims(ctx, tx, c.BatchID, rows, set); err != nil {
				return err
			}
			if err := insertClaims(ctx, tx, c.BatchID, st, rows, set); err != nil {
				return err
			}
		}
		if err := saveOutcomes(ctx, tx, c.BatchID, rows); err != nil {
			return err
		}
		res, err = closeChunk(ctx, tx, c, rows)
		return err
	})
	if errors.Is(err, errBatchStopped) {
		return batch.ChunkResult{Skipped: true}, nil
	}
	if err != nil {
		return batch.ChunkResult{}, translate(err, fmt.Sprintf("run chunk %d of batch %s", c.No, c.BatchID))
	}
	return res, nil
}

// lockChunk locks the chunk's row, so that two runs of the same chunk
// (a redelivered task) take turns and the second sees it done.
//
// The same statement sets the planner options of the rest of the chunk's
// transaction (indexPlans: its statements are index lookups and inserts),
// one round trip fewer per chunk. They are set before any other statement
// of the chunk runs; a chunk that does not exist runs none.
func lockChunk(ctx context.Context, tx pgx.Tx, c batch.Chunk) (chunkState, error) {
	var st chunkState
	var layout []string
	err := tx.QueryRow(ctx, `
		SELECT ch.done_at IS NOT NULL, b.status, b.mode, b.layout, b.company_id, co.npp,
			coalesce(b.processing_date, current_date), b.claim_base, `+indexPlans+`
		FROM batch_chunks ch JOIN batches b ON b.id = ch.batch_id JOIN companies co ON co.id = b.company_id
		WHERE ch.batch_id = $1 AND ch.chunk_no = $2
		FOR UPDATE OF ch`, c.BatchID, c.No).Scan(&st.done, &st.status, &st.mode, &layout, &st.companyID, &st.npp, &st.today,
		&st.claimBase, nil, nil, nil)
	if errors.Is(err, pgx.ErrNoRows) {
		return chunkState{done: true}, nil // a chunk that does not exist has nothing to do
	}
	for _, col := range layout {
		st.layout = append(st.layout, batch.Column(col))
	}
	return st, err
}

// judgeRows loads the chunk's rows, each with its registry entry, whether
// its KPJ already has an active claim from another batch, and the line of
// the earlier row it repeats, in one query, and judges every row.
//
// The registry and the claims are joined in PostgreSQL on the row's
// duplicate key (its trimmed KPJ, "" when a spreadsheet damaged it or the
// row is misaligned: such a row is rejected before any lookup, and a
// damaged KPJ is no registry KPJ). Two lookups by "kpj = ANY($1)" cost a
// 2,000-element array built, sent and parsed twice per chunk, and two more
// result sets; 100,000 rows: see the commit that made this one query.
//
// Claims of this batch are left out of the active-claim test: a later row
// with the same KPJ is DUPLICATE_IN_FILE, whatever the order in which the
// chunks ran. The earlier row of a duplicate is named by its line, as the
// user sees it, stored with the row by the upload.
//
// A check (validate mode) looks up every row's active claim. A batch that
// creates claims looks up none here: the unique index of active claims
// refuses the claim of a row that has one (insertClaims), and the rows
// rejected for other reasons are looked up after judging
// (judgeActiveClaims). That probe cost 6 ms of PostgreSQL's CPU a chunk of
// 2,000 rows, 0.3 s per 100,000, for rows that almost never have one.
//
// The rows are read first and judged after, in sc: their strings are cut
// out of one string per chunk, and their participants and claims are kept
// in one slice each (chunkScratch).
func judgeRows(ctx context.Context, tx pgx.Tx, c batch.Chunk, st chunkState, set batch.Setting, sc *chunkScratch) ([]judged, error) {
	// Each lookup is one index probe per row, whatever the planner's
	// statistics say: the active claim is a correlated subquery, the
	// registry a LATERAL join that OFFSET 0 keeps from being flattened.
	// Written as plain joins, with statistics taken before the upload (the
	// batch "has 1 row"), a lookup in the batch's own rows was done by
	// scanning the batch's whole range for every row: on a database holding
	// 1,000,000 earlier claims, 13-18 s per chunk of 2,000 instead of 15 ms.
	res, err := tx.Query(ctx, `
		SELECT r.row_no, r.line_no, r.fields, coalesce(r.duplicate_of, 0), coalesce(r.duplicate_line, 0),
			coalesce(p.kpj, ''), coalesce(p.nik, ''), coalesce(p.full_name, ''), p.birth_date,
			coalesce(p.npp, ''), coalesce(p.jht_balance, 0), p.membership_start,
			CASE WHEN $4 THEN EXISTS (SELECT FROM claims a WHERE a.kpj = r.kpj_key
				AND a.status IN ('WAITING', 'READY') AND a.batch_id <> r.batch_id) ELSE false END
		FROM batch_rows r
		LEFT JOIN LATERAL (SELECT * FROM participants p WHERE p.kpj = r.kpj_key OFFSET 0) p ON true
		WHERE r.batch_id = $1 AND r.row_no BETWEEN $2 AND $3`,
		c.BatchID, c.FirstRow, c.LastRow, st.mode == batch.ModeValidate)
	if err != nil {
		return nil, fmt.Errorf("load rows: %w", err)
	}
	defer res.Close()
	sc.reserve(c.LastRow - c.FirstRow + 1)
	if err := readChunkRows(res, sc); err != nil {
		return nil, fmt.Errorf("load rows: %w", err)
	}
	rows := sc.judge(st.layout, set)
	// The rows come in the order of their pages, which is the order of the
	// upload's COPY, so they are almost always in order already; sorting
	// them here rather than by ORDER BY saves PostgreSQL a sort of 2,000
	// wide rows per chunk (0.6 ms of its 3.5 ms). Claims are numbered in
	// row order (insertClaims). A judged row points into sc, not into the
	// slice, so it may move.
	for i := 1; i < len(rows); i++ {
		if rows[i].row.No < rows[i-1].row.No {
			slices.SortFunc(rows, func(a, b judged) int { return cmp.Compare(a.row.No, b.row.No) })
			break
		}
	}
	return rows, nil
}

// readChunkRows reads judgeRows's rows into sc. The fields (decoded by
// windowReader.addPacked, as the report reads them) are read in place from
// pgx's buffer; only pgx's text form (a pool set to the simple protocol)
// goes through Scan, into a copy. The participant's text columns read the same in both forms and are
// copied from pgx's buffer as they are.
func readChunkRows(res pgx.Rows, sc *chunkScratch) error {
	var (
		m            rowRead
		birth, start pgtype.Date // NULL without a participant
		packed       []byte
		scanFields   any
	)
	raw := binaryColumns(res, 2)
	if !raw {
		scanFields = &packed
	}
	// One slice of destinations for every row: Scan's variadic argument,
	// built per call, went to the heap (an interface method), 200 bytes a row.
	dest := []any{&m.no, &m.line, scanFields, &m.dup, &m.dupLine, nil, nil, nil, &birth,
		nil, &m.balance, &start, &m.active}
	for res.Next() {
		if err := res.Scan(dest...); err != nil {
			return err
		}
		vals := res.RawValues()
		if raw {
			packed = vals[2]
		}
		if err := sc.text.addPacked(packed); err != nil {
			return fmt.Errorf("row %d: %w", m.no, err)
		}
		for _, k := range [participantValues]int{5, 6, 7, 9} { // kpj, nik, full_name, npp
			sc.addText(vals[k])
		}
		m.birth, m.start = birth.Time, start.Time
		sc.read = append(sc.read, m)
	}
	return res.Err()
}

// judgeActiveClaims looks up the active claims of the rows of a batch that
// creates claims which were rejected for other reasons, and judges again
// those that have one, so that their report lists CLAIM_ALREADY_ACTIVE with
// the rest, as a check's does. (The rows judged CREATED find out when their
// claim is inserted: insertClaims.) Only a row whose participant was found
// can have one.
func judgeActiveClaims(ctx context.Context, tx pgx.Tx, batchID string, rows []judged, set batch.Setting) error {
	var at []int // the rows to look up
	var kpjs []string
	for i, r := range rows {
		if r.verdict.Outcome == batch.OutcomeRejected && r.lookup.Participant != nil {
			at, kpjs = append(at, i), append(kpjs, r.lookup.Participant.KPJ)
		}
	}
	if len(at) == 0 {
		return nil
	}
	res, err := tx.Query(ctx, `SELECT DISTINCT kpj FROM claims
		WHERE kpj = ANY($1) AND status IN ('WAITING', 'READY') AND batch_id <> $2`, kpjs, batchID)
	if err != nil {
		return fmt.Errorf("look up active claims: %w", err)
	}
	active, err := pgx.CollectRows(res, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("look up active claims: %w", err)
	}
	has := make(map[string]bool, len(active))
	for _, k := range active {
		has[k] = true
	}
	for _, i := range at {
		if has[rows[i].lookup.Participant.KPJ] {
			rows[i].withActiveClaim(set)
		}
	}
	return nil
}

// withActiveClaim judges the row again, knowing that its KPJ has an active
// claim of another batch.
func (r *judged) withActiveClaim(set batch.Setting) {
	r.lookup.ActiveClaim = true
	r.verdict = batch.Judge(r.row, set, r.lookup)
}

// saveOutcomes appends the rows' outcomes, issues and amounts to
// batch_outcomes with one COPY: the wide raw rows are never rewritten. The
// primary key (batch_id, row_no) refuses a second outcome for a row, and the
// chunk's lock and done_at (same transaction) keep a chunk from trying.
//
// A row that became a claim without any issue has no outcome row: its claim
// (claims (batch_id, row_no), written in the same transaction) says all of
// it, and readers take a claim without an outcome as CREATED (cleanCreated).
// That is most rows of most batches, and their outcome rows cost about as
// much to store as the claims themselves.
func saveOutcomes(ctx context.Context, tx pgx.Tx, batchID string, rows []judged) error {
	id, err := pgUUID(batchID)
	if err != nil {
		return fmt.Errorf("save outcomes: %w", err)
	}
	c := newBinaryCopy(len(rows) * 96)
	n := 0
	for i := range rows {
		j := &rows[i]
		v := j.verdict
		if cleanCreated(j) {
			continue
		}
		n++
		c.tuple(10)
		c.uuid(id.Bytes)
		c.int4(j.row.No)
		c.text(string(v.Outcome))
		if len(v.Issues) == 0 {
			c.jsonb([]byte("[]")) // most rows
		} else {
			js, err := json.Marshal(v.Issues)
			if err != nil {
				return fmt.Errorf("save outcomes: encode issues of row %d: %w", j.row.No, err)
			}
			c.jsonb(js)
		}
		_, w := v.Issues.Codes()
		c.boolean(len(w) > 0)
		c.textOrNull(j.number)
		if cl := v.Claim; cl != nil {
			c.date(cl.EligibleOn)
			c.int8(cl.Gross)
			c.int8(cl.Tax)
			c.int8(cl.Net)
		} else {
			c.null()
			c.null()
			c.null()
			c.null()
		}
	}
	if n == 0 {
		binaryCopies.Put(c)
		return nil
	}
	if err := copyFrom(ctx, tx.Conn().PgConn(), c, copyOutcomesSQL); err != nil {
		return fmt.Errorf("save outcomes: %w", err)
	}
	return nil
}

// cleanCreated reports whether row j became a claim without any issue: its
// claim is its outcome.
func cleanCreated(j *judged) bool {
	return j.verdict.Outcome == batch.OutcomeCreated && j.number != "" && len(j.verdict.Issues) == 0
}

// copyOutcomesSQL appends a chunk's outcomes; saveOutcomes writes its input.
const copyOutcomesSQL = `COPY batch_outcomes (batch_id, row_no, outcome, issues, has_warnings, claim_number,
	eligible_on, gross_amount, tax_amount, net_amount) FROM STDIN (FORMAT binary)`

// pgUUID is a batch id as COPY takes it best. pgx encodes a uuid.UUID
// through its driver.Valuer, as text parsed back: 5 µs and 20 allocations a
// value; a pgtype.UUID is 0.1 µs.
func pgUUID(batchID string) (pgtype.UUID, error) {
	parsed, err := uuid.Parse(batchID)
	if err != nil {
		return pgtype.UUID{}, fmt.Errorf("batch id: %w", err)
	}
	return pgtype.UUID{Bytes: parsed, Valid: true}, nil
}

// closeChunk marks the chunk done and adds its outcomes to the batch's
// counters, in the chunk's transaction, so the counters always equal what
// the rows say. A batch cancelled meanwhile rolls the chunk back.
func closeChunk(ctx context.Context, tx pgx.Tx, c batch.Chunk, rows []judged) (batch.ChunkResult, error) {
	res := batch.ChunkResult{Rows: len(rows)}
	var valid, warnings int
	for _, j := range rows {
		switch j.verdict.Outcome {
		case batch.OutcomeCreated:
			res.Created++
		case batch.OutcomeValid:
			valid++
		case batch.OutcomeRejected:
			res.Rejected++
		}
		if _, w := j.verdict.Issues.Codes(); len(w) > 0 {
			warnings++
		}
	}
	// One statement, one round trip: the chunk's row (locked by lockChunk)
	// is marked done whatever the batch's status; a batch no longer
	// processing returns no row and rolls the whole chunk back.
	err := tx.QueryRow(ctx, `
		WITH done AS (UPDATE batch_chunks SET done_at = now() WHERE batch_id = $1 AND chunk_no = $7)
		UPDATE batches SET processed_rows = processed_rows + $2, created = created + $3, valid = valid + $4,
			rejected = rejected + $5, warnings = warnings + $6
		WHERE id = $1 AND status = 'processing'
		RETURNING processed_rows >= total_rows`,
		c.BatchID, res.Rows, res.Created, valid, res.Rejected, warnings, c.No).Scan(&res.BatchDone)
	if errors.Is(err, pgx.ErrNoRows) {
		return res, errBatchStopped
	}
	if err != nil {
		return res, fmt.Errorf("mark chunk done: %w", err)
	}
	return res, nil
}
