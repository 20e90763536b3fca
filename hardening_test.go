package intercom

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckPathSegment(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "%2e", "%2E%2e", ".%2E", "a/b", "a?b", "a#b"} {
		err := CheckPathSegment("contact_id", bad)
		require.Error(t, err, "%q", bad)
		assert.ErrorIs(t, err, ErrInvalidPathParam)
		assert.Contains(t, err.Error(), `"contact_id"`)
	}
	for _, good := range []string{"co_1", "6762f0a01bb69f9f2193bb7c", "...", ".a", "a.", "%2F", "002d37gmte7nhkf9o4eg", "%252e"} {
		assert.NoError(t, CheckPathSegment("id", good), "%q", good)
	}
}

func TestMatchTemplate(t *testing.T) {
	const tpl = "/contacts/{contact_id}/companies/{id}"
	assert.True(t, matchTemplate(tpl, "/contacts/c1/companies/co_1"))
	assert.True(t, matchTemplate("/download/{id}.csv", "/download/x.csv"))
	for _, p := range []string{"/companies/co_1", "/contacts/c1/companies", "/contacts//companies/co_1",
		"/contacts/../companies/co_1", "/contacts/c1/tags/co_1", "/", "/download/.csv"} {
		tp := tpl
		if strings.HasPrefix(p, "/download") {
			tp = "/download/{id}.csv"
		}
		assert.False(t, matchTemplate(tp, p), p)
	}
}

// TestTransportChecksPathAgainstOperation: whatever built the request (a
// request editor, a hand-made request), a request for a known operation
// whose path does not match its template is refused before sending.
func TestTransportChecksPathAgainstOperation(t *testing.T) {
	rec := newRecorder(t, ok)
	for _, base := range []string{rec.URL, rec.URL + "/proxy/"} {
		tr := newTestTransport(t, base)
		ctx := WithOperation(context.Background(), Operation{Name: "DetachContactFromACompany", Path: "/contacts/{contact_id}/companies/{id}"})
		before := rec.count()
		for _, path := range []string{"/companies/co_1", "/", "/contacts/c1/companies/", "/contacts/c1/companies/co_1/extra"} {
			_, _, err := doRequest(t, tr, ctx, http.MethodDelete, path, "")
			require.Error(t, err, path)
			assert.ErrorIs(t, err, ErrInvalidPathParam)
			assert.Contains(t, err.Error(), "DetachContactFromACompany")
		}
		assert.Equal(t, before, rec.count(), "nothing was sent")
		_, _, err := doRequest(t, tr, ctx, http.MethodDelete, "/contacts/c1/companies/co_1", "")
		require.NoError(t, err)
		assert.Equal(t, before+1, rec.count())
	}
}

