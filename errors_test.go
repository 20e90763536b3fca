package intercom

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func response(code int, header map[string]string) *http.Response {
	h := http.Header{}
	for k, v := range header {
		h.Set(k, v)
	}
	return &http.Response{StatusCode: code, Status: fmt.Sprintf("%d %s", code, http.StatusText(code)), Header: h}
}

func TestCheckResponseSuccess(t *testing.T) {
	for _, code := range []int{200, 201, 202, 204, 299} {
		assert.NoError(t, CheckResponse(response(code, nil), nil), code)
	}
	assert.Error(t, CheckResponse(nil, nil))
	for _, code := range []int{100, 199, 300, 304, 400, 500} {
		assert.Error(t, CheckResponse(response(code, nil), nil), code)
	}
}

func TestCheckResponseIntercomErrorList(t *testing.T) {
	body := []byte(`{"type":"error.list","request_id":"abc","errors":[{"code":"not_found","message":"User Not Found"}]}`)
	resp := response(404, map[string]string{
		"X-RateLimit-Limit": "166", "X-RateLimit-Remaining": "100", "X-RateLimit-Reset": "1740830410",
		"X-Request-Id": "header-id",
	})
	err := CheckResponse(resp, body)
	require.Error(t, err)

	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "intercom: 404 Not Found: not_found: User Not Found (request_id abc)", e.Error())
	assert.Equal(t, 404, e.StatusCode)
	assert.Equal(t, "abc", e.RequestID, "the body's request id wins over the header")
	assert.Equal(t, "error.list", e.Type)
	assert.Equal(t, []ErrorDetail{{Code: "not_found", Message: "User Not Found"}}, e.Errors)
	assert.Equal(t, RateLimit{Limit: 166, Remaining: 100, Reset: time.Unix(1740830410, 0)}, e.RateLimit)
	assert.Equal(t, body, e.Body)
	assert.Equal(t, "header-id", e.Header.Get("X-Request-Id"))

	resp.Header.Set("X-Request-Id", "changed")
	assert.Equal(t, "header-id", e.Header.Get("X-Request-Id"), "the header is a copy")
}

func TestCheckResponseSeveralErrorsAndFields(t *testing.T) {
	body := []byte(`{"type":"error.list","request_id":null,"errors":[
		{"code":"parameter_invalid","message":"Email is invalid","field":"email"},
		{"code":"parameter_not_found","message":null},
		{"code":"","message":"Something else"}]}`)
	err := CheckResponse(response(422, map[string]string{"X-Request-Id": "hdr-7"}), body)
	assert.Equal(t, "intercom: 422 Unprocessable Entity: parameter_invalid: Email is invalid (field email); "+
		"parameter_not_found; Something else (request_id hdr-7)", err.Error())
}

func TestCheckResponseGatewayShapes(t *testing.T) {
	err := CheckResponse(response(403, nil), []byte(`{"message":"Forbidden"}`))
	assert.Equal(t, "intercom: 403 Forbidden: Forbidden", err.Error())
	assert.True(t, IsForbidden(err))

	err = CheckResponse(response(401, nil), []byte(`{"error":"invalid_token"}`))
	assert.Equal(t, "intercom: 401 Unauthorized: invalid_token", err.Error())
}

func TestCheckResponseNonJSONBody(t *testing.T) {
	html := "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n" + strings.Repeat("<p>upstream error</p>\n", 100) + "</body></html>"
	err := CheckResponse(response(502, nil), []byte(html))
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "intercom: 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title>"), msg)
	assert.True(t, strings.HasSuffix(msg, "…"), "a cut excerpt is marked")
	assert.NotContains(t, msg, "\n")
	excerptPart := strings.TrimPrefix(msg, "intercom: 502 Bad Gateway: ")
	assert.LessOrEqual(t, len(excerptPart), excerptLen+len("…"))

	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, []byte(html), e.Body, "the raw body is kept whole")
	assert.Empty(t, e.Type)
}

func TestCheckResponseMalformedBodies(t *testing.T) {
	cases := map[string]struct {
		body []byte
		want string
	}{
		"empty":          {nil, "intercom: 500 Internal Server Error"},
		"whitespace":     {[]byte(" \n\t "), "intercom: 500 Internal Server Error"},
		"truncated json": {[]byte(`{"type":"error.list","errors":[{"code":"x"`), `intercom: 500 Internal Server Error: {"type":"error.list","errors":[{"code":"x"`},
		"control chars":  {[]byte("bad\x00\x1b[31mred\x07\r\nnext"), "intercom: 500 Internal Server Error: bad [31mred next"},
		"invalid utf8":   {[]byte("caf\xc3 \xff\xfeok"), "intercom: 500 Internal Server Error: caf ok"},
		"json array":     {[]byte(`["x"]`), `intercom: 500 Internal Server Error: ["x"]`},
		"json no errors": {[]byte(`{"type":"error.list"}`), `intercom: 500 Internal Server Error: {"type":"error.list"}`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := CheckResponse(response(500, nil), tc.body)
			assert.Equal(t, tc.want, err.Error())
			assert.True(t, utf8.ValidString(err.Error()))
		})
	}
}

func TestCheckResponseUnknownStatus(t *testing.T) {
	err := CheckResponse(response(599, nil), []byte("weird"))
	assert.Equal(t, "intercom: 599: weird", err.Error())
}

func TestErrorTextHidesBearerTokens(t *testing.T) {
	body := []byte(`{"type":"error.list","errors":[{"code":"bad","message":"got header Authorization: Bearer sk_live_123 from you"}]}`)
	err := CheckResponse(response(400, nil), body)
	assert.NotContains(t, err.Error(), "sk_live_123")
	assert.Contains(t, err.Error(), "Bearer [REDACTED]")
}

func TestExcerptIsBoundedAndCutOnRuneBoundary(t *testing.T) {
	long := strings.Repeat("é", 1000) // 2 bytes each
	ex := excerpt([]byte(long), excerptLen)
	assert.True(t, utf8.ValidString(ex))
	assert.True(t, strings.HasSuffix(ex, "…"))
	assert.Equal(t, excerptLen, len(strings.TrimSuffix(ex, "…")))

	huge := strings.Repeat(" ", 5000) + "tail"
	assert.Equal(t, "…", excerpt([]byte(huge), excerptLen), "only a bounded prefix is examined, and the cut is marked")
	assert.Equal(t, "short", excerpt([]byte("short"), excerptLen))
}

func TestStatusHelpers(t *testing.T) {
	mk := func(code int) error {
		return fmt.Errorf("get contact: %w", CheckResponse(response(code, nil), nil))
	}
	assert.True(t, IsNotFound(mk(404)))
	assert.True(t, IsUnauthorized(mk(401)))
	assert.True(t, IsForbidden(mk(403)))
	assert.True(t, IsConflict(mk(409)))
	assert.True(t, IsRateLimited(mk(429)))

	assert.False(t, IsNotFound(mk(401)))
	assert.False(t, IsRateLimited(mk(503)))
	assert.False(t, IsNotFound(nil))
	assert.False(t, IsNotFound(errors.New("404 not found")), "only an *Error counts")
	assert.False(t, IsConflict(io.EOF))

	e, ok := AsError(mk(409))
	require.True(t, ok)
	assert.Equal(t, 409, e.StatusCode)
	_, ok = AsError(io.EOF)
	assert.False(t, ok)
}
