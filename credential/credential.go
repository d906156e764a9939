// Package credential makes and checks the secrets of jhtbatch: API keys,
// operator and session tokens, webhook secrets, password hashes and the
// signatures of receipts. It is pure (randomness comes in as an io.Reader)
// and knows nothing of storage: the store keeps only what these functions
// return (a SHA-256, a PHC string, a key pair). It is a package of its own
// rather than part of batch because none of it is a rule of JHT claims, and
// it brings golang.org/x/crypto, which the domain does not need.
package credential

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// The prefixes of the kinds of secret. Each differs from the others, so
// that no secret is ever taken for another kind, and a leaked one is easy
// to recognise.
const (
	APIKeyPrefix        = "jht_"
	OperatorTokenPrefix = "jhtop_"
	SessionTokenPrefix  = "jhts_"
	WebhookSecretPrefix = "whsec_"
)

// secretBytes is the randomness of every key, token and webhook secret.
const secretBytes = 32

// MaxLen bounds what is taken for a key or token at all: anything longer
// is refused before it is hashed.
const MaxLen = 200

// idLen is the length of the public id of a key or token.
const idLen = 12

// NewAPIKey returns a new API key of a company: the prefix and 32 random
// bytes in unpadded base64url.
func NewAPIKey(random io.Reader) (string, error) { return newToken(random, APIKeyPrefix, "API key") }

// NewOperatorToken returns a new operator token.
func NewOperatorToken(random io.Reader) (string, error) {
	return newToken(random, OperatorTokenPrefix, "operator token")
}

// NewSessionToken returns a new session token of a signed-in HR user.
func NewSessionToken(random io.Reader) (string, error) {
	return newToken(random, SessionTokenPrefix, "session token")
}

func newToken(random io.Reader, prefix, what string) (string, error) {
	b := make([]byte, secretBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("make %s: %w", what, err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// NewWebhookSecret returns a new secret that signs a company's webhook
// announcements. The secret as printed is the HMAC key: what the receiver
// is given is what it checks with.
func NewWebhookSecret(random io.Reader) (string, error) {
	b := make([]byte, secretBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("make webhook secret: %w", err)
	}
	return WebhookSecretPrefix + hex.EncodeToString(b), nil
}

// ID is the public name of a key or token: its first 12 characters. It is
// what the revoke commands take and what logs may show.
func ID(token string) string {
	if len(token) > idLen {
		return token[:idLen]
	}
	return token
}

// Hash is what the store keeps of a key or token: its SHA-256.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Equal compares two hashes in constant time, so that timing says nothing
// about near misses.
func Equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

// IsAPIKey reports whether s has the form of an API key (whether or not
// it is valid).
func IsAPIKey(s string) bool { return strings.HasPrefix(s, APIKeyPrefix) && len(s) <= MaxLen }

// IsOperatorToken reports whether s has the prefix of an operator token
// (whether or not it is valid).
func IsOperatorToken(s string) bool { return strings.HasPrefix(s, OperatorTokenPrefix) }

// IsSessionToken reports whether s has the form of a session token.
func IsSessionToken(s string) bool {
	return strings.HasPrefix(s, SessionTokenPrefix) && len(s) <= MaxLen
}
