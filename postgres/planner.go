package postgres

// indexPlansSQL turns sequential scans, parallel workers and JIT off for
// the rest of the transaction, or of the implicit transaction of a pgx
// batch, which sends its queries with one Sync.
//
// The reads of a batch's raw rows go through the BRIN index batch_rows_range
// (migration 00017), and a chunk's lookups of its 2,000 KPJs through primary
// keys. With the statistics of a batch just loaded, or of a registry not yet
// analysed after an import, the planner picks sequential scans instead: of
// the whole registry for every chunk (23 ms at 100k participants and growing,
// against 4 ms of index probes at any size), or of every batch's rows for
// every window of a report. A BRIN index's estimates are pessimistic (a
// window of 1,000 rows "145,000"), and the planner then started two
// parallel workers for each window's read: 16 ms instead of 0.3 ms, a
// report of 200,000 rows 3.3 s instead of 0.5 s. PostgreSQL disables a path
// by adding a huge cost to it, and a plan that costly would be JIT-compiled
// (100-200 ms), hence no JIT either.
const indexPlansSQL = `SELECT ` + indexPlans

// indexPlans is the select list of indexPlansSQL (three columns), for a
// statement that sets the options on its way.
const indexPlans = `set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true),
	set_config('max_parallel_workers_per_gather', '0', true)`
