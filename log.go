package intercom

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// sensitiveHeaders are never logged in full.
var sensitiveHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// redactedHeader logs a header with credentials replaced, and the request's
// token hidden wherever a value echoes it. It is a LogValuer so that the
// work is only done when the record is actually written.
type redactedHeader struct {
	h      http.Header
	redact redactor
}

// LogValue returns the header as a group of name=value attributes.
func (rh redactedHeader) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, len(rh.h))
	for _, k := range slices.Sorted(maps.Keys(rh.h)) {
		attrs = append(attrs, slog.String(k, rh.redact.headerValue(k, strings.Join(rh.h[k], ", "))))
	}
	return slog.GroupValue(attrs...)
}

// headerValue returns v, a value of header name, fit to print: the
// credential of an Authorization or cookie header hidden, and the
// request's token hidden wherever the value echoes it.
func (r redactor) headerValue(name, v string) string {
	if sensitiveHeaders[http.CanonicalHeaderKey(name)] {
		v = redactValue(v)
	}
	return r.apply(v)
}

// redactValue keeps an auth scheme such as "Bearer" so logs still show which
// kind of credential was sent.
func redactValue(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok && !strings.ContainsAny(scheme, "=;") {
		return scheme + " [REDACTED]"
	}
	return "[REDACTED]"
}

func (t *Transport) debugEnabled(ctx context.Context) bool {
	return t.logger != nil && t.logger.Enabled(ctx, slog.LevelDebug)
}

func (t *Transport) logAttempt(ctx context.Context, req *http.Request, attempt int) {
	if !t.debugEnabled(ctx) {
		return
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "intercom: sending request",
		slog.String("method", req.Method),
		slog.String("url", req.URL.Redacted()),
		slog.Int("attempt", attempt+1),
		slog.Any("header", logHeader(req, req.Header)),
	)
}

// logHeader prepares h, a header of req or of its response, for logging.
func logHeader(req *http.Request, h http.Header) redactedHeader {
	rh := redactedHeader{h: h}
	if tok := bearerToken(req.Header); tok != "" {
		rh.redact = newRedactor(tok)
	}
	return rh
}

func (t *Transport) logOutcome(ctx context.Context, req *http.Request, attempt int, resp *http.Response, err error, elapsed time.Duration) {
	if !t.debugEnabled(ctx) {
		return
	}
	if err != nil {
		t.logger.LogAttrs(ctx, slog.LevelDebug, "intercom: request failed",
			slog.String("method", req.Method),
			slog.String("url", req.URL.Redacted()),
			slog.Int("attempt", attempt+1),
			slog.Duration("elapsed", elapsed),
			slog.String("error", logHeader(req, nil).redact.apply(err.Error())),
		)
		return
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "intercom: received response",
		slog.String("method", req.Method),
		slog.String("url", req.URL.Redacted()),
		slog.Int("attempt", attempt+1),
		slog.Int("status", resp.StatusCode),
		slog.Duration("elapsed", elapsed),
		slog.String("request_id", resp.Header.Get("X-Request-Id")),
		slog.Any("header", logHeader(req, resp.Header)),
	)
}

func (t *Transport) logRetry(ctx context.Context, req *http.Request, attempt int, wait time.Duration, reason string) {
	if !t.debugEnabled(ctx) {
		return
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "intercom: retrying request",
		slog.String("method", req.Method),
		slog.String("url", req.URL.Redacted()),
		slog.Int("attempt", attempt+1),
		slog.Duration("wait", wait),
		slog.String("reason", reason),
	)
}
