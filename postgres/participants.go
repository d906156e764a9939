package postgres

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/gocarina/gocsv"
	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// ImportResult counts what an import did; Rejected names each refused line.
type ImportResult struct {
	Inserted int
	Updated  int
	Rejected []batch.Detail
}

// participantLine is one line of a registry file, as text.
type participantLine struct {
	KPJ             string `csv:"kpj"`
	NIK             string `csv:"nik"`
	FullName        string `csv:"full_name"`
	BirthDate       string `csv:"birth_date"`
	NPP             string `csv:"npp"`
	Balance         string `csv:"jht_balance"`
	MembershipStart string `csv:"membership_start"`
	Line            int    `csv:"__line"` // added by lineDecoder
}

// participantColumns are the columns a registry file must have.
var participantColumns = []string{"kpj", "nik", "full_name", "birth_date", "npp", "jht_balance", "membership_start"}

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

func stageParticipants(ctx context.Context, tx pgx.Tx, r io.Reader, res *ImportResult) error {
	dec := &lineDecoder{r: csv.NewReader(r)}
	dec.r.FieldsPerRecord = -1
	lines := make(chan participantLine)
	decoded := make(chan error, 1)
	go func() { decoded <- gocsv.UnmarshalDecoderToChan(dec, lines) }()
	var rows [][]any
	var copyErr error
	flush := func() {
		if copyErr == nil && len(rows) > 0 {
			_, copyErr = tx.CopyFrom(ctx, pgx.Identifier{"participants_staging"},
				[]string{"kpj", "nik", "full_name", "birth_date", "npp", "jht_balance", "membership_start", "line"},
				pgx.CopyFromRows(rows))
		}
		rows = rows[:0]
	}
	for p := range lines { // drained to the end even after an error, so the decoder's goroutine ends
		values, d := p.values()
		if d != nil {
			res.Rejected = append(res.Rejected, *d)
			continue
		}
		if rows = append(rows, values); len(rows) == copyBatchSize {
			flush()
		}
	}
	flush()
	if err := <-decoded; err != nil {
		if e := batch.ErrorOf(err); e != nil {
			return e
		}
		return &batch.Error{Kind: batch.KindInvalid, Code: batch.CodeCSVSyntax,
			Details: []batch.Detail{{Code: batch.CodeCSVSyntax, Line: dec.line, Value: err.Error()}}, Err: err}
	}
	return copyErr
}

// values checks a line and returns what to stage, or why it is refused.
func (p participantLine) values() ([]any, *batch.Detail) {
	line := p.Line
	bad := func(code batch.Code, col string) *batch.Detail {
		return &batch.Detail{Code: code, Line: line, Column: col}
	}
	kpj, nik := strings.TrimSpace(p.KPJ), strings.TrimSpace(p.NIK)
	name, npp := strings.TrimSpace(p.FullName), strings.ToUpper(strings.TrimSpace(p.NPP))
	birth, okBirth := batch.ParseDate(strings.TrimSpace(p.BirthDate))
	start, okStart := batch.ParseDate(strings.TrimSpace(p.MembershipStart))
	balance, errBalance := strconv.ParseInt(strings.TrimSpace(p.Balance), 10, 64)
	switch {
	case !allDigits(kpj, 11):
		return nil, bad(batch.CodeKPJFormat, "kpj")
	case !allDigits(nik, 16):
		return nil, bad(batch.CodeNIKFormat, "nik")
	case name == "":
		return nil, bad(batch.CodeRequired, "full_name")
	case !okBirth:
		return nil, bad(batch.CodeDateFormat, "birth_date")
	case !validNPP(npp):
		return nil, bad("NPP_FORMAT", "npp")
	case errBalance != nil || balance < 0:
		return nil, bad("BALANCE_FORMAT", "jht_balance")
	case !okStart:
		return nil, bad(batch.CodeDateFormat, "membership_start")
	}
	return []any{kpj, nik, name, birth, npp, balance, start, line}, nil
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
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

// lineDecoder is gocsv's decoder over encoding/csv. It checks the header
// and adds each record's line number as a last column, "__line", so that a
// refused line can be named (gocsv decodes in another goroutine, so the
// line must travel with the record).
type lineDecoder struct {
	r      *csv.Reader
	line   int
	header bool
}

func (d *lineDecoder) GetCSVRow() ([]string, error) {
	rec, err := d.r.Read()
	if pe, ok := err.(*csv.ParseError); ok {
		d.line = pe.Line
	}
	if err != nil {
		return nil, err
	}
	d.line, _ = d.r.FieldPos(0)
	if !d.header {
		d.header = true
		for i, h := range rec {
			rec[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		}
		if err := checkParticipantHeader(rec, d.line); err != nil {
			return nil, err
		}
		return append(rec, "__line"), nil
	}
	return append(rec, strconv.Itoa(d.line)), nil
}

func checkParticipantHeader(rec []string, line int) error {
	have := map[string]bool{}
	for _, h := range rec {
		have[h] = true
	}
	var missing []batch.Detail
	for _, c := range participantColumns {
		if !have[c] {
			missing = append(missing, batch.Detail{Code: batch.CodeHeaderMissingColumn, Line: line, Column: c})
		}
	}
	if len(missing) > 0 {
		return batch.FileError(batch.KindInvalid, batch.CodeHeaderMissingColumn, missing...)
	}
	return nil
}

func (d *lineDecoder) GetCSVRows() ([][]string, error) {
	var all [][]string
	for {
		rec, err := d.GetCSVRow()
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return all, err
		}
		all = append(all, rec)
	}
}
