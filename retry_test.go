package intercom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetry429HonoursRetryAfterSeconds(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		ok(w, r, n)
	})
	sleeps := &sleepRecorder{}
	tr := newTestTransport(t, rec.URL, withSleep(sleeps.sleep), withJitter(noJitter))

	// A POST: a 429 means the request was not processed, so it is retried.
	resp, _, err := doRequest(t, tr, context.Background(), http.MethodPost, "/contacts", `{"email":"a@b.c"}`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []time.Duration{7 * time.Second}, sleeps.recorded())
	seen := rec.requests()
	require.Len(t, seen, 2)
	assert.Equal(t, seen[0].Body, seen[1].Body)
}

func TestRetry429HonoursRetryAfterDate(t *testing.T) {
	serverNow := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cases := map[string]struct {
		header func(http.Header)
		clock  time.Time
		want   time.Duration
	}{
		"relative to Date header": {
			header: func(h http.Header) {
				h.Set("Date", serverNow.Format(http.TimeFormat))
				h.Set("Retry-After", serverNow.Add(3*time.Second).Format(http.TimeFormat))
			},
			// A local clock an hour fast must not matter.
			clock: serverNow.Add(time.Hour),
			want:  3 * time.Second,
		},
		"relative to local clock without Date": {
			header: func(h http.Header) {
				h["Date"] = nil // suppress the server's automatic Date
				h.Set("Retry-After", serverNow.Add(5*time.Second).Format(http.TimeFormat))
			},
			clock: serverNow,
			want:  5 * time.Second,
		},
		"date in the past": {
			header: func(h http.Header) {
				h.Set("Date", serverNow.Format(http.TimeFormat))
				h.Set("Retry-After", serverNow.Add(-time.Minute).Format(http.TimeFormat))
			},
			clock: serverNow,
			want:  0,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 0 {
					tc.header(w.Header())
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				ok(w, r, n)
			})
			sleeps := &sleepRecorder{}
			tr := newTestTransport(t, rec.URL, withSleep(sleeps.sleep), withJitter(noJitter),
				withClock(func() time.Time { return tc.clock }))
			resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, []time.Duration{tc.want}, sleeps.recorded())
		})
	}
}

func TestRetry429HonoursRateLimitReset(t *testing.T) {
	serverNow := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-RateLimit-Limit", "166")
		w.Header().Set("X-RateLimit-Reset", fmt.Sprint(serverNow.Add(4*time.Second).Unix()))
		if n == 0 {
			w.Header().Set("Date", serverNow.Format(http.TimeFormat))
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}`)
			return
		}
		w.Header().Set("X-RateLimit-Remaining", "165")
		ok(w, r, n)
	})
	sleeps := &sleepRecorder{}
	tr := newTestTransport(t, rec.URL, withSleep(sleeps.sleep), withJitter(noJitter),
		withClock(func() time.Time { return serverNow.Add(-time.Hour) }))

	resp, _, err := doRequest(t, tr, context.Background(), http.MethodDelete, "/contacts/c1", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []time.Duration{4 * time.Second}, sleeps.recorded())
	assert.Equal(t, 165, tr.RateLimit().Remaining)
}

func TestRetryAfterWinsOverRateLimitReset(t *testing.T) {
	serverNow := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			w.Header().Set("Date", serverNow.Format(http.TimeFormat))
			w.Header().Set("X-RateLimit-Reset", fmt.Sprint(serverNow.Add(9*time.Second).Unix()))
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		ok(w, r, n)
	})
	sleeps := &sleepRecorder{}
	tr := newTestTransport(t, rec.URL, withSleep(sleeps.sleep), withJitter(noJitter))
	_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{2 * time.Second}, sleeps.recorded())
}

func TestServerDelayGetsJitterAndCap(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			w.Header().Set("Retry-After", "10")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		ok(w, r, n)
	})
	sleeps := &sleepRecorder{}
	var jitterBound atomic.Int64
	tr := newTestTransport(t, rec.URL, withSleep(sleeps.sleep),
		WithRetryBackoff(300*time.Millisecond, time.Second),
		WithMaxRetryWait(10*time.Second+100*time.Millisecond),
		withJitter(func(d time.Duration) time.Duration { jitterBound.Store(int64(d)); return d }))
	_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, int64(300*time.Millisecond), jitterBound.Load(), "jitter on server delays is bounded by the min backoff")
	assert.Equal(t, []time.Duration{10*time.Second + 100*time.Millisecond}, sleeps.recorded(), "delay+jitter is capped by the max retry wait")
}

func TestRetry429LongerThanMaxWaitReturnsResponse(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}`)
	})
	sleeps := &sleepRecorder{}
	tr := newTestTransport(t, rec.URL, withSleep(sleeps.sleep), WithMaxRetryWait(30*time.Second))

	resp, body, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, 1, rec.count())
	assert.Empty(t, sleeps.recorded())
	cerr := CheckResponse(resp, []byte(body))
	assert.True(t, IsRateLimited(cerr))
}

