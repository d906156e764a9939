package postgres

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/batch"
	"jhtbatch/credential"
)

// Receipt returns the signed receipt of the company's batch. A file refused
// at upload is no batch (Batch does not find it), so it has no receipt.
func (s *Store) Receipt(ctx context.Context, companyID int64, id string) (batch.Receipt, error) {
	b, err := s.Batch(ctx, companyID, id)
	if err != nil {
		return batch.Receipt{}, err
	}
	var npp, name string
	if err := s.pool.QueryRow(ctx, `SELECT npp, name FROM companies WHERE id = $1`, companyID).Scan(&npp, &name); err != nil {
		return batch.Receipt{}, translate(err, "receipt company")
	}
	keyID, priv, err := s.signingKey(ctx)
	if err != nil {
		return batch.Receipt{}, err
	}
	r := batch.Receipt{ReceiptPayload: batch.ReceiptPayload{BatchID: b.ID, CompanyNPP: npp, CompanyName: name,
		Filename: b.Filename, FileSHA256: hex.EncodeToString(b.SHA256[:]), Rows: b.TotalRows, Mode: string(b.Mode),
		AcceptedAt: b.CreatedAt.UTC().Truncate(time.Microsecond)}}
	payload, err := json.Marshal(r.ReceiptPayload)
	if err != nil {
		return batch.Receipt{}, fmt.Errorf("encode receipt: %w", err)
	}
	r.SignedPayload = string(payload)
	r.KeyID = keyID
	r.PublicKey, r.Signature = credential.Sign(priv, payload)
	return r, nil
}

// signingKey returns the service's receipt key, making it the first time.
// Several processes may race to make it; the first insert wins and all read
// the same key back.
func (s *Store) signingKey(ctx context.Context) (string, []byte, error) {
	var id string
	var priv []byte
	err := s.pool.QueryRow(ctx, `SELECT id, private_key FROM signing_keys ORDER BY created_at LIMIT 1`).Scan(&id, &priv)
	if errors.Is(err, pgx.ErrNoRows) {
		newID, pub, newPriv, gerr := credential.NewSigningKey(s.random)
		if gerr != nil {
			return "", nil, gerr
		}
		if _, err := s.pool.Exec(ctx, `INSERT INTO signing_keys (id, private_key, public_key) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, newID, newPriv, pub); err != nil {
			return "", nil, translate(err, "store receipt key")
		}
		return s.signingKey(ctx)
	}
	if err != nil {
		return "", nil, translate(err, "read receipt key")
	}
	return id, priv, nil
}
