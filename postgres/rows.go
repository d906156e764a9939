package postgres

import (
	"context"
	"time"

	"jhtbatch/batch"
)

// RowPage returns at most limit rows of b after data row number after (0
// for the first page), in input order, only rejected ones when
// onlyRejected, and whether more follow. It reads windows of row numbers
// as the report does (reportWindow: bounded range scans), from after on,
// until it holds one row more than asked or the batch ends; never more
// than the page and one window are held in memory.
func (s *Store) RowPage(ctx context.Context, b batch.Batch, onlyRejected bool, after, limit int) ([]batch.ReportLine, bool, error) {
	if b.PurgedAt != nil {
		return nil, false, batch.Conflict(batch.CodeReportPurged, b.PurgedAt.Format(time.DateOnly))
	}
	num, err := s.claimNumberingOf(ctx, b.ID)
	if err != nil {
		return nil, false, err
	}
	page := make([]batch.ReportLine, 0, limit+1)
	var wr windowReader
	for from := max(after, 0); len(page) <= limit; from += ReportPageRows {
		var held int
		var err error
		page, held, err = s.reportWindow(ctx, b.ID, num, onlyRejected, from, from+ReportPageRows, page, &wr)
		if err != nil {
			return nil, false, err
		}
		// Past total_rows, a full window means total_rows is short: read on.
		if from+ReportPageRows >= b.TotalRows && held < ReportPageRows {
			break
		}
	}
	if len(page) > limit {
		return page[:limit], true, nil
	}
	return page, false, nil
}
