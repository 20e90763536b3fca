package intercom

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Transport sends requests to the Intercom API for one pinned API version.
// It adds authentication and version headers, retries transient failures,
// optionally paces requests, and records the latest rate-limit figures.
// The generated version packages use it as their HTTP doer. A Transport is
// safe for concurrent use.
type Transport struct {
	apiVersion   string
	base         *url.URL
	baseURL      string
	client       *http.Client
	tokens       TokenSource
	userAgent    string
	maxRetries   int
	minBackoff   time.Duration
	maxBackoff   time.Duration
	maxRetryWait time.Duration
	retryUnsafe  bool
	timeout      time.Duration
	maxBody      int64
	logger       *slog.Logger
	pacer        *pacer
	now          func() time.Time
	sleep        func(context.Context, time.Duration) error
	jitter       func(time.Duration) time.Duration

	mu        sync.Mutex
	rateLimit RateLimit
}

// NewTransport builds a Transport that pins every request to apiVersion
// (sent as the Intercom-Version header). It fails, without sending anything,
// when no token is configured, when the base URL is unacceptable, or when an
// option was given an invalid value.
func NewTransport(apiVersion string, opts ...Option) (*Transport, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	errs := cfg.errs
	if !validAPIVersion(apiVersion) {
		errs = append(errs, fmt.Errorf("intercom: invalid API version %q", sanitize(apiVersion, 40)))
	}
	if cfg.tokenSource == nil {
		errs = append(errs, errNoToken)
	}
	var base *url.URL
	if cfg.baseURL != "" {
		u, err := parseBaseURL(cfg.baseURL, cfg.insecure...)
		if err != nil {
			errs = append(errs, err)
		}
		base = u
	} else {
		base, _ = url.Parse(cfg.region.BaseURL())
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	var client http.Client
	if cfg.httpClient != nil {
		client = *cfg.httpClient
	} else {
		client.Transport = defaultRoundTripper()
	}
	client.CheckRedirect = redirectPolicy(client.CheckRedirect)

	ua := fmt.Sprintf("intercom-go/%s (Intercom-Version %s; %s)", Version, apiVersion, runtime.Version())
	if cfg.userAgent != "" {
		ua += " " + cfg.userAgent
	}
	return &Transport{
		apiVersion:   apiVersion,
		base:         base,
		baseURL:      base.String(),
		client:       &client,
		tokens:       cfg.tokenSource,
		userAgent:    ua,
		maxRetries:   cfg.maxRetries,
		minBackoff:   cfg.minBackoff,
		maxBackoff:   cfg.maxBackoff,
		maxRetryWait: cfg.maxRetryWait,
		retryUnsafe:  cfg.retryUnsafe,
		timeout:      cfg.timeout,
		maxBody:      cfg.maxResponseBytes,
		logger:       cfg.logger,
		pacer:        newPacer(cfg.rateLimit, RateLimitWindow+rateLimitMargin, cfg.now, cfg.sleep),
		now:          cfg.now,
		sleep:        cfg.sleep,
		jitter:       cfg.jitter,
	}, nil
}

// validAPIVersion accepts the shapes Intercom uses ("2.11", "Unstable",
// "Preview") and rejects anything that could not be sent as a header value.
func validAPIVersion(v string) bool {
	if v == "" || len(v) > 32 {
		return false
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// defaultRoundTripper is Go's default transport with more idle connections
// per host: every request goes to the same API host, and Go's default of 2
// would close and reopen connections under concurrent use.
func defaultRoundTripper() http.RoundTripper {
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t := dt.Clone()
	t.MaxIdleConnsPerHost = 16
	return t
}

// BaseURL returns the API base URL requests are sent to, without a trailing
// slash, for example "https://api.intercom.io".
func (t *Transport) BaseURL() string { return t.baseURL }

// APIVersion returns the Intercom API version every request is pinned to.
func (t *Transport) APIVersion() string { return t.apiVersion }

// RateLimit returns the rate-limit figures of the most recent response that
// carried them, or the zero RateLimit if none has yet.
func (t *Transport) RateLimit() RateLimit {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rateLimit
}

// String describes the Transport without revealing credentials.
func (t *Transport) String() string {
	return fmt.Sprintf("intercom.Transport(%s, Intercom-Version %s)", t.baseURL, t.apiVersion)
}

// GoString describes the Transport for %#v without revealing credentials.
func (t *Transport) GoString() string { return t.String() }

// LogValue describes the Transport to slog without revealing credentials.
func (t *Transport) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", t.baseURL), slog.String("api_version", t.apiVersion))
}

// Do sends req and returns the final response, whatever its status; use
// CheckResponse to turn a non-2xx status into an *Error. The request must be
// for the Transport's base URL (same scheme, host and port), so the token is
// never sent elsewhere. req is not modified: each attempt sends a clone with
// the Authorization, Intercom-Version, User-Agent and (unless already set)
// Accept headers added. Transient failures are retried as described in the
// package documentation. The request body, if any, is closed. The caller
// must close the response body. The body is handed over as a stream and is
// not size-limited; ReadResponseBody reads it into memory within the limit
// set by WithMaxResponseBytes. If the request's context carries an
// Operation (WithOperation), a request whose path does not match the
// operation's path template is refused before anything is sent.
func (t *Transport) Do(req *http.Request) (*http.Response, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("intercom: nil request or request URL")
	}
	if req.Body != nil && req.Body != http.NoBody {
		defer req.Body.Close()
	}
	if !sameOrigin(req.URL, t.base) {
		return nil, fmt.Errorf("intercom: refusing to send a request to %s: this client only sends its token to %s",
			origin(req.URL), origin(t.base))
	}
	if op, ok := OperationOf(req.Context()); ok && op.Path != "" {
		// However the path was built, it must still name the operation's
		// endpoint.
		if err := checkOperationPath(op, t.base.EscapedPath(), req.URL.EscapedPath()); err != nil {
			return nil, err
		}
	}
	body, err := replayableBody(req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := t.callContext(req.Context())
	resp, err := t.send(ctx, req, body)
	if err != nil {
		if cancel != nil {
			cancel()
		}
		return nil, err
	}
	// The body is read after Do returns, so the call's timeout context must
	// live until the caller closes it.
	sent := resp.Request
	if sent == nil {
		sent = req
	}
	resp.Body = &responseBody{ReadCloser: resp.Body, cancel: cancel, limit: t.maxBody, req: sent}
	return resp, nil
}

// callContext applies the default timeout unless ctx already ends sooner.
// The returned cancel is nil when ctx is used unchanged.
func (t *Transport) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	timeout := t.timeout
	if s := callOverrides(ctx); s != nil && s.timeout != nil {
		timeout = *s.timeout
	}
	if timeout <= 0 {
		return ctx, nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= timeout {
		return ctx, nil
	}
	return context.WithTimeout(ctx, timeout)
}

// replayable produces a fresh copy of the request body for each attempt.
type replayable struct {
	get func() (io.ReadCloser, error)
	// length is the body's size when it was buffered here, else -1 to keep
	// the request's own ContentLength.
	length int64
}

// replayableBody prepares the request body for replay, buffering it when
// the request has no GetBody. It returns nil for a request without a body.
func replayableBody(req *http.Request) (*replayable, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		return &replayable{get: req.GetBody, length: -1}, nil
	}
	buf, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("intercom: reading request body: %w", err)
	}
	get := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	return &replayable{get: get, length: int64(len(buf))}, nil
}

