package intercom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Operation names one typed operation of a version package, for errors,
// logs and mismatch reports. The generated methods pass it to Call.
type Operation struct {
	// Name is the Go method name, "ShowContact".
	Name string
	// ID is the operationId as the spec spells it, "ShowContact".
	ID string
	// Method is the HTTP method, "GET".
	Method string
	// Path is the path template, "/contacts/{id}".
	Path string
}

// RequestOption configures a single call of a typed method or iterator.
// Per-call options are applied after the client's options (NewClient) and
// override them for that call only; request editors given through
// WithRequestEditor run after the SDK has built the request and after
// WithHeader, so an editor has the last word on the request, while the
// Transport adds its own headers (Authorization, Intercom-Version,
// User-Agent) when sending and so always overrides an editor on those.
type RequestOption func(*callSettings)

// callSettings is the resolved set of per-call options.
type callSettings struct {
	timeout     *time.Duration
	maxRetries  *int
	idempotency *Idempotency
	header      http.Header
	editors     []func(context.Context, *http.Request) error
	response    *Response
	mismatches  *[]Mismatch
	errs        []error
}

// WithCallTimeout bounds this call, retries and waits included, instead of
// the client's WithTimeout. 0 removes the bound for this call; the
// context's own deadline always applies.
func WithCallTimeout(d time.Duration) RequestOption {
	return func(s *callSettings) {
		if d < 0 {
			s.errs = append(s.errs, fmt.Errorf("intercom: WithCallTimeout: negative timeout %v", d))
			return
		}
		s.timeout = &d
	}
}

// WithCallRetries sets how many times this call may be retried, instead
// of the client's WithMaxRetries; 0 disables retries for the call.
func WithCallRetries(n int) RequestOption {
	return func(s *callSettings) {
		if n < 0 {
			s.errs = append(s.errs, fmt.Errorf("intercom: WithCallRetries: negative retry count %d", n))
			return
		}
		s.maxRetries = &n
	}
}

// WithCallIdempotency says whether this call may be repeated after an
// unclear outcome (a 5xx status or a network error after sending), as
// WithIdempotency does for a context. Idempotent lets a POST that only
// reads be retried; NotIdempotent forbids repeating even a GET.
func WithCallIdempotency(i Idempotency) RequestOption {
	return func(s *callSettings) { s.idempotency = &i }
}

// WithHeader adds a header to this call's request. The headers the SDK
// manages (Authorization, Intercom-Version, User-Agent) cannot be changed
// this way: the Transport sets them when sending.
func WithHeader(name, value string) RequestOption {
	return func(s *callSettings) {
		if name == "" || !validHeaderValue(name) || !validHeaderValue(value) {
			s.errs = append(s.errs, fmt.Errorf("intercom: WithHeader: invalid header %q", sanitize(name, 100)))
			return
		}
		if s.header == nil {
			s.header = http.Header{}
		}
		s.header.Add(name, value)
	}
}

// WithRequestEditor runs fn on this call's request before it is sent, after
// the SDK has built it and added WithHeader's headers. fn has the
// signature of the version packages' RequestEditorFn. An error from fn
// ends the call before anything is sent.
func WithRequestEditor(fn func(context.Context, *http.Request) error) RequestOption {
	return func(s *callSettings) {
		if fn != nil {
			s.editors = append(s.editors, fn)
		}
	}
}

// Response is what WithResponse captures of a call: the final HTTP response
// (its Body already read and closed) and the bytes of its body. For a
// stream (a non-JSON success body) Body is nil: the caller reads the stream.
type Response struct {
	*http.Response
	// Body is the response body as received, bounded by WithMaxResponseBytes.
	Body []byte
}

// WithResponse stores the raw response of this call in dst, whether the call
// succeeds or ends with an *Error, so that anything the typed result does
// not model (headers, unknown fields) can still be read without a second
// request. For an iterator, dst holds the latest page's response.
func WithResponse(dst *Response) RequestOption {
	return func(s *callSettings) { s.response = dst }
}

// WithMismatches appends to dst every place where this call's success body
// disagreed with the typed result (see Mismatch). For an iterator, the
// mismatches of every page are appended.
func WithMismatches(dst *[]Mismatch) RequestOption {
	return func(s *callSettings) { s.mismatches = dst }
}

type callKey struct{}

// callOverrides reads the per-call overrides of the Transport's settings
// from a request context.
func callOverrides(ctx context.Context) *callSettings {
	s, _ := ctx.Value(callKey{}).(*callSettings)
	return s
}

