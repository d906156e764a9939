package credential

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
)

// NewSigningKey makes the service's receipt key: an Ed25519 key pair and
// its id, the hex of the first 8 bytes of the public key's SHA-256.
func NewSigningKey(random io.Reader) (id string, pub, priv []byte, err error) {
	p, k, err := ed25519.GenerateKey(random)
	if err != nil {
		return "", nil, nil, fmt.Errorf("make receipt key: %w", err)
	}
	sum := sha256.Sum256(p)
	return hex.EncodeToString(sum[:8]), p, k, nil
}

// Sign signs payload with the private key priv and returns the public key
// and the signature, both in standard base64, as a receipt shows them.
func Sign(priv, payload []byte) (publicKey, signature string) {
	k := ed25519.PrivateKey(priv)
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey)),
		base64.StdEncoding.EncodeToString(ed25519.Sign(k, payload))
}
