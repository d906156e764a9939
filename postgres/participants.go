package postgres

import (
	"context"
	"io"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// ImportResult counts what an import did; Rejected names each refused line.
type ImportResult struct {
	Inserted int
	Updated  int
	Rejected []batch.Detail
}

// copyBatchSize bounds the rows held in memory during an import.
const copyBatchSize = 5000

// ImportParticipants upserts the registry from a CSV with the columns
// kpj,nik,full_name,birth_date,npp,jht_balance,membership_start. The file is
// streamed into a staging table with COPY and merged in one statement; a
// line that breaks a rule is left out and reported with its line number. A
// KPJ repeated in the file takes its last line. All or nothing: an error
// other than a bad line changes nothing.
func (s *Store) ImportParticipants(ctx context.Context, r io.Reader) (ImportResult, error) {
	var res ImportResult
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE participants_staging (LIKE participants INCLUDING DEFAULTS,
			line int NOT NULL) ON COMMIT DROP`); err != nil {
			return err
		}
		if err := stageParticipants(ctx, tx, r, &res); err != nil {
			return err
		}
		return mergeParticipants(ctx, tx, &res)
	})
	if err != nil {
		return ImportResult{}, translate(err, "import participants")
	}
	return res, nil
}

// stageParticipants copies the lines batch.ReadRegistry accepts into the
// staging table, copyBatchSize at a time, and notes the refused ones.
func stageParticipants(ctx context.Context, tx pgx.Tx, r io.Reader, res *ImportResult) error {
	var rows [][]any
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"participants_staging"},
			[]string{"kpj", "nik", "full_name", "birth_date", "npp", "jht_balance", "membership_start", "line"},
			pgx.CopyFromRows(rows))
		rows = rows[:0]
		return err
	}
	err := batch.ReadRegistry(r, func(l batch.RegistryLine) error {
		if l.Refused != nil {
			res.Rejected = append(res.Rejected, *l.Refused)
			return nil
		}
		p := l.Participant
		rows = append(rows, []any{p.KPJ, p.NIK, p.FullName, p.BirthDate, p.NPP, p.Balance, p.MembershipStart, l.Line})
		if len(rows) == copyBatchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

func mergeParticipants(ctx context.Context, tx pgx.Tx, res *ImportResult) error {
	rows, err := tx.Query(ctx, `
		INSERT INTO participants (kpj, nik, full_name, birth_date, npp, jht_balance, membership_start, updated_at)
		SELECT DISTINCT ON (kpj) kpj, nik, full_name, birth_date, npp, jht_balance, membership_start, now()
		FROM participants_staging ORDER BY kpj, line DESC
		ON CONFLICT (kpj) DO UPDATE SET nik = excluded.nik, full_name = excluded.full_name,
			birth_date = excluded.birth_date, npp = excluded.npp, jht_balance = excluded.jht_balance,
			membership_start = excluded.membership_start, updated_at = now()
		RETURNING xmax = 0`)
	if err != nil {
		return translate(err, "merge participants")
	}
	inserted, err := pgx.CollectRows(rows, pgx.RowTo[bool])
	if err != nil {
		return translate(err, "merge participants")
	}
	for _, ins := range inserted {
		if ins {
			res.Inserted++
		} else {
			res.Updated++
		}
	}
	return nil
}
