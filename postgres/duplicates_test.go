package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/postgres"
	"jhtbatch/schemas"
	"jhtbatch/testenv"
)

// TestPlanFindsTheEarliestRepeatedRow checks the rows an upload stores as
// repeating an earlier one (batch.Repeats), planned, on chains of KPJs and
// NIKs: a row repeats the earliest row that has its trimmed KPJ or its
// trimmed NIK; empty keys, and a KPJ a spreadsheet turned into a number,
// are compared with nothing.
func TestPlanFindsTheEarliestRepeatedRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := testenv.DB(t)
	s := postgres.NewStore(pool)
	c, _ := newCompany(t, s, "AB123456")
	row := func(kpj, nik string) string {
		return kpj + "," + nik + ",Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n"
	}
	rows := []struct {
		kpj, nik string
		want     int // duplicate_of; 0 none
	}{
		{"11111111111", "3171011205850001", 0},
		{"22222222222", "3171011205850001", 1},   // NIK of row 1
		{" 22222222222 ", "3171011205850002", 2}, // KPJ of row 2, trimmed
		{"11111111111", "3171011205850002", 1},   // KPJ of row 1, NIK of row 3: the earliest
		{"", "3171011205850003", 0},
		{"", "3171011205850004", 0}, // empty KPJs repeat nothing
		{"33333333333", "", 0},
		{"44444444444", "", 0},                 // empty NIKs repeat nothing
		{"1.11111E+10", "3171011205850009", 0}, // damaged KPJ
		{"1.11111E+10", "3171011205850001", 1}, // damaged KPJ, NIK of row 1
		{"55555555555", "3171011205850005", 0},
	}
	var file strings.Builder
	file.WriteString(batchtest.Header)
	for _, r := range rows {
		file.WriteString(row(r.kpj, r.nik))
	}
	b, _, err := uploadWith(t, s, c.ID, file.String(), batch.ModeValidate, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PlanBatch(ctx, b.ID, 4, today); err != nil {
		t.Fatal(err)
	}
	got, _ := repeatsOf(t, pool, b.ID, len(rows))
	want := make([]int, len(rows))
	for i, r := range rows {
		want[i] = r.want
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("duplicate_of by row (-want +got):\n%s", diff)
	}
}

// TestRepeatsMigrationAgreesWithTheUpload stores a file whose KPJs and NIKs
// repeat often (drawn from small sets, some empty, padded or damaged by a
// spreadsheet), then forgets what the upload found and has migration 00016
// search the batch in SQL, as the plan did before: both must find the same
// earlier row for every row. It holds the upload's hashing to the SQL
// search, and the migration to what the upload does.
func TestRepeatsMigrationAgreesWithTheUpload(t *testing.T) {
	ctx := context.Background()
	pool, dsn := testenv.DB(t)
	s := postgres.NewStore(pool)
	c, _ := newCompany(t, s, "AB123456")
	rnd := rand.New(rand.NewPCG(1, 2))
	pick := func(n int, digits string, pad int) string {
		switch k := rnd.IntN(20); {
		case k == 0:
			return ""
		case k == 1:
			return "1.23457E+" + digits // damaged: compared with nothing
		case k == 2:
			return "  " + fmt.Sprintf("%0*d", pad, rnd.IntN(n)) + " "
		default:
			return fmt.Sprintf("%0*d", pad, rnd.IntN(n))
		}
	}
	var file strings.Builder
	file.WriteString(batchtest.Header)
	const rows = 3000
	for range rows {
		file.WriteString(pick(900, "10", 11) + "," + pick(1200, "15", 16) +
			",Budi Santoso,1985-05-12,2026-10-01,PHK,014,1234567890,Budi Santoso,081234567890,,\n")
	}
	b, _, err := uploadWith(t, s, c.ID, file.String(), batch.ModeValidate, "", rows)
	if err != nil {
		t.Fatal(err)
	}
	atUpload, linesAtUpload := repeatsOf(t, pool, b.ID, rows)
	repeated := 0
	for _, d := range atUpload {
		if d > 0 {
			repeated++
		}
	}
	if repeated < rows/2 || repeated == rows {
		t.Fatalf("%d of %d rows repeat an earlier one: the file does not test the search", repeated, rows)
	}

	if _, err := pool.Exec(ctx, `UPDATE batch_rows SET duplicate_of = NULL, duplicate_line = NULL WHERE batch_id = $1`, b.ID); err != nil {
		t.Fatal(err)
	}
	migrateDownAndUp(t, dsn, 15, nil)
	after, linesAfter := repeatsOf(t, pool, b.ID, rows)
	if diff := cmp.Diff(atUpload, after); diff != "" {
		t.Errorf("duplicate_of by row (-upload +migration):\n%s", diff)
	}
	if diff := cmp.Diff(linesAtUpload, linesAfter); diff != "" {
		t.Errorf("duplicate_line by row (-upload +migration):\n%s", diff)
	}
}

// repeatsOf returns, for each of the n rows of batch id, the earlier row it
// repeats and that row's line (0 for none).
func repeatsOf(t *testing.T, pool *pgxpool.Pool, id string, n int) (of, line []int) {
	t.Helper()
	of, line = make([]int, n), make([]int, n)
	res, err := pool.Query(context.Background(), `SELECT row_no, coalesce(duplicate_of, 0), coalesce(duplicate_line, 0)
		FROM batch_rows WHERE batch_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	for res.Next() {
		var no, dup, dupLine int
		if err := res.Scan(&no, &dup, &dupLine); err != nil {
			t.Fatal(err)
		}
		of[no-1], line[no-1] = dup, dupLine
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	return of, line
}

// migrateDownAndUp takes the database dsn down to migration version, calls
// between (when not nil), then takes it up again.
func migrateDownAndUp(t *testing.T, dsn string, version int64, between func()) {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	migrations, _ := fs.Sub(schemas.Migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		t.Fatalf("down to %d: %v", version, err)
	}
	if between != nil {
		between()
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
}
