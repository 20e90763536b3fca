package intercom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Defaults used by NewTransport when the corresponding option is not given.
const (
	// DefaultTimeout bounds one call to Transport.Do, retries and waits
	// included, when the caller's context has no earlier deadline.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxRetries is how many times a failed request is retried, so a
	// call makes at most DefaultMaxRetries+1 attempts.
	DefaultMaxRetries = 2
	// DefaultMinBackoff is the base of the exponential backoff between retries.
	DefaultMinBackoff = 500 * time.Millisecond
	// DefaultMaxBackoff caps the exponential backoff between retries.
	DefaultMaxBackoff = 8 * time.Second
	// DefaultMaxRetryWait is the longest single wait before a retry. When the
	// server asks for a longer wait (Retry-After or X-RateLimit-Reset), the
	// response is returned instead of sleeping.
	DefaultMaxRetryWait = 30 * time.Second
	// RateLimitWindow is the period over which Intercom counts requests
	// against a rate limit, and the window WithRateLimit paces within.
	RateLimitWindow = 10 * time.Second
)

// Option configures a Transport (and so a version package's client).
// Options are applied in order; a later option overrides an earlier one.
type Option func(*config)

// config is the resolved set of options. Invalid option values are recorded
// in errs and reported by NewTransport, so that an Option never panics.
type config struct {
	tokenSource  TokenSource
	region       Region
	baseURL      string
	insecure     []string
	httpClient   *http.Client
	maxRetries   int
	minBackoff   time.Duration
	maxBackoff   time.Duration
	maxRetryWait time.Duration
	retryUnsafe  bool
	timeout      time.Duration
	logger       *slog.Logger
	// maxResponseBytes bounds the bodies ReadResponseBody reads.
	maxResponseBytes int64
	rateLimit        int
	userAgent        string
	errs             []error

	// Seams for tests: the clock, the sleep between attempts and the jitter
	// draw. NewTransport fills them with the real implementations.
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(ceiling time.Duration) time.Duration
}

func defaultConfig() config {
	return config{
		region:           RegionUS,
		maxRetries:       DefaultMaxRetries,
		minBackoff:       DefaultMinBackoff,
		maxBackoff:       DefaultMaxBackoff,
		maxRetryWait:     DefaultMaxRetryWait,
		timeout:          DefaultTimeout,
		maxResponseBytes: DefaultMaxResponseBytes,
		now:              time.Now,
		sleep:            sleepContext,
		jitter:           fullJitter,
	}
}

func (c *config) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("intercom: "+format, args...))
}

// WithToken authenticates every request with the given access token, sent as
// "Authorization: Bearer <token>". The token is never included in errors or
// log output.
func WithToken(token string) Option {
	return func(c *config) {
		tok := strings.TrimSpace(token)
		if tok == "" {
			c.tokenSource = nil
			return
		}
		if strings.ContainsFunc(tok, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			c.fail("WithToken: token contains whitespace or control characters")
			return
		}
		// A closure, not a string field, so that printing the Transport with
		// %v or %#v cannot reveal the token.
		c.tokenSource = TokenSourceFunc(func(context.Context) (string, error) { return tok, nil })
	}
}

// WithTokenSource authenticates every request with a token obtained from src
// just before the request is sent, so that rotated tokens are picked up
// without rebuilding the client. src must be safe for concurrent use.
func WithTokenSource(src TokenSource) Option {
	return func(c *config) {
		if src == nil {
			c.fail("WithTokenSource: nil TokenSource")
			return
		}
		c.tokenSource = src
	}
}

// WithRegion selects the regional Intercom API host that holds the
// workspace's data. The default is RegionUS. WithBaseURL takes precedence.
func WithRegion(r Region) Option {
	return func(c *config) {
		if _, ok := regionURLs[r]; !ok {
			c.fail("WithRegion: unknown region %q (use RegionUS, RegionEU or RegionAU)", string(r))
			return
		}
		c.region = r
	}
}

// WithBaseURL sends requests to a custom base URL instead of a region's host,
// for proxies and tests. It must be an https URL; plain http is accepted only
// for a loopback host (localhost, 127.0.0.0/8, ::1). A path prefix is kept.
func WithBaseURL(rawURL string) Option {
	return func(c *config) { c.baseURL = rawURL }
}