// send runs the attempt loop.
func (t *Transport) send(ctx context.Context, orig *http.Request, body *replayable) (*http.Response, error) {
	method := orig.Method
	if method == "" {
		method = http.MethodGet
	}
	for attempt := 0; ; attempt++ {
		if err := t.pacer.wait(ctx); err != nil {
			return nil, t.failure(attempt, fmt.Errorf("%s %q: %w", method, orig.URL.Redacted(), err))
		}
		req, err := t.prepare(ctx, orig, body)
		if err != nil {
			return nil, err
		}
		start := time.Now()
		t.logAttempt(ctx, req, attempt)
		resp, err := t.client.Do(req)
		if err != nil && resp != nil {
			// Only a CheckRedirect failure returns both; its body is closed.
			resp = nil
		}
		if resp != nil {
			t.observe(resp)
		}
		t.logOutcome(ctx, req, attempt, resp, err, time.Since(start))

		wait, reason, retry := t.retryDecision(ctx, method, attempt, resp, err)
		if !retry {
			if err != nil {
				return nil, t.failure(attempt+1, err)
			}
			return resp, nil
		}
		t.logRetry(ctx, req, attempt, wait, reason)
		if resp != nil {
			drainAndClose(resp.Body)
		}
		if err := t.sleep(ctx, wait); err != nil {
			return nil, t.failure(attempt+1, fmt.Errorf("%s %q: waiting %v to retry after %s: %w",
				method, orig.URL.Redacted(), wait, reason, err))
		}
	}
}

