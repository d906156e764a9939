package postgres

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jhtbatch/credential"
)

// Receipt is the signed proof that a batch was accepted: what was received,
// from whom and when, signed with the service's Ed25519 key. Anyone with the
// public key can check that SignedPayload was signed and that it names the
// file they sent (its SHA-256).
type Receipt struct {
	ReceiptPayload
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"` // base64 Ed25519 public key
	Signature string `json:"signature"`  // base64 Ed25519 signature of SignedPayload
	// SignedPayload is the exact text that was signed: the JSON of the
	// ReceiptPayload.
	SignedPayload string `json:"signed_payload"`
}

// ReceiptPayload is what a receipt attests.
type ReceiptPayload struct {
	BatchID     string    `json:"batch_id"`
	CompanyNPP  string    `json:"company_npp"`
	CompanyName string    `json:"company_name"`
	Filename    string    `json:"filename"`
	FileSHA256  string    `json:"file_sha256"`
	Rows        int       `json:"rows"`
	Mode        string    `json:"mode"`
	AcceptedAt  time.Time `json:"accepted_at"`
}

// Receipt returns the signed receipt of the company's batch. A file refused
// at upload is no batch (Batch does not find it), so it has no receipt.
func (s *Store) Receipt(ctx context.Context, companyID int64, id string) (Receipt, error) {
	b, err := s.Batch(ctx, companyID, id)
	if err != nil {
		return Receipt{}, err
	}
	var npp, name string
	if err := s.pool.QueryRow(ctx, `SELECT npp, name FROM companies WHERE id = $1`, companyID).Scan(&npp, &name); err != nil {
		return Receipt{}, translate(err, "receipt company")
	}
	keyID, priv, err := s.signingKey(ctx)
	if err != nil {
		return Receipt{}, err
	}
	r := Receipt{ReceiptPayload: ReceiptPayload{BatchID: b.ID, CompanyNPP: npp, CompanyName: name,
		Filename: b.Filename, FileSHA256: hex.EncodeToString(b.SHA256[:]), Rows: b.TotalRows, Mode: string(b.Mode),
		AcceptedAt: b.CreatedAt.UTC().Truncate(time.Microsecond)}}
	payload, err := json.Marshal(r.ReceiptPayload)
	if err != nil {
		return Receipt{}, fmt.Errorf("encode receipt: %w", err)
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
