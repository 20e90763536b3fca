package intercom

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testToken is distinctive so that a leak into any output is easy to spot.
const testToken = "tok_s3cr3t_9f8e7d6c5b4a"

const testVersion = "2.11"

// withClock replaces the transport's clock.
func withClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// withSleep replaces the transport's wait between attempts and for pacing.
func withSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(c *config) { c.sleep = sleep }
}

// withJitter replaces the random draw used for backoff and jitter.
func withJitter(j func(time.Duration) time.Duration) Option {
	return func(c *config) { c.jitter = j }
}

// noJitter makes server-directed waits exact.
func noJitter(time.Duration) time.Duration { return 0 }

// ceilingJitter makes backoff waits equal to their upper bound.
func ceilingJitter(d time.Duration) time.Duration { return d }

// sleepRecorder records requested waits and returns at once, unless the
// context is already done.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) recorded() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// fakeClock is a settable clock; sleep advances it instead of blocking.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return nil
}

func (c *fakeClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// seenRequest is what a test server received.
type seenRequest struct {
	Method string
	Path   string
	Header http.Header
	Body   string
	Length int64
}

// recorder is a test server that records every request and lets the test
// answer request number n (from 0).
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

func newRecorder(t *testing.T, answer func(w http.ResponseWriter, r *http.Request, n int)) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		n := len(rec.seen)
		rec.seen = append(rec.seen, seenRequest{
			Method: r.Method, Path: r.URL.RequestURI(), Header: r.Header.Clone(),
			Body: string(body), Length: r.ContentLength,
		})
		rec.mu.Unlock()
		answer(w, r, n)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) requests() []seenRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seenRequest(nil), r.seen...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

// ok answers 200 with a small JSON body.
func ok(w http.ResponseWriter, _ *http.Request, _ int) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"type":"contact","id":"c1"}`)
}

// statuses answers the listed statuses in turn, then 200.
func statuses(codes ...int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		if n < len(codes) {
			w.WriteHeader(codes[n])
			_, _ = io.WriteString(w, `{"type":"error.list","errors":[{"code":"server_error","message":"try again"}]}`)
			return
		}
		ok(w, r, n)
	}
}

// newTestTransport builds a transport for base with a test token, tiny
// backoffs and any extra options (later options win).
func newTestTransport(t *testing.T, base string, opts ...Option) *Transport {
	t.Helper()
	all := append([]Option{
		WithToken(testToken),
		WithBaseURL(base),
		WithRetryBackoff(time.Millisecond, 2*time.Millisecond),
	}, opts...)
	tr, err := NewTransport(testVersion, all...)
	require.NoError(t, err)
	return tr
}

// doRequest sends a request through tr and returns the response with its
// body read and closed.
func doRequest(t *testing.T, tr *Transport, ctx context.Context, method, path, body string) (*http.Response, string, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, tr.BaseURL()+path, rd)
	require.NoError(t, err)
	resp, err := tr.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b), nil
}
