package intercom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/intercomgo/intercom/versions"
)

func TestDoSetsRequiredHeaders(t *testing.T) {
	rec := newRecorder(t, ok)
	tr := newTestTransport(t, rec.URL, WithUserAgent("my-app/1.0"))

	resp, body, err := doRequest(t, tr, context.Background(), http.MethodGet, "/contacts/c1", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"type":"contact","id":"c1"}`, body)

	seen := rec.requests()
	require.Len(t, seen, 1)
	h := seen[0].Header
	assert.Equal(t, "Bearer "+testToken, h.Get("Authorization"))
	assert.Equal(t, "2.11", h.Get("Intercom-Version"))
	assert.Equal(t, "application/json", h.Get("Accept"))
	assert.Regexp(t, regexp.MustCompile(`^intercom-go/0\.1\.0 \(Intercom-Version 2\.11; go[0-9][^)]*\) my-app/1\.0$`), h.Get("User-Agent"))
	assert.Equal(t, "/contacts/c1", seen[0].Path)
}

func TestDoPinsVersionOverCallerHeader(t *testing.T) {
	rec := newRecorder(t, ok)
	tr := newTestTransport(t, rec.URL)

	req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+"/me", nil)
	require.NoError(t, err)
	req.Header.Set("Intercom-Version", "2.9")
	req.Header.Set("Authorization", "Bearer someone-else")
	resp, err := tr.Do(req)
	require.NoError(t, err)
	resp.Body.Close()

	h := rec.requests()[0].Header
	assert.Equal(t, []string{"2.11"}, h.Values("Intercom-Version"))
	assert.Equal(t, []string{"Bearer " + testToken}, h.Values("Authorization"))
}

func TestDoKeepsCallerAccept(t *testing.T) {
	// The data export download needs Accept: application/octet-stream.
	rec := newRecorder(t, ok)
	tr := newTestTransport(t, rec.URL)

	req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+"/download/content/data/x", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/octet-stream")
	resp, err := tr.Do(req)
	require.NoError(t, err)
	resp.Body.Close()

	assert.Equal(t, "application/octet-stream", rec.requests()[0].Header.Get("Accept"))
}

func TestDoDoesNotMutateCallerRequest(t *testing.T) {
	rec := newRecorder(t, statuses(http.StatusServiceUnavailable))
	tr := newTestTransport(t, rec.URL)

	req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+"/contacts?per_page=5", nil)
	require.NoError(t, err)
	req.Header.Set("X-Custom", "kept")
	before := req.Header.Clone()
	urlBefore := req.URL.String()

	resp, err := tr.Do(req)
	require.NoError(t, err)
	resp.Body.Close()

	assert.Equal(t, before, req.Header, "caller's header must not gain Authorization or other SDK headers")
	assert.Equal(t, urlBefore, req.URL.String())
	seen := rec.requests()
	require.Len(t, seen, 2)
	assert.Equal(t, "kept", seen[1].Header.Get("X-Custom"))
	assert.Equal(t, "/contacts?per_page=5", seen[1].Path)
}

func TestTokenSourceIsAskedForEveryAttempt(t *testing.T) {
	rec := newRecorder(t, statuses(http.StatusBadGateway))
	type ctxKey struct{}
	var calls atomic.Int32
	src := TokenSourceFunc(func(ctx context.Context) (string, error) {
		if ctx.Value(ctxKey{}) != "tenant-a" {
			return "", errors.New("token source did not get the request's context")
		}
		return fmt.Sprintf("rotated-%d", calls.Add(1)), nil
	})
	tr := newTestTransport(t, rec.URL, WithTokenSource(src))
	ctx := context.WithValue(context.Background(), ctxKey{}, "tenant-a")

	_, _, err := doRequest(t, tr, ctx, http.MethodGet, "/me", "")
	require.NoError(t, err)
	_, _, err = doRequest(t, tr, ctx, http.MethodGet, "/me", "")
	require.NoError(t, err)

	seen := rec.requests()
	require.Len(t, seen, 3)
	assert.Equal(t, "Bearer rotated-1", seen[0].Header.Get("Authorization"))
	assert.Equal(t, "Bearer rotated-2", seen[1].Header.Get("Authorization"), "the retry must use a fresh token")
	assert.Equal(t, "Bearer rotated-3", seen[2].Header.Get("Authorization"))
}

func TestTokenSourceTrimsNewline(t *testing.T) {
	rec := newRecorder(t, ok)
	tr := newTestTransport(t, rec.URL, WithTokenSource(TokenSourceFunc(func(context.Context) (string, error) {
		return "from-file\n", nil
	})))
	_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Equal(t, "Bearer from-file", rec.requests()[0].Header.Get("Authorization"))
}

func TestTokenSourceFailureSendsNothing(t *testing.T) {
	errVault := errors.New("vault sealed")
	cases := map[string]struct {
		src  TokenSourceFunc
		want error
	}{
		"error":         {func(context.Context) (string, error) { return "", errVault }, errVault},
		"empty":         {func(context.Context) (string, error) { return "  ", nil }, errEmptyToken},
		"control chars": {func(context.Context) (string, error) { return "ab\r\nX-Evil: 1", nil }, errInvalidToken},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rec := newRecorder(t, ok)
			tr := newTestTransport(t, rec.URL, WithTokenSource(tc.src))
			_, _, err := doRequest(t, tr, context.Background(), http.MethodPost, "/contacts", `{"email":"a@b.c"}`)
			require.ErrorIs(t, err, tc.want)
			assert.Equal(t, 0, rec.count(), "nothing may be sent without a valid token")
		})
	}
}

func TestNewTransportRequiresToken(t *testing.T) {
	rec := newRecorder(t, ok)
	for name, opts := range map[string][]Option{
		"no option":        {WithBaseURL(rec.URL)},
		"empty token":      {WithBaseURL(rec.URL), WithToken("")},
		"whitespace token": {WithBaseURL(rec.URL), WithToken(" \n")},
	} {
		t.Run(name, func(t *testing.T) {
			tr, err := NewTransport(testVersion, opts...)
			require.Error(t, err)
			assert.Nil(t, tr)
			assert.Contains(t, err.Error(), "intercom.WithToken")
		})
	}
	assert.Equal(t, 0, rec.count())
}

func TestNewTransportRejectsBadOptions(t *testing.T) {
	cases := map[string]struct {
		opts []Option
		want []string
	}{
		"negative retries":    {[]Option{WithMaxRetries(-1)}, []string{"WithMaxRetries"}},
		"zero backoff":        {[]Option{WithRetryBackoff(0, time.Second)}, []string{"WithRetryBackoff"}},
		"min above max":       {[]Option{WithRetryBackoff(2*time.Second, time.Second)}, []string{"WithRetryBackoff"}},
		"zero max wait":       {[]Option{WithMaxRetryWait(0)}, []string{"WithMaxRetryWait"}},
		"negative timeout":    {[]Option{WithTimeout(-time.Second)}, []string{"WithTimeout"}},
		"nil client":          {[]Option{WithHTTPClient(nil)}, []string{"WithHTTPClient"}},
		"nil token source":    {[]Option{WithTokenSource(nil)}, []string{"WithTokenSource"}},
		"negative rate limit": {[]Option{WithRateLimit(-5)}, []string{"WithRateLimit"}},
		"user agent newline":  {[]Option{WithUserAgent("app\r\nX-Evil: 1")}, []string{"WithUserAgent"}},
		"unknown region":      {[]Option{WithRegion("mars")}, []string{"unknown region"}},
		"token with newline":  {[]Option{WithToken("abc\nzz9secret")}, []string{"WithToken"}},
		"token with space":    {[]Option{WithToken("abc zz9secret")}, []string{"WithToken"}},
		"several at once":     {[]Option{WithMaxRetries(-1), WithTimeout(-1)}, []string{"WithMaxRetries", "WithTimeout"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			opts := append([]Option{WithToken(testToken)}, tc.opts...)
			tr, err := NewTransport(testVersion, opts...)
			require.Error(t, err)
			assert.Nil(t, tr)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.NotContains(t, err.Error(), "zz9secret", "token fragments must not be echoed")
		})
	}

	_, err := NewTransport("", WithToken(testToken))
	require.ErrorContains(t, err, "invalid API version")
	_, err = NewTransport("2.11\r\nX: y", WithToken(testToken))
	require.ErrorContains(t, err, "invalid API version")
	for _, v := range append(versions.Names(), "Unstable", "Preview") {
		_, err := NewTransport(v, WithToken(testToken))
		assert.NoError(t, err, v)
	}
}

func TestRegionBaseURLs(t *testing.T) {
	cases := []struct {
		opts []Option
		want string
	}{
		{nil, "https://api.intercom.io"},
		{[]Option{WithRegion(RegionUS)}, "https://api.intercom.io"},
		{[]Option{WithRegion(RegionEU)}, "https://api.eu.intercom.io"},
		{[]Option{WithRegion(RegionAU)}, "https://api.au.intercom.io"},
		{[]Option{WithRegion(RegionEU), WithBaseURL("https://proxy.example.com/intercom/")}, "https://proxy.example.com/intercom"},
	}
	for _, tc := range cases {
		// A fake round tripper proves where requests go without any network.
		var got *http.Request
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			got = r
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
		})
		opts := append([]Option{WithToken(testToken), WithHTTPClient(&http.Client{Transport: rt})}, tc.opts...)
		tr, err := NewTransport(testVersion, opts...)
		require.NoError(t, err)
		assert.Equal(t, tc.want, tr.BaseURL())

		req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+"/me", nil)
		require.NoError(t, err)
		resp, err := tr.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.NotNil(t, got)
		assert.Equal(t, tc.want+"/me", got.URL.String())
		assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	}
	assert.Equal(t, "", Region("mars").BaseURL())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestBaseURLValidation(t *testing.T) {
	accepted := map[string]string{
		"https://api.example.com":          "https://api.example.com",
		"https://api.example.com/":         "https://api.example.com",
		"https://proxy.example.com/a/b/":   "https://proxy.example.com/a/b",
		"http://127.0.0.1:8080":            "http://127.0.0.1:8080",
		"http://127.45.6.7":                "http://127.45.6.7",
		"http://[::1]:9000":                "http://[::1]:9000",
		"http://localhost:3000":            "http://localhost:3000",
		"http://LocalHost":                 "http://LocalHost",
		"HTTPS://API.EXAMPLE.COM/v":        "https://API.EXAMPLE.COM/v",
		"http://[::ffff:127.0.0.1]:1":      "http://[::ffff:127.0.0.1]:1",
		"https://10.0.0.1":                 "https://10.0.0.1",
		"https://api.intercom.io:443/base": "https://api.intercom.io:443/base",
	}
	for in, want := range accepted {
		tr, err := NewTransport(testVersion, WithToken(testToken), WithBaseURL(in))
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, tr.BaseURL(), in)
		}
	}

	refused := map[string]string{
		"http://api.example.com":         "plain http",
		"http://10.0.0.1":                "plain http",
		"http://192.168.1.10:8080":       "plain http",
		"http://127.0.0.1.nip.io":        "plain http",
		"http://localhost.example.com":   "plain http",
		"ftp://api.example.com":          "scheme",
		"api.example.com":                "scheme",
		"https://":                       "missing host",
		"https://api.example.com?x=1":    "query",
		"https://api.example.com/#frag":  "query",
		"https://user:hunter2@api.x.com": "credentials",
		"https://api.example.com:bad":    "invalid URL",
		"::not a url":                    "invalid URL",
	}
	for in, want := range refused {
		tr, err := NewTransport(testVersion, WithToken(testToken), WithBaseURL(in))
		if assert.Error(t, err, in) {
			assert.Nil(t, tr)
			assert.Contains(t, err.Error(), want, in)
			assert.NotContains(t, err.Error(), "hunter2", "passwords in URLs must not be echoed")
		}
	}
}

func TestDoRefusesOtherOrigins(t *testing.T) {
	other := newRecorder(t, ok)
	rec := newRecorder(t, ok)
	tr := newTestTransport(t, rec.URL)

	u, err := url.Parse(other.URL)
	require.NoError(t, err)
	targets := []string{
		other.URL + "/me",                                           // same host, other port
		"http://localhost:" + u.Port() + "/me",                      // other host name
		"https://" + strings.TrimPrefix(rec.URL, "http://") + "/me", // other scheme
	}
	for _, target := range targets {
		body := &closeTracker{Reader: strings.NewReader("{}")}
		req, err := http.NewRequest(http.MethodPost, target, body)
		require.NoError(t, err)
		resp, err := tr.Do(req)
		require.Error(t, err, target)
		assert.Nil(t, resp)
		assert.Contains(t, err.Error(), "refusing")
		assert.True(t, body.closed.Load(), "the request body is closed even when refused")
	}
	assert.Equal(t, 0, other.count())
	assert.Equal(t, 0, rec.count())

	// Spelling the same origin differently is fine.
	same := strings.Replace(rec.URL, "http://", "HTTP://", 1) + "/me"
	req, err := http.NewRequest(http.MethodGet, same, nil)
	require.NoError(t, err)
	resp, err := tr.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 1, rec.count())
}

// closeTracker is a request body that hides its type from http.NewRequest,
// so no GetBody is set, and records whether it was closed.
type closeTracker struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeTracker) Close() error { c.closed.Store(true); return nil }

func TestNilRequest(t *testing.T) {
	tr := newTestTransport(t, "http://127.0.0.1:1")
	_, err := tr.Do(nil)
	require.Error(t, err)
}

func TestTransportPrintingHidesToken(t *testing.T) {
	tr := newTestTransport(t, "http://127.0.0.1:1")
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, tr)
		assert.NotContains(t, out, testToken, format)
		assert.Contains(t, out, "127.0.0.1:1", format)
	}
	assert.Equal(t, testVersion, tr.APIVersion())
}

func TestConcurrentUse(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-RateLimit-Limit", "1000")
		w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(999-n))
		ok(w, r, n)
	})
	var calls atomic.Int32
	tr := newTestTransport(t, rec.URL, WithTokenSource(TokenSourceFunc(func(context.Context) (string, error) {
		calls.Add(1)
		return testToken, nil
	})))

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+"/me", nil)
			if err != nil {
				errs <- err
				return
			}
			resp, err := tr.Do(req)
			if err != nil {
				errs <- err
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			_ = tr.RateLimit()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, 20, rec.count())
	assert.Equal(t, int32(20), calls.Load())
	assert.Equal(t, 1000, tr.RateLimit().Limit)
}

func TestTransportRecordsLatestRateLimit(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 2 {
			w.Header().Set("X-RateLimit-Limit", "166")
			w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(165-n))
			w.Header().Set("X-RateLimit-Reset", fmt.Sprint(1700000010+n))
		}
		ok(w, r, n)
	})
	tr := newTestTransport(t, rec.URL)
	assert.True(t, tr.RateLimit().IsZero())

	for range 3 {
		_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
		require.NoError(t, err)
	}
	// The third response had no headers, so the second's figures remain.
	assert.Equal(t, RateLimit{Limit: 166, Remaining: 164, Reset: time.Unix(1700000011, 0)}, tr.RateLimit())
}

func TestDefaultClientIsNotShared(t *testing.T) {
	a := newTestTransport(t, "http://127.0.0.1:1")
	b := newTestTransport(t, "http://127.0.0.1:1")
	assert.NotSame(t, a.client, b.client)
	assert.NotSame(t, http.DefaultClient, a.client)
	ht, ok := a.client.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, 16, ht.MaxIdleConnsPerHost)
}

func TestWithHTTPClientCopiesClient(t *testing.T) {
	var checked atomic.Int32
	callers := &http.Client{
		Timeout: 5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			checked.Add(1)
			return nil
		},
	}
	origCheck := fmt.Sprintf("%p", callers.CheckRedirect)
	tr := newTestTransport(t, "http://127.0.0.1:1", WithHTTPClient(callers))
	assert.NotSame(t, callers, tr.client)
	assert.Equal(t, origCheck, fmt.Sprintf("%p", callers.CheckRedirect), "the caller's client must not be modified")
	assert.Equal(t, 5*time.Second, tr.client.Timeout)
}

func TestResponseBodyOutlivesDo(t *testing.T) {
	// The timeout context must stay alive until the body is closed, since
	// generated code reads the body after Do returns.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"part":1,`)
		w.(http.Flusher).Flush()
		time.Sleep(30 * time.Millisecond)
		_, _ = io.WriteString(w, `"part2":2}`)
	}))
	t.Cleanup(srv.Close)
	tr := newTestTransport(t, srv.URL, WithTimeout(10*time.Second))

	req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+"/x", nil)
	require.NoError(t, err)
	resp, err := tr.Do(req)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"part":1,"part2":2}`, string(b))
	require.NoError(t, resp.Body.Close())

	_, isWrapped := resp.Body.(*responseBody)
	require.True(t, isWrapped, "a body under the SDK's timeout releases its context on Close")
	assert.Error(t, resp.Request.Context().Err(), "closing the body must release the timeout context")
}
