package intercom

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// redirecting answers every request with a 302 to target+path.
func redirecting(t *testing.T, target func() string) *recorder {
	return newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		http.Redirect(w, r, target(), http.StatusFound)
	})
}

func TestRedirectToOtherOriginDropsAuthorization(t *testing.T) {
	dest := newRecorder(t, ok)
	destURL, err := url.Parse(dest.URL)
	require.NoError(t, err)

	cases := map[string]string{
		// Go itself strips Authorization when the host name changes...
		"other host name": "http://localhost:" + destURL.Port() + "/landing",
		// ...but not for another port on the same host, which is another
		// server all the same.
		"same host, other port": dest.URL + "/landing",
	}
	for name, target := range cases {
		t.Run(name, func(t *testing.T) {
			before := dest.count()
			src := redirecting(t, func() string { return target })
			tr := newTestTransport(t, src.URL)
			resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)

			require.Equal(t, "Bearer "+testToken, src.requests()[0].Header.Get("Authorization"))
			got := dest.requests()
			require.Len(t, got, before+1)
			landed := got[len(got)-1]
			assert.Empty(t, landed.Header.Get("Authorization"), "the token must not follow a redirect off origin")
			assert.Equal(t, "2.11", landed.Header.Get("Intercom-Version"), "other headers still follow")
		})
	}
}

func TestRedirectWithinOriginKeepsAuthorization(t *testing.T) {
	var base string
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, base+"/new", http.StatusMovedPermanently)
			return
		}
		ok(w, r, n)
	})
	base = rec.URL
	tr := newTestTransport(t, rec.URL)
	_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/old", "")
	require.NoError(t, err)
	seen := rec.requests()
	require.Len(t, seen, 2)
	assert.Equal(t, "/new", seen[1].Path)
	assert.Equal(t, "Bearer "+testToken, seen[1].Header.Get("Authorization"))
}

func TestRedirectBackToOriginStaysStripped(t *testing.T) {
	// origin -> other -> origin: once the chain has passed through another
	// server, the token is not restored for the rest of it.
	var otherURL string
	start := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 0 {
			http.Redirect(w, r, otherURL+"/hop", http.StatusFound)
			return
		}
		fmt.Fprintf(w, `{"auth":%q}`, r.Header.Get("Authorization"))
	})
	other := redirecting(t, func() string { return start.URL + "/back" })
	otherURL = other.URL

	tr := newTestTransport(t, start.URL)
	_, body, err := doRequest(t, tr, context.Background(), http.MethodGet, "/start", "")
	require.NoError(t, err)
	assert.JSONEq(t, `{"auth":""}`, body)
	assert.Equal(t, 2, start.count())
	require.Equal(t, 1, other.count())
	assert.Empty(t, other.requests()[0].Header.Get("Authorization"))
}

func TestCallerCheckRedirectStillApplies(t *testing.T) {
	dest := newRecorder(t, ok)
	src := redirecting(t, func() string { return dest.URL + "/x" })
	var called atomic.Int32
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		called.Add(1)
		return http.ErrUseLastResponse
	}}
	tr := newTestTransport(t, src.URL, WithHTTPClient(client))
	resp, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err, "ErrUseLastResponse must reach net/http unwrapped")
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, int32(1), called.Load())
	assert.Equal(t, 0, dest.count())
}

func TestTooManyRedirectsIsNotRetried(t *testing.T) {
	var base string
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Redirect(w, r, fmt.Sprintf("%s/loop/%d", base, n), http.StatusFound)
	})
	base = rec.URL
	sleeps := &sleepRecorder{}
	tr := newTestTransport(t, rec.URL, withSleep(sleeps.sleep))
	_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/loop", "")
	require.ErrorContains(t, err, "stopped after 10 redirects")
	assert.Equal(t, 10, rec.count(), "the original request and 9 redirects, as in net/http")
	assert.Empty(t, sleeps.recorded())
}

func TestTokenNeverInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/flaky":
			if n%2 == 0 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
		case "/echo":
			// A misbehaving proxy that reflects the request headers.
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html>upstream failed; Authorization: %s</html>", r.Header.Get("Authorization"))
			return
		case "/denied":
			w.Header().Set("Set-Cookie", "session=cookie-secret")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"type":"error.list","request_id":"r1","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}`)
			return
		}
		ok(w, r, n)
	})
	tr := newTestTransport(t, rec.URL, WithLogger(logger))

	var errs []error
	for _, path := range []string{"/flaky", "/echo", "/denied"} {
		resp, body, err := doRequest(t, tr, context.Background(), http.MethodGet, path, "")
		require.NoError(t, err)
		if cerr := CheckResponse(resp, []byte(body)); cerr != nil {
			errs = append(errs, cerr)
		}
	}
	require.Len(t, errs, 2)
	assert.True(t, IsUnauthorized(errs[1]))

	// A network failure, with the default client's error text.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	trDown := newTestTransport(t, closed, WithLogger(logger), WithMaxRetries(1))
	_, _, err = doRequest(t, trDown, context.Background(), http.MethodGet, "/me", "")
	require.Error(t, err)
	errs = append(errs, err)

	// A token source failure.
	trBad := newTestTransport(t, rec.URL, WithTokenSource(TokenSourceFunc(func(context.Context) (string, error) {
		return testToken + "\x00", nil
	})))
	_, _, err = doRequest(t, trBad, context.Background(), http.MethodGet, "/me", "")
	require.Error(t, err)
	errs = append(errs, err)

	for _, e := range errs {
		assert.NotContains(t, e.Error(), testToken)
		assert.NotContains(t, fmt.Sprintf("%+v", e), testToken)
	}
	assert.Contains(t, errs[0].Error(), "Bearer [REDACTED]", "a reflected header is redacted in the error text")

	out := logs.String()
	assert.NotContains(t, out, testToken)
	assert.NotContains(t, out, "cookie-secret")
	assert.Contains(t, out, `"Authorization":"Bearer [REDACTED]"`)
	assert.Contains(t, out, `"Intercom-Version":"2.11"`)
	assert.Contains(t, out, `"status":503`)
	assert.Contains(t, out, `"msg":"intercom: retrying request"`)
	assert.Contains(t, out, `"msg":"intercom: request failed"`)
	assert.Contains(t, out, `"status":401`)

	// Logging the transport itself is safe too.
	logs.Reset()
	logger.Info("client", "transport", tr)
	assert.NotContains(t, logs.String(), testToken)
	assert.Contains(t, logs.String(), `"api_version":"2.11"`)
}

func TestLoggingOffByDefaultAndAtInfo(t *testing.T) {
	var logs bytes.Buffer
	rec := newRecorder(t, ok)
	info := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	tr := newTestTransport(t, rec.URL, WithLogger(info))
	_, _, err := doRequest(t, tr, context.Background(), http.MethodGet, "/me", "")
	require.NoError(t, err)
	assert.Empty(t, logs.String(), "request logging is debug level")
}

func TestRedactValue(t *testing.T) {
	assert.Equal(t, "Bearer [REDACTED]", redactValue("Bearer abc"))
	assert.Equal(t, "Basic [REDACTED]", redactValue("Basic dXNlcjpwYXNz"))
	assert.Equal(t, "[REDACTED]", redactValue("rawtoken"))
	assert.Equal(t, "[REDACTED]", redactValue("session=abc; Path=/"))
}

func TestHTTPToPlainHostIsRefusedEvenViaRegionOverride(t *testing.T) {
	// The token would travel in clear text to a non-loopback host.
	_, err := NewTransport(testVersion, WithToken(testToken), WithRegion(RegionEU), WithBaseURL("http://api.eu.intercom.io"))
	require.ErrorContains(t, err, "plain http")
	assert.False(t, isLoopback("127.0.0.1.example.com"))
	assert.True(t, isLoopback("127.255.255.254"))
	assert.True(t, isLoopback("::1"))
	assert.False(t, isLoopback("::2"))
	assert.False(t, isLoopback(strings.ToUpper("example.com")))
}

func TestDefaultHTTPClientUnaffected(t *testing.T) {
	// Building transports must not touch the process-wide defaults.
	_ = newTestTransport(t, "http://127.0.0.1:1")
	assert.Nil(t, http.DefaultClient.CheckRedirect)
	ht, ok := http.DefaultTransport.(*http.Transport)
	require.True(t, ok)
	assert.NotEqual(t, 16, ht.MaxIdleConnsPerHost)
}
