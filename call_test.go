package intercom

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testOp = Operation{Name: "ShowContact", ID: "ShowContact", Method: "GET", Path: "/contacts/{id}"}

type contactBody struct {
	Raw
	ID string `json:"id"`
}

func newCall(t *testing.T, tr *Transport, method string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, tr.BaseURL()+"/contacts/c1", nil)
	require.NoError(t, err)
	return req
}

func TestCallOptionsOverrideTheClient(t *testing.T) {
	rec := newRecorder(t, statuses(500, 500))
	tr := newTestTransport(t, rec.URL, WithMaxRetries(0))
	var out contactBody
	var resp Response
	editor := func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-Edited", r.Header.Get("X-Extra")+"!")
		return nil
	}
	err := tr.Call(context.Background(), testOp, newCall(t, tr, "GET"), &out, []RequestOption{
		WithCallRetries(2), WithHeader("X-Extra", "yes"), WithRequestEditor(editor), WithResponse(&resp),
	})
	require.NoError(t, err)
	assert.Equal(t, "c1", out.ID)
	assert.Equal(t, 3, rec.count(), "the call's retries win over the client's 0")
	seen := rec.requests()[2]
	assert.Equal(t, "yes", seen.Header.Get("X-Extra"))
	assert.Equal(t, "yes!", seen.Header.Get("X-Edited"), "editors run after WithHeader")
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"type":"contact","id":"c1"}`, string(resp.Body))
	assert.Equal(t, resp.Body, []byte(out.RawJSON()))
}

func TestCallIdempotencyAllowsRetryingAPost(t *testing.T) {
	rec := newRecorder(t, statuses(503))
	tr := newTestTransport(t, rec.URL)
	err := tr.Call(context.Background(), testOp, newCall(t, tr, "POST"), nil, nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr, "a POST is not repeated by default")
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.True(t, IsServerError(err))

	rec = newRecorder(t, statuses(503))
	tr = newTestTransport(t, rec.URL)
	require.NoError(t, tr.Call(context.Background(), testOp, newCall(t, tr, "POST"), nil, []RequestOption{WithCallIdempotency(Idempotent)}))
	assert.Equal(t, 2, rec.count())
}

func TestCallTimeout(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	})
	tr := newTestTransport(t, rec.URL, WithMaxRetries(0))
	err := tr.Call(context.Background(), testOp, newCall(t, tr, "GET"), nil, []RequestOption{WithCallTimeout(time.Millisecond)})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestCallErrorNamesTheOperation(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"type":"error.list","request_id":"002d37gmte7nhkf9o4eg","errors":[{"code":"parameter_invalid","message":"Bad"}]}`)
	})
	tr := newTestTransport(t, rec.URL, WithMaxRetries(0))
	var resp Response
	err := tr.Call(context.Background(), testOp, newCall(t, tr, "GET"), &contactBody{}, []RequestOption{WithResponse(&resp)})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, IsBadRequest(err))
	assert.Equal(t, 3*time.Second, apiErr.RetryAfter)
	assert.Equal(t, "intercom: 400 Bad Request: parameter_invalid: Bad (ShowContact GET /contacts/{id}, request_id 002d37gmte7nhkf9o4eg)", err.Error())
	assert.NotContains(t, err.Error(), "\n")
	assert.Equal(t, 400, resp.StatusCode, "the raw response is captured for errors too")
}

func TestCallRejectsBadOptions(t *testing.T) {
	tr := newTestTransport(t, "http://127.0.0.1:1")
	err := tr.Call(context.Background(), testOp, newCall(t, tr, "GET"), nil, []RequestOption{WithCallRetries(-1), WithHeader("X", "a\nb")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WithCallRetries")
	assert.Contains(t, err.Error(), "WithHeader")
	editorErr := errors.New("no")
	err = tr.Call(context.Background(), testOp, newCall(t, tr, "GET"), nil, []RequestOption{WithRequestEditor(func(context.Context, *http.Request) error { return editorErr })})
	require.ErrorIs(t, err, editorErr)
}

func TestCallStream(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		_, _ = io.WriteString(w, strings.Repeat("x", 1000))
	})
	tr := newTestTransport(t, rec.URL)
	body, err := tr.CallStream(context.Background(), testOp, newCall(t, tr, "GET"), "application/octet-stream", nil)
	require.NoError(t, err)
	b, err := io.ReadAll(body)
	require.NoError(t, err)
	require.NoError(t, body.Close())
	assert.Len(t, b, 1000)
	assert.Equal(t, "application/octet-stream", rec.requests()[0].Header.Get("Accept"))
}

func TestCallStreamStatusWinsOverACutErrorBody(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("X-Request-Id", "002d37gmte7nhkf9o4eg")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, strings.Repeat("x", 100))
	})
	tr := newTestTransport(t, rec.URL, WithMaxResponseBytes(10))
	var resp Response
	body, err := tr.CallStream(context.Background(), testOp, newCall(t, tr, "GET"), "application/octet-stream", []RequestOption{WithResponse(&resp)})
	assert.Nil(t, body)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr, "a non-2xx answer is an *Error even when its body is over the limit")
	assert.True(t, IsNotFound(err))
	assert.Equal(t, "002d37gmte7nhkf9o4eg", apiErr.RequestID)
	assert.Equal(t, "ShowContact", apiErr.Operation)
	assert.Equal(t, 404, resp.StatusCode)
}

func TestMultipartBody(t *testing.T) {
	mb := &MultipartBody{
		Fields: []FormField{{Name: "title", Value: "Q3"}},
		Files:  []FormFile{{Field: "file", Filename: "a\"b.csv", ContentType: "text/csv", Content: strings.NewReader("id\n1\n")}},
	}
	ct, r, err := mb.Encode()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(ct, "multipart/form-data; boundary="))
	data, err := io.ReadAll(r)
	require.NoError(t, err)
	_, params, _ := strings.Cut(ct, "boundary=")
	mr := multipart.NewReader(bytes.NewReader(data), params)
	form, err := mr.ReadForm(1 << 20)
	require.NoError(t, err)
	assert.Equal(t, []string{"Q3"}, form.Value["title"])
	require.Len(t, form.File["file"], 1)
	assert.Equal(t, `a"b.csv`, form.File["file"][0].Filename)

	_, _, err = (&MultipartBody{Files: []FormFile{{Field: "f"}}}).Encode()
	require.ErrorContains(t, err, "no Content")
}