func resolve(opts []RequestOption) (*callSettings, error) {
	s := &callSettings{}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	return s, errors.Join(s.errs...)
}

// prepareCall applies the per-call options to req and returns the request to
// send, carrying the overrides in its context.
func prepareCall(ctx context.Context, req *http.Request, s *callSettings) (*http.Request, error) {
	if s.timeout != nil || s.maxRetries != nil || s.idempotency != nil {
		ctx = context.WithValue(ctx, callKey{}, s)
	}
	if s.idempotency != nil {
		ctx = WithIdempotency(ctx, *s.idempotency)
	}
	req = req.WithContext(ctx)
	for k, vs := range s.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	for _, ed := range s.editors {
		if err := ed(ctx, req); err != nil {
			return nil, fmt.Errorf("intercom: request editor: %w", err)
		}
	}
	return req, nil
}

// Call sends req, built by a version package for operation op, and decodes
// a 2xx JSON body into out (a pointer; nil when the operation has no body).
// Status comes first: any answer outside 2xx is an *Error, whatever its body
// (empty, HTML, an unexpected request id). The success body is then decoded
// tolerantly (see Decode); only a body that is not JSON at all is an error.
// The generated typed methods call it; it is exported for them, not meant
// to be called directly.
func (t *Transport) Call(ctx context.Context, op Operation, req *http.Request, out any, opts []RequestOption) error {
	s, err := resolve(opts)
	if err != nil {
		return err
	}
	resp, body, err := t.roundTrip(ctx, op, req, s)
	if err != nil {
		return err
	}
	if out == nil || len(body) == 0 && resp.StatusCode == http.StatusNoContent {
		return nil
	}
	ms, err := Decode(op.Name, body, out)
	t.reportMismatches(ctx, op, ms)
	if s.mismatches != nil {
		*s.mismatches = append(*s.mismatches, ms...)
	}
	if err != nil {
		return fmt.Errorf("intercom: %s %s answered %d: %w", op.Method, op.Path, resp.StatusCode, err)
	}
	return nil
}

// CallStream sends req like Call, for an operation whose success body is
// not JSON, and returns the body for the caller to read and close. It is
// not bounded by WithMaxResponseBytes. An answer outside 2xx is an *Error.
func (t *Transport) CallStream(ctx context.Context, op Operation, req *http.Request, accept string, opts []RequestOption) (io.ReadCloser, error) {
	s, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	if accept != "" && req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := t.sendCall(ctx, op, req, s)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if s.response != nil {
			*s.response = Response{Response: resp}
		}
		return resp.Body, nil
	}
	_, err = finish(resp, op, s)
	return nil, err
}

// roundTrip sends the request, reads its body (bounded) and checks its status.
func (t *Transport) roundTrip(ctx context.Context, op Operation, req *http.Request, s *callSettings) (*http.Response, []byte, error) {
	resp, err := t.sendCall(ctx, op, req, s)
	if err != nil {
		return nil, nil, err
	}
	body, err := finish(resp, op, s)
	if err != nil {
		return nil, nil, err
	}
	return resp, body, nil
}

// sendCall applies the per-call options to req and sends it for op.
func (t *Transport) sendCall(ctx context.Context, op Operation, req *http.Request, s *callSettings) (*http.Response, error) {
	req, err := prepareCall(WithOperation(ctx, op), req, s)
	if err != nil {
		return nil, err
	}
	return t.Do(req)
}

// finish reads and closes resp's body (bounded), keeps it for WithResponse,
// and checks the status before anything else: an answer outside 2xx is an
// *Error even when its body could not be read whole, since the status says
// more than a cut body would.
func finish(resp *http.Response, op Operation, s *callSettings) ([]byte, error) {
	body, rerr := ReadResponseBody(resp)
	_ = resp.Body.Close()
	if s.response != nil {
		*s.response = Response{Response: resp, Body: body}
	}
	if err := CheckResponse(resp, body); err != nil {
		return nil, withOperation(err, op)
	}
	if rerr != nil {
		return nil, fmt.Errorf("intercom: %s %s: %w", op.Method, op.Path, rerr)
	}
	return body, nil
}

func withOperation(err error, op Operation) error {
	if e, ok := err.(*Error); ok {
		e.Operation, e.Method, e.Path = op.Name, op.Method, op.Path
	}
	return err
}
