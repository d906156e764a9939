package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"jhtbatch/batch"
	"jhtbatch/testenv"
)

// TestKeysCompareAsBytes: the KPJ, NIK and claim-number keys have the "C"
// collation (migration 00018), and the chunk's two lookups of a raw row's
// KPJ, in the registry and in the active claims of other batches (as
// judgeRows makes them for a check), still find their rows through one
// probe of their index each. A comparison of two columns is
// made in the collation of the one that is not the default, and an index
// of another collation cannot answer it: a key column left out of the
// migration turns a probe into a read of the whole index for every row.
func TestKeysCompareAsBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRegistered(t, 3)
	b, _, err := upload(t, r.s, r.company.ID, r.file, batch.ModeCreate, "")
	if err != nil {
		t.Fatal(err)
	}
	process(t, r.s, b.ID, 2)
	// A check of the same rows: their KPJs have the first batch's claims.
	check, _, err := upload(t, r.s, r.company.ID, r.file, batch.ModeValidate, "")
	if err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(keyCollations(`"C"`), collationsOf(t, r.db)); diff != "" {
		t.Errorf("collations of the key columns (-want +got):\n%s", diff)
	}

	lookups := []struct {
		name  string
		query string
		plan  []string // what EXPLAIN must show
		want  []bool   // by row
	}{
		{"registry", `SELECT p.kpj IS NOT NULL FROM batch_rows r
			LEFT JOIN LATERAL (SELECT * FROM participants p WHERE p.kpj = r.kpj_key OFFSET 0) p ON true
			WHERE r.batch_id = $1 ORDER BY r.row_no`,
			[]string{"participants_pkey", "Index Cond: (kpj = r.kpj_key)"}, []bool{true, true, true}},
		{"active claim", `SELECT EXISTS (SELECT FROM claims a WHERE a.kpj = r.kpj_key
				AND a.status IN ('WAITING', 'READY') AND a.batch_id <> r.batch_id)
			FROM batch_rows r WHERE r.batch_id = $1 ORDER BY r.row_no`,
			[]string{"claims_one_active_per_kpj", "Index Cond: (kpj = r.kpj_key)"}, []bool{true, true, true}},
	}
	for _, l := range lookups {
		err := pgx.BeginFunc(ctx, r.db, func(tx pgx.Tx) error {
			// As the pipeline's readers (postgres/planner.go): the
			// statistics of a batch just loaded know nothing of it.
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			res, err := tx.Query(ctx, "EXPLAIN (COSTS OFF) "+l.query, check.ID)
			if err != nil {
				return err
			}
			lines, err := pgx.CollectRows(res, pgx.RowTo[string])
			if err != nil {
				return err
			}
			plan := strings.Join(lines, "\n")
			for _, s := range l.plan {
				if !strings.Contains(plan, s) {
					t.Errorf("%s: plan without %q, one probe of the index per row:\n%s", l.name, s, plan)
				}
			}
			res, err = tx.Query(ctx, l.query, check.ID)
			if err != nil {
				return err
			}
			found, err := pgx.CollectRows(res, pgx.RowTo[bool])
			if err != nil {
				return err
			}
			if diff := cmp.Diff(l.want, found); diff != "" {
				t.Errorf("%s: found by row (-want +got):\n%s", l.name, diff)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
	}
}

// TestKeysCollationDownAndUp takes a database below 00018 and up again:
// the key columns go back to the default collation and return to "C".
func TestKeysCollationDownAndUp(t *testing.T) {
	t.Parallel()
	pool, dsn := testenv.DB(t)
	migrateDownAndUp(t, dsn, 17, func() {
		if diff := cmp.Diff(keyCollations(`"default"`), collationsOf(t, pool)); diff != "" {
			t.Errorf("collations of the key columns below 00018 (-want +got):\n%s", diff)
		}
	})
	if diff := cmp.Diff(keyCollations(`"C"`), collationsOf(t, pool)); diff != "" {
		t.Errorf("collations of the key columns after 00018 again (-want +got):\n%s", diff)
	}
}

// keyCollations is collation for each key column of migration 00018.
func keyCollations(collation string) map[string]string {
	m := map[string]string{}
	for _, c := range []string{"participants.kpj", "claims.kpj", "claims.claim_number",
		"batch_rows.kpj_key", "batch_rows.nik_key", "batch_outcomes.claim_number"} {
		m[c] = collation
	}
	return m
}

// collationsOf returns the collation of each column of keyCollations, by
// "table.column".
func collationsOf(t *testing.T, db *pgxpool.Pool) map[string]string {
	t.Helper()
	res, err := db.Query(context.Background(), `SELECT c.relname || '.' || a.attname, a.attcollation::regcollation::text
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT a.attisdropped
			AND (c.relname, a.attname) IN (('participants', 'kpj'), ('claims', 'kpj'), ('claims', 'claim_number'),
				('batch_rows', 'kpj_key'), ('batch_rows', 'nik_key'), ('batch_outcomes', 'claim_number'))`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(res, func(row pgx.CollectableRow) ([2]string, error) {
		var c [2]string
		return c, row.Scan(&c[0], &c[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, c := range got {
		m[c[0]] = c[1]
	}
	return m
}
