package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
)

// maxMappings bounds how many remembered mappings a company keeps listed:
// the newest ones; a company has a handful of spreadsheet layouts.
const maxMappings = 100

// SavedMappings lists the company's remembered mappings, most recently used
// first.
func (s *Store) SavedMappings(ctx context.Context, companyID int64) ([]batch.SavedMapping, error) {
	rows, err := s.pool.Query(ctx, `SELECT headers, mapping, updated_at FROM header_mappings
		WHERE company_id = $1 ORDER BY updated_at DESC, header_key LIMIT $2`, companyID, maxMappings)
	if err != nil {
		return nil, translate(err, "list mappings")
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (batch.SavedMapping, error) {
		var m batch.SavedMapping
		var raw []byte
		if err := r.Scan(&m.Headers, &raw, &m.UpdatedAt); err != nil {
			return m, err
		}
		return m, json.Unmarshal(raw, &m.Mapping)
	})
	if err != nil {
		return nil, translate(err, "list mappings")
	}
	return list, nil
}

// SaveMapping remembers m for the company, replacing the mapping of the
// same header set (batch.HeaderSetKey), and returns it as stored.
func (s *Store) SaveMapping(ctx context.Context, companyID int64, m batch.SavedMapping) (batch.SavedMapping, error) {
	raw, err := json.Marshal(m.Mapping)
	if err != nil {
		return batch.SavedMapping{}, fmt.Errorf("encode mapping: %w", err)
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO header_mappings (company_id, header_key, headers, mapping)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (company_id, header_key) DO UPDATE
			SET headers = EXCLUDED.headers, mapping = EXCLUDED.mapping, updated_at = now()
		RETURNING updated_at`, companyID, batch.HeaderSetKey(m.Headers), m.Headers, raw).Scan(&m.UpdatedAt)
	if err != nil {
		return batch.SavedMapping{}, translate(err, "save mapping")
	}
	return m, nil
}
