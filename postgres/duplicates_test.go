package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"jhtbatch/batch"
	"jhtbatch/batch/batchtest"
	"jhtbatch/postgres"
	"jhtbatch/testenv"
)

// TestPlanFindsTheEarliestRepeatedRow checks the duplicate search of
// PlanBatch on chains of KPJs and NIKs: a row repeats the earliest row that
// has its trimmed KPJ or its trimmed NIK; empty keys, and a KPJ a
// spreadsheet turned into a number, are compared with nothing.
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
	got := make([]int, len(rows))
	res, err := pool.Query(ctx, `SELECT row_no, coalesce(duplicate_of, 0) FROM batch_rows WHERE batch_id = $1`, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	for res.Next() {
		var no, dup int
		if err := res.Scan(&no, &dup); err != nil {
			t.Fatal(err)
		}
		got[no-1] = dup
	}
	want := make([]int, len(rows))
	for i, r := range rows {
		want[i] = r.want
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("duplicate_of by row (-want +got):\n%s", diff)
	}
}