func TestRetry429WithoutHintsUsesExponentialBackoff(t *testing.T) {
	rec := newRecorder(t, statuses(429, 429, 429, 429))
	sleeps := &sleepRecorder{}
	tr := newTestTransport(t, rec.URL, withSleep(sleeps.sleep), withJitter(ceilingJitter),
		WithMaxRetries(4), WithRetryBackoff(10*time.Millisecond, 25*time.Millisecond))

	resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 25 * time.Millisecond, 25 * time.Millisecond},
		sleeps.recorded())
}

func TestFullJitterStaysWithinBounds(t *testing.T) {
	tr := newTestTransport(t, "http://127.0.0.1:1", WithRetryBackoff(10*time.Millisecond, 40*time.Millisecond))
	for attempt, ceiling := range []time.Duration{10, 20, 40, 40, 40} {
		ceiling *= time.Millisecond
		distinct := map[time.Duration]bool{}
		for range 200 {
			d := tr.backoff(attempt)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.LessOrEqual(t, d, ceiling)
			distinct[d] = true
		}
		assert.Greater(t, len(distinct), 100, "waits must be spread over the range, not fixed")
	}
	assert.Equal(t, time.Duration(0), fullJitter(0))
}

func TestRetryServerErrorsForSafeMethods(t *testing.T) {
	for _, code := range []int{500, 502, 503, 504} {
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
			t.Run(fmt.Sprint(method, code), func(t *testing.T) {
				rec := newRecorder(t, statuses(code))
				tr := newTestTransport(t, rec.URL)
				resp, _, err := doRequest(t, tr, context.Background(), method, "/me", "")
				require.NoError(t, err)
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, 2, rec.count())
			})
		}
	}
}

func TestNoRetryForOtherStatuses(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 408, 409, 422, 501, 505} {
		rec := newRecorder(t, statuses(code))
		tr := newTestTransport(t, rec.URL)
		resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
		require.NoError(t, err)
		assert.Equal(t, code, resp.StatusCode)
		assert.Equal(t, 1, rec.count(), "status %d must not be retried", code)
	}
}

