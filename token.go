package intercom

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// TokenSource supplies the access token for each request. Implementations
// must be safe for concurrent use; Token is called once per attempt, so a
// source that rotates tokens is picked up by the next request or retry.
type TokenSource interface {
	// Token returns the current access token. A returned error aborts the
	// request before anything is sent.
	Token(ctx context.Context) (string, error)
}

// TokenSourceFunc adapts an ordinary function to the TokenSource interface.
type TokenSourceFunc func(ctx context.Context) (string, error)

// Token calls f(ctx).
func (f TokenSourceFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

var (
	errEmptyToken   = errors.New("intercom: token source returned an empty token")
	errInvalidToken = errors.New("intercom: token contains whitespace or control characters")
)

// fetchToken asks src for a token and checks that it can be sent in a header.
// Surrounding whitespace, typically a newline left from reading a file, is
// trimmed. Errors never quote the token.
func fetchToken(ctx context.Context, src TokenSource) (string, error) {
	tok, err := src.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("intercom: token source: %w", err)
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", errEmptyToken
	}
	for i := 0; i < len(tok); i++ {
		if b := tok[i]; b <= ' ' || b == 0x7f {
			return "", errInvalidToken
		}
	}
	return tok, nil
}
