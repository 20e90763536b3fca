package intercom

import (
	"context"
	"fmt"
)

// Idempotency says, for the requests sent with a context, whether the
// Transport may send a request again after an outcome that leaves unclear
// whether the server acted on it: a 500, 502, 503 or 504 status, or a
// network error after the request may have been sent. By default
// (IdempotencyByMethod) that depends on the method and WithRetryUnsafe, as
// described in the package documentation. A 429 response and a connection
// that failed before anything was sent are retried whatever the setting,
// because the server cannot have acted.
type Idempotency uint8

const (
	// IdempotencyByMethod leaves the decision to the method: GET, HEAD and
	// OPTIONS are repeated, other methods only with WithRetryUnsafe(true).
	IdempotencyByMethod Idempotency = iota
	// Idempotent marks requests that only read, whatever their method,
	// such as the POST of a search: repeating them is harmless.
	Idempotent
	// NotIdempotent marks requests that move state on the server even
	// though they look like reads, such as fetching the next batch of a
	// scroll: repeating one whose answer was lost would skip a batch. It
	// overrides WithRetryUnsafe(true).
	NotIdempotent
)

// String returns the name of the constant.
func (i Idempotency) String() string {
	switch i {
	case IdempotencyByMethod:
		return "IdempotencyByMethod"
	case Idempotent:
		return "Idempotent"
	case NotIdempotent:
		return "NotIdempotent"
	}
	return fmt.Sprintf("Idempotency(%d)", uint8(i))
}

type idempotencyKey struct{}

// WithIdempotency returns a copy of ctx under which requests sent by a
// Transport are treated as i says. The page iterators of the version
// packages use it: search pages are Idempotent, scroll pages NotIdempotent.
func WithIdempotency(ctx context.Context, i Idempotency) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, i)
}

// IdempotencyOf returns the Idempotency set on ctx with WithIdempotency, or
// IdempotencyByMethod.
func IdempotencyOf(ctx context.Context) Idempotency {
	i, _ := ctx.Value(idempotencyKey{}).(Idempotency)
	return i
}

// mayRepeat reports whether a request may be sent again after an outcome
// that leaves unclear whether the server acted on it.
func (t *Transport) mayRepeat(ctx context.Context, method string) bool {
	switch IdempotencyOf(ctx) {
	case Idempotent:
		return true
	case NotIdempotent:
		return false
	}
	return safeMethod(method) || t.retryUnsafe
}
