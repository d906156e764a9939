package postgres

import (
	"context"
	"fmt"

	"jhtbatch/batch"
)

// learnedBatches is how many of a company's latest batches teach mappings.
const learnedBatches = 50

// LearnedMapping returns what the mappings of the company's latest batches
// chose beyond the aliases (batch.LearnedMapping), from their stored
// headers and layouts.
func (s *Store) LearnedMapping(ctx context.Context, companyID int64) (batch.Mapping, error) {
	rows, err := s.pool.Query(ctx, `SELECT header, layout FROM batches
		WHERE company_id = $1 AND status <> 'rejected' AND cardinality(layout) > 0
		ORDER BY created_at DESC, id DESC LIMIT $2`, companyID, learnedBatches)
	if err != nil {
		return nil, translate(err, "read learned mappings")
	}
	defer rows.Close()
	var headers [][]string
	var layouts []batch.Layout
	for rows.Next() {
		var header, layout []string
		if err := rows.Scan(&header, &layout); err != nil {
			return nil, fmt.Errorf("read learned mappings: %w", err)
		}
		l := make(batch.Layout, len(layout))
		for i, c := range layout {
			l[i] = batch.Column(c)
		}
		headers, layouts = append(headers, header), append(layouts, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read learned mappings: %w", err)
	}
	return batch.LearnedMapping(headers, layouts), nil
}
