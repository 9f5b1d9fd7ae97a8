package notify

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/foliohq/folio/internal/folio"
)

// Keys seal webhook secrets and sign unsubscribe links. Both come from
// one master key (FOLIO_SECRET_KEY, or one kept in the database), each
// use with a key of its own.
type Keys struct {
	seal        cipher.AEAD
	unsubscribe []byte
}

// NewKeys derives the keys from master (at least 32 bytes).
func NewKeys(master []byte) (*Keys, error) {
	if len(master) < 32 {
		return nil, errors.New("notify: the master key needs at least 32 bytes")
	}
	block, err := aes.NewCipher(derive(master, "folio webhook secret seal"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{seal: aead, unsubscribe: derive(master, "folio unsubscribe link")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts a webhook secret for storage; webhookOwner binds it to its
// owner, so a sealed secret copied to another row does not open.
func (k *Keys) Seal(secret string, ownerID int64) []byte {
	nonce := make([]byte, k.seal.NonceSize())
	_, _ = rand.Read(nonce)
	return k.seal.Seal(nonce, nonce, []byte(secret), []byte(strconv.FormatInt(ownerID, 10)))
}

// Open decrypts what Seal made.
func (k *Keys) Open(sealed []byte, ownerID int64) (string, error) {
	n := k.seal.NonceSize()
	if len(sealed) < n {
		return "", errors.New("notify: sealed secret too short")
	}
	plain, err := k.seal.Open(nil, sealed[:n], sealed[n:], []byte(strconv.FormatInt(ownerID, 10)))
	if err != nil {
		return "", fmt.Errorf("notify: the webhook secret does not open (was FOLIO_SECRET_KEY changed?): %w", err)
	}
	return string(plain), nil
}

// UnsubscribeToken names an owner and a kind, signed: it turns that kind
// of email off without a login, and nothing else.
func (k *Keys) UnsubscribeToken(ownerID int64, kind folio.NotificationKind) string {
	msg := strconv.FormatInt(ownerID, 10) + "." + string(kind)
	m := hmac.New(sha256.New, k.unsubscribe)
	m.Write([]byte(msg))
	return msg + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:20])
}

// ParseUnsubscribeToken checks a token and returns what it names.
func (k *Keys) ParseUnsubscribeToken(token string) (int64, folio.NotificationKind, bool) {
	if len(token) > 200 {
		return 0, "", false
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, "", false
	}
	owner, err := strconv.ParseInt(parts[0], 10, 64)
	kind := folio.NotificationKind(parts[1])
	if err != nil || owner <= 0 || !kind.IsOwnerKind() {
		return 0, "", false
	}
	if !hmac.Equal([]byte(k.UnsubscribeToken(owner, kind)), []byte(token)) {
		return 0, "", false
	}
	return owner, kind, true
}

// NewWebhookSecret makes a secret to show the owner once.
func NewWebhookSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}
