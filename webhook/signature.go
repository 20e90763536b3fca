package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"strings"
)

// SignatureHeader is the header that carries a notification's signature.
const SignatureHeader = "X-Hub-Signature"

// signaturePrefix starts every signature header value.
const signaturePrefix = "sha1="

// Errors returned by Verify. The handler answers all three with 401.
var (
	// ErrMissingSignature means the request had no X-Hub-Signature header.
	ErrMissingSignature = errors.New("webhook: missing X-Hub-Signature header: the request was not signed by Intercom")
	// ErrMalformedSignature means the header is not "sha1=" followed by
	// 40 hexadecimal characters.
	ErrMalformedSignature = errors.New(`webhook: malformed X-Hub-Signature header: want "sha1=" and 40 hex characters`)
	// ErrBadSignature means the signature does not match the body: the body
	// was altered, or it was signed with another secret.
	ErrBadSignature = errors.New("webhook: X-Hub-Signature does not match the body (wrong client secret, or the body was altered)")
	// ErrNoSecret means the secret to verify with is empty.
	ErrNoSecret = errors.New("webhook: empty client secret: pass your app's client secret (Developer Hub, Basic info)")
)

// Sign returns the X-Hub-Signature value Intercom sends with body: "sha1="
// and the hexadecimal HMAC-SHA1 of the exact bytes of body, keyed with the
// app's client secret.
func Sign(secret string, body []byte) string {
	return signaturePrefix + hex.EncodeToString(mac(secret, body))
}

// Verify checks header, the value of a request's X-Hub-Signature header,
// against the HMAC-SHA1 of body keyed with secret. body must be the raw
// request body exactly as received: re-encoded JSON does not verify. The
// comparison takes the same time whatever the bytes of the signature.
func Verify(secret string, body []byte, header string) error {
	if secret == "" {
		return ErrNoSecret
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return ErrMissingSignature
	}
	if len(header) < len(signaturePrefix) || !strings.EqualFold(header[:len(signaturePrefix)], signaturePrefix) {
		return ErrMalformedSignature
	}
	got, err := hex.DecodeString(header[len(signaturePrefix):])
	if err != nil || len(got) != sha1.Size {
		return ErrMalformedSignature
	}
	if !hmac.Equal(got, mac(secret, body)) {
		return ErrBadSignature
	}
	return nil
}

func mac(secret string, body []byte) []byte {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}
