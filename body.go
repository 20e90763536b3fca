package intercom

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// DefaultMaxResponseBytes is the largest response body, after
// decompression, that the SDK reads into memory unless WithMaxResponseBytes
// says otherwise: 64 MiB, hundreds of times the largest pages Intercom
// serves (a page of 150 contacts is well under 1 MiB), yet small enough
// that a runaway or hostile body cannot exhaust memory.
const DefaultMaxResponseBytes int64 = 64 << 20

// ErrResponseTooLarge is wrapped by the error returned when a response body
// is larger than the limit set with WithMaxResponseBytes. Test for it with
// errors.Is.
var ErrResponseTooLarge = errors.New("intercom: response body too large")

// WithMaxResponseBytes sets the largest response body, counted after
// decompression, that the SDK reads into memory: the body of every typed
// call and page, success or error. A larger body fails the call with an
// error wrapping ErrResponseTooLarge that names the limit, and is not read
// further. n must be positive; the default is DefaultMaxResponseBytes.
// Bodies handed to the caller as a stream (an *http.Response from the raw
// client or Transport.Do that the caller reads itself) are not limited.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) {
		if n <= 0 {
			c.fail("WithMaxResponseBytes: non-positive limit %d", n)
			return
		}
		c.maxResponseBytes = n
	}
}

// responseBody is the body of every response a Transport returns. It
// remembers the request it answers, so that a failed read (a timeout in the
// middle of the body) says which operation and URL it was, and the size
// limit ReadResponseBody applies; it releases the call's timeout context,
// if any, when closed.
type responseBody struct {
	io.ReadCloser
	cancel context.CancelFunc // nil when the call added no timeout
	limit  int64
	req    *http.Request // the request sent last, for describing it
}

// Read reads from the body, saying which request a failure belongs to.
func (b *responseBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("intercom: reading the response to %s: %w", b.what(), err)
	}
	return n, err
}

// what describes the request the body answers.
func (b *responseBody) what() string { return describeRequest(b.req, bearerToken(b.req.Header)) }

// Close closes the body, then releases the call's context.
func (b *responseBody) Close() error {
	err := b.ReadCloser.Close()
	if b.cancel != nil {
		b.cancel()
	}
	return err
}

// describeRequest names a request for errors: the operation, when the
// context carries one, then the method and URL. The URL is redacted of
// user information and of the token, should a caller have put it in the
// query.
func describeRequest(req *http.Request, token string) string {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	what := method + " " + redactSecrets(req.URL.Redacted(), secretForms(token))
	if op, ok := OperationOf(req.Context()); ok && op.Name != "" {
		what = op.Name + " (" + what + ")"
	}
	return what
}

// ReadResponseBody reads a response body into memory, up to the limit of
// the Transport that returned resp (DefaultMaxResponseBytes for a response
// from elsewhere). The size is counted after decompression: Go's transport
// decompresses gzip itself when it asked for it, and a gzip body the caller
// asked for explicitly (Accept-Encoding: gzip) is decompressed here, so a
// small compressed body cannot inflate past the limit. A body over the
// limit is not read further and the error wraps ErrResponseTooLarge. The
// caller still closes resp.Body.
func ReadResponseBody(resp *http.Response) ([]byte, error) {
	if resp == nil || resp.Body == nil {
		return nil, nil
	}
	limit, what := DefaultMaxResponseBytes, "the response"
	if b, ok := resp.Body.(*responseBody); ok {
		limit, what = b.limit, "the response to "+b.what()
	}
	var r io.Reader = resp.Body
	gz := !resp.Uncompressed && strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip")
	if gz {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("intercom: decompressing %s: %w", what, err)
		}
		r = zr
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		if gz && !strings.HasPrefix(err.Error(), "intercom:") {
			err = fmt.Errorf("intercom: decompressing %s: %w", what, err)
		}
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes (%s), counted after decompression; raise the limit with intercom.WithMaxResponseBytes if such bodies are expected",
			ErrResponseTooLarge, what, limit, byteSize(limit))
	}
	if gz {
		// As Go's transport does when it decompresses.
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.Uncompressed = true
	}
	return data, nil
}

// byteSize renders n in the largest binary unit that divides it, "64 MiB".
func byteSize(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d B", n)
}
