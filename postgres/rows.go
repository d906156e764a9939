package postgres

import (
	"context"
	"math"
	"time"

	"jhtbatch/batch"
)

// RowPage returns at most limit rows of b after data row number after (0
// for the first page), in input order, only rejected ones when
// onlyRejected, and whether more follow. Pages are keyset-paginated on the
// row number, so each page is one index range scan and never more than a
// page is held in memory.
func (s *Store) RowPage(ctx context.Context, b batch.Batch, onlyRejected bool, after, limit int) ([]batch.ReportLine, bool, error) {
	if b.PurgedAt != nil {
		return nil, false, batch.Conflict(batch.CodeReportPurged, b.PurgedAt.Format(time.DateOnly))
	}
	page, err := s.reportPage(ctx, b.ID, onlyRejected, after, math.MaxInt32, limit+1, make([]batch.ReportLine, 0, limit+1))
	if err != nil {
		return nil, false, err
	}
	if len(page) > limit {
		return page[:limit], true, nil
	}
	return page, false, nil
}