func TestReadResponseBodyLimit(t *testing.T) {
	body := strings.Repeat("x", 4096)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(bytes.Repeat([]byte{'0'}, 8<<20)) // 8 MiB that compress to about 8 KiB
	require.NoError(t, zw.Close())
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch r.URL.Path {
		case "/bomb":
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(zipped.Bytes())
		case "/endless":
			chunk := bytes.Repeat([]byte("y"), 32<<10)
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		default:
			_, _ = io.WriteString(w, body)
		}
	})
	tr := newTestTransport(t, rec.URL, WithMaxResponseBytes(1024))
	read := func(path string, header http.Header) ([]byte, error) {
		req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+path, nil)
		require.NoError(t, err)
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := tr.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		return ReadResponseBody(resp)
	}
	for _, tc := range []struct {
		path   string
		header http.Header
	}{
		{"/plain", nil},
		{"/bomb", nil}, // Go's transport asked for gzip and inflates it
		{"/bomb", http.Header{"Accept-Encoding": {"gzip"}}}, // the caller asked; ReadResponseBody inflates it
		{"/endless", nil},
	} {
		b, err := read(tc.path, tc.header)
		require.Error(t, err, tc.path)
		assert.Nil(t, b)
		assert.ErrorIs(t, err, ErrResponseTooLarge)
		assert.Contains(t, err.Error(), "1024 bytes (1 KiB)")
		assert.Contains(t, err.Error(), "intercom.WithMaxResponseBytes")
		assert.Contains(t, err.Error(), "GET "+rec.URL+tc.path)
	}

	// Within the limit, a gzip body the caller asked for comes back inflated.
	tr = newTestTransport(t, rec.URL, WithMaxResponseBytes(16<<20))
	b, err := read("/bomb", http.Header{"Accept-Encoding": {"gzip"}})
	require.NoError(t, err)
	assert.Len(t, b, 8<<20)

	// The default limit applies to a response from elsewhere.
	resp := &http.Response{Body: io.NopCloser(io.LimitReader(neverEnding('z'), DefaultMaxResponseBytes+10)), Header: http.Header{}}
	_, err = ReadResponseBody(resp)
	assert.ErrorIs(t, err, ErrResponseTooLarge)
	assert.Contains(t, err.Error(), "64 MiB")

	_, err = NewTransport(testVersion, WithToken("t"), WithMaxResponseBytes(0))
	assert.ErrorContains(t, err, "WithMaxResponseBytes")
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// TestBodyReadTimeoutNamesTheRequest: a body that stalls until the call's
// context ends fails with an error naming the operation and URL, never the
// token, and keeping context.DeadlineExceeded in its chain.
func TestBodyReadTimeoutNamesTheRequest(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"partial":`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	tr := newTestTransport(t, srv.URL)
	ctx, cancel := context.WithCancel(WithOperation(context.Background(), Operation{Name: "ListContacts", Path: "/contacts"}))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tr.BaseURL()+"/contacts?access_token="+testToken, nil)
	require.NoError(t, err)
	resp, err := tr.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	n, err := resp.Body.Read(make([]byte, 4)) // the first bytes arrived
	require.NoError(t, err)
	require.Positive(t, n)
	cancel() // as a deadline would, in the middle of the body
	_, err = ReadResponseBody(resp)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "ListContacts (GET "+srv.URL+"/contacts?access_token=[REDACTED])")
	assert.NotContains(t, err.Error(), testToken)
}

// echoToken is a token long enough to look real, and short forms to check
// that redaction finds the token itself, not the word before it.
const echoToken = "dG9rOjE2YzA3ZmQ1XzEyMzQ1Njc4OTA="

func TestTokenEchoesAreRedacted(t *testing.T) {
	for _, token := range []string{echoToken, "tok_9f"} {
		t.Run(token, func(t *testing.T) {
			echo := func(w http.ResponseWriter, r *http.Request, _ int) {
				tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				w.Header().Set("X-Echo", "Bearer:"+tok)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"type":"error.list","request_id":"002d37gmte7nhkf9o4eg","errors":[{"code":"unauthorized","message":"the bearer token is not one we know: Bearer:%s, Bearer+%s, %s (token)"}]}`, tok, tok, tok)
			}
			rec := newRecorder(t, echo)
			var logs bytes.Buffer
			tr := newTestTransport(t, rec.URL, WithToken(token), WithMaxRetries(0),
				WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			req, err := http.NewRequest(http.MethodGet, tr.BaseURL()+"/me", nil)
			require.NoError(t, err)
			resp, err := tr.Do(req)
			require.NoError(t, err)
			body, err := ReadResponseBody(resp)
			require.NoError(t, err)
			_ = resp.Body.Close()
			err = CheckResponse(resp, body)
			var e *Error
			require.True(t, errors.As(err, &e))

			for verb, text := range map[string]string{
				"Error": err.Error(), "%v": fmt.Sprintf("%v", err), "%+v": fmt.Sprintf("%+v", err),
				"%#v": fmt.Sprintf("%#v", err), "%s": fmt.Sprintf("%s", err), "log": logs.String(),
			} {
				assert.NotContains(t, text, token, verb)
			}
			assert.Equal(t, "intercom: 401 Unauthorized: unauthorized: the bearer token is not one we know: Bearer:[REDACTED], Bearer+[REDACTED], [REDACTED] (token) (request_id 002d37gmte7nhkf9o4eg)", err.Error(),
				"the text around the token is kept")
			assert.Contains(t, fmt.Sprintf("%#v", err), `"X-Echo":[]string{"Bearer:[REDACTED]"}`)
			assert.Contains(t, logs.String(), "X-Echo=Bearer:[REDACTED]")
			assert.Contains(t, string(e.Body), token, "the raw body stays available")
			assert.Contains(t, e.Header.Get("X-Echo"), token, "the raw header stays available")
		})
	}
}

func TestRedactBearerLeavesProse(t *testing.T) {
	assert.Equal(t, "the bearer token is not valid", redactBearer("the bearer token is not valid"))
	assert.Equal(t, "Authorization: Bearer [REDACTED] sent", redactBearer("Authorization: Bearer sk_live_123 sent"))
	assert.Equal(t, "bearer:[REDACTED]", redactBearer("bearer:"+echoToken))
}

// TestResponseBodyErrorsKeepTheChain: a failed body read still unwraps to
// the context error.
func TestResponseBodyErrorsKeepTheChain(t *testing.T) {
	b := &responseBody{ReadCloser: io.NopCloser(errReader{context.DeadlineExceeded}), limit: 10,
		req: httptest.NewRequest(http.MethodGet, "https://api.intercom.io/contacts", nil)}
	_, err := b.Read(make([]byte, 1))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "reading the response to GET https://api.intercom.io/contacts")
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