func TestBurstOfServerErrorsThenSuccess(t *testing.T) {
	rec := newRecorder(t, statuses(500, 502, 503))
	tr := newTestTransport(t, rec.URL, WithMaxRetries(3))
	resp, body, err := doRequest(t, tr, context.Background(), http.MethodGet, "/contacts", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"type":"contact","id":"c1"}`, body)
	assert.Equal(t, 4, rec.count())
}

func TestRetriesExhaustedReturnsLastResponse(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "unavailable %d", n)
	})
	tr := newTestTransport(t, rec.URL) // default: 2 retries
	resp, body, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "unavailable 2", body, "the final response's body is returned intact")
	assert.Equal(t, 3, rec.count())

	none := newRecorder(t, statuses(503))
	tr0 := newTestTransport(t, none.URL, WithMaxRetries(0))
	resp, _, err = doRequest(t, tr0, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, 1, none.count())
}

func TestUnsafeMethodsNotRetriedOn5xxByDefault(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			rec := newRecorder(t, statuses(http.StatusServiceUnavailable))
			tr := newTestTransport(t, rec.URL)
			resp, _, err := doRequest(t, tr, context.Background(), method, "/contacts/c1", `{"name":"x"}`)
			require.NoError(t, err)
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
			assert.Equal(t, 1, rec.count())

			optIn := newRecorder(t, statuses(http.StatusServiceUnavailable))
			trOpt := newTestTransport(t, optIn.URL, WithRetryUnsafe(true))
			resp, _, err = doRequest(t, trOpt, context.Background(), method, "/contacts/c1", `{"name":"x"}`)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			seen := optIn.requests()
			require.Len(t, seen, 2)
			assert.Equal(t, `{"name":"x"}`, seen[0].Body)
			assert.Equal(t, `{"name":"x"}`, seen[1].Body)
		})
	}
}

// failingDialer refuses the first n connections the way a closed port does,
// then dials normally.
func failingDialer(n int32) (*http.Client, *atomic.Int32) {
	var dials atomic.Int32
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if dials.Add(1) <= n {
				return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
	return &http.Client{Transport: tr}, &dials
}

func TestConnectionRefusedIsRetriedForAnyMethod(t *testing.T) {
	rec := newRecorder(t, ok)
	client, dials := failingDialer(2)
	tr := newTestTransport(t, rec.URL, WithHTTPClient(client))

	resp, _, err := doRequest(t, tr, context.Background(), http.MethodPost, "/contacts", `{"email":"a@b.c"}`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, int32(3), dials.Load())
	seen := rec.requests()
	require.Len(t, seen, 1)
	assert.Equal(t, `{"email":"a@b.c"}`, seen[0].Body)
}

func TestRealConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	sleeps := &sleepRecorder{}
	tr := newTestTransport(t, "http://"+addr, withSleep(sleeps.sleep))
	_, _, err = doRequest(t, tr, context.Background(), http.MethodPost, "/contacts", `{"email":"a@b.c"}`)
	require.Error(t, err)
	assert.True(t, notSent(err), "a refused connection is recognised as not sent: %v", err)
	assert.Len(t, sleeps.recorded(), 2, "retried twice although the method is POST")
	assert.Contains(t, err.Error(), "giving up after 3 attempts")
	var opErr *net.OpError
	assert.ErrorAs(t, err, &opErr, "the network error stays in the chain")
}

// dropServer closes the connection without answering the first n requests,
// after reading them, so the request has certainly been sent.
func dropServer(t *testing.T, n int32) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if hits.Add(1) <= n {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		ok(w, r, 0)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestConnectionDroppedAfterSend(t *testing.T) {
	t.Run("GET is retried", func(t *testing.T) {
		srv, hits := dropServer(t, 1)
		tr := newTestTransport(t, srv.URL)
		resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, int32(2), hits.Load())
	})
	t.Run("POST is not retried", func(t *testing.T) {
		srv, hits := dropServer(t, 1)
		tr := newTestTransport(t, srv.URL)
		_, _, err := doRequest(t, tr, context.Background(), http.MethodPost, "/contacts", `{"email":"a@b.c"}`)
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "intercom: "), err.Error())
		assert.False(t, notSent(err))
		assert.Equal(t, int32(1), hits.Load())
	})
	t.Run("POST is retried with opt-in", func(t *testing.T) {
		srv, hits := dropServer(t, 1)
		tr := newTestTransport(t, srv.URL, WithRetryUnsafe(true))
		resp, _, err := doRequest(t, tr, context.Background(), http.MethodPost, "/contacts", `{"email":"a@b.c"}`)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, int32(2), hits.Load())
	})
}

func TestBodyReplayedIntactWithoutGetBody(t *testing.T) {
	payload := strings.Repeat(`{"email":"someone@example.com","name":"Ünïcødé"}`, 200)
	rec := newRecorder(t, statuses(429, 429))
	tr := newTestTransport(t, rec.URL)

	body := &closeTracker{Reader: strings.NewReader(payload)}
	req, err := http.NewRequest(http.MethodPost, tr.BaseURL()+"/contacts", body)
	require.NoError(t, err)
	require.Nil(t, req.GetBody, "the test needs a body without GetBody")
	resp, err := tr.Do(req)
	require.NoError(t, err)
	resp.Body.Close()

	seen := rec.requests()
	require.Len(t, seen, 3)
	for i, s := range seen {
		assert.Equal(t, payload, s.Body, "attempt %d", i)
		assert.Equal(t, int64(len(payload)), s.Length, "attempt %d carries a Content-Length", i)
	}
	assert.True(t, body.closed.Load(), "the caller's body is closed")
}

func TestBodyReplayedThroughGetBody(t *testing.T) {
	rec := newRecorder(t, statuses(503, 503))
	tr := newTestTransport(t, rec.URL, WithRetryUnsafe(true))

	var getBodyCalls atomic.Int32
	req, err := http.NewRequest(http.MethodPut, tr.BaseURL()+"/contacts/c1", strings.NewReader(`{"name":"x"}`))
	require.NoError(t, err)
	inner := req.GetBody
	req.GetBody = func() (io.ReadCloser, error) { getBodyCalls.Add(1); return inner() }
	resp, err := tr.Do(req)
	require.NoError(t, err)
	resp.Body.Close()

	seen := rec.requests()
	require.Len(t, seen, 3)
	for _, s := range seen {
		assert.Equal(t, `{"name":"x"}`, s.Body)
	}
	assert.Equal(t, int32(3), getBodyCalls.Load())
}

func TestGetBodyFailureStopsTheCall(t *testing.T) {
	rec := newRecorder(t, ok)
	tr := newTestTransport(t, rec.URL)
	req, err := http.NewRequest(http.MethodPost, tr.BaseURL()+"/contacts", strings.NewReader("x"))
	require.NoError(t, err)
	boom := errors.New("cannot rewind")
	req.GetBody = func() (io.ReadCloser, error) { return nil, boom }
	_, err = tr.Do(req)
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 0, rec.count())
}

// trackedBody records whether a response body was closed.
type trackedBody struct {
	io.Reader
	closed atomic.Bool
}

func (b *trackedBody) Close() error { b.closed.Store(true); return nil }

func TestRetriedResponseBodiesAreClosed(t *testing.T) {
	var bodies []*trackedBody
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		code := http.StatusServiceUnavailable
		if len(bodies) == 2 {
			code = http.StatusOK
		}
		b := &trackedBody{Reader: strings.NewReader(strings.Repeat("x", 1000))}
		bodies = append(bodies, b)
		return &http.Response{StatusCode: code, Header: http.Header{}, Body: b, Request: r}, nil
	})
	tr := newTestTransport(t, "https://api.example.com", WithHTTPClient(&http.Client{Transport: rt}))
	req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+"/me", nil)
	require.NoError(t, err)
	resp, err := tr.Do(req)
	require.NoError(t, err)
	require.Len(t, bodies, 3)
	assert.True(t, bodies[0].closed.Load())
	assert.True(t, bodies[1].closed.Load())
	assert.False(t, bodies[2].closed.Load(), "the returned body is the caller's to close")
	resp.Body.Close()
	assert.True(t, bodies[2].closed.Load())
}

func TestCancelDuringRetryWaitReturnsPromptly(t *testing.T) {
	first := make(chan struct{}, 1)
	rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "20")
		w.WriteHeader(http.StatusTooManyRequests)
		select {
		case first <- struct{}{}:
		default:
		}
	})
	tr := newTestTransport(t, rec.URL, WithMaxRetryWait(time.Minute), WithTimeout(0))

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-first
		time.Sleep(20 * time.Millisecond) // let Do start waiting
		cancel()
	}()
	start := time.Now()
	_, _, err := doRequest(t, tr, ctx, http.MethodGet, "/me", "")
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 10*time.Second, "the 20s wait must end when the context is cancelled")
	assert.Equal(t, 1, rec.count())
}

func TestTimeoutCancelsSlowResponse(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		case <-time.After(5 * time.Second): // fail rather than hang if no timeout applies
		}
	}))
	t.Cleanup(srv.Close)

	cases := map[string]struct {
		timeout time.Duration
		ctx     func() (context.Context, context.CancelFunc)
	}{
		"option timeout": {100 * time.Millisecond, func() (context.Context, context.CancelFunc) {
			return context.Background(), func() {}
		}},
		"earlier caller deadline wins": {time.Hour, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 100*time.Millisecond)
		}},
		"earlier option timeout wins": {100 * time.Millisecond, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Hour)
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tr := newTestTransport(t, srv.URL, WithTimeout(tc.timeout))
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			_, _, err := doRequest(t, tr, ctx, http.MethodGet, "/slow", "")
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Less(t, time.Since(start), 10*time.Second)
			assert.True(t, strings.HasPrefix(err.Error(), "intercom: "), err.Error())
		})
	}
}

func TestWaitBeyondDeadlineReturnsLastResponse(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	sleeps := &sleepRecorder{}
	tr := newTestTransport(t, rec.URL, withSleep(sleeps.sleep), WithTimeout(time.Second))
	resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Empty(t, sleeps.recorded(), "no point waiting 5s with 1s left")
	assert.Equal(t, 1, rec.count())
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ok(w, r, 0) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	sleeps := &sleepRecorder{}
	// The default client does not trust the test server's certificate.
	tr := newTestTransport(t, srv.URL, withSleep(sleeps.sleep))
	_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.Error(t, err)
	assert.True(t, permanentError(err), "%v", err)
	assert.Empty(t, sleeps.recorded())

	// With the server's own client it works, through https.
	trOK := newTestTransport(t, srv.URL, WithHTTPClient(srv.Client()))
	resp, _, err := doRequest(t, trOK, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestRetryDecisionTable(t *testing.T) {
	tr := newTestTransport(t, "http://127.0.0.1:1", withJitter(noJitter))
	resp := func(code int) *http.Response { return &http.Response{StatusCode: code, Header: http.Header{}} }
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	readErr := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	cases := []struct {
		method string
		resp   *http.Response
		err    error
		unsafe bool
		retry  bool
	}{
		{"GET", resp(503), nil, false, true},
		{"POST", resp(503), nil, false, false},
		{"POST", resp(503), nil, true, true},
		{"POST", resp(429), nil, false, true},
		{"PATCH", resp(429), nil, false, true},
		{"GET", resp(404), nil, true, false},
		{"GET", resp(200), nil, true, false},
		{"POST", nil, dialErr, false, true},
		{"POST", nil, readErr, false, false},
		{"POST", nil, readErr, true, true},
		{"GET", nil, readErr, false, true},
		{"DELETE", nil, readErr, false, false},
		{"GET", nil, &redirectError{errors.New("stopped")}, false, false},
	}
	for _, tc := range cases {
		tr.retryUnsafe = tc.unsafe
		_, _, retry := tr.retryDecision(context.Background(), tc.method, 0, tc.resp, tc.err)
		assert.Equal(t, tc.retry, retry, "%s status=%v err=%v unsafe=%v", tc.method, tc.resp, tc.err, tc.unsafe)
	}

	tr.retryUnsafe = false
	_, _, retry := tr.retryDecision(context.Background(), "GET", 2, resp(503), nil)
	assert.False(t, retry, "attempts are capped by max retries")
	done, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, retry = tr.retryDecision(done, "GET", 0, resp(503), nil)
	assert.False(t, retry, "nothing is retried after the context ends")
}

func TestIdempotencyContextOverridesMethod(t *testing.T) {
	cases := []struct {
		name   string
		idem   Idempotency
		method string
		unsafe bool
		status int
		hits   int
	}{
		{"idempotent POST retried on 503", Idempotent, http.MethodPost, false, 503, 2},
		{"not idempotent GET kept on 503", NotIdempotent, http.MethodGet, false, 503, 1},
		{"not idempotent beats opt-in", NotIdempotent, http.MethodPost, true, 503, 1},
		{"not idempotent still retries 429", NotIdempotent, http.MethodGet, false, 429, 2},
		{"by method: GET retried", IdempotencyByMethod, http.MethodGet, false, 503, 2},
		{"by method: POST kept", IdempotencyByMethod, http.MethodPost, false, 503, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, statuses(tc.status))
			tr := newTestTransport(t, rec.URL, WithRetryUnsafe(tc.unsafe))
			ctx := WithIdempotency(context.Background(), tc.idem)
			_, _, err := doRequest(t, tr, ctx, tc.method, "/contacts/search", `{"query":{}}`)
			require.NoError(t, err)
			assert.Equal(t, tc.hits, rec.count())
		})
	}

	t.Run("network error after send", func(t *testing.T) {
		srv, hits := dropServer(t, 1)
		tr := newTestTransport(t, srv.URL)
		ctx := WithIdempotency(context.Background(), Idempotent)
		resp, _, err := doRequest(t, tr, ctx, http.MethodPost, "/contacts/search", `{"query":{}}`)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, int32(2), hits.Load())

		srv2, hits2 := dropServer(t, 1)
		tr2 := newTestTransport(t, srv2.URL)
		ctx = WithIdempotency(context.Background(), NotIdempotent)
		_, _, err = doRequest(t, tr2, ctx, http.MethodGet, "/scroll", "")
		require.Error(t, err)
		assert.Equal(t, int32(1), hits2.Load())
	})
}

func TestNetworkErrorBackoffGrows(t *testing.T) {
	rec := newRecorder(t, ok)
	client, dials := failingDialer(3)
	sleeps := &sleepRecorder{}
	tr := newTestTransport(t, rec.URL, WithHTTPClient(client), withSleep(sleeps.sleep), withJitter(ceilingJitter),
		WithMaxRetries(3), WithRetryBackoff(10*time.Millisecond, 100*time.Millisecond))
	resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, int32(4), dials.Load())
	assert.Equal(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}, sleeps.recorded())
}
