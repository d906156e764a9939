package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

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
}

// judged is one row with its verdict.
type judged struct {
	row     batch.Row
	verdict batch.Verdict
	number  string // claim number once created
}

// RunChunk judges the rows of chunk c against the registry and records their
// outcomes and claims, all in one transaction: either every row of the chunk
// gets its outcome and the chunk is marked done, or nothing changes. A chunk
// already done, or of a batch no longer processing, is skipped, so a task
// that runs twice does the work once. Rows are judged at the batch's
// processing date (set by PlanBatch).
func (s *Store) RunChunk(ctx context.Context, c Chunk) (ChunkResult, error) {
	var res ChunkResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		res = ChunkResult{}
		st, err := lockChunk(ctx, tx, c)
		if err != nil || st.done || st.status != batch.StatusProcessing {
			res.Skipped = true
			return err
		}
		rows, err := judgeRows(ctx, tx, c, st)
		if err != nil {
			return err
		}
		if st.mode == batch.ModeCreate {
			if err := insertClaims(ctx, tx, c.BatchID, st.companyID, rows, st.today); err != nil {
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
		return ChunkResult{Skipped: true}, nil
	}
	if err != nil {
		return ChunkResult{}, fmt.Errorf("run chunk %d of batch %s: %w", c.No, c.BatchID, err)
	}
	return res, nil
}

// lockChunk locks the chunk's row, so that two runs of the same chunk
// (a redelivered task) take turns and the second sees it done.
func lockChunk(ctx context.Context, tx pgx.Tx, c Chunk) (chunkState, error) {
	var st chunkState
	var layout []string
	err := tx.QueryRow(ctx, `
		SELECT ch.done_at IS NOT NULL, b.status, b.mode, b.layout, b.company_id, co.npp,
			coalesce(b.processing_date, current_date)
		FROM batch_chunks ch JOIN batches b ON b.id = ch.batch_id JOIN companies co ON co.id = b.company_id
		WHERE ch.batch_id = $1 AND ch.chunk_no = $2
		FOR UPDATE OF ch`, c.BatchID, c.No).Scan(&st.done, &st.status, &st.mode, &layout, &st.companyID, &st.npp, &st.today)
	if errors.Is(err, pgx.ErrNoRows) {
		return chunkState{done: true}, nil // a chunk that does not exist has nothing to do
	}
	for _, col := range layout {
		st.layout = append(st.layout, batch.Column(col))
	}
	return st, err
}

// judgeRows loads the chunk's rows, looks their KPJs up in the registry and
// among active claims (one query each), and judges every row.
func judgeRows(ctx context.Context, tx pgx.Tx, c Chunk, st chunkState) ([]judged, error) {
	// The earlier row of a duplicate is named by its line, as the user sees it.
	dbRows, err := tx.Query(ctx, `SELECT r.row_no, r.line_no, r.fields, coalesce(r.duplicate_of, 0), coalesce(d.line_no, 0)
		FROM batch_rows r LEFT JOIN batch_rows d ON d.batch_id = r.batch_id AND d.row_no = r.duplicate_of
		WHERE r.batch_id = $1 AND r.row_no BETWEEN $2 AND $3 ORDER BY r.row_no`, c.BatchID, c.FirstRow, c.LastRow)
	if err != nil {
		return nil, fmt.Errorf("load rows: %w", err)
	}
	var rows []batch.Row
	var dups [][2]int
	var kpjs []string
	for dbRows.Next() {
		var no, line, dup, dupLine int
		var fields []string
		if err := dbRows.Scan(&no, &line, &fields, &dup, &dupLine); err != nil {
			dbRows.Close()
			return nil, fmt.Errorf("load rows: %w", err)
		}
		r := st.layout.RowOf(no, line, fields)
		rows, dups, kpjs = append(rows, r), append(dups, [2]int{dup, dupLine}), append(kpjs, r.KPJ)
	}
	if err := dbRows.Err(); err != nil {
		return nil, fmt.Errorf("load rows: %w", err)
	}
	participants, active, err := lookup(ctx, tx, c.BatchID, kpjs)
	if err != nil {
		return nil, err
	}
	ctxJ := batch.Context{Today: st.today, CompanyNPP: st.npp, Mode: st.mode}
	out := make([]judged, len(rows))
	for i, r := range rows {
		l := batch.Lookup{DuplicateOf: dups[i][0], DuplicateLine: dups[i][1], ActiveClaim: active[r.KPJ]}
		if p, ok := participants[r.KPJ]; ok {
			l.Participant = &p
		}
		out[i] = judged{row: r, verdict: batch.Judge(r, ctxJ, l)}
	}
	return out, nil
}

// lookup fetches the registry entries of kpjs and which of them already
// have an active claim from another batch. Claims of this batch are left
// out: a later row with the same KPJ is DUPLICATE_IN_FILE, whatever the order
// in which the chunks ran.
func lookup(ctx context.Context, tx pgx.Tx, batchID string, kpjs []string) (map[string]batch.Participant, map[string]bool, error) {
	rows, err := tx.Query(ctx, `SELECT kpj, nik, full_name, birth_date, npp, jht_balance, membership_start
		FROM participants WHERE kpj = ANY($1)`, kpjs)
	if err != nil {
		return nil, nil, fmt.Errorf("look up participants: %w", err)
	}
	ps := map[string]batch.Participant{}
	for rows.Next() {
		var p batch.Participant
		if err := rows.Scan(&p.KPJ, &p.NIK, &p.FullName, &p.BirthDate, &p.NPP, &p.Balance, &p.MembershipStart); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("look up participants: %w", err)
		}
		ps[p.KPJ] = p
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("look up participants: %w", err)
	}
	rows, err = tx.Query(ctx, `SELECT DISTINCT kpj FROM claims
		WHERE kpj = ANY($1) AND status IN ('WAITING', 'READY') AND batch_id <> $2`, kpjs, batchID)
	if err != nil {
		return nil, nil, fmt.Errorf("look up active claims: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, fmt.Errorf("look up active claims: %w", err)
	}
	active := make(map[string]bool, len(list))
	for _, k := range list {
		active[k] = true
	}
	return ps, active, nil
}

// insertClaims creates the claims of the chunk's accepted rows in one
// statement. ON CONFLICT DO NOTHING lets the partial unique index on active
// claims decide races between batches: a row whose claim was not inserted
// lost to a claim committed meanwhile and becomes CLAIM_ALREADY_ACTIVE.
func insertClaims(ctx context.Context, tx pgx.Tx, batchID string, companyID int64, rows []judged, today time.Time) error {
	var a claimArrays
	for i := range rows {
		if c := rows[i].verdict.Claim; c != nil && rows[i].verdict.Outcome == batch.OutcomeCreated {
			a.add(rows[i].row.No, c)
		}
	}
	if len(a.rowNo) == 0 {
		return nil
	}
	res, err := tx.Query(ctx, `
		INSERT INTO claims (claim_number, batch_id, row_no, company_id, kpj, nik, full_name, reason,
			termination_date, eligible_on, status, bank_code, bank_account, account_name, phone, email, npwp,
			gross_amount, tax_amount, net_amount, rules_version)
		SELECT 'JHT-' || $3::text || '-' || lpad(u.n::text, greatest(8, length(u.n::text)), '0'),
			$1, u.row_no, $2, u.kpj, u.nik, u.full_name, u.reason, u.termination, u.eligible, u.status,
			u.bank_code, u.bank_account, u.account_name, u.phone, u.email, u.npwp, u.gross, u.tax, u.net, $4
		FROM (SELECT nextval('claim_number_seq') AS n, *
			FROM unnest($5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::date[], $11::date[],
				$12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
				$19::bigint[], $20::bigint[], $21::bigint[])
			AS t(row_no, kpj, nik, full_name, reason, termination, eligible, status, bank_code, bank_account,
				account_name, phone, email, npwp, gross, tax, net)) u
		ON CONFLICT DO NOTHING
		RETURNING row_no, claim_number`,
		append([]any{batchID, companyID, strconv.Itoa(today.Year()), batch.RulesVersion}, a.args()...)...)
	if err != nil {
		return fmt.Errorf("insert claims: %w", err)
	}
	numbers := map[int]string{}
	for res.Next() {
		var no int
		var number string
		if err := res.Scan(&no, &number); err != nil {
			res.Close()
			return fmt.Errorf("insert claims: %w", err)
		}
		numbers[no] = number
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("insert claims: %w", err)
	}
	for i := range rows {
		if rows[i].verdict.Outcome != batch.OutcomeCreated {
			continue
		}
		if n, ok := numbers[rows[i].row.No]; ok {
			rows[i].number = n
		} else {
			rows[i].verdict.Reject(batch.Issue{Code: batch.CodeClaimAlreadyActive, Column: batch.ColKPJ})
		}
	}
	return nil
}

// claimArrays holds claims column by column, for unnest.
type claimArrays struct {
	rowNo                                                          []int
	kpj, nik, name, reason                                         []string
	termination, eligible                                          []time.Time
	status, bankCode, bankAccount, accountName, phone, email, npwp []string
	gross, tax, net                                                []int64
}

func (a *claimArrays) add(no int, c *batch.Claim) {
	a.rowNo = append(a.rowNo, no)
	a.kpj, a.nik, a.name = append(a.kpj, c.KPJ), append(a.nik, c.NIK), append(a.name, c.FullName)
	a.reason = append(a.reason, string(c.Reason))
	a.termination, a.eligible = append(a.termination, c.TerminationDate), append(a.eligible, c.EligibleOn)
	a.status = append(a.status, string(c.Status))
	a.bankCode, a.bankAccount = append(a.bankCode, c.BankCode), append(a.bankAccount, c.BankAccount)
	a.accountName, a.phone = append(a.accountName, c.AccountName), append(a.phone, c.Phone)
	a.email, a.npwp = append(a.email, c.Email), append(a.npwp, c.NPWP)
	a.gross, a.tax, a.net = append(a.gross, c.Gross), append(a.tax, c.Tax), append(a.net, c.Net)
}

func (a *claimArrays) args() []any {
	return []any{a.rowNo, a.kpj, a.nik, a.name, a.reason, a.termination, a.eligible, a.status, a.bankCode,
		a.bankAccount, a.accountName, a.phone, a.email, a.npwp, a.gross, a.tax, a.net}
}

// saveOutcomes writes every row's outcome, issues and amounts in one statement.
func saveOutcomes(ctx context.Context, tx pgx.Tx, batchID string, rows []judged) error {
	n := len(rows)
	nos, outcomes, issues, numbers := make([]int, n), make([]string, n), make([]string, n), make([]*string, n)
	warn := make([]bool, n)
	eligible := make([]*time.Time, n)
	gross, tax, net := make([]*int64, n), make([]*int64, n), make([]*int64, n)
	for i, j := range rows {
		v := j.verdict
		nos[i], outcomes[i] = j.row.No, string(v.Outcome)
		b, err := json.Marshal(nonNil(v.Issues))
		if err != nil {
			return fmt.Errorf("encode issues of row %d: %w", j.row.No, err)
		}
		issues[i] = string(b)
		_, w := v.Issues.Codes()
		warn[i] = len(w) > 0
		if j.number != "" {
			numbers[i] = &rows[i].number
		}
		if c := v.Claim; c != nil {
			eligible[i], gross[i], tax[i], net[i] = &c.EligibleOn, &c.Gross, &c.Tax, &c.Net
		}
	}
	_, err := tx.Exec(ctx, `
		UPDATE batch_rows r SET outcome = u.outcome, issues = u.issues::jsonb, has_warnings = u.warn,
			claim_number = u.claim_number, eligible_on = u.eligible, gross_amount = u.gross,
			tax_amount = u.tax, net_amount = u.net
		FROM unnest($2::int[], $3::text[], $4::text[], $5::bool[], $6::text[], $7::date[], $8::bigint[],
			$9::bigint[], $10::bigint[]) AS u(row_no, outcome, issues, warn, claim_number, eligible, gross, tax, net)
		WHERE r.batch_id = $1 AND r.row_no = u.row_no`,
		batchID, nos, outcomes, issues, warn, numbers, eligible, gross, tax, net)
	if err != nil {
		return fmt.Errorf("save outcomes: %w", err)
	}
	return nil
}

func nonNil(is batch.Issues) batch.Issues {
	if is == nil {
		return batch.Issues{}
	}
	return is
}

// closeChunk marks the chunk done and adds its outcomes to the batch's
// counters, in the chunk's transaction, so the counters always equal what
// the rows say. A batch cancelled meanwhile rolls the chunk back.
func closeChunk(ctx context.Context, tx pgx.Tx, c Chunk, rows []judged) (ChunkResult, error) {
	res := ChunkResult{Rows: len(rows)}
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
	if _, err := tx.Exec(ctx, `UPDATE batch_chunks SET done_at = now() WHERE batch_id = $1 AND chunk_no = $2`,
		c.BatchID, c.No); err != nil {
		return res, fmt.Errorf("mark chunk done: %w", err)
	}
	err := tx.QueryRow(ctx, `
		UPDATE batches SET processed_rows = processed_rows + $2, created = created + $3, valid = valid + $4,
			rejected = rejected + $5, warnings = warnings + $6
		WHERE id = $1 AND status = 'processing'
		RETURNING processed_rows >= total_rows`,
		c.BatchID, res.Rows, res.Created, valid, res.Rejected, warnings).Scan(&res.BatchDone)
	if errors.Is(err, pgx.ErrNoRows) {
		return res, errBatchStopped
	}
	return res, err
}
