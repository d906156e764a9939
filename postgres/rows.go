package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// reportLineSelect reads what a report shows of a row; scanReportLine
// scans it. The claim status is the claim's current one.
const reportLineSelect = `SELECT r.row_no, r.line_no, r.fields, coalesce(r.outcome, ''), coalesce(r.issues, '[]'::jsonb),
		coalesce(r.claim_number, ''), coalesce(c.status, ''), r.eligible_on,
		r.gross_amount, r.tax_amount, r.net_amount
	FROM batch_rows r LEFT JOIN claims c ON c.claim_number = r.claim_number`

func scanReportLine(rows pgx.Rows) (batch.ReportLine, error) {
	var l batch.ReportLine
	var outcome, status string
	var eligible *time.Time
	var gross, tax, net *int64
	if err := rows.Scan(&l.Row, &l.Line, &l.Fields, &outcome, &l.Issues, &l.ClaimNumber, &status,
		&eligible, &gross, &tax, &net); err != nil {
		return l, fmt.Errorf("read report row: %w", err)
	}
	l.Outcome, l.ClaimStatus = batch.Outcome(outcome), batch.ClaimStatus(status)
	if eligible != nil {
		l.EligibleOn = *eligible
	}
	if gross != nil && tax != nil && net != nil {
		l.Gross, l.Tax, l.Net, l.HasAmounts = *gross, *tax, *net, true
	}
	return l, nil
}

// RowPage returns at most limit rows of b after data row number after (0
// for the first page), in input order, only rejected ones when
// onlyRejected, and whether more follow. Pages are keyset-paginated on the
// row number, so each page is one index range scan and never more than a
// page is held in memory.
func (s *Store) RowPage(ctx context.Context, b Batch, onlyRejected bool, after, limit int) ([]batch.ReportLine, bool, error) {
	if b.PurgedAt != nil {
		return nil, false, batch.Conflict("REPORT_PURGED", b.PurgedAt.Format(time.DateOnly))
	}
	rows, err := s.pool.Query(ctx, reportLineSelect+`
		WHERE r.batch_id = $1 AND r.row_no > $2 AND (NOT $3 OR r.outcome = 'REJECTED')
		ORDER BY r.row_no LIMIT $4`, b.ID, after, onlyRejected, limit+1)
	if err != nil {
		return nil, false, translate(err, "read batch rows")
	}
	defer rows.Close()
	page := make([]batch.ReportLine, 0, limit+1)
	for rows.Next() {
		l, err := scanReportLine(rows)
		if err != nil {
			return nil, false, err
		}
		page = append(page, l)
	}
	if err := rows.Err(); err != nil {
		return nil, false, translate(err, "read batch rows")
	}
	if len(page) > limit {
		return page[:limit], true, nil
	}
	return page, false, nil
}