// failure wraps the error that ends a call, saying how many attempts were
// made; the chain is kept so errors.Is(err, context.DeadlineExceeded) works.
func (t *Transport) failure(attempts int, err error) error {
	if attempts > 1 {
		return fmt.Errorf("intercom: giving up after %d attempts: %w", attempts, err)
	}
	return fmt.Errorf("intercom: %w", err)
}

// prepare clones orig for one attempt, with a fresh body and the SDK headers.
func (t *Transport) prepare(ctx context.Context, orig *http.Request, body *replayable) (*http.Request, error) {
	token, err := fetchToken(ctx, t.tokens)
	if err != nil {
		return nil, err
	}
	req := orig.Clone(ctx)
	if body != nil {
		rc, err := body.get()
		if err != nil {
			return nil, fmt.Errorf("intercom: rewinding request body: %w", err)
		}
		// GetBody also lets net/http replay the body on a 307/308 redirect.
		req.Body, req.GetBody = rc, body.get
		if body.length >= 0 {
			req.ContentLength = body.length
		}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Intercom-Version", t.apiVersion)
	req.Header.Set("User-Agent", t.userAgent)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	return req, nil
}

// observe records the response's rate-limit figures, if it has any.
func (t *Transport) observe(resp *http.Response) {
	rl := ParseRateLimit(resp.Header)
	if rl.IsZero() {
		return
	}
	t.mu.Lock()
	t.rateLimit = rl
	t.mu.Unlock()
}

// drainAndClose reads a little of a discarded body so the connection can be
// reused, then closes it.
func drainAndClose(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 64<<10)
	_ = body.Close()
}

// sameOrigin reports whether a and b name the same scheme, host and port,
// ignoring case and an explicit default port. It does not allocate, since it
// runs on every request.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) &&
		effectivePort(a) == effectivePort(b)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// origin returns scheme://host:port with defaults filled in and case folded,
// for messages.
func origin(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return strings.ToLower(u.Scheme) + "://" + host + ":" + effectivePort(u)
}

// redirectError marks an error returned by the redirect policy, which no
// retry can fix.
type redirectError struct{ err error }

// Error returns the policy's message unchanged.
func (e *redirectError) Error() string { return e.err.Error() }

// Unwrap returns the policy's error.
func (e *redirectError) Unwrap() error { return e.err }

// redirectPolicy wraps next (nil meaning Go's default of at most 10
// redirects). Once any hop leaves the first request's origin, the
// Authorization header is removed: Go only does so when the host name
// changes, not for a different port or scheme.
func redirectPolicy(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 {
			first := via[0].URL
			offOrigin := !sameOrigin(req.URL, first)
			for _, v := range via[1:] {
				offOrigin = offOrigin || !sameOrigin(v.URL, first)
			}
			if offOrigin {
				req.Header.Del("Authorization")
			}
		}
		if next != nil {
			err := next(req, via)
			if err != nil && err != http.ErrUseLastResponse { // net/http compares with ==, so it must not be wrapped
				return &redirectError{err}
			}
			return err
		}
		if len(via) >= 10 {
			return &redirectError{errors.New("stopped after 10 redirects")}
		}
		return nil
	}
}