// WithInsecureHTTPHost lets WithBaseURL use plain http for the named host,
// such as the service name of a fake Intercom in docker-compose or a CI
// service container ("http://intercom-fake:4010"). The bearer token then
// crosses the network unencrypted: use it only for such test setups, never
// for Intercom itself. Loopback hosts need no such option.
func WithInsecureHTTPHost(host string) Option {
	return func(c *config) {
		h := strings.TrimSpace(host)
		if h == "" || strings.ContainsAny(h, "/:@?# ") {
			c.fail("WithInsecureHTTPHost: %q is not a host name (give the name alone, such as \"intercom-fake\")", host)
			return
		}
		c.insecure = append(c.insecure, h)
	}
}

// WithHTTPClient sends requests through a copy of client. The copy's
// CheckRedirect is wrapped so that the Authorization header is dropped when a
// redirect leaves the configured scheme and host; the caller's client is not
// modified. Its Timeout, if any, applies to each attempt separately.
func WithHTTPClient(client *http.Client) Option {
	return func(c *config) {
		if client == nil {
			c.fail("WithHTTPClient: nil *http.Client")
			return
		}
		c.httpClient = client
	}
}

// WithMaxRetries sets how many times a failed request may be retried; 0
// disables retries. The default is DefaultMaxRetries.
func WithMaxRetries(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail("WithMaxRetries: negative retry count %d", n)
			return
		}
		c.maxRetries = n
	}
}

// WithRetryBackoff sets the exponential backoff between retries: before
// retry number k (from 0) the wait is drawn uniformly from
// [0, min(max, min*2^k)]. Both must be positive and min <= max.
func WithRetryBackoff(minWait, maxWait time.Duration) Option {
	return func(c *config) {
		if minWait <= 0 || maxWait < minWait {
			c.fail("WithRetryBackoff: need 0 < min <= max, got min %v, max %v", minWait, maxWait)
			return
		}
		c.minBackoff, c.maxBackoff = minWait, maxWait
	}
}

// WithMaxRetryWait caps any single wait before a retry. If the server asks
// for a longer wait through Retry-After or X-RateLimit-Reset, the response is
// returned at once rather than retried. The default is DefaultMaxRetryWait.
func WithMaxRetryWait(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.fail("WithMaxRetryWait: non-positive wait %v", d)
			return
		}
		c.maxRetryWait = d
	}
}

// WithRetryUnsafe opts in to retrying requests that may already have changed
// state on the server: a POST, PUT, PATCH or DELETE answered with a 5xx
// status, or failing with a network error after it may have been sent. Only
// enable it when repeating such a request is harmless for your use.
func WithRetryUnsafe(enable bool) Option {
	return func(c *config) { c.retryUnsafe = enable }
}

// WithTimeout bounds each call, retries and waits included. It is applied
// through the request's context, and only when that context has no earlier
// deadline. 0 disables it. The default is DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			c.fail("WithTimeout: negative timeout %v", d)
			return
		}
		c.timeout = d
	}
}

// WithLogger logs every attempt, response, retry and failure at debug level
// to l. Authorization and cookie headers are redacted.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithRateLimit paces requests on the client side so that no more than n are
// sent in any RateLimitWindow (10 seconds, Intercom's enforcement window).
// Up to n requests may go out at once, as Intercom's own window allows;
// after that each waits until the one sent n requests before it is a window
// old, so a busy client sends at the full limit and a caller that wakes
// late loses nothing. The window paced in is RateLimitWindow plus 1%
// (100ms), which absorbs differences in network delay between requests
// so that Intercom's own windows see no more than n. Retries count too.
// The limit holds whatever the callers' contexts do: a wait that is
// cancelled, or that could not end before its deadline, takes no slot and
// delays no other caller. 0 disables pacing, which is the default.
func WithRateLimit(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail("WithRateLimit: negative request count %d", n)
			return
		}
		c.rateLimit = n
	}
}

// WithUserAgent appends suffix (for example "my-app/1.2") to the SDK's
// User-Agent header.
func WithUserAgent(suffix string) Option {
	return func(c *config) {
		if !validHeaderValue(suffix) {
			c.fail("WithUserAgent: suffix contains control characters")
			return
		}
		c.userAgent = suffix
	}
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fullJitter draws uniformly from [0, ceiling].
func fullJitter(ceiling time.Duration) time.Duration {
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// validHeaderValue reports whether s can be sent as a header value without
// being rejected or splitting the header.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

var errNoToken = errors.New("intercom: no access token: pass intercom.WithToken(token) with a non-empty token, or intercom.WithTokenSource(src)")
