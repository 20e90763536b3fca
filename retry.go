package intercom

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"time"
)

// safeMethod reports whether a request with this method cannot change
// state, so repeating it after an unclear outcome is harmless.
func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// retryDecision says whether the outcome of attempt number attempt (from 0)
// should be retried, after how long, and why (for logging).
func (t *Transport) retryDecision(ctx context.Context, method string, attempt int, resp *http.Response, err error) (time.Duration, string, bool) {
	maxRetries := t.maxRetries
	if s := callOverrides(ctx); s != nil && s.maxRetries != nil {
		maxRetries = *s.maxRetries
	}
	if attempt >= maxRetries || ctx.Err() != nil {
		return 0, "", false
	}
	var (
		wait   time.Duration
		reason string
	)
	switch {
	case err != nil:
		switch {
		case permanentError(err):
			return 0, "", false
		case notSent(err):
			reason = "connection failed before the request was sent"
		case t.mayRepeat(ctx, method):
			reason = "network error"
		default:
			// A POST that may have reached the server could be applied twice.
			return 0, "", false
		}
		wait = t.backoff(attempt)

	case resp.StatusCode == http.StatusTooManyRequests:
		// Intercom rejects rate-limited requests before acting on them, so
		// retrying is safe for every method.
		reason = "429 Too Many Requests"
		delay, ok := t.serverDelay(resp.Header, true)
		if !ok {
			wait = t.backoff(attempt)
			break
		}
		if delay > t.maxRetryWait {
			return 0, "", false
		}
		wait = min(delay+t.jitter(t.minBackoff), t.maxRetryWait)

	case retryableStatus(resp.StatusCode):
		if !t.mayRepeat(ctx, method) {
			return 0, "", false
		}
		reason = resp.Status
		delay, ok := t.serverDelay(resp.Header, false)
		if !ok {
			wait = t.backoff(attempt)
			break
		}
		if delay > t.maxRetryWait {
			return 0, "", false
		}
		wait = min(delay+t.jitter(t.minBackoff), t.maxRetryWait)

	default:
		return 0, "", false
	}

	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		// The call would time out while waiting; the current outcome says
		// more than a deadline error would.
		return 0, "", false
	}
	return wait, reason, true
}

// retryableStatus lists the server errors that are usually transient.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff returns the wait before retry number attempt (from 0): exponential
// growth from minBackoff, capped at maxBackoff, with full jitter.
func (t *Transport) backoff(attempt int) time.Duration {
	ceiling := t.minBackoff
	for i := 0; i < attempt && ceiling < t.maxBackoff; i++ {
		ceiling *= 2
	}
	return t.jitter(min(ceiling, t.maxBackoff))
}

// serverDelay returns how long the server asked the client to wait: from
// Retry-After (delta seconds or an HTTP date), else, when useReset is set,
// from X-RateLimit-Reset (Unix seconds). Absolute times are measured against
// the response's Date header when present, so a skewed local clock does not
// distort the wait.
func (t *Transport) serverDelay(h http.Header, useReset bool) (time.Duration, bool) {
	now := t.now()
	if d, ok := retryAfter(h, now); ok {
		return d, true
	}
	if useReset {
		if secs, ok := headerInt(h, "X-RateLimit-Reset"); ok && secs > 0 {
			if d := time.Unix(int64(secs), 0).Sub(serverTime(h, now)); d > 0 {
				return d, true
			}
		}
	}
	return 0, false
}

// notSent reports whether err happened while connecting, before any byte of
// the request could reach the server, so that any method may be retried.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
}

// permanentError reports errors that repeating the request cannot fix.
func permanentError(err error) bool {
	var (
		certErr  *tls.CertificateVerificationError
		authErr  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invErr   x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		dnsErr   *net.DNSError
		redirErr *redirectError
	)
	return errors.As(err, &certErr) || errors.As(err, &authErr) || errors.As(err, &hostErr) ||
		errors.As(err, &invErr) || errors.As(err, &recErr) || errors.As(err, &redirErr) ||
		(errors.As(err, &dnsErr) && dnsErr.IsNotFound)
}
