package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"jhtbatch/batch"
	"jhtbatch/credential"
)

// CreateCompany registers a company and gives it its first API key, returned
// in clear this once. An NPP already registered is a conflict.
func (s *Store) CreateCompany(ctx context.Context, npp, name string) (batch.Company, string, error) {
	npp, name = batch.NormalNPP(npp), strings.TrimSpace(name)
	if !batch.ValidNPP(npp) {
		return batch.Company{}, "", batch.Fail(batch.CodeNPPFormat, batch.Detail{Code: batch.CodeNPPFormat, Column: "npp", Value: npp})
	}
	if name == "" {
		return batch.Company{}, "", &batch.Error{Kind: batch.KindInvalid, Code: batch.CodeRequired,
			Details: []batch.Detail{{Code: batch.CodeRequired, Column: "name"}}}
	}
	var key string
	c := batch.Company{NPP: npp, Name: name}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO companies (npp, name) VALUES ($1, $2) RETURNING id`, npp, name).Scan(&c.ID)
		if isUniqueViolation(err, "companies_npp_key") {
			return batch.Conflict(batch.CodeCompanyExists, npp)
		}
		if err != nil {
			return err
		}
		key, err = s.insertKey(ctx, tx, c.ID)
		return err
	})
	if err != nil {
		return batch.Company{}, "", translate(err, "create company")
	}
	return c, key, nil
}

// CompanyByNPP returns the company registered under npp.
func (s *Store) CompanyByNPP(ctx context.Context, npp string) (batch.Company, error) {
	c := batch.Company{}
	err := s.pool.QueryRow(ctx, `SELECT id, npp, name FROM companies WHERE npp = $1`,
		batch.NormalNPP(npp)).Scan(&c.ID, &c.NPP, &c.Name)
	return c, translate(err, "company "+npp)
}

// CreateKey gives the company a new API key, returned in clear this once.
func (s *Store) CreateKey(ctx context.Context, companyID int64) (string, error) {
	key, err := s.insertKey(ctx, s.pool, companyID)
	return key, translate(err, "create API key")
}

type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// insertKey makes a new API key and stores only its SHA-256.
func (s *Store) insertKey(ctx context.Context, db execer, companyID int64) (string, error) {
	key, err := credential.NewAPIKey(s.random)
	if err != nil {
		return "", err
	}
	_, err = db.Exec(ctx, `INSERT INTO api_keys (company_id, key_id, key_hash) VALUES ($1, $2, $3)`,
		companyID, credential.ID(key), credential.Hash(key))
	if err != nil {
		return "", translate(err, "store API key")
	}
	return key, nil
}

// RevokeKey revokes the key whose public id (its first characters, as
// printed when created) is keyID.
func (s *Store) RevokeKey(ctx context.Context, keyID string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL`, credential.ID(keyID))
	if err != nil {
		return translate(err, "revoke API key")
	}
	if tag.RowsAffected() == 0 {
		return batch.NotFound("API key " + credential.ID(keyID))
	}
	return nil
}

// Authenticate returns the company that owns key; an unknown or revoked key
// is unauthorized. The lookup is by hash, and the hashes are compared again
// in constant time so that timing says nothing about near misses.
func (s *Store) Authenticate(ctx context.Context, key string) (batch.Company, error) {
	unauthorized := batch.Fail(batch.CodeUnauthorized)
	if !credential.IsAPIKey(key) {
		return batch.Company{}, unauthorized
	}
	hash := credential.Hash(key)
	var c batch.Company
	var stored []byte
	err := s.pool.QueryRow(ctx, `
		SELECT c.id, c.npp, c.name, k.key_hash
		FROM api_keys k JOIN companies c ON c.id = k.company_id
		WHERE k.key_hash = $1 AND k.revoked_at IS NULL`, hash).Scan(&c.ID, &c.NPP, &c.Name, &stored)
	if err == pgx.ErrNoRows || (err == nil && !credential.Equal(stored, hash)) {
		return batch.Company{}, unauthorized
	}
	if err != nil {
		return batch.Company{}, translate(err, "authenticate")
	}
	return c, nil
}
