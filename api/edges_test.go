package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestIdempotencyKeyRace sends the same upload with the same
// Idempotency-Key from many clients at once, many times: every answer is a
// 202 with one and the same batch, one batch is stored, and nothing is
// refused (no 409 DUPLICATE_FILE, no audit row of a refused upload). The
// same key with other bytes, in parallel too, is 422 IDEMPOTENCY_KEY_REUSED.
func TestIdempotencyKeyRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const rounds, parallel = 12, 10
	for round := range rounds {
		key := http.Header{"Idempotency-Key": {fmt.Sprintf("race-%d", round)}}
		// Each round its own file, else later rounds are DUPLICATE_FILEs of
		// the first; odd rounds also race a different file on the same key.
		file := sampleFile + strings.Replace(row1, "23012345678", fmt.Sprintf("2301%07d", round), 1)
		other := header + strings.Replace(row2, "23012345679", fmt.Sprintf("2302%07d", round), 1)
		res := make([]response, parallel)
		var wg sync.WaitGroup
		for i := range parallel {
			wg.Go(func() {
				body := file
				if round%2 == 1 && i == parallel-1 {
					body = other
				}
				res[i] = e.upload(e.keyA, "", "a.csv", body, key)
			})
		}
		wg.Wait()
		ids := map[string]int{}
		var reused int
		for i, r := range res {
			if r.status == http.StatusUnprocessableEntity {
				wantError(t, r, http.StatusUnprocessableEntity, "IDEMPOTENCY_KEY_REUSED")
				reused++
				continue
			}
			if r.status != http.StatusAccepted {
				t.Fatalf("round %d request %d: status %d, want 202; body %s", round, i, r.status, r.body)
			}
			ids[decode[batchJSON](t, r).ID]++
		}
		if len(ids) != 1 {
			t.Fatalf("round %d: %d different batches answered, want 1: %v", round, len(ids), ids)
		}
		// With another file in the race, either it won (the others are
		// all 422) or it lost (it alone is 422).
		if round%2 == 0 && reused != 0 || round%2 == 1 && reused != 1 && reused != parallel-1 {
			t.Errorf("round %d: %d answers IDEMPOTENCY_KEY_REUSED", round, reused)
		}
	}
	var batches, refused int
	err := e.store.Pool().QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE status <> 'rejected'),
		count(*) FILTER (WHERE status = 'rejected') FROM batches WHERE company_id = $1`, e.compA.ID).Scan(&batches, &refused)
	if err != nil {
		t.Fatal(err)
	}
	if batches != rounds || refused != 0 {
		t.Errorf("stored %d batches and %d refused uploads, want %d and 0", batches, refused, rounds)
	}
}
